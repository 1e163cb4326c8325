package plan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/qsync/qsync/internal/spec"
)

// maxPlanBytes bounds the size of a saved plan Read accepts.
const maxPlanBytes = 64 << 20

// Save writes p as indented JSON (the saved plan file of `qsync plan -out`). The plan holds no
// secret values, only references.
func Save(w io.Writer, p *Plan) error {
	out := *p
	if out.FormatVersion == 0 {
		out.FormatVersion = FormatVersion
	}
	if out.Changes == nil {
		out.Changes = []Change{}
	}
	if out.Steps == nil {
		out.Steps = []Step{}
	}
	if out.LiveDigests == nil {
		out.LiveDigests = map[string]string{}
	}
	if out.Calls == nil {
		out.Calls = map[string]int{}
	}
	b, err := json.MarshalIndent(&out, "", "  ")
	if err != nil {
		return fmt.Errorf("encode plan: %w", err)
	}
	b = append(b, '\n')
	_, err = w.Write(b)
	return err
}

// Read decodes and checks a saved plan: the format version, and that the steps are well formed
// (numbered 1..n in phase order, known operations and kinds, dependencies on earlier steps only).
func Read(r io.Reader) (*Plan, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxPlanBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read plan: %w", err)
	}
	if len(data) > maxPlanBytes {
		return nil, fmt.Errorf("read plan: larger than %d bytes", maxPlanBytes)
	}
	var probe struct {
		FormatVersion *int `json:"format_version"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("read plan: not a qsync plan file (invalid JSON: %v)", err)
	}
	if probe.FormatVersion == nil {
		return nil, errors.New("read plan: not a qsync plan file (no format_version)")
	}
	if *probe.FormatVersion != FormatVersion {
		return nil, fmt.Errorf("read plan: format_version %d is not supported (this qsync reads version %d); plan again with this version",
			*probe.FormatVersion, FormatVersion)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var p Plan
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("read plan: %w", err)
	}
	if err := p.validate(); err != nil {
		return nil, fmt.Errorf("read plan: %w", err)
	}
	if p.LiveDigests == nil {
		p.LiveDigests = map[string]string{}
	}
	if p.Calls == nil {
		p.Calls = map[string]int{}
	}
	return &p, nil
}

func (p *Plan) validate() error {
	if p.Owner == "" {
		return errors.New("no owner")
	}
	phase := 0
	for i, s := range p.Steps {
		if s.ID != i+1 {
			return fmt.Errorf("step %d has id %d", i+1, s.ID)
		}
		if s.Phase < PhaseVaults || s.Phase > PhaseDeleteVaults || s.Phase < phase {
			return fmt.Errorf("step %d: phase %d out of order", s.ID, s.Phase)
		}
		phase = s.Phase
		if s.Kind != spec.KindVault && !knownRecordKind(s.Kind) {
			return fmt.Errorf("step %d: unknown kind %q", s.ID, s.Kind)
		}
		switch s.Op {
		case OpCreate:
			if len(s.IDs) != 0 {
				return fmt.Errorf("step %d: a create has no ids", s.ID)
			}
		case OpUpdate, OpDelete:
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
		case ActionCreate, ActionUpdate, ActionDelete, ActionReplace, ActionAdopt, ActionRename:
		default:
			return fmt.Errorf("change of %s: unknown action %q", c.Key, c.Action)
		}
	}
	return nil
}

func knownRecordKind(k spec.Kind) bool {
	for _, e := range spec.RecordEndpoints() {
		if e == k {
			return true
		}
	}
	return false
}

// Verify checks that a saved plan is exactly the plan Build makes now from desired and live with
// opts and the flags the plan records: the same owner, changes, steps (calls, IDs, parameters,
// secret references, order) and live digests. Apply runs a saved plan's steps as written, so a
// file edited by hand, or forged, could otherwise delete or change objects the plan does not own
// or list, or send a secret (any environment variable or file) as a parameter; rebuilding and
// comparing rules all of that out, and also refuses a plan that live changes since have made
// different (a new managed object to delete, a new IP conflict).
//
// opts carries what the flags do not record: the secret key and resolver, LiveComplete. A plan
// made with another QSYNC_SECRET_KEY, or secret values changed since, differs too.
func Verify(saved *Plan, desired, live *spec.Document, opts Options) error {
	opts.Adopt, opts.AllowDeletes, opts.PushSecrets = saved.Flags.Adopt, saved.Flags.AllowDeletes, saved.Flags.PushSecrets
	if opts.Owner == "" && desired != nil {
		opts.Owner = desired.Owner
	}
	if saved.Owner != opts.Owner {
		return fmt.Errorf("%w: it is for owner %q, the configuration's owner is %q", ErrPlanMismatch, saved.Owner, opts.Owner)
	}
	now, err := Build(desired, live, opts)
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
func firstDiff(saved, now *Plan) string {
	js := func(v any) string {
		b, _ := json.Marshal(v) // plain data
		return string(b)
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
	strip := func(cs []Change) []Change {
		out := make([]Change, len(cs))
		for i, c := range cs {
			c.Before, c.After = nil, nil
			out[i] = c
		}
		return out
	}
	if js(strip(saved.Changes)) != js(strip(now.Changes)) {
		return "its list of changes differs"
	}
	if js(saved.LiveDigests) != js(now.LiveDigests) {
		return "its digests of live objects differ"
	}
	return ""
}
