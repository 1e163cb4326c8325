package apply

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/qualysclient"
	"github.com/qsync/qsync/internal/spec"
	"github.com/qsync/qsync/internal/spec/secret"
)

// fakeClient records every call and answers from a script of errors per call. Objects created or
// deleted are kept, so re-reads see the effect of calls that "took effect".
type fakeClient struct {
	calls    []string
	nextID   int64
	vaults   map[string]int64 // title -> id
	records  map[string]int64 // "kind title" -> id
	params   []url.Values     // parameters of each write, in order
	fail     map[int]error    // 1-based write number -> error to return
	effect   map[int]bool     // the failing write took effect anyway (a lost answer)
	listErr  error
	onWrite  func(n int) // called before each write
	writeCtx []context.Context
}

func newFake() *fakeClient {
	return &fakeClient{nextID: 100, vaults: map[string]int64{}, records: map[string]int64{}, fail: map[int]error{}, effect: map[int]bool{}}
}

func (f *fakeClient) write(ctx context.Context, call string, v url.Values, do func()) error {
	f.calls = append(f.calls, call)
	f.params = append(f.params, v)
	f.writeCtx = append(f.writeCtx, ctx)
	n := len(f.params)
	if f.onWrite != nil {
		f.onWrite(n)
	}
	if err := f.fail[n]; err != nil {
		if f.effect[n] {
			do()
		}
		return err
	}
	do()
	return nil
}

func (f *fakeClient) CreateRecord(ctx context.Context, t qualysclient.RecordType, v url.Values) (int64, error) {
	f.nextID++
	id := f.nextID
	err := f.write(ctx, "create "+string(t)+" "+v.Get("title"), v, func() { f.records[string(t)+" "+v.Get("title")] = id })
	if err != nil {
		return 0, err
	}
	return id, nil
}

func (f *fakeClient) UpdateRecords(ctx context.Context, t qualysclient.RecordType, ids []int64, v url.Values) error {
	return f.write(ctx, fmt.Sprintf("update %s %s", t, qualysclient.FormatIDs(ids)), v, func() {})
}

func (f *fakeClient) DeleteRecords(ctx context.Context, t qualysclient.RecordType, ids []int64) error {
	return f.write(ctx, fmt.Sprintf("delete %s %s", t, qualysclient.FormatIDs(ids)), nil, func() {
		for k, id := range f.records {
			for _, d := range ids {
				if id == d {
					delete(f.records, k)
				}
			}
		}
	})
}

func (f *fakeClient) CreateVault(ctx context.Context, v url.Values) (int64, error) {
	f.nextID++
	id := f.nextID
	err := f.write(ctx, "create vault "+v.Get("title"), v, func() { f.vaults[v.Get("title")] = id })
	if err != nil {
		return 0, err
	}
	return id, nil
}

func (f *fakeClient) UpdateVault(ctx context.Context, id int64, v url.Values) error {
	return f.write(ctx, fmt.Sprintf("update vault %d", id), v, func() {})
}

func (f *fakeClient) DeleteVault(ctx context.Context, id int64) error {
	return f.write(ctx, fmt.Sprintf("delete vault %d", id), nil, func() {
		for k, v := range f.vaults {
			if v == id {
				delete(f.vaults, k)
			}
		}
	})
}

func (f *fakeClient) ListRecords(_ context.Context, t qualysclient.RecordType, opt qualysclient.ListOptions) ([]qualysclient.Record, error) {
	f.calls = append(f.calls, "list "+string(t))
	if f.listErr != nil {
		return nil, f.listErr
	}
	var out []qualysclient.Record
	for k, id := range f.records {
		kind, title, _ := strings.Cut(k, " ")
		if kind != string(t) || (opt.Title != "" && !strings.Contains(title, opt.Title)) {
			continue
		}
		if len(opt.IDs) > 0 && !slices.Contains(opt.IDs, id) {
			continue
		}
		out = append(out, qualysclient.Record{ID: id, Type: t, Title: title})
	}
	return out, nil
}

