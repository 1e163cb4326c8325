package qualysemu

import "github.com/qsync/qsync/internal/qualysemu/faults"

// AddFault queues a fault.
func (s *Server) AddFault(f faults.Fault) { s.faults.Add(f) }

// Faults returns the queued faults that are not used up yet.
func (s *Server) Faults() []faults.Fault { return s.faults.List() }

// ClearFaults drops every queued fault.
func (s *Server) ClearFaults() { s.faults.Clear() }
