package prcomment

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/qsync/qsync/internal/markdown"
	"github.com/qsync/qsync/internal/safeio"
)

// PlanBody returns the comment body of the markdown plan in file ("-": read stdin), with a footer
// naming the commit. A missing or empty file means no plan was made (an earlier step such as
// validate failed, or plan died before writing): the body is then a failure block, so that the
// last good plan does not stay standing as if it were current.
func PlanBody(file string, stdin io.Reader, rc RenderContext) (string, error) {
	var data []byte
	var err error
	if file == "-" {
		data, err = io.ReadAll(io.LimitReader(stdin, maxBodyBytes+1))
		if err == nil && len(data) > maxBodyBytes {
			err = fmt.Errorf("more than %d bytes on stdin", maxBodyBytes)
		}
	} else {
		data, err = safeio.ReadFile(file, maxBodyBytes) // a regular file, its size checked first
	}
	missing := errors.Is(err, os.ErrNotExist) && file != "-"
	if err != nil && !missing {
		return "", fmt.Errorf("read the comment body %s: %w", file, err)
	}
	body := strings.TrimRight(string(data), "\n") + "\n"
	if strings.TrimSpace(body) == "" {
		why := fmt.Sprintf("%s is empty: qsync plan stopped before writing a plan; see the job log.", file)
		if missing {
			why = fmt.Sprintf("%s does not exist: no plan was made (an earlier step, e.g. qsync validate, failed); see the job log.", file)
		}
		var b bytes.Buffer
		if err := RenderFailure(&b, "qsync plan", why, rc); err != nil {
			return "", err
		}
		return b.String(), nil
	}
	if rc.Commit != "" {
		body += fmt.Sprintf("\n<sub>Plan for commit %s. Merging applies exactly this plan, or refuses it if Qualys or the configuration changed since.</sub>\n", markdown.Code(rc.Commit))
	}
	return body, nil
}

// maxBodyBytes bounds what qsync comment reads: a plan's markdown or an apply result (the
// platforms keep at most 1,000,000 characters of a comment).
const maxBodyBytes = 64 << 20

// ApplyBody returns the comment body of the apply result ("qsync apply --format json") saved in
// path. A missing or empty file means apply stopped before writing its result.
func ApplyBody(path string, rc RenderContext) (string, error) {
	data, err := safeio.ReadFile(path, maxBodyBytes)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("read the apply result %s: %w", path, err)
	}
	r, err := DecodeApplyReport(data)
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	var b bytes.Buffer
	if err := RenderApply(&b, r, rc); err != nil {
		return "", err
	}
	return b.String(), nil
}

// AppendSummary appends body, fitted to the GitHub Actions job summary's limit, to the summary
// file at path ($GITHUB_STEP_SUMMARY).
func AppendSummary(path, body string) error {
	text, _ := Fit(body, SummaryLimit/4, "the job's artifacts") // 4 bytes per character at most
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("job summary: %w", err)
	}
	if _, err := io.WriteString(f, text+"\n"); err != nil {
		f.Close()
		return fmt.Errorf("job summary %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("job summary %s: %w", path, err)
	}
	return nil
}

// Where is where a shortened body says the full text is: artifact when given, else the CI run's
// artifacts (empty outside CI).
func Where(artifact, runURL string) string {
	if artifact == "" && runURL != "" {
		return "the artifacts of [this run](" + runURL + ")"
	}
	return artifact
}

// WriteOutcome reports on w what Post did for marker m on p: the comment created or updated (with
// its link), and whether the body was shortened or others' comments were left alone.
func WriteOutcome(w io.Writer, p Platform, m Marker, out Outcome) {
	verb := "Created"
	if out.Updated {
		verb = "Updated"
	}
	fmt.Fprintf(w, "%s the qsync %s comment for %s on %s", verb, m.Kind, m.Config, p.Request())
	if out.Comment.URL != "" {
		fmt.Fprintf(w, ": %s", out.Comment.URL)
	}
	fmt.Fprintln(w)
	if out.Truncated {
		fmt.Fprintf(w, "qsync: the body was shortened to %s's limit of %d characters\n", p.Name(), p.Limit())
	}
	if out.Skipped > 0 {
		fmt.Fprintf(w, "qsync: left alone %d comment(s) by other users carrying the same marker\n", out.Skipped)
	}
}

// FailureLog records (up to a cap) what a command writes to stderr, so that "plan --format
// markdown" can end a failed run with a failure block: the diagnostics and the error, for the
// commit of the CI run. A posted comment then replaces the last good plan instead of leaving it
// standing.
type FailureLog struct {
	b   strings.Builder
	max int
}

// NewFailureLog returns a FailureLog keeping the first max bytes.
func NewFailureLog(max int) *FailureLog { return &FailureLog{max: max} }

// Write records p, as far as the cap allows; it never fails.
func (l *FailureLog) Write(p []byte) (int, error) {
	if room := l.max - l.b.Len(); room > 0 {
		l.b.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

// Tee returns a writer that records into l and writes to w.
func (l *FailureLog) Tee(w io.Writer) io.Writer { return teeWriter{w, l} }

// Render writes the failure block of command (e.g. "qsync plan"), which failed with err, to w.
func (l *FailureLog) Render(w io.Writer, command string, err error, ci CI) error {
	diags := l.b.String() + fmt.Sprintf("qsync: %v\n", err)
	return RenderFailure(w, command, diags, RenderContext{Commit: ci.Commit(), RunURL: ci.RunURL()})
}

type teeWriter struct{ a, b io.Writer }

func (t teeWriter) Write(p []byte) (int, error) {
	_, _ = t.b.Write(p)
	return t.a.Write(p)
}
