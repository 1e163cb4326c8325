package qualysemu

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/qsync/qsync/internal/qualysemu/faults"
)

// serveAdmin serves the /_emulator/ endpoints for out-of-process tests.
// They need no authentication, are not Qualys paths, and are not logged.
//
//	GET  /_emulator/health          {"status":"ok"}
//	GET  /_emulator/requests        the request log (JSON array of LoggedRequest)
//	POST /_emulator/requests/reset  empty the request log
//	GET  /_emulator/faults          the queued faults, one spec per line
//	POST /_emulator/faults          queue faults: one faults.Parse spec per line; blank lines and # comments skipped
//	POST /_emulator/faults/reset    drop every queued fault
//	POST /_emulator/limits/reset    start every rate-limit window afresh
//	GET  /_emulator/state           the state as JSON, secrets replaced by "********"
func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimSuffix(r.URL.Path, "/")
	method := func(m string) bool {
		if r.Method == m || (m == http.MethodGet && r.Method == http.MethodHead) {
			return true
		}
		w.Header().Set("Allow", m)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return false
	}
	switch path {
	case "/_emulator/health":
		if method(http.MethodGet) {
			writeJSON(w, map[string]string{"status": "ok"})
		}
	case "/_emulator/requests":
		if method(http.MethodGet) {
			writeJSON(w, s.Requests())
		}
	case "/_emulator/requests/reset":
		if method(http.MethodPost) {
			s.ResetRequests()
			writeJSON(w, map[string]string{"status": "ok"})
		}
	case "/_emulator/faults":
		switch r.Method {
		case http.MethodGet:
			var b strings.Builder
			for _, f := range s.Faults() {
				b.WriteString(f.String() + "\n")
			}
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			_, _ = w.Write([]byte(b.String()))
		case http.MethodPost:
			body, err := readAllLimited(r.Body)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			list, err := faults.ParseLines(body)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			for _, f := range list {
				s.AddFault(f)
			}
			writeJSON(w, map[string]int{"added": len(list)})
		default:
			w.Header().Set("Allow", "GET, POST")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		}
	case "/_emulator/faults/reset":
		if method(http.MethodPost) {
			s.ClearFaults()
			writeJSON(w, map[string]string{"status": "ok"})
		}
	case "/_emulator/limits/reset":
		if method(http.MethodPost) {
			s.lim.Reset()
			writeJSON(w, map[string]string{"status": "ok"})
		}
	case "/_emulator/state":
		if method(http.MethodGet) {
			writeJSON(w, maskState(s.Snapshot()))
		}
	default:
		http.NotFound(w, r)
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