func (f *fakeClient) ListVaults(context.Context) ([]qualysclient.Vault, error) {
	f.calls = append(f.calls, "list vault")
	if f.listErr != nil {
		return nil, f.listErr
	}
	var out []qualysclient.Vault
	for title, id := range f.vaults {
		out = append(out, qualysclient.Vault{ID: id, Title: title})
	}
	return out, nil
}

func key(kind spec.Kind, title string) spec.Key { return spec.Key{Kind: kind, Title: title} }

// testPlan: 1 create vault; 2 create unix through it; 3 create mysql; 4 update mysql 7,8 (batched);
// 5 delete mysql 9 (phase 4).
func testPlan() *plan.Plan {
	return &plan.Plan{
		Changes: []plan.Change{
			{Key: key(spec.KindMySQL, "a"), Action: plan.ActionUpdate, ID: 7},
			{Key: key(spec.KindMySQL, "b"), Action: plan.ActionUpdate, ID: 8},
			{Key: key(spec.KindMySQL, "old"), Action: plan.ActionDelete, ID: 9},
		},
		Steps: []plan.Step{
			{ID: 1, Phase: plan.PhaseVaults, Kind: spec.KindVault, Op: plan.OpCreate, Keys: []spec.Key{key(spec.KindVault, "pam")},
				Params: map[string]string{"title": "pam", "type": "CA PAM"}, Secrets: map[string]spec.SecretRef{"apikey": {Env: "APIKEY"}}},
			{ID: 2, Phase: plan.PhaseRecords, Kind: spec.KindUnix, Op: plan.OpCreate, Keys: []spec.Key{key(spec.KindUnix, "sw")},
				Params: map[string]string{"title": "sw", "login_type": "vault"}, VaultRef: "pam", DependsOn: []int{1}},
			{ID: 3, Phase: plan.PhaseRecords, Kind: spec.KindMySQL, Op: plan.OpCreate, Keys: []spec.Key{key(spec.KindMySQL, "db")},
				Params: map[string]string{"title": "db"}, Secrets: map[string]spec.SecretRef{"password": {Env: "DB_PW"}}},
			{ID: 4, Phase: plan.PhaseRecords, Kind: spec.KindMySQL, Op: plan.OpUpdate, Keys: []spec.Key{key(spec.KindMySQL, "a"), key(spec.KindMySQL, "b")},
				IDs: []int64{7, 8}, Params: map[string]string{"port": "3307"}},
			{ID: 5, Phase: plan.PhaseDeleteRecords, Kind: spec.KindMySQL, Op: plan.OpDelete, Keys: []spec.Key{key(spec.KindMySQL, "old")}, IDs: []int64{9}},
		},
	}
}

const canary = "canary-Secret-4711"

func resolve(ref spec.SecretRef) (string, error) {
	if ref.Env == "MISSING" {
		return "", errors.New("environment variable MISSING is not set")
	}
	return canary + "-" + ref.Env, nil
}

func statuses(res *Result) []Status {
	out := make([]Status, len(res.Steps))
	for i, s := range res.Steps {
		out[i] = s.Status
	}
	return out
}

func run(t *testing.T, f *fakeClient, p *plan.Plan) *Result {
	t.Helper()
	res, err := Run(context.Background(), f, p, Options{Resolve: resolve})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return res
}

func TestRunInPlanOrderWithBatchesAndVaultRef(t *testing.T) {
	f := newFake()
	res := run(t, f, testPlan())
	want := []string{"create vault pam", "create unix sw", "create mysql db", "update mysql 7-8", "delete mysql 9"}
	if !reflect.DeepEqual(f.calls, want) {
		t.Fatalf("calls = %q, want %q", f.calls, want)
	}
	if !res.OK() || res.Applied != 5 || res.Calls != 5 || res.Reads != 0 {
		t.Fatalf("result = %+v", res)
	}
	vaultID := res.Steps[0].CreatedID
	if got := f.params[1].Get("vault_id"); got != fmt.Sprint(vaultID) || vaultID == 0 {
		t.Errorf("unix create vault_id = %q, want the new vault's ID %d", got, vaultID)
	}
	if got := f.params[0].Get("apikey"); got != canary+"-APIKEY" {
		t.Errorf("vault create apikey = %q, want the resolved secret", got)
	}
}

