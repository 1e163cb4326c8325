package conformance

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
)

// Recorder is an http.RoundTripper that keeps the body of every answer, so that conformance reads
// the answers as Qualys wrote them (any element, any name) while the Qualys client does the calls.
type Recorder struct {
	// Next sends the requests; nil means http.DefaultTransport.
	Next http.RoundTripper

	mu      sync.Mutex
	answers []answer
}

// answer is one recorded exchange.
type answer struct {
	Method, Path string
	Status       int
	Body         []byte
}

// RoundTrip sends req and records the answer's body.
func (r *Recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	next := r.Next
	if next == nil {
		next = http.DefaultTransport
	}
	resp, err := next.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	_ = resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("read answer of %s %s: %w", req.Method, req.URL.Path, err)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	r.mu.Lock()
	r.answers = append(r.answers, answer{Method: req.Method, Path: req.URL.Path, Status: resp.StatusCode, Body: body})
	r.mu.Unlock()
	return resp, nil
}

// take returns the answers recorded since the last take.
func (r *Recorder) take() []answer {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.answers
	r.answers = nil
	return out
}

// element is a generic XML element of an answer.
type element struct {
	Name  string
	Text  string
	Attrs map[string]string // attributes, such as the type of PRIVATE_KEY (nil when none)
	Kids  []*element
}

// parseAnswer reads an XML answer into a generic tree.
func parseAnswer(body []byte) (*element, error) {
	d := xml.NewDecoder(bytes.NewReader(body))
	d.Strict = false
	var stack []*element
	var root *element
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("parse answer: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			e := &element{Name: t.Name.Local}
			for _, a := range t.Attr {
				if e.Attrs == nil {
					e.Attrs = map[string]string{}
				}
				e.Attrs[a.Name.Local] = a.Value
			}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.Kids = append(p.Kids, e)
			} else if root == nil {
				root = e
			}
			stack = append(stack, e)
		case xml.EndElement:
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].Text += string(t)
			}
		}
	}
	if root == nil {
		return nil, fmt.Errorf("parse answer: no element")
	}
	return root, nil
}

func (e *element) child(name string) *element {
	for _, k := range e.Kids {
		if k.Name == name {
			return k
		}
	}
	return nil
}

// find returns the first element (depth first) for which ok is true.
func (e *element) find(ok func(*element) bool) *element {
	if ok(e) {
		return e
	}
	for _, k := range e.Kids {
		if f := k.find(ok); f != nil {
			return f
		}
	}
	return nil
}

// path returns the names from e down to the first element for which ok is true, joined by "/".
func (e *element) path(ok func(*element) bool) string {
	if ok(e) {
		return e.Name
	}
	for _, k := range e.Kids {
		if p := k.path(ok); p != "" {
			return e.Name + "/" + p
		}
	}
	return ""
}

// object is what an answer says about one object: its leaf elements by path relative to the
// object's element ("USERNAME", "DIGITAL_VAULT/DIGITAL_VAULT_ID") and its containers of repeated
// leaves ("HOSTS" -> items, "IP_SET" -> items).
type object struct {
	Leaves map[string]string
	Lists  map[string][]string
}

// flatten reads e's descendants into an object.
func flatten(e *element) object {
	o := object{Leaves: map[string]string{}, Lists: map[string][]string{}}
	var walk func(prefix string, e *element)
	walk = func(prefix string, e *element) {
		for _, k := range e.Kids {
			name := prefix + k.Name
			switch {
			case len(k.Kids) == 0:
				o.Leaves[name] = strings.TrimSpace(k.Text)
			case allLeaves(k) && (k.Name == "IP_SET" || !uniqueNames(k)):
				// Repeated leaves (HOSTS/HOST, IP_SET/IP): a list.
				items := make([]string, 0, len(k.Kids))
				for _, it := range k.Kids {
					items = append(items, strings.TrimSpace(it.Text))
				}
				o.Lists[name] = items
			case allLeaves(k) && len(k.Kids) == 1 && strings.HasSuffix(k.Name, "S"):
				// One HOST in HOSTS: a list, and its leaf too.
				o.Lists[name] = []string{strings.TrimSpace(k.Kids[0].Text)}
				walk(name+"/", k)
			default:
				walk(name+"/", k)
			}
		}
	}
	walk("", e)
	return o
}

// uniqueNames reports whether e's children have distinct names (a structure such as
// DIGITAL_VAULT, not a list).
func uniqueNames(e *element) bool {
	seen := map[string]bool{}
	for _, k := range e.Kids {
		if seen[k.Name] {
			return false
		}
		seen[k.Name] = true
	}
	return true
}

func allLeaves(e *element) bool {
	for _, k := range e.Kids {
		if len(k.Kids) > 0 {
			return false
		}
	}
	return true
}

// leafNames returns the object's leaf paths, sorted.
func (o object) leafNames() []string {
	out := make([]string, 0, len(o.Leaves))
	for n := range o.Leaves {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// listNames returns the object's container paths, sorted.
func (o object) listNames() []string {
	out := make([]string, 0, len(o.Lists))
	for n := range o.Lists {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
