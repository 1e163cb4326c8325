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
