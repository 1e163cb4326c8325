package doctor_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/bench"
	"github.com/qsync/qsync/internal/doctor"
	"github.com/qsync/qsync/internal/pipeline"
	"github.com/qsync/qsync/internal/qualysclient"
	"github.com/qsync/qsync/internal/qualysemu"
)

const canary = "CANARY-doctor-4711"

// seed holds a MySQL record (with a secret) and a windows record whose MINIMUM_SMB_VERSION the
// unknown-values variant answers with a value qsync does not know.
const seed = `records:
  - type: mysql
    params: {title: billing-db, ips: 10.0.0.1, port: 3306, database: mysql, username: scanner, password: ` + canary + `}
  - type: windows
    params: {title: dc-01, ips: 10.0.1.1, username: scan, password: ` + canary + `, minimum_smb_version: "2.1"}
`

func start(t *testing.T, variants ...string) *bench.Emulator {
	t.Helper()
	emu, err := bench.StartEmulator(qualysemu.Config{Variants: variants}, nil, nil, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emu.Close)
	if err := emu.LoadSeed(strings.NewReader(seed)); err != nil {
		t.Fatal(err)
	}
	return emu
}

// TestDoctorReportsWhatItRead: the report counts every call the read made (and no write), names
// the object it could not read with a reason that names the element, hides titles with Hash, and
// never holds a secret.
func TestDoctorReportsWhatItRead(t *testing.T) {
	emu := start(t, "unknown-values")
	c, err := emu.Client(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := doctor.Run(context.Background(), c, doctor.Options{BaseURL: emu.URL + "/?token=secret"})
	if r.Credentials != "accepted" || r.Read != "complete" {
		t.Fatalf("credentials %q, read %q", r.Credentials, r.Read)
	}
	sum := 0
	for _, e := range r.Endpoints {
		sum += e.Count
		if !strings.HasSuffix(e.Call, " list") && !strings.HasSuffix(e.Call, " view") {
			t.Errorf("doctor made a call that is not a read: %s", e.Call)
		}
	}
	if st := c.Stats(); sum != r.Calls || r.Calls == 0 || r.Calls != totalCalls(st) {
		t.Errorf("calls %d, endpoints sum %d, client counted %d", r.Calls, sum, totalCalls(st))
	}
	if len(r.Opaque) != 1 || r.Opaque[0].Title != "dc-01" || !strings.Contains(r.Opaque[0].Reason, "MINIMUM_SMB_VERSION") {
		t.Errorf("opaque = %+v, want dc-01 naming MINIMUM_SMB_VERSION", r.Opaque)
	}
	if strings.Contains(r.Server, "token") || strings.Contains(r.Server, "secret") {
		t.Errorf("server %q shows the query", r.Server)
	}
	var js, txt bytes.Buffer
	if err := doctor.WriteJSON(&js, r); err != nil {
		t.Fatal(err)
	}
	if err := doctor.WriteText(&txt, r); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{js.String(), txt.String()} {
		if strings.Contains(out, canary) || strings.Contains(out, "SMB4") {
			t.Errorf("the report holds a secret or a value:\n%s", out)
		}
	}
	var back map[string]any
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || back["format_version"] != float64(doctor.FormatVersion) {
		t.Errorf("JSON report: %v, format_version %v", err, back["format_version"])
	}

	hashed := doctor.Run(context.Background(), c, doctor.Options{BaseURL: emu.URL, Hash: true})
	if len(hashed.Opaque) != 1 || hashed.Opaque[0].Title == "dc-01" || hashed.Opaque[0].Title == "" {
		t.Errorf("--hash kept the title: %+v", hashed.Opaque)
	}
}

// TestDoctorWrongPassword: refused credentials are learnt from one request and reported.
func TestDoctorWrongPassword(t *testing.T) {
	emu := start(t)
	c, err := qualysclient.New(qualysclient.Config{BaseURL: emu.URL, Username: bench.EmuUser, Password: "wrong-password"})
	if err != nil {
		t.Fatal(err)
	}
	r := doctor.Run(context.Background(), c, doctor.Options{BaseURL: emu.URL})
	if r.Credentials != "refused" || r.Calls != 1 || r.Read == "complete" {
		t.Errorf("credentials %q, calls %d, read %q; want refused after 1 call", r.Credentials, r.Calls, r.Read)
	}
}

func totalCalls(st qualysclient.Stats) int {
	n := 0
	for _, v := range st.Calls {
		n += v
	}
	return n
}

// TestDoctorReportsEachEndpoint: with the windows list refused (HTTP 403, no Qualys code), doctor
// still reads every other endpoint, gives each its verdict (the windows list forbidden, with its
// status; the rest readable), says the read is incomplete, and costs no more calls than the read
// of a plan against the same estate with nothing refused.
func TestDoctorReportsEachEndpoint(t *testing.T) {
	emu := start(t)
	plain, err := emu.Client(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pipeline.ReadLive(context.Background(), plain); err != nil {
		t.Fatal(err)
	}
	planCalls := totalCalls(plain.Stats())

	if err := emu.SetVariants("list-forbidden-windows"); err != nil {
		t.Fatal(err)
	}
	c, err := emu.Client(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pipeline.ReadLive(context.Background(), c); err == nil {
		t.Fatal("a plan's read must still fail closed on the refused windows list")
	}
	c, err = emu.Client(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := doctor.Run(context.Background(), c, doctor.Options{BaseURL: emu.URL})
	if r.Credentials != "accepted" || !strings.HasPrefix(r.Read, "incomplete: ") || !strings.Contains(r.Read, "windows (forbidden)") {
		t.Errorf("credentials %q, read %q; want accepted, incomplete naming windows", r.Credentials, r.Read)
	}
	if r.Calls > planCalls {
		t.Errorf("doctor made %d calls, a plan's read %d", r.Calls, planCalls)
	}
	got := map[string]doctor.Access{}
	for _, a := range r.Access {
		if _, dup := got[a.Endpoint]; dup {
			t.Errorf("endpoint %s has two verdicts: %+v", a.Endpoint, r.Access)
		}
		got[a.Endpoint] = a
	}
	if w := got["windows"]; w.Verdict != doctor.Forbidden || w.Status != 403 || w.Code != 0 || w.Count != 1 {
		t.Errorf("windows access = %+v, want forbidden, HTTP 403, no code", w)
	}
	for _, e := range []string{"list-all", "mysql", "vault list"} {
		if a := got[e]; a.Verdict != doctor.Readable || a.Status != 0 {
			t.Errorf("%s access = %+v, want readable", e, a)
		}
	}
	if len(r.Groups) == 0 || r.Groups[0].Name != "mysql" || r.Groups[0].Objects != 1 {
		t.Errorf("groups = %+v, want the mysql record read despite the refused windows list", r.Groups)
	}
	var txt, js bytes.Buffer
	if err := doctor.WriteText(&txt, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(txt.String(), "  windows: forbidden (HTTP 403)\n") || !strings.Contains(txt.String(), "  mysql: readable\n") {
		t.Errorf("text report:\n%s", txt.String())
	}
	if err := doctor.WriteJSON(&js, r); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(js.String(), "You do not have permission") || strings.Contains(txt.String(), "You do not have permission") {
		t.Errorf("the report quotes Qualys's text:\n%s", js.String())
	}
}
