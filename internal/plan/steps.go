package plan

import (
	"container/heap"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/qsync/qsync/internal/spec"
)

// proto is a step being planned, with the facts its ordering depends on.
type proto struct {
	step    Step
	group   int // order of step groups within a phase
	batch   bool
	index   int
	deps    map[*proto]bool
	frees   []spec.Key // titles this call frees
	takes   []spec.Key // titles this call needs free
	removes spec.IPSet // IPs this call frees (in exgroup)
	adds    spec.IPSet // IPs this call needs free (in exgroup)
	exgroup string
	vault   string // title of the vault this call creates
}

func (p *proto) sortKey() string {
	if len(p.step.Keys) == 0 {
		return string(p.step.Kind)
	}
	k := p.step.Keys[0]
	return keySort(k)
}

// keySort turns a key into a string that sorts like spec.Less.
func keySort(k spec.Key) string {
	r := "1"
	if k.Kind == spec.KindVault {
		r = "0"
	}
	return r + string(k.Kind) + "\x00" + k.Title
}

func clone(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// planSteps turns the items into ordered, batched API calls:
//
//  1. vaults: the delete half of a vault replacement, vault updates (renames ordered so a title is
//     free before it is taken), vault creates;
//  2. record deletes that free IPs or a title a record needs (the delete half of a replacement),
//     then record updates that only remove IPs or free a title, and the IP removal or title change
//     split off an update whose removed IPs or old title another record takes;
//  3. record creates, then the remaining record updates;
//  4. record deletes, one call per kind;
//  5. vault deletes, one call per vault.
//
// Record updates with identical parameters, secret references and vault reference in one phase are
// batched into one call; all record deletes of one kind in one phase are one call.
func (b *builder) planSteps() ([]Step, error) {
	// Titles wanted by creates and renames; IPs added per exclusivity group.
	wanted := map[spec.Key]*item{}
	adds := map[string]spec.IPSet{}
	for _, it := range b.items {
		if it.d == nil || it.action == "" {
			continue
		}
		if it.action == ActionCreate || it.action == ActionReplace || it.d.Title != it.l.Title {
			wanted[it.d.Key()] = it
		}
		if g := it.group(); g != "" && it.d.Kind.IsRecord() {
			if it.action == ActionCreate || it.action == ActionReplace {
				adds[g] = adds[g].Union(it.d.IPs)
			} else {
				adds[g] = adds[g].Union(it.added)
			}
		}
	}
	var protos []*proto
	add := func(p *proto) *proto {
		p.deps = map[*proto]bool{}
		protos = append(protos, p)
		return p
	}
	for _, it := range b.items {
		if it.action == "" {
			continue
		}
		if it.d == nil { // delete
			l := it.l
			p := &proto{step: Step{Kind: l.Kind, Op: OpDelete, Keys: []spec.Key{l.Key()}, IDs: []int64{l.ID}},
				frees: []spec.Key{l.Key()}}
			if l.Kind == spec.KindVault {
				p.step.Phase = PhaseDeleteVaults
			} else {
				p.step.Phase, p.batch = PhaseDeleteRecords, true
				p.removes, p.exgroup = l.IPs, it.group()
				if w := wanted[l.Key()]; w != nil || (p.exgroup != "" && !l.IPs.Intersect(adds[p.exgroup]).IsZero()) {
					it.earlyDelete = true
					p.step.Phase = PhaseRelease
				}
			}
			add(p)
			continue
		}
		d, l := it.d, it.l
		vault := d.Kind == spec.KindVault
		createPhase := PhaseRecords
		if vault {
			createPhase = PhaseVaults
		}
		if it.action == ActionCreate || it.action == ActionReplace {
			var del *proto
			if it.action == ActionReplace {
				del = add(&proto{step: Step{Kind: l.Kind, Op: OpDelete, Keys: []spec.Key{l.Key()}, IDs: []int64{l.ID}},
					frees: []spec.Key{l.Key()}, removes: l.IPs, exgroup: it.group()})
				if vault {
					del.step.Phase = PhaseVaults
				} else {
					del.step.Phase, del.group, del.batch = PhaseRelease, 0, true
				}
				it.earlyDelete = true
			}
			c := add(&proto{step: Step{Phase: createPhase, Kind: d.Kind, Op: OpCreate, Keys: []spec.Key{d.Key()},
				Params: clone(it.params), Secrets: it.secrets, VaultRef: it.vaultRef},
				group: 2, takes: []spec.Key{d.Key()}, exgroup: it.group()})
			if !vault {
				c.group = 0
				c.adds = d.IPs
			} else {
				c.vault = d.Title
			}
			if del != nil {
				c.deps[del] = true
			}
			continue
		}
		// In-place update (update, adopt, rename).
		rename := d.Title != l.Title
		if vault {
			p := add(&proto{step: Step{Phase: PhaseVaults, Kind: d.Kind, Op: OpUpdate, Keys: []spec.Key{d.Key()},
				IDs: []int64{l.ID}, Params: clone(it.params), Secrets: it.secrets}, group: 1})
			if rename {
				p.step.Params["title"] = d.Title
				p.frees, p.takes = []spec.Key{l.Key()}, []spec.Key{d.Key()}
			}
			continue
		}
		g := it.group()
		it.freeTitle = rename && wanted[l.Key()] != nil && wanted[l.Key()] != it
		rest := len(it.params) > 0 || len(it.secrets) > 0 || !it.added.IsZero() || (rename && !it.freeTitle)
		needed := g != "" && !it.removed.Intersect(adds[g]).IsZero()
		it.releaseIPs = !it.removed.IsZero() && (needed || !rest)
		if it.releaseIPs || it.freeTitle {
			p := add(&proto{step: Step{Phase: PhaseRelease, Kind: d.Kind, Op: OpUpdate, Keys: []spec.Key{d.Key()},
				IDs: []int64{l.ID}, Params: map[string]string{}}, group: 1, batch: true, exgroup: g})
			if it.releaseIPs {
				p.step.Params["remove_ips"] = it.removed.String()
				p.removes = it.removed
			}
			if it.freeTitle {
				p.step.Params["title"] = d.Title
				p.frees, p.takes = []spec.Key{l.Key()}, []spec.Key{d.Key()}
			}
		}
		if !rest {
			continue
		}
		params := clone(it.params)
		p := add(&proto{step: Step{Phase: PhaseRecords, Kind: d.Kind, Op: OpUpdate, Keys: []spec.Key{d.Key()},
			IDs: []int64{l.ID}, Params: params, Secrets: it.secrets, VaultRef: it.vaultRef},
			group: 1, batch: true, exgroup: g, adds: it.added})
		if rename && !it.freeTitle {
			params["title"] = d.Title
			p.frees, p.takes = []spec.Key{l.Key()}, []spec.Key{d.Key()}
		}
		switch {
		case it.releaseIPs:
			if !it.added.IsZero() {
				params["add_ips"] = it.added.String()
			}
		case !it.added.IsZero() && !it.removed.IsZero():
			params["ips"] = d.IPs.String()
		case !it.added.IsZero():
			params["add_ips"] = it.added.String()
		case !it.removed.IsZero():
			params["remove_ips"] = it.removed.String()
		}
	}

	protos = batch(protos)
	if err := b.link(protos); err != nil {
		return nil, err
	}
	return order(protos)
}

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
		q.adds = q.adds.Union(p.adds)
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
		sort.Slice(p.step.Keys, func(i, j int) bool { return spec.Less(p.step.Keys[i], p.step.Keys[j]) })
		sort.Slice(p.step.IDs, func(i, j int) bool { return p.step.IDs[i] < p.step.IDs[j] })
	}
	return out
}

