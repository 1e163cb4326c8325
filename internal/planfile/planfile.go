// Package planfile owns everything about saved plan files (`qsync plan -out FILE`, `qsync apply
// FILE`), as terraform's internal/plans/planfile does: writing and reading them (the JSON format of
// render.Save, checked on the way in), telling a plan file from configuration, the digest of the
// configuration a plan was made from, refusing a stale plan (the configuration or a live object it
// touches changed since), and Verify, which proves that a plan file's steps are exactly the ones
// qsync plans now.
//
// It does no network I/O: the caller reads Qualys and passes the live document in.
package planfile

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/plan/build"
	"github.com/qsync/qsync/internal/plan/render"
	"github.com/qsync/qsync/internal/safeio"
	"github.com/qsync/qsync/internal/spec"
)

// MaxPlanBytes bounds the size of a saved plan Read accepts (checked before reading a file).
const MaxPlanBytes = 64 << 20

// WriteFile saves p to path (render.Save's JSON), readable by its owner only. The configuration
// paths are stored relative to the plan file's directory when the files are inside it, absolute
// otherwise (see StorePaths), so `qsync apply PATH` works from any directory.
func WriteFile(path string, p *plan.Plan) error {
	return WriteFileRedacted(path, p, nil)
}

// WriteFileRedacted is WriteFile with the file's content passed through redact (qsync's
// redactor: a plan holds no secret value, and this makes sure of it); nil writes it as is.
// The file is written whole to a new file beside path, then renamed over it, so it is never
// written through a symbolic link (one at path is refused) and never left half-written.
func WriteFileRedacted(path string, p *plan.Plan, redact func([]byte) []byte) error {
	out := *p
	out.Config = StorePaths(path, p.Config)
	var b bytes.Buffer
	if err := render.Save(&b, &out); err != nil {
		return fmt.Errorf("save plan %s: %w", path, err)
	}
	data := b.Bytes()
	if redact != nil {
		data = redact(data)
	}
	if err := safeio.WriteFile(path, data, 0o600); err != nil {
		return fmt.Errorf("save plan: %w", err)
	}
	return nil
}

// StorePaths returns the configuration paths as a plan file at planPath stores them: relative to
// the plan file's directory for files inside it (so a checkout moved with its plan still works),
// absolute for the others. A path that cannot be made absolute is kept as given.
func StorePaths(planPath string, files []string) []string {
	dir, err := filepath.Abs(filepath.Dir(planPath))
	if err != nil {
		return files
	}
	out := make([]string, len(files))
	for i, f := range files {
		abs, err := filepath.Abs(f)
		if err != nil {
			out[i] = f
			continue
		}
		out[i] = abs
		if rel, err := filepath.Rel(dir, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			out[i] = filepath.ToSlash(rel)
		}
	}
	return out
}

// ReadFile reads and checks the plan file at path (see Read). Its errors name the file. Relative
// configuration paths are resolved against the plan file's directory.
func ReadFile(path string) (*plan.Plan, error) {
	// A regular file, its size checked before reading.
	data, err := safeio.ReadFile(path, MaxPlanBytes)
	if err != nil {
		return nil, fmt.Errorf("read saved plan %s: %w", path, err)
	}
	p, err := Read(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("saved plan %s: %w", path, err)
	}
	for i, c := range p.Config {
		if c = filepath.FromSlash(c); !filepath.IsAbs(c) {
			p.Config[i] = filepath.Join(filepath.Dir(path), c)
		}
	}
	return p, nil
}

// CheckFlags refuses planning choices given to `apply PLANFILE`: a saved plan is applied exactly
// as reviewed, with the choices it was made with (recorded in its flags), so --adopt,
// --allow-deletes, --allow-replace, --push-secrets and the scope (--only, --secrets-only,
// --without-secrets) cannot change what it does.
func CheckFlags(p *plan.Plan, given plan.Flags) error {
	names := flagNames(given)
	if len(names) == 0 {
		return nil
	}
	made := "no flags"
	if m := flagNames(p.Flags); len(m) > 0 {
		made = strings.Join(m, " ")
	}
	return fmt.Errorf("refusing %s with a saved plan: a saved plan is applied exactly as it was made and reviewed (made with: %s); "+
		"make a new plan with the flag (qsync plan %s -out FILE), or apply the configuration instead of the plan file",
		strings.Join(names, ", "), made, strings.Join(names, " "))
}

