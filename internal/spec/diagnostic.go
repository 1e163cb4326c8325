package spec

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/qsync/qsync/internal/spec/yamltree"
)

// Severity says whether a Diagnostic stops qsync (Error) or is advice (Warning).
type Severity int

// Severities.
const (
	SeverityError Severity = iota
	SeverityWarning
)

// String returns "error" or "warning".
func (s Severity) String() string {
	if s == SeverityWarning {
		return "warning"
	}
	return "error"
}

// MarshalJSON writes the severity as "error" or "warning".
func (s Severity) MarshalJSON() ([]byte, error) { return []byte(`"` + s.String() + `"`), nil }

// UnmarshalJSON reads "error" or "warning".
func (s *Severity) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case `"error"`, "0":
		*s = SeverityError
	case `"warning"`, "1":
		*s = SeverityWarning
	default:
		return fmt.Errorf("severity %s is not \"error\" or \"warning\"", b)
	}
	return nil
}

// Diagnostic is one problem found in the configuration, at a place in a source file.
type Diagnostic struct {
	Pos Pos `json:"pos"`
	// Path is the JSON-pointer-like location of the value inside its file, without the leading
	// slash: "records/3/ips/1". Empty for problems of a whole file.
	Path     string   `json:"path,omitempty"`
	Message  string   `json:"message"`
	Severity Severity `json:"severity"`
}

// String formats the diagnostic as "file:line:col: path: message", with "warning: " before the
// message of a warning.
func (d Diagnostic) String() string {
	var b strings.Builder
	if p := d.Pos.String(); p != "" {
		b.WriteString(p)
		b.WriteString(": ")
	}
	if d.Path != "" {
		b.WriteString(d.Path)
		b.WriteString(": ")
	}
	if d.Severity == SeverityWarning {
		b.WriteString("warning: ")
	}
	b.WriteString(d.Message)
	return b.String()
}

// Diagnostics is a list of problems. It implements error; use Err to get a nil error when there are
// no errors (only warnings, or nothing).
type Diagnostics []Diagnostic

// Error formats every diagnostic, sorted, one per line.
func (ds Diagnostics) Error() string {
	s := append(Diagnostics(nil), ds...)
	s.Sort()
	lines := make([]string, len(s))
	for i, d := range s {
		lines[i] = d.String()
	}
	return strings.Join(lines, "\n")
}

// HasErrors reports whether any diagnostic is an error.
func (ds Diagnostics) HasErrors() bool {
	for _, d := range ds {
		if d.Severity == SeverityError {
			return true
		}
	}
	return false
}

// Err returns ds as an error when it holds an error, else nil.
func (ds Diagnostics) Err() error {
	if ds.HasErrors() {
		return ds
	}
	return nil
}

// Sort orders diagnostics by file, line, column, path and message.
func (ds Diagnostics) Sort() {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i], ds[j]
		if a.Pos.File != b.Pos.File {
			return a.Pos.File < b.Pos.File
		}
		if a.Pos.Line != b.Pos.Line {
			return a.Pos.Line < b.Pos.Line
		}
		if a.Pos.Col != b.Pos.Col {
			return a.Pos.Col < b.Pos.Col
		}
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return a.Message < b.Message
	})
}

// Errorf appends an error at pos and path.
func (ds *Diagnostics) Errorf(pos Pos, path, format string, args ...any) {
	*ds = append(*ds, Diagnostic{Pos: pos, Path: path, Message: fmt.Sprintf(format, args...)})
}

// Warnf appends a warning at pos and path.
func (ds *Diagnostics) Warnf(pos Pos, path, format string, args ...any) {
	*ds = append(*ds, Diagnostic{Pos: pos, Path: path, Message: fmt.Sprintf(format, args...), Severity: SeverityWarning})
}

// ErrorCount counts the diagnostics that are errors.
func (ds Diagnostics) ErrorCount() int {
	n := 0
	for _, d := range ds {
		if d.Severity == SeverityError {
			n++
		}
	}
	return n
}

// DiagnosticFormats are the formats Write accepts.
var DiagnosticFormats = []string{"text", "json", "github"}

// Write prints diagnostics in one of DiagnosticFormats: text (one "file:line:col: path: message"
// line each), json (an array of {pos, path, message, severity}) or github (workflow command
// annotations, shown on the pull request's lines). It is the one printer for every phase.
func (ds Diagnostics) Write(w io.Writer, format string) error {
	switch format {
	case "json":
		out := ds
		if out == nil {
			out = Diagnostics{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	case "github":
		for _, d := range ds {
			level := "error"
			if d.Severity != SeverityError {
				level = "warning"
			}
			msg := d.Message
			if d.Path != "" {
				msg = d.Path + ": " + msg
			}
			props := ""
			if d.Pos.File != "" {
				props = " file=" + ghEscapeProp(d.Pos.File)
				if d.Pos.Line > 0 {
					props += fmt.Sprintf(",line=%d,col=%d", d.Pos.Line, d.Pos.Col)
				}
			}
			if _, err := fmt.Fprintf(w, "::%s%s::%s\n", level, props, ghEscape(msg)); err != nil {
				return err
			}
		}
	case "text", "":
		for _, d := range ds {
			if _, err := fmt.Fprintln(w, d.String()); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("unknown diagnostics format %q (want %s)", format, strings.Join(DiagnosticFormats, ", "))
	}
	return nil
}

// ghEscape escapes a GitHub workflow command message.
func ghEscape(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// ghEscapeProp escapes a GitHub workflow command property value.
func ghEscapeProp(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// ObjectPath is the JSON path of an object within its file: "records/3" or "vaults/0".
func ObjectPath(o *Object) string {
	if o.Kind == KindVault {
		return yamltree.Child("vaults", o.SourceIdx)
	}
	return yamltree.Child("records", o.SourceIdx)
}

// ObjectLabel names an object for messages: `unix record "core-switches"`, `ca_pam vault "CA PAM prod"`.
func ObjectLabel(o *Object) string {
	switch {
	case o.Kind == KindVault:
		return fmt.Sprintf("%s vault %q", o.Type, o.Title)
	case o.Type != "":
		return fmt.Sprintf("%s (%s) record %q", o.Kind, o.Type, o.Title)
	}
	return fmt.Sprintf("%s record %q", o.Kind, o.Title)
}
