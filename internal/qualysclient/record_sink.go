package qualysclient

import (
	"strings"

	"github.com/qsync/qsync/internal/qualysclient/xmltree"
)

// recordSink receives the records of a record list output while it is
// parsed, so that a page of 1,000 records never exists as one node tree:
// each AUTH_<TYPE> element that decodeRecordList would visit is decoded by
// decodeRecord as soon as it closes, and its nodes are reused for the next
// one. The rest of the document (RESPONSE, WARNING, any CODE) stays in the
// tree for the generic checks of (*Client).do.
type recordSink struct {
	t    RecordType
	recs []Record
	err  error // first decodeRecord error; later records are not decoded
	size int   // records of the largest page so far: the capacity to start a page with
	// nodes are the nodes NewNode handed out, in document order, and used how many of them the
	// document being parsed holds; those past used are free. A record's nodes are the last ones
	// handed out when it closes (it and its descendants, nothing else), so taking it frees them
	// by lowering used, and a new document frees them all. Compared with a free list that cleared
	// and pushed each node, this writes one pointer per node instead of six, which matters while
	// the garbage collector runs (write barriers: 8% of BenchmarkRecordListPage).
	nodes []*xmltree.Node
	used  int
	// borrowed says the records handed over are the caller's only until the next page: their slice,
	// maps and vault blocks are then reused (see ListRecordPages).
	borrowed bool
	scratch  decodeScratch
}

// Reset readies the sink for the next page, or the next attempt at the
// same page, forgetting what an earlier attempt decoded. The tree of the
// earlier document must no longer be in use: its nodes are reused; so are the
// records of the page before when they were only borrowed.
func (s *recordSink) Reset() {
	if s.borrowed {
		s.scratch.reuseAll(s.recs)
	}
	s.recs, s.err = s.recs[:0], nil
	if s.recs == nil {
		s.recs = make([]Record, 0, s.size)
	}
	s.used = 0
}

// Take reports whether n, just closed with stack as its ancestors (root
// first), is a record element of a list output, and if so decodes it.
func (s *recordSink) Take(stack []*xmltree.Node, n *xmltree.Node) bool {
	if len(stack) != 3 || !strings.HasPrefix(n.Name, "AUTH_") {
		return false
	}
	root, resp, list := stack[0], stack[1], stack[2]
	if !strings.HasPrefix(root.Name, "AUTH_") || !strings.HasSuffix(root.Name, "_LIST_OUTPUT") ||
		resp.Name != "RESPONSE" || root.Child("RESPONSE") != resp ||
		!strings.HasPrefix(list.Name, "AUTH_") || !strings.HasSuffix(list.Name, "_LIST") {
		return false
	}
	if s.err == nil {
		s.recs = append(s.recs, Record{})
		if err := decodeRecordInto(&s.recs[len(s.recs)-1], n, s.t, &s.scratch); err != nil {
			s.err, s.recs = err, nil
		} else {
			s.size = max(s.size, len(s.recs))
		}
	}
	s.free(n)
	return true
}

// free makes n and its descendants, the last nodes handed out, free for reuse. decodeRecord
// copies strings only, so nothing refers to them any more.
func (s *recordSink) free(n *xmltree.Node) {
	first := s.used - subtreeSize(n)
	if first >= 0 && s.nodes[first] == n { // else not the last ones: left to the garbage collector
		s.used = first
	}
}

// subtreeSize counts n and its descendants.
func subtreeSize(n *xmltree.Node) int {
	size := 1
	for _, k := range n.Kids {
		size += subtreeSize(k)
	}
	return size
}

// NewNode returns a node called name: a free one, emptied, or a new one.
func (s *recordSink) NewNode(name string) *xmltree.Node {
	if s == nil {
		return &xmltree.Node{Name: name}
	}
	if s.used == len(s.nodes) {
		s.nodes = append(s.nodes, &xmltree.Node{})
	}
	n := s.nodes[s.used]
	s.used++
	*n = xmltree.Node{Name: name, Kids: n.Kids[:0]}
	return n
}