// flagNames names the planning choices set in f, as command-line flags.
func flagNames(f plan.Flags) []string {
	var on []string
	for _, x := range []struct {
		name string
		on   bool
	}{{"--adopt", f.Adopt}, {"--allow-deletes", f.AllowDeletes}, {"--allow-replace", f.AllowReplace}, {"--push-secrets", f.PushSecrets},
		{"--secrets-only", f.SecretsOnly}, {"--without-secrets", f.SecretsUnchecked}} {
		if x.on {
			on = append(on, x.name)
		}
	}
	if !f.SecretsOnly { // --secrets-only records the objects it chose as exact targets
		for _, t := range f.Targets {
			on = append(on, "--only "+t)
		}
	}
	return on
}

// Read decodes and checks a saved plan: the format version, and that the steps are well formed
// (numbered 1..n in phase order, known operations and kinds, dependencies on earlier steps only).
// Its errors start with "read plan: ".
func Read(r io.Reader) (*plan.Plan, error) {
	p, err := decode(r)
	if err != nil {
		return nil, fmt.Errorf("read plan: %w", err)
	}
	return p, nil
}

func decode(r io.Reader) (*plan.Plan, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxPlanBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxPlanBytes {
		return nil, fmt.Errorf("larger than %d bytes", MaxPlanBytes)
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	var probe struct {
		FormatVersion *int `json:"format_version"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("not a qsync plan file (invalid JSON: %v)", err)
	}
	if probe.FormatVersion == nil {
		return nil, errors.New("not a qsync plan file (no format_version)")
	}
	if *probe.FormatVersion != plan.FormatVersion {
		return nil, fmt.Errorf("format_version %d is not supported (this qsync reads version %d); plan again with this version",
			*probe.FormatVersion, plan.FormatVersion)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var p plan.Plan
	if err := dec.Decode(&p); err != nil {
		return nil, err
	}
	if err := check(&p); err != nil {
		return nil, err
	}
	if p.LiveDigests == nil {
		p.LiveDigests = map[string]string{}
	}
	if p.Calls == nil {
		p.Calls = map[string]int{}
	}
	return &p, nil
}

// check proves a decoded plan well formed.
func check(p *plan.Plan) error {
	if p.Owner == "" {
		return errors.New("no owner")
	}
	phase := 0
	for i, s := range p.Steps {
		if s.ID != i+1 {
			return fmt.Errorf("step %d has id %d", i+1, s.ID)
		}
		if s.Phase < plan.PhaseVaults || s.Phase > plan.PhaseDeleteVaults || s.Phase < phase {
			return fmt.Errorf("step %d: phase %d out of order", s.ID, s.Phase)
		}
		phase = s.Phase
		if s.Kind != spec.KindVault && !slices.Contains(spec.RecordEndpoints(), s.Kind) {
			return fmt.Errorf("step %d: unknown kind %q", s.ID, s.Kind)
		}
		switch s.Op {
		case plan.OpCreate:
			if len(s.IDs) != 0 {
				return fmt.Errorf("step %d: a create has no ids", s.ID)
			}
		case plan.OpUpdate, plan.OpDelete:
			if len(s.IDs) == 0 {
				return fmt.Errorf("step %d: %s without ids", s.ID, s.Op)
			}
			if s.Kind == spec.KindVault && len(s.IDs) != 1 {
				return fmt.Errorf("step %d: a vault %s takes exactly one id", s.ID, s.Op)
			}
		default:
			return fmt.Errorf("step %d: unknown op %q", s.ID, s.Op)
		}
		if len(s.Keys) == 0 {
			return fmt.Errorf("step %d: no keys", s.ID)
		}
		for _, id := range s.IDs {
			if id <= 0 {
				return fmt.Errorf("step %d: invalid id %d", s.ID, id)
			}
		}
		for _, d := range s.DependsOn {
			if d < 1 || d >= s.ID {
				return fmt.Errorf("step %d: depends on step %d, which does not run before it", s.ID, d)
			}
		}
		for k := range s.Params {
			if k == "action" || k == "ids" || k == "id" {
				return fmt.Errorf("step %d: parameter %q is set by apply, not by the plan", s.ID, k)
			}
			if _, dup := s.Secrets[k]; dup {
				return fmt.Errorf("step %d: parameter %q is both plain and secret", s.ID, k)
			}
		}
		for k, ref := range s.Secrets {
			if (ref.Env == "") == (ref.File == "") {
				return fmt.Errorf("step %d: secret %q needs exactly one of env and file", s.ID, k)
			}
		}
	}
	for _, c := range p.Changes {
		switch c.Action {
		case plan.ActionCreate, plan.ActionUpdate, plan.ActionDelete, plan.ActionReplace, plan.ActionAdopt, plan.ActionRename:
		default:
			return fmt.Errorf("change of %s: unknown action %q", c.Key, c.Action)
		}
	}
	return nil
}

// IsPlanFile reports whether path looks like a saved plan rather than configuration, so that
// `qsync apply` can take either. A plan file is a JSON object with a top-level "format_version"
// key (Save writes it first, so a truncated plan file is still recognised and Read then says what
// is wrong with it); a UTF-8 byte order mark before it is skipped. JSON is also YAML, so neither a
// configuration written as JSON nor a YAML flow mapping ({version: 1, owner: x}) is taken for a
// plan file.
func IsPlanFile(path string) bool {
	if st, err := os.Stat(path); err != nil || !st.Mode().IsRegular() {
		return false // not a plan file; loading it as configuration says what it is
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	br := bufio.NewReader(io.LimitReader(f, MaxPlanBytes))
	if bom, err := br.Peek(len(utf8BOM)); err == nil && bytes.Equal(bom, utf8BOM) {
		_, _ = br.Discard(len(utf8BOM))
	}
	dec := json.NewDecoder(br)
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return false
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return false
		}
		if key == "format_version" {
			return true
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return false
		}
	}
	return false
}

// utf8BOM is the byte order mark some Windows editors write at the start of a UTF-8 file.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// ConfigDigest hashes the configuration files' contents, independent of their order and of the
// paths they are read through (so a plan applied from another directory, or with its paths stored
// relative to the plan file, has the same digest): the plan.Plan.ConfigDigest of a plan made
// from them.
func ConfigDigest(files []string) (string, error) {
	sums := make([]string, 0, len(files))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return "", fmt.Errorf("config digest: %w", err)
		}
		sum := sha256.Sum256(b)
		sums = append(sums, hex.EncodeToString(sum[:]))
	}
	slices.Sort(sums)
	h := sha256.New()
	for _, s := range sums {
		fmt.Fprintf(h, "%s\x00", s)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// CheckConfig refuses a saved plan whose configuration (loaded again as desired) changed since
// the plan was made.
func CheckConfig(p *plan.Plan, desired *spec.Document) error {
	digest, err := ConfigDigest(desired.Files)
	if err != nil {
		return err
	}
	if digest != p.ConfigDigest {
		return fmt.Errorf("refusing a stale plan: the configuration (%s) changed since the plan was made; run qsync plan again", strings.Join(p.Config, ", "))
	}
	return nil
}

// CheckLive refuses a saved plan when Qualys changed since it was made: an object a step touches
// changed or vanished, or an object to create now exists. Every such object is named.
func CheckLive(p *plan.Plan, live *spec.Document) error {
	if stale := staleObjects(p, live); len(stale) > 0 {
		return fmt.Errorf("refusing a stale plan: Qualys changed since the plan was made:\n  %s\nrun qsync plan again", strings.Join(stale, "\n  "))
	}
	return nil
}

// staleObjects lists, sorted, the objects a saved plan touches that changed in Qualys since.
func staleObjects(p *plan.Plan, live *spec.Document) []string {
	byKey := map[string]*spec.Object{}
	for _, o := range live.Objects {
		byKey[o.Key().String()] = o
	}
	var stale []string
	for key, digest := range p.LiveDigests {
		o := byKey[key]
		switch {
		case o == nil:
			stale = append(stale, key+": no longer exists")
		case plan.ObjectDigest(o) != digest:
			stale = append(stale, key+": was changed")
		}
	}
	for _, ch := range p.Changes {
		if ch.Action == plan.ActionCreate && byKey[ch.Key.String()] != nil {
			stale = append(stale, ch.Key.String()+": now exists")
		}
	}
	slices.Sort(stale)
	return stale
}

// Verify checks that a saved plan is exactly the plan build.Plan makes now from desired and live
// with opts and the flags the plan records: the same owner, changes, steps (calls, IDs,
// parameters, secret references, order) and live digests. Apply runs a saved plan's steps as
// written, so a file edited by hand, or forged, could otherwise delete or change objects the plan
// does not own or list, or send a secret (any environment variable or file) as a parameter;
// rebuilding and comparing rules all of that out, and also refuses a plan that live changes since
// have made different (a new managed object to delete, a new IP conflict).
//
// opts carries what the flags do not record: the secret key and resolver. A plan made with
// another QSYNC_SECRET_KEY, or secret values changed since, differs too.
func Verify(saved *plan.Plan, desired, live *spec.Document, opts plan.Options) error {
	opts = opts.WithFlags(saved.Flags)
	if opts.Owner == "" && desired != nil {
		opts.Owner = desired.Owner
	}
	if saved.Owner != opts.Owner {
		return fmt.Errorf("%w: it is for owner %q, the configuration's owner is %q", ErrPlanMismatch, saved.Owner, opts.Owner)
	}
	now, err := build.Plan(desired, live, opts)
	if err != nil {
		return fmt.Errorf("%w: planning again from the same configuration and Qualys state fails: %w", ErrPlanMismatch, err)
	}
	if d := firstDiff(saved, now); d != "" {
		return fmt.Errorf("%w: %s", ErrPlanMismatch, d)
	}
	return nil
}

// ErrPlanMismatch is wrapped by Verify's errors.
var ErrPlanMismatch = errors.New("the saved plan differs from the plan qsync makes now from the same configuration and Qualys state (was the file edited, or made with another QSYNC_SECRET_KEY or other secret values?)")

// firstDiff names the first difference between two plans in what apply acts on ("" if none).
func firstDiff(saved, now *plan.Plan) string {
	js := func(v any) string {
		b, _ := json.Marshal(v) // plain data
		return string(b)
	}
	if d := changeDiff(saved, now); d != "" {
		return d
	}
	if len(saved.Steps) != len(now.Steps) {
		return fmt.Sprintf("it has %d step(s), the plan made now has %d", len(saved.Steps), len(now.Steps))
	}
	for i := range saved.Steps {
		if js(saved.Steps[i]) != js(now.Steps[i]) {
			s := &saved.Steps[i]
			return fmt.Sprintf("step %d (%s %s) differs", s.ID, s.Op, s.Kind)
		}
	}
	strip := func(cs []plan.Change) []plan.Change {
		out := make([]plan.Change, len(cs))
		for i, c := range cs {
			c.Before, c.After = nil, nil
			// Attribution is review information (plan --base), not something apply acts on.
			c.Attribution, c.LiveModified = "", nil
			out[i] = c
		}
		return out
	}
	if js(strip(saved.Changes)) != js(strip(now.Changes)) {
		return "its list of changes differs"
	}
	if js(saved.Handovers) != js(now.Handovers) {
		return "its hand-overs differ" // apply gives IPs back and stops groups by them
	}
	if js(saved.LiveDigests) != js(now.LiveDigests) {
		return "its digests of live objects differ"
	}
	return ""
}

// changeDiff names the objects whose change differs between a saved plan and the plan made now
// (a change only one of them has, or another action, or another refusal), so a refusal caused by
// an object the saved plan does not touch names it ("" when the two agree on every object).
func changeDiff(saved, now *plan.Plan) string {
	actions := func(p *plan.Plan) map[string]string {
		m := map[string]string{}
		for _, c := range p.Changes {
			m[c.Key.String()] = string(c.Action)
		}
		for _, r := range p.Refused {
			m[r.Key.String()] = "refused " + string(r.Action)
		}
		return m
	}
	a, b := actions(saved), actions(now)
	var diffs []string
	for k, act := range b {
		if a[k] != act {
			diffs = append(diffs, fmt.Sprintf("%s: %s now (saved plan: %s)", k, act, orNothing(a[k])))
		}
	}
	for k, act := range a {
		if _, ok := b[k]; !ok {
			diffs = append(diffs, fmt.Sprintf("%s: nothing now (saved plan: %s)", k, act))
		}
	}
	if len(diffs) == 0 {
		return ""
	}
	slices.Sort(diffs)
	return "these objects changed since: " + strings.Join(diffs, "; ")
}

func orNothing(s string) string {
	if s == "" {
		return "nothing"
	}
	return s
}
