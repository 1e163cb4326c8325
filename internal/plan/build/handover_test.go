package build

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/spec"
)

// dbRecord is a managed (id != 0) or desired database record of kind k with the given settings.
func dbRecord(t testing.TB, k spec.Kind, title string, id int64, attrs map[string]string, ipList ...string) *spec.Object {
	o := &spec.Object{Kind: k, Title: title, ID: id, IPs: ips(t, ipList...), Attrs: map[string]string{"username": "scan"}}
	maps.Copy(o.Attrs, attrs)
	if id != 0 {
		o.Marker = marker()
	}
	return withDefaults(o)
}

// handoverSummary is one line per hand-over: "move unix a->b [ips] 10.0.0.2 1->2 group unix give_back 10.0.0.2".
func handoverSummary(p *plan.Plan) []string {
	var out []string
	for _, h := range p.Handovers {
		line := fmt.Sprintf("%s %s %s->%s %v %s %d->%d group %s", h.Mode, h.From.Kind, h.From.Title, h.To.Title, h.What,
			strings.Join(h.IPs, ","), h.Release, h.Take, h.Group)
		if h.GiveBack != "" {
			line += " give_back " + h.GiveBack
		}
		out = append(out, line)
	}
	return out
}

// TestHandoverPairs: every release is paired with its take, whatever is handed over (IPs of an
// exclusivity group, a title, a rule slot from the kind table), and the pair runs in phase 2,
// release then take, never batched; each table row is named after the edge it covers.
func TestHandoverPairs(t *testing.T) {
	ora := func(title string, id int64, port string, ipList ...string) *spec.Object {
		a := map[string]string{"sid": "ERP"}
		if port != "" {
			a["port"] = port
		}
		return dbRecord(t, spec.KindOracle, title, id, a, ipList...)
	}
	db2 := func(title string, id int64, port string, ipList ...string) *spec.Object {
		return dbRecord(t, spec.KindIBMDB2, title, id, map[string]string{"database": "CORE", "port": port}, ipList...)
	}
	for _, tc := range []struct {
		name          string
		live, desired []*spec.Object
		opts          func(*plan.Options)
		handovers     []string
		steps         []string
	}{
		{name: "ip move between two records of a group gives back on a failed take",
			live:      []*spec.Object{unix(t, "a", 1, "10.0.0.1-10.0.0.2"), unix(t, "b", 2, "10.0.0.3")},
			desired:   []*spec.Object{noSecrets(unix(t, "a", 0, "10.0.0.1")), noSecrets(unix(t, "b", 0, "10.0.0.2-10.0.0.3"))},
			handovers: []string{"move unix a->b [ips] 10.0.0.2 1->2 group unix give_back 10.0.0.2"},
			steps:     []string{"1:2 unix update [a] remove_ips=10.0.0.2", "2:2 unix update [b] add_ips=10.0.0.2 after[1]"}},
		{name: "rename without previous_titles is a replacement pair",
			live:      []*spec.Object{unix(t, "old", 1, "10.0.0.5")},
			desired:   []*spec.Object{unix(t, "new", 0, "10.0.0.5")},
			handovers: []string{"replacement unix old->new [ips] 10.0.0.5 1->2 group unix"},
			steps:     []string{"1:2 unix delete [old] ", "2:2 unix create [new] ips=10.0.0.5&title=new&username=root after[1]"}},
		{name: "two renames without previous_titles run one pair at a time, deletes not batched",
			live:    []*spec.Object{unix(t, "old1", 1, "10.0.0.1"), unix(t, "old2", 2, "10.0.0.2")},
			desired: []*spec.Object{unix(t, "new1", 0, "10.0.0.1"), unix(t, "new2", 0, "10.0.0.2")},
			handovers: []string{"replacement unix old1->new1 [ips] 10.0.0.1 1->2 group unix",
				"replacement unix old2->new2 [ips] 10.0.0.2 3->4 group unix"},
			steps: []string{"1:2 unix delete [old1] ", "2:2 unix create [new1] ips=10.0.0.1&title=new1&username=root after[1]",
				"3:2 unix delete [old2]  after[2]", "4:2 unix create [new2] ips=10.0.0.2&title=new2&username=root after[3]"}},
		{name: "pairs of different groups do not wait for each other",
			live: []*spec.Object{unix(t, "old", 1, "10.0.0.1"),
				withDefaults(&spec.Object{Kind: spec.KindWindows, Title: "w-old", ID: 2, IPs: ips(t, "10.0.0.2"), Attrs: map[string]string{"username": "u"}, Marker: marker()})},
			desired: []*spec.Object{unix(t, "new", 0, "10.0.0.1"),
				withDefaults(&spec.Object{Kind: spec.KindWindows, Title: "w-new", IPs: ips(t, "10.0.0.2"), Attrs: map[string]string{"username": "u"}})},
			handovers: []string{"replacement unix old->new [ips] 10.0.0.1 1->2 group unix",
				"replacement windows w-old->w-new [ips] 10.0.0.2 3->4 group windows"},
			steps: []string{"1:2 unix delete [old] ", "2:2 unix create [new] ips=10.0.0.1&title=new&username=root after[1]",
				"3:2 windows delete [w-old] ", "4:2 windows create [w-new] ips=10.0.0.2&title=w-new&username=u after[3]"}},
		{name: "title freed by a rename for a create",
			live: []*spec.Object{mysql(t, "a", 1, "10.0.0.1")},
			desired: []*spec.Object{func() *spec.Object {
				o := noSecrets(mysql(t, "c", 0, "10.0.0.1"))
				o.PreviousTitles = []string{"a"}
				return o
			}(), mysql(t, "a", 0, "10.0.0.2")},
			handovers: []string{"move mysql c->a [title]  1->2 group mysql"},
			steps:     []string{"1:2 mysql update [c] title=c", "2:2 mysql create [a] database=mysql&ips=10.0.0.2&port=3306&title=a&username=scanner after[1]"}},
		{name: "oracle all ports slot freed by a port change for a create",
			live:      []*spec.Object{ora("ora-a", 1, "", "10.30.0.10")},
			desired:   []*spec.Object{ora("ora-a", 0, "1521", "10.30.0.10"), ora("ora-new", 0, "", "10.30.0.10")},
			handovers: []string{"move oracle ora-a->ora-new [slot] 10.30.0.10 1->2 group oracle"},
			steps:     []string{"1:2 oracle update [ora-a] port=1521", "2:2 oracle create [ora-new] ips=10.30.0.10&sid=ERP&title=ora-new&username=scan after[1]"}},
		{name: "oracle all ports slot of a live record whose port Qualys did not report",
			live: []*spec.Object{func() *spec.Object {
				o := ora("ora-a", 1, "", "10.30.0.10")
				o.Unknown = []string{"port"}
				return o
			}()},
			desired:   []*spec.Object{ora("ora-a", 0, "1521", "10.30.0.10"), ora("ora-new", 0, "", "10.30.0.10")},
			handovers: []string{"move oracle ora-a->ora-new [slot] 10.30.0.10 1->2 group oracle"},
			steps:     []string{"1:2 oracle update [ora-a] port=1521", "2:2 oracle create [ora-new] ips=10.30.0.10&sid=ERP&title=ora-new&username=scan after[1]"}},
		{name: "replacement taking a slot another record frees deletes its old object last",
			live:    []*spec.Object{ora("ora-b", 1, "1521", "10.30.0.20"), ora("ora-c", 2, "", "10.30.0.20")},
			desired: []*spec.Object{ora("ora-b", 0, "", "10.30.0.20"), ora("ora-c", 0, "1522", "10.30.0.20")},
			opts:    func(o *plan.Options) { o.AllowReplace = true },
			handovers: []string{"move oracle ora-c->ora-b [slot] 10.30.0.20 1->3 group oracle",
				"replacement oracle ora-b->ora-b [title]  2->3 group oracle"},
			steps: []string{"1:2 oracle update [ora-c] port=1522", "2:2 oracle delete [ora-b]  after[1]",
				"3:2 oracle create [ora-b] ips=10.30.0.20&sid=ERP&title=ora-b&username=scan after[1 2]"}},
		{name: "db2 ip and port slot freed by a delete for a port change",
			live:      []*spec.Object{db2("db2-a", 1, "50000", "10.60.0.10"), db2("db2-b", 2, "50001", "10.60.0.10")},
			desired:   []*spec.Object{db2("db2-b", 0, "50000", "10.60.0.10")},
			handovers: []string{"replacement ibm_db2 db2-a->db2-b [slot] 10.60.0.10 1->2 group ibm_db2"},
			steps:     []string{"1:2 ibm_db2 delete [db2-a] ", "2:2 ibm_db2 update [db2-b] port=50000 after[1]"}},
		{name: "oracle delete without a slot conflict stays after the creates",
			live:    []*spec.Object{ora("ora-a", 1, "1521", "10.30.0.10")},
			desired: []*spec.Object{ora("ora-new", 0, "1522", "10.30.0.10")},
			steps:   []string{"1:3 oracle create [ora-new] ips=10.30.0.10&port=1522&sid=ERP&title=ora-new&username=scan", "2:4 oracle delete [ora-a] "}},
		{name: "db2 port change to a free port pairs nothing",
			live:    []*spec.Object{db2("db2-a", 1, "50000", "10.60.0.10")},
			desired: []*spec.Object{db2("db2-a", 0, "50001", "10.60.0.10"), db2("db2-new", 0, "50002", "10.60.0.10")},
			steps:   []string{"1:3 ibm_db2 create [db2-new] database=CORE&ips=10.60.0.10&port=50002&title=db2-new&username=scan", "2:3 ibm_db2 update [db2-a] port=50001"}},
		{name: "oracle warning rule (same port without pc_only) pairs nothing",
			live:    []*spec.Object{ora("ora-a", 1, "1521", "10.30.0.10")},
			desired: []*spec.Object{ora("ora-a", 0, "1522", "10.30.0.10"), ora("ora-new", 0, "1521", "10.30.0.10")},
			steps:   []string{"1:3 oracle create [ora-new] ips=10.30.0.10&port=1521&sid=ERP&title=ora-new&username=scan", "2:3 oracle update [ora-a] port=1522"}},
		{name: "replacement of one object is a pair that keeps phase 3",
			live: []*spec.Object{func() *spec.Object { o := unix(t, "fw", 1, "10.1.0.1"); o.Type = "cisco"; return withDefaults(o) }()},
			desired: []*spec.Object{func() *spec.Object {
				o := unix(t, "fw", 0, "10.1.0.1")
				o.Type, o.AllowReplace = "checkpoint_firewall", true
				return withDefaults(o)
			}()},
			handovers: []string{"replacement unix fw->fw [ips title] 10.1.0.1 1->2 group unix"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := baseOpts()
			if tc.opts != nil {
				tc.opts(&opts)
			}
			desired, live := doc(tc.desired...), doc(tc.live...)
			p := mustBuild(t, desired, live, opts)
			if got := handoverSummary(p); !reflect.DeepEqual(got, tc.handovers) {
				t.Errorf("hand-overs:\n  %s\nwant:\n  %s\n%s", strings.Join(got, "\n  "), strings.Join(tc.handovers, "\n  "), planText(p))
			}
			if tc.steps != nil {
				wantSteps(t, p, tc.steps...)
			}
			applyAndConverge(t, desired, live, p, opts)
		})
	}
}