func TestRunMissingSecretSendsNothing(t *testing.T) {
	f := newFake()
	p := testPlan()
	p.Steps[2].Secrets = map[string]spec.SecretRef{"password": {Env: "MISSING"}}
	_, err := Run(context.Background(), f, p, Options{Resolve: resolve})
	if err == nil || !strings.Contains(err.Error(), `create mysql "db": password: environment variable MISSING is not set`) {
		t.Fatalf("err = %v", err)
	}
	if len(f.calls) != 0 {
		t.Fatalf("calls = %q, want none", f.calls)
	}
}

func TestRunFailureSkipsDependantsAndLaterPhases(t *testing.T) {
	f := newFake()
	f.fail[1] = &qualysclient.APIError{Op: "create vault", Status: 400, Code: 1905, Text: "parameter url has invalid value"}
	res := run(t, f, testPlan())
	// The vault failed: the unix record depending on it is skipped, and so is the rest (phase 3
	// and later build on phase 1).
	if got, want := statuses(res), []Status{Failed, Pending, Pending, Pending, Pending}; !reflect.DeepEqual(got, want) {
		t.Fatalf("statuses = %v, want %v", got, want)
	}
	if want := []string{"create vault pam"}; !reflect.DeepEqual(f.calls, want) {
		t.Fatalf("calls = %q, want %q", f.calls, want)
	}
	s := res.Steps[0]
	if s.Code != 1905 || s.HTTPStatus != 400 || s.Text != "parameter url has invalid value" {
		t.Errorf("failed step = %+v, want the Qualys code and text", s)
	}
	if r := res.Steps[1].Reason; r != "depends on step 1, which was not applied" {
		t.Errorf("reason = %q", r)
	}
	if r := res.Steps[2].Reason; r != "a step of phase 1 failed, and phase 3 builds on it" {
		t.Errorf("reason = %q", r)
	}
	if res.Applied != 0 || res.Failed != 1 || res.Pending != 4 || res.OK() {
		t.Errorf("counts = %+v", res)
	}
}

func TestRunFailureFinishesIndependentStepsOfItsPhase(t *testing.T) {
	f := newFake()
	f.fail[2] = &qualysclient.APIError{Op: "create unix record", Status: 200, Code: 1905, Text: "bad"}
	res := run(t, f, testPlan())
	if got, want := statuses(res), []Status{Applied, Failed, Applied, Applied, Pending}; !reflect.DeepEqual(got, want) {
		t.Fatalf("statuses = %v, want %v", got, want)
	}
	if want := []string{"create vault pam", "create unix sw", "create mysql db", "update mysql 7-8"}; !reflect.DeepEqual(f.calls, want) {
		t.Fatalf("calls = %q, want %q", f.calls, want)
	}
}

func TestRunSkipsTransitiveDependants(t *testing.T) {
	f := newFake()
	p := testPlan()
	// Step 3 now depends on step 2, which depends on the failing step 1; all in phase 1.
	for i := range p.Steps[:3] {
		p.Steps[i].Phase = plan.PhaseVaults
	}
	p.Steps[2].DependsOn = []int{2}
	f.fail[1] = &qualysclient.APIError{Op: "create vault", Status: 400, Code: 1905, Text: "bad"}
	res := run(t, f, p)
	if got, want := statuses(res), []Status{Failed, Pending, Pending, Pending, Pending}; !reflect.DeepEqual(got, want) {
		t.Fatalf("statuses = %v, want %v", got, want)
	}
	if r := res.Steps[2].Reason; r != "depends on step 2, which was not applied" {
		t.Errorf("reason = %q", r)
	}
}

func lost(op string) error {
	return &qualysclient.OutcomeUnknownError{Op: op, Err: errors.New("EOF")}
}

