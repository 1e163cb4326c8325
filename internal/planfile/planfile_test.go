package planfile

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/plan/build"
	"github.com/qsync/qsync/internal/plan/render"
	"github.com/qsync/qsync/internal/spec"
)

const owner = "secops"

func mysql(t testing.TB, title string, id int64, ip string) *spec.Object {
	t.Helper()
	set, err := spec.ParseIPSet(ip)
	if err != nil {
		t.Fatal(err)
	}
	o := &spec.Object{Kind: spec.KindMySQL, Title: title, ID: id, IPs: set,
		Attrs: map[string]string{"username": "scanner", "database": "mysql", "port": "3306"}}
	for _, f := range o.Def().Fields {
		if f.Type != spec.TypeSecret && f.Default != "" && o.Attrs[f.Name] == "" {
			o.Attrs[f.Name] = f.Default
		}
	}
	if id != 0 {
		o.Marker = &spec.Marker{Owner: owner}
	} else {
		o.Secrets = map[string]spec.SecretRef{"password": {Env: "MYSQL_PW"}}
	}
	return o
}

func doc(complete bool, objs ...*spec.Object) *spec.Document {
	d := &spec.Document{Owner: owner, Objects: objs, Complete: complete}
	d.Sort()
	return d
}

// estate is a desired and live pair whose plan creates, updates and deletes.
func estate(t testing.TB) (desired, live *spec.Document) {
	changed := mysql(t, "billing", 0, "10.0.0.1")
	changed.Attrs["port"] = "3307"
	desired = doc(false, changed, mysql(t, "new", 0, "10.0.0.3"))
	live = doc(true, mysql(t, "billing", 5, "10.0.0.1"), mysql(t, "gone", 6, "10.0.0.2"))
	return desired, live
}

func opts() plan.Options {
	return plan.Options{Resolve: func(*spec.Object, string) (string, error) { return "pw", nil }}
}

func buildPlan(t testing.TB) (*plan.Plan, *spec.Document, *spec.Document) {
	t.Helper()
	desired, live := estate(t)
	p, err := build.Plan(desired, live, opts())
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Steps) != 3 {
		t.Fatalf("the fixture plans %d steps, want a create, an update and a delete", len(p.Steps))
	}
	return p, desired, live
}

func TestWriteReadRoundTrip(t *testing.T) {
	p, _, _ := buildPlan(t)
	p.Config = []string{"examples/prod.yaml"}
	p.ConfigDigest = "abc123"
	path := filepath.Join(t.TempDir(), "plan.json")
	if err := WriteFile(path, p); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("plan file mode = %v (%v), want 0600: it names the secrets' references", fi.Mode(), err)
	}
	if !IsPlanFile(path) {
		t.Error("IsPlanFile does not recognise a saved plan")
	}
	got, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := *p
	// A configuration outside the plan file's directory is stored, and read back, absolute.
	want.Config = []string{}
	for _, c := range p.Config {
		abs, _ := filepath.Abs(c)
		want.Config = append(want.Config, abs)
	}
	want.Changes = append([]plan.Change{}, p.Changes...)
	for i := range want.Changes {
		want.Changes[i].Before, want.Changes[i].After = nil, nil
	}
	if !reflect.DeepEqual(got, &want) {
		t.Errorf("round trip differs:\n got %+v\nwant %+v", got, &want)
	}
	// Rendering a read plan gives the same text as the built one.
	var a, c bytes.Buffer
	_ = render.Plan(&a, p, "text", render.Options{})
	_ = render.Plan(&c, got, "text", render.Options{})
	if a.String() != c.String() {
		t.Errorf("text of the saved plan differs:\n%s\n%s", a.String(), c.String())
	}
}

