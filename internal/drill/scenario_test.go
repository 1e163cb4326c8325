package drill

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/qsync/qsync/internal/bench"
	"github.com/qsync/qsync/internal/qualysemu/faults"
	"github.com/qsync/qsync/internal/spec"
)

// canary is contained in every secret value of a drill.
const canary = "CANARY-d7f1-secret"

// scenario is one drill: the live estate the emulator starts from, the desired estate, the secret
// values each was made with, and the faults of the first run.
type scenario struct {
	live, desired *bench.Estate
	liveEnv, env  map[string]string
	faults        []faults.Fault
}

// newScenario derives a random scenario from seed.
func newScenario(seed uint64) *scenario {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	sc := &scenario{liveEnv: bench.Env(canary + "-old"), env: bench.Env(canary + "-new")}
	// The vaults' secrets are the same on both sides; every record secret differs between the
	// live fingerprints and the configuration, so every secret parameter of every kind is sent
	// (and searched for in every output).
	for k, v := range sc.liveEnv {
		if strings.HasPrefix(k, "BENCH_VAULT_") {
			sc.env[k] = v
		}
	}
	sc.live = liveEstate(r)
	sc.desired = desiredEstate(r, sc.live, seed)
	sc.addFaults(r)
	return sc
}

// liveEstate draws the live estate: vaults, one record of every kind with every secret, random
// managed records, a spare and an unmanaged vault, unmanaged and other owners' records.
func liveEstate(r *rand.Rand) *bench.Estate {
	live := &bench.Estate{}
	nv := r.IntN(4)
	for i := range nv {
		live.Vaults = append(live.Vaults, bench.GenVault(i, bench.Owner))
	}
	// One record of every kind of the table, with every secret of the kind, in a random order;
	// then random records of any shape (vault logins among them).
	kindShapes := bench.KindShapes()
	for _, j := range r.Perm(len(kindShapes)) {
		live.Records = append(live.Records, bench.GenRecord(j*bench.Shapes+kindShapes[j], bench.Owner, live.Vaults))
	}
	n := 4 + r.IntN(14)
	for i := range n {
		live.Records = append(live.Records, bench.GenRecord((len(kindShapes)+i)*bench.Shapes+r.IntN(bench.Shapes), bench.Owner, live.Vaults))
	}
	// A spare vault nothing uses (deletable), an unmanaged vault, unmanaged records and another
	// owner's records, on addresses no managed record uses.
	spare := bench.GenVault(nv+1, bench.Owner)
	spare.Title = "spare-vault"
	live.Vaults = append(live.Vaults, spare)
	hand := bench.GenVault(nv, "")
	hand.Title = "hand-vault"
	live.Vaults = append(live.Vaults, hand)
	for i := range 1 + r.IntN(3) {
		u := bench.GenRecord(r.IntN(bench.Shapes), "", nil)
		u.Title, u.IPs = fmt.Sprintf("hand-%d", i), bench.IPv4(13, i)
		live.Records = append(live.Records, u)
	}
	for i := range r.IntN(3) {
		u := bench.GenRecord(r.IntN(bench.Shapes), "other", nil)
		u.Title, u.IPs = fmt.Sprintf("other-%d", i), bench.IPv4(14, i)
		live.Records = append(live.Records, u)
	}
	// Some managed records share one password, which the configuration rotates.
	for _, rec := range live.Records {
		if rec.Owner == bench.Owner && rec.Secrets["password"] != "" && r.IntN(3) == 0 {
			rec.Secrets["password"] = "BENCH_SHARED_PW"
		}
	}
	return live
}

// desiredEstate draws the configuration from live: managed vaults and records kept, changed,
// deleted or added, and addresses swapped between records of one kind.
func desiredEstate(r *rand.Rand, live *bench.Estate, seed uint64) *bench.Estate {
	desired := live.Clone()
	desired.Vaults = desired.Vaults[:0]
	for _, v := range live.Clone().Vaults {
		switch {
		case v.Owner != bench.Owner:
		case v.Title == "spare-vault" && r.IntN(2) == 0: // deleted
		default:
			if r.IntN(4) == 0 {
				v.Comments = "Changed by a drill."
			}
			desired.Vaults = append(desired.Vaults, v)
		}
	}
	if r.IntN(2) == 0 {
		v := bench.GenVault(0, bench.Owner)
		v.Title = "new-vault"
		desired.Vaults = append(desired.Vaults, v)
	}
	desired.Records = desired.Records[:0]
	var managed []*bench.Record
	for _, rec := range live.Clone().Records {
		if rec.Owner == bench.Owner {
			managed = append(managed, rec)
		}
	}
	for _, rec := range managed {
		switch r.IntN(6) {
		case 0: // deleted
			continue
		case 1:
			rec.Comments = fmt.Sprintf("Changed by drill %d.", seed)
		case 2:
			// A username is changed only where the record has one: SNMP v1 and v2c have none, and
			// a username alone is refused (v3's username, password and auth_alg go together).
			switch {
			case rec.Attrs["port"] != "":
				rec.Attrs["port"] = "2200"
			case rec.Attrs["username"] != "":
				_, domain, _ := strings.Cut(rec.Attrs["username"], "@")
				rec.Attrs["username"] = "changed" + strings.TrimSuffix("@"+domain, "@") // keeps an '@' Azure wants
			default:
				rec.Comments = fmt.Sprintf("Changed by drill %d.", seed)
			}
		case 3: // swap addresses with another record of the same kind: IPs move between records
			for _, o := range managed {
				if o != rec && o.Kind == rec.Kind {
					rec.IPs, o.IPs = o.IPs, rec.IPs
					break
				}
			}
		}
		desired.Records = append(desired.Records, rec)
	}
	for i := range r.IntN(5) {
		rec := bench.GenRecord(1000+i*bench.Shapes+r.IntN(bench.Shapes), bench.Owner, desired.Vaults)
		rec.Title = fmt.Sprintf("new-%d", i)
		desired.Records = append(desired.Records, rec)
	}
	return desired
}