func TestUnknownCreateFoundIsAppliedWithoutResend(t *testing.T) {
	f := newFake()
	f.fail[1], f.effect[1] = lost(`create vault "pam"`), true
	res := run(t, f, testPlan())
	want := []string{"create vault pam", "list vault", "create unix sw", "create mysql db", "update mysql 7-8", "delete mysql 9"}
	if !reflect.DeepEqual(f.calls, want) {
		t.Fatalf("calls = %q, want %q (one create, settled by a list)", f.calls, want)
	}
	s := res.Steps[0]
	if s.Status != Applied || !s.Resolved || s.CreatedID != f.vaults["pam"] {
		t.Fatalf("step = %+v, want applied with the found ID %d", s, f.vaults["pam"])
	}
	if got := f.params[1].Get("vault_id"); got != fmt.Sprint(f.vaults["pam"]) {
		t.Errorf("dependant vault_id = %q, want the found ID", got)
	}
	if !res.OK() || res.Reads != 1 {
		t.Errorf("result = %+v", res)
	}
}

func TestUnknownCreateNotFoundFailsCleanly(t *testing.T) {
	f := newFake()
	f.fail[3] = lost("create mysql record")
	res := run(t, f, testPlan())
	s := res.Steps[2]
	if s.Status != Failed || !s.Resolved {
		t.Fatalf("step = %+v, want failed (resolved)", s)
	}
	if !strings.Contains(s.Error, "create mysql record: EOF; re-reading showed that the create did not take effect") {
		t.Errorf("error = %q", s.Error)
	}
	n := 0
	for _, c := range f.calls {
		if c == "create mysql db" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("create sent %d times, want 1: %q", n, f.calls)
	}
}

func TestUnknownCreateWhenReReadFailsStaysUnknown(t *testing.T) {
	f := newFake()
	f.fail[3] = lost("create mysql record")
	f.listErr = errors.New("connection refused")
	res := run(t, f, testPlan())
	s := res.Steps[2]
	if s.Status != Unknown || s.Resolved {
		t.Fatalf("step = %+v, want unknown", s)
	}
	if !strings.Contains(s.Error, "re-reading the mysql records to learn the outcome failed too: connection refused") {
		t.Errorf("error = %q", s.Error)
	}
	if res.Unknown != 1 || res.OK() {
		t.Errorf("result = %+v", res)
	}
}

func TestUnknownUpdateIsReportedNotResent(t *testing.T) {
	f := newFake()
	f.fail[4], f.effect[4] = lost("update mysql records 7-8"), true
	res := run(t, f, testPlan())
	if got, want := statuses(res), []Status{Applied, Applied, Applied, Unknown, Pending}; !reflect.DeepEqual(got, want) {
		t.Fatalf("statuses = %v, want %v", got, want)
	}
	if want := []string{"create vault pam", "create unix sw", "create mysql db", "update mysql 7-8"}; !reflect.DeepEqual(f.calls, want) {
		t.Fatalf("calls = %q, want %q", f.calls, want)
	}
}

func TestUnknownDelete(t *testing.T) {
	for _, tc := range []struct {
		name       string
		effect     bool
		wantStatus Status
	}{
		{"took effect", true, Applied},
		{"did not", false, Failed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake()
			f.records["mysql old"] = 9
			f.fail[5], f.effect[5] = lost("delete mysql records 9"), tc.effect
			res := run(t, f, testPlan())
			s := res.Steps[4]
			if s.Status != tc.wantStatus || !s.Resolved {
				t.Fatalf("step = %+v, want %s (resolved)", s, tc.wantStatus)
			}
			if f.calls[len(f.calls)-1] != "list mysql" {
				t.Errorf("calls = %q, want a list after the delete", f.calls)
			}
		})
	}
}

func TestUnknownDeletePartial(t *testing.T) {
	f := newFake()
	f.records["mysql x"] = 20
	f.records["mysql y"] = 21
	p := &plan.Plan{
		Changes: []plan.Change{{Key: key(spec.KindMySQL, "x"), ID: 20}, {Key: key(spec.KindMySQL, "y"), ID: 21}},
		Steps: []plan.Step{{ID: 1, Phase: plan.PhaseDeleteRecords, Kind: spec.KindMySQL, Op: plan.OpDelete,
			Keys: []spec.Key{key(spec.KindMySQL, "x"), key(spec.KindMySQL, "y")}, IDs: []int64{20, 21}}},
	}
	f.fail[1] = lost("delete mysql records 20-21")
	f.onWrite = func(int) { delete(f.records, "mysql x") } // only x went
	res := run(t, f, p)
	s := res.Steps[0]
	if s.Status != Failed || !reflect.DeepEqual(s.FailedIDs, []int64{21}) || !reflect.DeepEqual(s.SucceededIDs, []int64{20}) {
		t.Fatalf("step = %+v", s)
	}
	if !strings.Contains(s.Error, `still present: mysql "y" (id 21)`) {
		t.Errorf("error = %q", s.Error)
	}
}