// TestIsPlanFile: a plan file is a JSON object with format_version (after an optional byte order
// mark); configuration in any YAML style, JSON included, is not one.
func TestIsPlanFile(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name, content string
		want          bool
	}{
		{"config.yaml", "version: 1\nowner: secops\n", false},
		{"empty.json", "", false},
		{"flow.yaml", "{version: 1, owner: x, records: []}\n", false},
		{"flow-multiline.yaml", "{\n  version: 1,\n  owner: x,\n  records: []\n}\n", false},
		{"config.json", `{"version": 1, "owner": "x", "records": [{"format_version": 1}]}`, false},
		{"bom-config.yaml", "\ufeffversion: 1\nowner: x\n", false},
		{"plan.json", `{"format_version":3,"owner":"x"}`, true},
		{"bom-plan.json", "\ufeff" + `{"format_version":3,"owner":"x"}`, true},
		{"indented-plan.json", "\n  {\n  \"format_version\": 1\n}", true},
		{"late-key-plan.json", `{"owner":"x","steps":[{"id":1}],"format_version":3}`, true},
		{"truncated-plan.json", `{"format_version":3,"owner":"x","ste`, true},
	} {
		path := filepath.Join(dir, c.name)
		if err := os.WriteFile(path, []byte(c.content), 0o644); err != nil {
			t.Fatal(err)
		}
		if got := IsPlanFile(path); got != c.want {
			t.Errorf("IsPlanFile(%s) = %v, want %v", c.name, got, c.want)
		}
	}
	if IsPlanFile(filepath.Join(dir, "missing")) || IsPlanFile(dir) {
		t.Error("a missing file or a directory taken for a plan file")
	}
}

// TestReadFileSkipsBOM: a saved plan re-saved by an editor that adds a byte order mark still reads.
func TestReadFileSkipsBOM(t *testing.T) {
	p, _, _ := buildPlan(t)
	var buf bytes.Buffer
	if err := render.Save(&buf, p); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "plan.json")
	if err := os.WriteFile(path, append([]byte("\ufeff"), buf.Bytes()...), 0o600); err != nil {
		t.Fatal(err)
	}
	if !IsPlanFile(path) {
		t.Fatal("a plan file with a byte order mark not recognised")
	}
	if _, err := ReadFile(path); err != nil {
		t.Fatal(err)
	}
}

