package order

import (
	"cmp"
	"container/heap"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/spec"
)

// This file orders the planned calls: batch merges identical calls, link records which call
// must run before which, and order sorts them into the Steps apply runs.

// batch merges batchable protos with the same phase, group, kind, operation, parameters, secret
// references and vault reference into one call with many IDs.
func batch(protos []*proto) []*proto {
	var out []*proto
	byKey := map[string]*proto{}
	merged := map[*proto]*proto{}
	for _, p := range protos {
		if !p.batch {
			out = append(out, p)
			continue
		}
		k := batchKey(p)
		q := byKey[k]
		if q == nil {
			byKey[k] = p
			out = append(out, p)
			continue
		}
		q.step.Keys = append(q.step.Keys, p.step.Keys...)
		q.step.IDs = append(q.step.IDs, p.step.IDs...)
		q.frees = append(q.frees, p.frees...)
		q.takes = append(q.takes, p.takes...)
		q.removes = q.removes.Union(p.removes)
		for d := range p.deps {
			q.deps[d] = true
		}
		merged[p] = q
	}
	for _, p := range out {
		for d := range p.deps {
			if q := merged[d]; q != nil {
				delete(p.deps, d)
				p.deps[q] = true
			}
		}
		slices.SortFunc(p.step.Keys, spec.CompareKeys)
		slices.Sort(p.step.IDs)
	}
	return out
}

// batchKey is what two calls must share to be batched: every record delete of one kind in one
// phase and group; for updates also the parameters, secret references and vault reference.
func batchKey(p *proto) string {
	s := p.step
	if s.Op == plan.OpDelete {
		return fmt.Sprintf("%d|%d|%s|delete", s.Phase, p.group, s.Kind)
	}
	params, _ := json.Marshal(s.Params)
	secrets, _ := json.Marshal(s.Secrets)
	refs, _ := json.Marshal(s.VaultRefs)
	return fmt.Sprintf("%d|%d|%s|%s|%s|%s|%s|%s", s.Phase, p.group, s.Kind, s.Op, params, secrets, s.VaultRef, refs)
}

// link records the dependencies of every call on the call creating the vault it references. A
// call that takes a title, IPs or a rule slot another call frees depends on it through its
// hand-over (pairHandovers), never here.
func link(protos []*proto) error {
	vaults := map[string]*proto{}
	for _, p := range protos {
		if p.vault != "" {
			vaults[p.vault] = p
		}
	}
	for _, p := range protos {
		if p.step.VaultRef != "" {
			v := vaults[p.step.VaultRef]
			if v == nil {
				return fmt.Errorf("plan: internal error: no step creates vault %q", p.step.VaultRef)
			}
			p.deps[v] = true
		}
		for _, title := range p.step.VaultRefs {
			v := vaults[title]
			if v == nil {
				return fmt.Errorf("plan: internal error: no step creates vault %q", title)
			}
			p.deps[v] = true
		}
	}
	return nil
}

// protoHeap is a min-heap of calls by their sorted index (container/heap).
type protoHeap []*proto

func (h protoHeap) Len() int           { return len(h) }
func (h protoHeap) Less(i, j int) bool { return h[i].index < h[j].index }
func (h protoHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *protoHeap) Push(x any)        { *h = append(*h, x.(*proto)) }
func (h *protoHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// order sorts the calls by phase, group and key, then topologically by dependency (a call runs
// after every call it depends on, otherwise in sorted order), numbers them and fills DependsOn.
func order(protos []*proto) ([]plan.Step, error) {
	sortProtos(protos)
	sorted, err := topological(protos)
	if err != nil {
		return nil, err
	}
	return number(sorted)
}

// sortProtos sorts the calls by phase, order group and key, and records each call's index.
func sortProtos(protos []*proto) {
	slices.SortStableFunc(protos, func(a, b *proto) int {
		if c := cmp.Compare(a.step.Phase, b.step.Phase); c != 0 {
			return c
		}
		if c := cmp.Compare(a.group, b.group); c != 0 {
			return c
		}
		return cmp.Compare(a.sortKey(), b.sortKey()) // only now: sortKey allocates
	})
	for i, p := range protos {
		p.index = i
	}
}

// topological orders sorted calls so that each runs after the calls it depends on, keeping the
// sorted order wherever the dependencies allow; a cycle is an error naming the objects in it.
func topological(protos []*proto) ([]*proto, error) {
	indeg := map[*proto]int{}
	users := map[*proto][]*proto{}
	for _, p := range protos {
		indeg[p] = len(p.deps)
		for d := range p.deps {
			users[d] = append(users[d], p)
		}
	}
	h := &protoHeap{}
	for _, p := range protos {
		if indeg[p] == 0 {
			heap.Push(h, p)
		}
	}
	var sorted []*proto
	for h.Len() > 0 {
		p := heap.Pop(h).(*proto)
		sorted = append(sorted, p)
		for _, u := range users[p] {
			indeg[u]--
			if indeg[u] == 0 {
				heap.Push(h, u)
			}
		}
	}
	if len(sorted) != len(protos) {
		return nil, cycleError(protos, indeg)
	}
	return sorted, nil
}

// cycleError names the objects of the calls left waiting on a dependency cycle.
func cycleError(protos []*proto, indeg map[*proto]int) error {
	var keys []string
	for _, p := range protos {
		if indeg[p] > 0 {
			for _, k := range p.step.Keys {
				keys = append(keys, k.String())
			}
		}
	}
	slices.Sort(keys)
	return fmt.Errorf("plan: the changes of %s depend on each other in a cycle (for example two titles or IP ranges swap); make the change in two applies through an intermediate title or range",
		strings.Join(slices.Compact(keys), ", "))
}

// number turns the ordered calls into Steps: IDs from 1, DependsOn as step IDs, and no empty
// Params or Secrets. A call running in an earlier phase than its predecessor is an internal error.
func number(sorted []*proto) ([]plan.Step, error) {
	ids := map[*proto]int{}
	steps := make([]plan.Step, len(sorted))
	for i, p := range sorted {
		ids[p] = i + 1
		p.id = i + 1
		s := p.step
		s.ID = i + 1
		if i > 0 && s.Phase < steps[i-1].Phase {
			return nil, fmt.Errorf("plan: internal error: step %d (%s) would run in phase %d after phase %d", s.ID, s.Endpoint(), s.Phase, steps[i-1].Phase)
		}
		for d := range p.deps {
			s.DependsOn = append(s.DependsOn, ids[d])
		}
		slices.Sort(s.DependsOn)
		if len(s.Params) == 0 {
			s.Params = nil
		}
		if len(s.Secrets) == 0 {
			s.Secrets = nil
		}
		steps[i] = s
	}
	return steps, nil
}