func TestBatchPartialFailureNamesIDs(t *testing.T) {
	f := newFake()
	f.fail[4] = &qualysclient.BatchError{Op: "update mysql records 7-8", Succeeded: []int64{7},
		Failed: []qualysclient.BatchFailure{{Code: 1905, Text: "Record(s) not found", IDs: []int64{8}}}}
	res := run(t, f, testPlan())
	s := res.Steps[3]
	if s.Status != Failed || s.Code != 1905 || s.Text != "Record(s) not found" {
		t.Fatalf("step = %+v", s)
	}
	if !reflect.DeepEqual(s.FailedIDs, []int64{8}) || !reflect.DeepEqual(s.SucceededIDs, []int64{7}) {
		t.Errorf("ids: failed %v succeeded %v", s.FailedIDs, s.SucceededIDs)
	}
	if !strings.Contains(s.Error, `not changed: mysql "b" (id 8)`) {
		t.Errorf("error = %q", s.Error)
	}
}

func TestInterruptFinishesCallInFlight(t *testing.T) {
	f := newFake()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f.onWrite = func(n int) {
		if n == 2 {
			cancel() // Ctrl-C while the second call is in flight
		}
	}
	res, err := Run(ctx, f, testPlan(), Options{Resolve: resolve})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := statuses(res), []Status{Applied, Applied, Pending, Pending, Pending}; !reflect.DeepEqual(got, want) {
		t.Fatalf("statuses = %v, want %v", got, want)
	}
	if f.writeCtx[1].Err() != nil {
		t.Error("the call in flight saw its context cancelled")
	}
	if Interruptible(f.writeCtx[1]).Err() == nil {
		t.Error("Interruptible does not expose the interrupted context")
	}
	if !res.Interrupted || res.Steps[2].Reason != "interrupted before this step" {
		t.Errorf("result = %+v", res)
	}
}

func TestInterruptedRateLimitWaitIsNotSent(t *testing.T) {
	f := newFake()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f.onWrite = func(n int) {
		if n == 3 {
			cancel()
			// The client's wait before sending ended: it returns the context's error.
			f.fail[3] = fmt.Errorf("create mysql record: waiting out the Qualys rate limit: %w", context.Canceled)
		}
	}
	res, err := Run(ctx, f, testPlan(), Options{Resolve: resolve})
	if err != nil {
		t.Fatal(err)
	}
	s := res.Steps[2]
	if s.Status != Pending || !strings.Contains(s.Reason, "not sent") {
		t.Fatalf("step = %+v, want pending (not sent)", s)
	}
	if res.Calls != 2 || !res.Interrupted {
		t.Errorf("result = %+v", res)
	}
}

func TestNoSecretInResultOrProgress(t *testing.T) {
	f := newFake()
	f.fail[3] = &qualysclient.APIError{Op: "create mysql record", Status: 400, Code: 1905, Text: "parameter password has invalid value"}
	var buf bytes.Buffer
	res, err := Run(context.Background(), f, testPlan(), Options{Resolve: resolve, Progress: LineProgress{W: &buf}})
	if err != nil {
		t.Fatal(err)
	}
	all := fmt.Sprintf("%+v %s", res, buf.String())
	if strings.Contains(all, canary) {
		t.Fatalf("a secret leaked: %s", all)
	}
}