func batchKey(p *proto) string {
	s := p.step
	if s.Op == OpDelete {
		return fmt.Sprintf("%d|%d|%s|delete", s.Phase, p.group, s.Kind)
	}
	params, _ := json.Marshal(s.Params)
	secrets, _ := json.Marshal(s.Secrets)
	return fmt.Sprintf("%d|%d|%s|%s|%s|%s|%s", s.Phase, p.group, s.Kind, s.Op, params, secrets, s.VaultRef)
}

// link records the dependencies of every call: on the call creating the vault it references, on
// the call freeing a title it takes, and on the phase-2 call freeing IPs it adds.
func (b *builder) link(protos []*proto) error {
	vaults := map[string]*proto{}
	frees := map[spec.Key]*proto{}
	var removers []*proto
	for _, p := range protos {
		if p.vault != "" {
			vaults[p.vault] = p
		}
		for _, k := range p.frees {
			frees[k] = p
		}
		if !p.removes.IsZero() && p.exgroup != "" && p.step.Phase <= PhaseRelease {
			removers = append(removers, p)
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
		for _, k := range p.takes {
			if q := frees[k]; q != nil && q != p {
				p.deps[q] = true
			}
		}
		if !p.adds.IsZero() && p.exgroup != "" {
			for _, q := range removers {
				if q != p && q.exgroup == p.exgroup && !q.removes.Intersect(p.adds).IsZero() {
					p.deps[q] = true
				}
			}
		}
	}
	return nil
}

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
func order(protos []*proto) ([]Step, error) {
	sort.SliceStable(protos, func(i, j int) bool {
		a, b := protos[i], protos[j]
		if a.step.Phase != b.step.Phase {
			return a.step.Phase < b.step.Phase
		}
		if a.group != b.group {
			return a.group < b.group
		}
		return a.sortKey() < b.sortKey()
	})
	indeg := map[*proto]int{}
	users := map[*proto][]*proto{}
	for i, p := range protos {
		p.index = i
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
		var keys []string
		for _, p := range protos {
			if indeg[p] > 0 {
				for _, k := range p.step.Keys {
					keys = append(keys, k.String())
				}
			}
		}
		sort.Strings(keys)
		return nil, fmt.Errorf("plan: the changes of %s depend on each other in a cycle (for example two titles or IP ranges swap); make the change in two applies through an intermediate title or range",
			strings.Join(dedupe(keys), ", "))
	}
	ids := map[*proto]int{}
	steps := make([]Step, len(sorted))
	for i, p := range sorted {
		ids[p] = i + 1
		s := p.step
		s.ID = i + 1
		if i > 0 && s.Phase < steps[i-1].Phase {
			return nil, fmt.Errorf("plan: internal error: step %d (%s) would run in phase %d after phase %d", s.ID, s.Endpoint(), s.Phase, steps[i-1].Phase)
		}
		for d := range p.deps {
			s.DependsOn = append(s.DependsOn, ids[d])
		}
		sort.Ints(s.DependsOn)
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