// The golden scenarios of hand-overs (see scenarios): an IP move between two records, a rename
// without previous_titles (delete, then create with the old record's IPs) and an Oracle "All
// Ports" slot freed by a port change.
var (
	handoverMove = scenario{name: "handover_move",
		desired: func(t *testing.T) *spec.Document {
			return doc(noSecrets(unix(t, "web-a", 0, "10.0.0.1-10.0.0.9")), noSecrets(unix(t, "web-b", 0, "10.0.0.10-10.0.0.20")))
		},
		live: func(t *testing.T) *spec.Document {
			return doc(unix(t, "web-a", 3, "10.0.0.1-10.0.0.15"), unix(t, "web-b", 4, "10.0.0.16-10.0.0.20"))
		}}
	handoverRename = scenario{name: "handover_rename",
		desired: func(t *testing.T) *spec.Document { return doc(unix(t, "linux-servers", 0, "10.2.0.0/24")) },
		live:    func(t *testing.T) *spec.Document { return doc(unix(t, "linux", 12, "10.2.0.0/24")) }}
	handoverSlot = scenario{name: "handover_slot",
		desired: func(t *testing.T) *spec.Document {
			return doc(dbRecord(t, spec.KindOracle, "erp-1521", 0, map[string]string{"sid": "ERP", "port": "1521"}, "10.30.0.10-10.30.0.13"),
				dbRecord(t, spec.KindOracle, "erp-all-ports", 0, map[string]string{"sid": "ERP"}, "10.30.0.10-10.30.0.13"))
		},
		live: func(t *testing.T) *spec.Document {
			return doc(dbRecord(t, spec.KindOracle, "erp-1521", 31, map[string]string{"sid": "ERP"}, "10.30.0.10-10.30.0.13"))
		}}
)