func TestProgress(t *testing.T) {
	f := newFake()
	f.fail[3] = &qualysclient.APIError{Op: "create mysql record", Status: 200, Code: 1905, Text: "bad"}
	var lines, bar bytes.Buffer
	run := func(p Progress) {
		if _, err := Run(context.Background(), newFakeFrom(f), testPlan(), Options{Resolve: resolve, Progress: p}); err != nil {
			t.Fatal(err)
		}
	}
	run(LineProgress{W: &lines})
	want := `[1/5] create vault "pam": applied (id 101)
[2/5] create unix "sw": applied (id 102)
[3/5] create mysql "db": failed: create mysql record: qualys error 1905 (HTTP 200): bad
[4/5] update mysql "a", "b": applied
[5/5] delete mysql "old": not attempted (a step of phase 3 failed, and phase 4 builds on it)
`
	if lines.String() != want {
		t.Errorf("lines:\n%s\nwant:\n%s", lines.String(), want)
	}
	run(BarProgress{W: &bar, Width: 10})
	got := bar.String()
	for _, s := range []string{
		"\r\033[K[          ] 0/5 create vault \"pam\"",
		"\r\033[K[####      ] 2/5 create mysql \"db\"",
		"\r\033[K[3/5] create mysql \"db\": failed: ",
		"\r\033[K[##########] 5/5 delete mysql \"old\"\n",
	} {
		if !strings.Contains(got, s) {
			t.Errorf("bar output lacks %q:\n%q", s, got)
		}
	}
}

// newFakeFrom returns a fresh fake with f's failures.
func newFakeFrom(f *fakeClient) *fakeClient {
	g := newFake()
	for k, v := range f.fail {
		g.fail[k] = v
	}
	return g
}

func TestRunTooLongSecretSendsNothing(t *testing.T) {
	f := newFake()
	p := testPlan()
	p.Steps[2].Secrets = map[string]spec.SecretRef{"password": {Env: "LONG"}}
	long := strings.Repeat("x", spec.MaxPassword+1)
	res := func(ref spec.SecretRef) (string, error) {
		if ref.Env == "LONG" {
			return long, nil
		}
		return resolve(ref)
	}
	_, err := Run(context.Background(), f, p, Options{Resolve: res})
	if err == nil || !strings.Contains(err.Error(), `create mysql "db": password (env:LONG) is 101 characters long; Qualys accepts at most 100`) {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), long) {
		t.Fatalf("the error shows the secret: %v", err)
	}
	if len(f.calls) != 0 {
		t.Fatalf("calls = %q, want none", f.calls)
	}
}

// TestRunSecretErrorsNameStepAndParameter resolves with secret.Resolve, as qsync apply does: every
// secret that cannot be used is reported at once, by step and parameter (the sub_type's own limit
// for a cisco enable_password), the value never, and nothing is sent.
func TestRunSecretErrorsNameStepAndParameter(t *testing.T) {
	t.Setenv("QSYNC_TEST_PW", "CANARY-"+strings.Repeat("x", 120))
	t.Setenv("APPLYTEST_ENABLE", "CANARY-"+strings.Repeat("y", 120))
	f := newFake()
	p := &plan.Plan{Steps: []plan.Step{{ID: 1, Phase: plan.PhaseRecords, Kind: spec.KindUnix, Op: plan.OpCreate,
		Keys:   []spec.Key{key(spec.KindUnix, "core-switches")},
		Params: map[string]string{"title": "core-switches", "sub_type": "cisco"},
		Secrets: map[string]spec.SecretRef{
			"password":        {Env: "APPLYTEST_MISSING"},
			"enable_password": {Env: "APPLYTEST_ENABLE"},
		}}}}
	_, err := Run(context.Background(), f, p, Options{Resolve: secret.Resolve})
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	for _, want := range []string{
		"nothing was sent",
		`create unix "core-switches": password: environment variable APPLYTEST_MISSING is not set`,
		`create unix "core-switches": enable_password (env:APPLYTEST_ENABLE) is 127 characters long; Qualys accepts at most 100`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
	if strings.Contains(msg, "CANARY") {
		t.Errorf("error echoes a secret: %s", msg)
	}
	if len(f.calls) != 0 {
		t.Fatalf("calls = %q, want none", f.calls)
	}

	t.Setenv("APPLYTEST_MISSING", "okay-pw")
	t.Setenv("APPLYTEST_ENABLE", "enable")
	if _, err := Run(context.Background(), f, p, Options{Resolve: secret.Resolve}); err != nil || len(f.calls) != 1 {
		t.Fatalf("with the secrets set: %v, calls %q", err, f.calls)
	}
}