// addFaults draws the faults the scenario's faulty run injects.
func (sc *scenario) addFaults(r *rand.Rand) {
	kinds := []faults.Kind{faults.RateLimit, faults.Concurrency, faults.Status,
		faults.DropBefore, faults.DropAfter, faults.Slow, faults.ErrorBody}
	matches := []string{"any", "write", "write", "create", "update", "delete", "list", "vault", "unix", "mysql/update"}
	for range 1 + r.IntN(4) {
		f := faults.Fault{Match: matches[r.IntN(len(matches))], Nth: 1 + r.IntN(5), Count: 1 + r.IntN(2),
			Kind: kinds[r.IntN(len(kinds))]}
		switch f.Kind {
		case faults.Status:
			f.Status = []int{500, 502, 503}[r.IntN(3)]
		case faults.ErrorBody:
			f.Code = 999
		case faults.Slow:
			f.Delay = time.Duration(1+r.IntN(3)) * time.Millisecond
		case faults.RateLimit, faults.Concurrency:
			f.Count = 1 + r.IntN(3) // with Wait 0: the client backs off (a no-op here) and retries
		}
		sc.faults = append(sc.faults, f)
	}
	// Every scenario that deletes a managed vault fails that delete the first time (a vault delete
	// is one call per vault, in the last phase): refused with a 5xx or a rate limit, or lost before
	// or after Qualys ran it. Half of them have that fault alone, so the delete is surely reached.
	if len(sc.droppedVaults()) > 0 {
		if r.IntN(2) == 0 {
			sc.faults = sc.faults[:0]
		}
		f := faults.Fault{Match: "vault/delete", Nth: 1, Count: 1}
		switch r.IntN(4) {
		case 0:
			f.Kind, f.Status = faults.Status, 503
		case 1:
			f.Kind = faults.RateLimit
		case 2:
			f.Kind = faults.DropBefore
		default:
			f.Kind = faults.DropAfter
		}
		sc.faults = append(sc.faults, f)
	}
}

// droppedVaults lists the keys of the managed vaults the configuration drops: the plan must
// delete them.
func (sc *scenario) droppedVaults() []spec.Key {
	keep := managedKeys(sc.desired, bench.Owner)
	var out []spec.Key
	for k := range managedKeys(sc.live, bench.Owner) {
		if k.Kind == spec.KindVault && !keep[k] {
			out = append(out, k)
		}
	}
	return out
}

// faultsVaultDelete reports whether the first run's faults target a vault delete.
func (sc *scenario) faultsVaultDelete() bool {
	for _, f := range sc.faults {
		if f.Match == "vault/delete" {
			return true
		}
	}
	return false
}

// managedKeys returns the keys of the objects owner manages in an estate.
func managedKeys(e *bench.Estate, owner string) map[spec.Key]bool {
	out := map[spec.Key]bool{}
	for _, v := range e.Vaults {
		if v.Owner == owner {
			out[spec.Key{Kind: spec.KindVault, Title: v.Title}] = true
		}
	}
	for _, r := range e.Records {
		if r.Owner == owner {
			out[spec.Key{Kind: r.Kind, Title: r.Title}] = true
		}
	}
	return out
}

// TestScenariosCoverTheTable: every drill's live estate holds a managed record of every kind and
// unix sub_type of spec's record table with every secret parameter of the kind set, and the
// configuration rotates each of those secrets, so every secret parameter is sent in every drill
// and the canary search covers it.
func TestScenariosCoverTheTable(t *testing.T) {
	for seed := uint64(1); seed <= 15; seed++ {
		sc := newScenario(seed)
		have := map[string]bool{}
		for _, r := range sc.live.Records {
			if r.Owner != bench.Owner {
				continue
			}
			for p, name := range r.Secrets {
				if sc.env[name] != sc.liveEnv[name] {
					have[string(r.Kind)+"/"+r.SubType+" "+p] = true
				}
			}
			have[string(r.Kind)+"/"+r.SubType] = true
		}
		for _, d := range spec.Kinds() {
			if !d.Kind.IsRecord() || d.Opaque != "" {
				continue
			}
			k := string(d.Kind) + "/" + d.Type
			if !have[k] {
				t.Errorf("seed %d: no managed %s record", seed, k)
			}
			for _, f := range d.Fields {
				if f.Type == spec.TypeSecret && !have[k+" "+f.Name] {
					t.Errorf("seed %d: secret %s of %s is not rotated", seed, f.Name, k)
				}
			}
		}
	}
}