// TestGuardCountsPairedDeletes: renames without previous_titles delete records whose IPs the new
// ones take; the delete threshold counts them (like the delete half of a replacement) and says
// how many are hand-overs.
func TestGuardCountsPairedDeletes(t *testing.T) {
	var live, desired []*spec.Object
	for i := range 10 {
		ip := fmt.Sprintf("10.0.0.%d", i+1)
		live = append(live, unix(t, fmt.Sprintf("old-%d", i), int64(i+1), ip))
		title := fmt.Sprintf("old-%d", i)
		if i < 4 {
			title = fmt.Sprintf("new-%d", i)
		}
		desired = append(desired, noSecrets(unix(t, title, 0, ip)))
	}
	_, err := Plan(doc(desired...), doc(live...), baseOpts())
	var re *plan.RefusedError
	if !errors.As(err, &re) || re.Deletes != 4 || re.Handovers != 4 {
		t.Fatalf("err = %v (%+v), want 4 deletes, 4 of them hand-overs", err, re)
	}
	if want := "refusing to delete 4 of 10 managed unix objects (more than 30%, replacements included; 4 of them hand-overs: deleted, then taken over by another object"; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("err = %v, want prefix %q", err, want)
	}
	opts := baseOpts()
	opts.AllowDeletes = true
	p := mustBuild(t, doc(desired...), doc(live...), opts)
	if len(p.Handovers) != 4 {
		t.Errorf("hand-overs = %v", handoverSummary(p))
	}
}

