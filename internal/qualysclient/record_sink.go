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
	free []*xmltree.Node
}

// reset readies the sink for the next page, or the next attempt at the
// same page, forgetting what an earlier attempt decoded.
func (s *recordSink) Reset() {
	s.recs, s.err = s.recs[:0], nil
	if s.recs == nil {
		s.recs = make([]Record, 0, s.size)
	}
}

// take reports whether n, just closed with stack as its ancestors (root
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
		r, err := decodeRecord(n, s.t)
		if err != nil {
			s.err, s.recs = err, nil
		} else {
			s.recs = append(s.recs, r)
			s.size = max(s.size, len(s.recs))
		}
	}
	s.recycle(n)
	return true
}

// recycle keeps n and its descendants for reuse. decodeRecord copies
// strings only, so nothing refers to them any more.
func (s *recordSink) recycle(n *xmltree.Node) {
	for _, k := range n.Kids {
		s.recycle(k)
	}
	*n = xmltree.Node{Kids: n.Kids[:0]}
	s.free = append(s.free, n)
}

func (s *recordSink) NewNode(name string) *xmltree.Node {
	if s == nil || len(s.free) == 0 {
		return &xmltree.Node{Name: name}
	}
	n := s.free[len(s.free)-1]
	s.free = s.free[:len(s.free)-1]
	n.Name = name
	return n
}