func TestReadRejects(t *testing.T) {
	valid := `{"format_version":3,"owner":"secops","changes":[],"steps":[` +
		`{"id":1,"phase":3,"kind":"mysql","op":"update","keys":[{"Kind":"mysql","Title":"a"}],"ids":[5],"params":{"port":"1"}}` +
		`],"live_digests":{},"calls":{"mysql update":1}}`
	if _, err := Read(strings.NewReader(valid)); err != nil {
		t.Fatalf("valid plan: %v", err)
	}
	for _, tc := range []struct{ name, in, want string }{
		{"empty", ``, "not a qsync plan file"},
		{"garbage", `hello`, "not a qsync plan file"},
		{"array", `[1,2]`, "not a qsync plan file"},
		{"no version", `{"owner":"x"}`, "no format_version"},
		{"future version", `{"format_version":4,"owner":"x"}`, "format_version 4 is not supported"},
		{"version 2", `{"format_version":2,"owner":"x"}`, "format_version 2 is not supported (this qsync reads version 3); plan again"},
		{"unknown field", `{"format_version":3,"owner":"x","surprise":1}`, "unknown field"},
		{"no owner", `{"format_version":3}`, "no owner"},
		{"trailing", valid + `{}`, "invalid JSON"},
		{"bad id", strings.Replace(valid, `"id":1,`, `"id":2,`, 1), "step 1 has id 2"},
		{"bad phase", strings.Replace(valid, `"phase":3`, `"phase":9`, 1), "phase 9"},
		{"bad kind", strings.Replace(valid, `"kind":"mysql"`, `"kind":"nosuchkind"`, 1), `unknown kind "nosuchkind"`},
		{"bad op", strings.Replace(valid, `"op":"update"`, `"op":"purge"`, 1), `unknown op "purge"`},
		{"update without ids", strings.Replace(valid, `"ids":[5],`, ``, 1), "update without ids"},
		{"ids param", strings.Replace(valid, `{"port":"1"}`, `{"ids":"1-9"}`, 1), `parameter "ids" is set by apply`},
		{"forward dependency", strings.Replace(valid, `"ids":[5]`, `"ids":[5],"depends_on":[1]`, 1), "depends on step 1"},
		{"bad secret", strings.Replace(valid, `"params"`, `"secrets":{"password":{}},"params"`, 1), "exactly one of env and file"},
		{"bad action", `{"format_version":3,"owner":"x","changes":[{"key":{"Kind":"mysql","Title":"a"},"action":"explode"}]}`, `unknown action "explode"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to contain %q", err, tc.want)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "read plan: ") {
				t.Errorf("err = %q lacks the read plan prefix", err)
			}
		})
	}
}

func TestConfigDigestAndCheckConfig(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.yaml"), filepath.Join(dir, "b.yaml")
	for _, f := range []string{a, b} {
		if err := os.WriteFile(f, []byte("version: 1\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	d1, err := ConfigDigest([]string{a, b})
	if err != nil {
		t.Fatal(err)
	}
	if d2, _ := ConfigDigest([]string{b, a}); d2 != d1 {
		t.Error("the digest depends on the order of the files")
	}
	p := &plan.Plan{Config: []string{a, b}, ConfigDigest: d1}
	desired := &spec.Document{Files: []string{a, b}}
	if err := CheckConfig(p, desired); err != nil {
		t.Fatalf("unchanged configuration: %v", err)
	}
	if err := os.WriteFile(b, []byte("version: 1\nowner: x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := CheckConfig(p, desired); err == nil || !strings.Contains(err.Error(), "refusing a stale plan: the configuration") {
		t.Errorf("changed configuration: err = %v", err)
	}
	if _, err := ConfigDigest([]string{filepath.Join(dir, "missing.yaml")}); err == nil || !strings.HasPrefix(err.Error(), "config digest: ") {
		t.Errorf("missing file: err = %v", err)
	}
}

func TestCheckLive(t *testing.T) {
	p, _, live := buildPlan(t)
	if err := CheckLive(p, live); err != nil {
		t.Fatalf("unchanged live state: %v", err)
	}
	_, changed := estate(t)
	changed.Objects[0].Comments = "Edited in the Qualys UI."
	gone := doc(true, changed.Objects[0], mysql(t, "new", 9, "10.0.0.3"))
	err := CheckLive(p, gone)
	want := "refusing a stale plan: Qualys changed since the plan was made:\n" +
		"  mysql \"billing\": was changed\n  mysql \"gone\": no longer exists\n  mysql \"new\": now exists\nrun qsync plan again"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v\nwant %s", err, want)
	}
}

func TestVerify(t *testing.T) {
	p, desired, live := buildPlan(t)
	if err := Verify(p, desired, live, opts()); err != nil {
		t.Fatalf("the plan made now: %v", err)
	}
	edited := *p
	edited.Steps = append([]plan.Step(nil), p.Steps...)
	edited.Steps[0].Params = map[string]string{"comments": "forged"}
	if err := Verify(&edited, desired, live, opts()); !errors.Is(err, ErrPlanMismatch) || !strings.Contains(err.Error(), "step 1") {
		t.Errorf("an edited step: err = %v", err)
	}
	forged := *p
	forged.Handovers = []plan.Handover{{Mode: plan.HandoverMove, Group: "mysql", Release: 1, Take: 1, GiveBack: "10.9.9.9"}}
	if err := Verify(&forged, desired, live, opts()); !errors.Is(err, ErrPlanMismatch) || !strings.Contains(err.Error(), "hand-overs differ") {
		t.Errorf("a forged hand-over: err = %v", err)
	}
	other := *p
	other.Owner = "netops"
	if err := Verify(&other, desired, live, opts()); !errors.Is(err, ErrPlanMismatch) || !strings.Contains(err.Error(), `owner "netops"`) {
		t.Errorf("another owner: err = %v", err)
	}
	// A partial live read cannot confirm a plan that creates and deletes.
	partial := *live
	partial.Complete = false
	if err := Verify(p, desired, &partial, opts()); !errors.Is(err, plan.ErrLiveIncomplete) {
		t.Errorf("partial read: err = %v", err)
	}
}

func FuzzRead(f *testing.F) {
	p, _, _ := buildPlan(f)
	var b bytes.Buffer
	_ = render.Save(&b, p)
	f.Add(b.Bytes())
	f.Add([]byte(`{"format_version":3,"owner":"x"}`))
	f.Add([]byte(`{"format_version":3,"owner":"x","steps":[{"id":1,"phase":1,"kind":"vault","op":"delete","keys":[],"ids":[1]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Read(bytes.NewReader(data))
		if err != nil {
			return
		}
		// A plan Read accepts renders and saves without error, and saving is stable.
		for _, format := range []string{"text", "markdown", "json"} {
			if err := render.Plan(&bytes.Buffer{}, p, format, render.Options{}); err != nil {
				t.Fatalf("render %s: %v", format, err)
			}
		}
		var a bytes.Buffer
		if err := render.Save(&a, p); err != nil {
			t.Fatal(err)
		}
		q, err := Read(bytes.NewReader(a.Bytes()))
		if err != nil {
			t.Fatalf("re-read of a saved plan: %v\n%s", err, a.String())
		}
		var b bytes.Buffer
		_ = render.Save(&b, q)
		if a.String() != b.String() {
			t.Fatalf("save is not stable:\n%s\n%s", a.String(), b.String())
		}
	})
}

// TestConfigPathsStored: configuration inside the plan file's directory is stored relative to it,
// the rest absolute; read back, both resolve to the files wherever qsync runs.
func TestConfigPathsStored(t *testing.T) {
	dir := t.TempDir()
	inside, outside := filepath.Join(dir, "config", "q.yaml"), filepath.Join(t.TempDir(), "o.yaml")
	got := StorePaths(filepath.Join(dir, "plan.json"), []string{inside, outside})
	if want := []string{"config/q.yaml", outside}; !reflect.DeepEqual(got, want) {
		t.Fatalf("stored %q, want %q", got, want)
	}
	p, _, _ := buildPlan(t)
	p.Config = []string{inside, outside}
	path := filepath.Join(dir, "plan.json")
	if err := WriteFile(path, p); err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir()) // apply from elsewhere
	back, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Config, []string{inside, outside}) {
		t.Errorf("read back %q", back.Config)
	}
}

// TestCheckFlags: planning flags given to apply with a saved plan are refused, naming them and
// the flags the plan was made with.
func TestCheckFlags(t *testing.T) {
	p := &plan.Plan{Flags: plan.Flags{AllowDeletes: true}}
	if err := CheckFlags(p, plan.Flags{}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []plan.Flags{{PushSecrets: true}, {Adopt: true}, {AllowDeletes: true}, {AllowReplace: true},
		{SecretsOnly: true}, {SecretsUnchecked: true}, {Targets: []string{"mysql/db-*"}}} {
		err := CheckFlags(p, f)
		if err == nil || !strings.Contains(err.Error(), "with a saved plan") || !strings.Contains(err.Error(), "made with: --allow-deletes") {
			t.Errorf("%+v: err = %v", f, err)
		}
	}
}

// TestCheckFlagsScope: the scope of a saved plan is part of it: `apply --secrets-only PLAN`,
// `apply --without-secrets PLAN` and `apply --only ... PLAN` are refused (they used to apply the
// whole saved plan silently), and the refusal names the scope the plan was made with.
func TestCheckFlagsScope(t *testing.T) {
	for _, tc := range []struct {
		made, given plan.Flags
		want        []string
	}{
		{plan.Flags{}, plan.Flags{SecretsOnly: true}, []string{"refusing --secrets-only with a saved plan", "made with: no flags"}},
		{plan.Flags{}, plan.Flags{SecretsUnchecked: true}, []string{"refusing --without-secrets", "made with: no flags"}},
		{plan.Flags{SecretsOnly: true, Targets: []string{`mysql/db\*1`}}, plan.Flags{Targets: []string{"mysql/x"}},
			[]string{"refusing --only mysql/x", "made with: --secrets-only"}},
		{plan.Flags{SecretsUnchecked: true, Targets: []string{"unix/linux-*"}}, plan.Flags{SecretsUnchecked: true},
			[]string{"refusing --without-secrets", "made with: --without-secrets --only unix/linux-*"}},
	} {
		err := CheckFlags(&plan.Plan{Flags: tc.made}, tc.given)
		for _, w := range tc.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("made %+v, given %+v: err = %v, want %q", tc.made, tc.given, err, w)
			}
		}
	}
}