// checkUniqueRules refuses a model state in which two records break one of their kind's unique
// rules that Qualys enforces (Oracle "All Ports" per host, DB2 (IP, port)), as Qualys does.
func (m *model) checkUniqueRules() error {
	for i, a := range m.doc.Objects {
		for _, b := range m.doc.Objects[i+1:] {
			if r, both := spec.RuleConflict(a, b); r != nil && !r.Warning {
				return fmt.Errorf("records %d and %d both hold %s: %s", a.ID, b.ID, both, r.Reason)
			}
		}
	}
	return nil
}

// BenchmarkHandovers1k plans 1,000 IP moves along a chain of unix records (each gives its last
// address to the next) and 1,000 renames without previous_titles: 2,000 hand-overs in one group,
// the worst case of the pairing (every take is compared with every release of the group).
func BenchmarkHandovers1k(b *testing.B) {
	const n = 1000
	var live, desired []*spec.Object
	for i := range n {
		base := fmt.Sprintf("10.%d.%d.", i/200, i%200)
		live = append(live, unix(b, fmt.Sprintf("r-%d", i), int64(i+1), base+"1-"+base+"4"))
		want := []string{base + "1-" + base + "3"}
		if i > 0 {
			prev := fmt.Sprintf("10.%d.%d.4", (i-1)/200, (i-1)%200)
			want = append(want, prev)
		}
		desired = append(desired, noSecrets(unix(b, fmt.Sprintf("r-%d", i), 0, want...)))
		live = append(live, unix(b, fmt.Sprintf("old-%d", i), int64(n+i+1), fmt.Sprintf("10.%d.%d.9", 100+i/200, i%200)))
		desired = append(desired, noSecrets(unix(b, fmt.Sprintf("new-%d", i), 0, fmt.Sprintf("10.%d.%d.9", 100+i/200, i%200))))
	}
	d, l := doc(desired...), doc(live...)
	opts := baseOpts()
	opts.AllowDeletes = true
	b.ReportAllocs()
	for b.Loop() {
		p, err := Plan(d, l, opts)
		if err != nil {
			b.Fatal(err)
		}
		if len(p.Handovers) != 2*n-1 {
			b.Fatalf("%d hand-overs, want %d", len(p.Handovers), 2*n-1)
		}
	}
}
