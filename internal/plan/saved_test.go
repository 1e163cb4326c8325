package plan

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

func TestSaveReadRoundTrip(t *testing.T) {
	for _, sc := range scenarios() {
		opts := baseOpts()
		if sc.opts != nil {
			sc.opts(&opts)
		}
		p := mustBuild(t, sc.desired(t), sc.live(t), opts)
		p.Config = []string{"examples/prod.yaml"}
		p.ConfigDigest = "abc123"
		var b bytes.Buffer
		if err := Save(&b, p); err != nil {
			t.Fatal(err)
		}
		got, err := Read(&b)
		if err != nil {
			t.Fatalf("%s: Read: %v", sc.name, err)
		}
		want := *p
		want.Changes = append([]Change{}, p.Changes...)
		for i := range want.Changes {
			want.Changes[i].Before, want.Changes[i].After = nil, nil
		}
		if want.Changes == nil {
			want.Changes = []Change{}
		}
		if want.Steps == nil {
			want.Steps = []Step{}
		}
		if !reflect.DeepEqual(got, &want) {
			t.Errorf("%s: round trip differs:\n got %+v\nwant %+v", sc.name, got, &want)
		}
		// Rendering a read plan gives the same text as the built one.
		var a, c bytes.Buffer
		_ = Render(&a, p, "text", RenderOptions{})
		_ = Render(&c, got, "text", RenderOptions{})
		if a.String() != c.String() {
			t.Errorf("%s: text of the saved plan differs", sc.name)
		}
	}
}

func TestReadRejects(t *testing.T) {
	valid := `{"format_version":1,"owner":"secops","changes":[],"steps":[` +
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
		{"future version", `{"format_version":2,"owner":"x"}`, "format_version 2 is not supported"},
		{"unknown field", `{"format_version":1,"owner":"x","surprise":1}`, "unknown field"},
		{"no owner", `{"format_version":1}`, "no owner"},
		{"trailing", valid + `{}`, "invalid JSON"},
		{"bad id", strings.Replace(valid, `"id":1,`, `"id":2,`, 1), "step 1 has id 2"},
		{"bad phase", strings.Replace(valid, `"phase":3`, `"phase":9`, 1), "phase 9"},
		{"bad kind", strings.Replace(valid, `"kind":"mysql"`, `"kind":"nosuchkind"`, 1), `unknown kind "nosuchkind"`},
		{"bad op", strings.Replace(valid, `"op":"update"`, `"op":"purge"`, 1), `unknown op "purge"`},
		{"update without ids", strings.Replace(valid, `"ids":[5],`, ``, 1), "update without ids"},
		{"ids param", strings.Replace(valid, `{"port":"1"}`, `{"ids":"1-9"}`, 1), `parameter "ids" is set by apply`},
		{"forward dependency", strings.Replace(valid, `"ids":[5]`, `"ids":[5],"depends_on":[1]`, 1), "depends on step 1"},
		{"bad secret", strings.Replace(valid, `"params"`, `"secrets":{"password":{}},"params"`, 1), "exactly one of env and file"},
		{"bad action", `{"format_version":1,"owner":"x","changes":[{"key":{"Kind":"mysql","Title":"a"},"action":"explode"}]}`, `unknown action "explode"`},
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

func FuzzRead(f *testing.F) {
	for _, sc := range scenarios() {
		p, err := Build(sc.desired(&testing.T{}), sc.live(&testing.T{}), baseOpts())
		if err != nil {
			continue
		}
		var b bytes.Buffer
		_ = Save(&b, p)
		f.Add(b.Bytes())
	}
	f.Add([]byte(`{"format_version":1,"owner":"x"}`))
	f.Add([]byte(`{"format_version":1,"owner":"x","steps":[{"id":1,"phase":1,"kind":"vault","op":"delete","keys":[],"ids":[1]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Read(bytes.NewReader(data))
		if err != nil {
			return
		}
		// A plan Read accepts renders and saves without error, and saving is stable.
		for _, format := range []string{"text", "markdown", "json"} {
			if err := Render(&bytes.Buffer{}, p, format, RenderOptions{}); err != nil {
				t.Fatalf("render %s: %v", format, err)
			}
		}
		var a bytes.Buffer
		if err := Save(&a, p); err != nil {
			t.Fatal(err)
		}
		q, err := Read(bytes.NewReader(a.Bytes()))
		if err != nil {
			t.Fatalf("re-read of a saved plan: %v\n%s", err, a.String())
		}
		var b bytes.Buffer
		_ = Save(&b, q)
		if a.String() != b.String() {
			t.Fatalf("save is not stable:\n%s\n%s", a.String(), b.String())
		}
	})
}
