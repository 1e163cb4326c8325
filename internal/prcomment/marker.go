package prcomment

import (
	"fmt"
	"path/filepath"
	"strings"
)

// Kind is what a comment reports. Each kind has its own comment per configuration.
type Kind string

// The comment kinds.
const (
	KindPlan  Kind = "plan"  // the plan of a pull request, updated on every push
	KindApply Kind = "apply" // the result of applying the merged pull request's plan
)

// Marker identifies one qsync comment: its kind, the configuration's owner and the configuration
// path. It is written as an HTML comment on the first line of the body, invisible when rendered.
type Marker struct {
	Kind   Kind
	Owner  string
	Config string
}

var markerEscaper = strings.NewReplacer("%", "%25", " ", "%20", ">", "%3E", "\n", "%0A", "\r", "%0D", "\t", "%09")

// String returns the marker line, e.g. "<!-- qsync:plan owner=secops config=config -->". The
// configuration path is cleaned and slash-separated, so "./config/" and "config" name one comment.
func (m Marker) String() string {
	cfg := filepath.ToSlash(filepath.Clean(m.Config))
	return fmt.Sprintf("<!-- qsync:%s owner=%s config=%s -->", m.Kind, markerEscaper.Replace(m.Owner), markerEscaper.Replace(cfg))
}

// Marks reports whether body is a comment carrying exactly this marker on its first line.
func (m Marker) Marks(body string) bool {
	first, _, _ := strings.Cut(body, "\n")
	return strings.TrimSpace(strings.TrimSuffix(first, "\r")) == m.String()
}
