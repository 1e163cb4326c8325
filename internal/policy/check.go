package policy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/google/cel-go/common/types"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/spec"
)

// Input is what a policy is checked against: the configuration, and for a plan the live estate
// and the plan built from both. Without a plan (qsync validate) object-level rules see every
// configured object with action "" and an empty live, and plan-level rules are not checked.
type Input struct {
	Desired *spec.Document
	Live    *spec.Document
	Plan    *plan.Plan
}

// ActionNone is the action a rule sees for a configured object the plan does not change.
const ActionNone = "none"

// Result checks in against every rule of s and returns the plan's policy section: the digest,
// the sources and the violations. A nil Set gives nil.
func (s *Set) Result(in Input) (*plan.Policy, error) {
	if s == nil {
		return nil, nil
	}
	vs, err := s.Check(in)
	if err != nil {
		return nil, err
	}
	return &plan.Policy{Digest: s.Digest, Sources: slices.Clone(s.Sources), Violations: vs}, nil
}

// Check evaluates every rule on in and returns the violations, sorted by position, rule and
// object. An error is a configuration file that cannot be read again.
func (s *Set) Check(in Input) ([]plan.Violation, error) {
	if s == nil || in.Desired == nil {
		return nil, nil
	}
	var out []plan.Violation
	objs, err := objectInputs(in)
	if err != nil {
		return nil, err
	}
	for _, r := range s.Rules {
		if r.Level == "plan" {
			if in.Plan == nil {
				continue
			}
			if v, bad := r.eval(planValues(in)); bad {
				out = append(out, plan.Violation{Rule: r.Name, Severity: r.Severity, Message: r.message(v), Pos: r.Pos})
			}
			continue
		}
		for _, o := range objs {
			if !r.appliesTo(o.key.Kind, o.def) {
				continue
			}
			if v, bad := r.eval(o.vars); bad {
				key := o.key
				pos := o.pos
				if pos.File == "" {
					pos = r.Pos
				}
				act := o.action
				if act == ActionNone {
					act = "" // the plan does not change it
				}
				out = append(out, plan.Violation{Rule: r.Name, Severity: r.Severity, Message: r.message(v), Key: &key, Action: act, Pos: pos})
			}
		}
	}
	sortViolations(out)
	return out, nil
}

// message is the rule's message, with why when the rule could not be evaluated.
func (r *Rule) message(why string) string {
	if why == "" {
		return r.Message
	}
	return fmt.Sprintf("the rule cannot be evaluated (%s); fix the rule or the object", why)
}

// eval runs the rule on vars: bad when the expression is not true; why is set when it could not
// be evaluated (an error, or a value that is not a bool).
func (r *Rule) eval(vars map[string]any) (why string, bad bool) {
	val, _, err := r.prg.Eval(vars)
	if err != nil {
		return oneLine(err.Error()), true
	}
	b, ok := val.(types.Bool)
	if !ok {
		return fmt.Sprintf("the expression gave a value of type %s, not bool", val.Type().TypeName()), true
	}
	return "", !bool(b)
}

// objectInput is one object an object-level rule is checked on.
type objectInput struct {
	key    spec.Key
	action plan.Action
	pos    spec.Pos
	def    *spec.KindDef
	vars   map[string]any
}

// objectInputs lists every configured object, then every object the plan deletes (or replaces
// away, under its live title), with the variables their rules see.
func objectInputs(in Input) ([]objectInput, error) {
	var vaults []string
	for _, o := range in.Desired.Objects {
		if o.Kind == spec.KindVault {
			vaults = append(vaults, o.Title)
		}
	}
	slices.Sort(vaults)
	base := func(action string, kind spec.Kind, object, live map[string]any) map[string]any {
		return map[string]any{"object": object, "live": live, "action": action, "kind": string(kind),
			"owner": in.Desired.Owner, "vaults": vaults}
	}
	changes := map[spec.Key]*plan.Change{}
	if in.Plan != nil {
		for i := range in.Plan.Changes {
			c := &in.Plan.Changes[i]
			if c.Action != plan.ActionDelete {
				changes[c.Key] = c
			}
		}
	}
	files := configFiles{}
	var out []objectInput
	for _, o := range in.Desired.Objects {
		obj, err := files.configured(o)
		if err != nil {
			return nil, err
		}
		action, live := "", map[string]any{}
		if in.Plan != nil {
			action = ActionNone
			if c := changes[o.Key()]; c != nil {
				action = string(c.Action)
				if c.Before != nil {
					live = modelled(c.Before)
				}
			} else if lo := findLive(in.Live, o); lo != nil {
				live = modelled(lo)
			}
		}
		out = append(out, objectInput{key: o.Key(), action: plan.Action(action), pos: o.Pos, def: o.Def(), vars: base(action, o.Kind, obj, live)})
	}
	if in.Plan != nil {
		for _, c := range in.Plan.Changes {
			if c.Action != plan.ActionDelete || c.Before == nil {
				continue
			}
			l := modelled(c.Before)
			out = append(out, objectInput{key: c.Key, action: c.Action, def: c.Before.Def(), vars: base(string(c.Action), c.Key.Kind, l, l)})
		}
	}
	return out, nil
}

// findLive returns the live object o stands for: by key, else by one of its previous titles.
func findLive(live *spec.Document, o *spec.Object) *spec.Object {
	if live == nil {
		return nil
	}
	if l := live.Find(o.Key()); l != nil {
		return l
	}
	for _, t := range o.PreviousTitles {
		if l := live.Find(spec.Key{Kind: o.Kind, Title: t}); l != nil {
			return l
		}
	}
	return nil
}

// planValues are the variables of plan-level rules: counts[kind][action] and totals[action], with
// every action present (zero when the plan has none).
func planValues(in Input) map[string]any {
	actions := []plan.Action{plan.ActionCreate, plan.ActionUpdate, plan.ActionDelete, plan.ActionReplace, plan.ActionAdopt, plan.ActionRename}
	zero := func() map[string]int64 {
		m := map[string]int64{}
		for _, a := range actions {
			m[string(a)] = 0
		}
		return m
	}
	counts := map[string]map[string]int64{}
	totals := zero()
	for _, k := range spec.KindNames() {
		counts[k] = zero()
	}
	for _, c := range in.Plan.Changes {
		if counts[string(c.Key.Kind)] == nil {
			counts[string(c.Key.Kind)] = zero()
		}
		counts[string(c.Key.Kind)][string(c.Action)]++
		totals[string(c.Action)]++
	}
	return map[string]any{"counts": counts, "totals": totals, "owner": in.Desired.Owner}
}

// sortViolations orders violations by position, rule and object.
func sortViolations(vs []plan.Violation) {
	slices.SortStableFunc(vs, func(a, b plan.Violation) int {
		if c := strings.Compare(a.Pos.File, b.Pos.File); c != 0 {
			return c
		}
		if a.Pos.Line != b.Pos.Line {
			return a.Pos.Line - b.Pos.Line
		}
		if a.Pos.Col != b.Pos.Col {
			return a.Pos.Col - b.Pos.Col
		}
		if c := strings.Compare(a.Rule, b.Rule); c != 0 {
			return c
		}
		return strings.Compare(keyString(a.Key), keyString(b.Key))
	})
}

func keyString(k *spec.Key) string {
	if k == nil {
		return ""
	}
	return k.String()
}
