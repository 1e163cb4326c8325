package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/qsync/qsync/internal/pipeline"
	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/plan/build"
	"github.com/qsync/qsync/internal/qualysemu"
	"github.com/qsync/qsync/internal/spec"
)

// Config selects what Run measures.
type Config struct {
	// Qsync is the path of a built qsync binary; required.
	Qsync string
	// Sizes are the record counts of the plan benchmarks (default 1000, 10000, 100000).
	Sizes []int
	// Vaults is the number of vaults of every plan benchmark (default 50).
	Vaults int
	// Repeat is how many times each plan runs; the fastest run is reported (default 3).
	Repeat int
	// Log receives progress lines (nil: silent).
	Log io.Writer
	// WorkDir holds configuration and state files (default: a temporary directory, removed).
	WorkDir string
	// PlansOnly skips the apply scenarios (their targets are then not checked).
	PlansOnly bool
	// Launcher, when set, is the command that starts qsync and reports its resource usage: a
	// program that calls MeasureChild when given LauncherArg, e.g. {benchrun, LauncherArg}. Without
	// it, qsync's peak RSS on Linux includes the benchmark's own (see MeasureChild).
	Launcher []string
}

// Report is everything Run measured; bench/results.json holds it.
type Report struct {
	Time      time.Time `json:"time"`
	GoVersion string    `json:"go_version"`
	OS        string    `json:"os"`
	CPUs      int       `json:"cpus"`
	// LoadAverage is the machine's 1, 5 and 15 minute load average when the run started ("" where
	// unknown): the figures of a busy machine are not those of a quiet one.
	LoadAverage string        `json:"load_average,omitempty"`
	Plans       []PlanResult  `json:"plans"`
	Applies     []ApplyResult `json:"applies"`
	Targets     []Target      `json:"targets"`
}

// PlanResult measures `qsync plan` on one estate.
type PlanResult struct {
	Records int `json:"records"`
	Vaults  int `json:"vaults"`
	// The qsync binary, fastest of Repeat runs: wall and CPU (user+system) seconds, peak RSS.
	WallSec   float64 `json:"wall_sec"`
	CPUSec    float64 `json:"cpu_sec"`
	MaxRSSMiB float64 `json:"max_rss_mib"`
	// EmulatorCPUSec is the CPU the in-process emulator spent serving one plan (not qsync's).
	EmulatorCPUSec float64 `json:"emulator_cpu_sec"`
	// In-process phases of the same pipeline: YAML load and validation, live read, diff
	// (build.Plan alone, fastest of Repeat).
	LoadSec float64 `json:"load_sec"`
	ReadSec float64 `json:"read_sec"`
	DiffSec float64 `json:"diff_sec"`
	// API calls one plan made, per "path action", their total, and the lower bound.
	Calls      map[string]int `json:"calls"`
	TotalCalls int            `json:"total_calls"`
	LowerBound int            `json:"lower_bound"`
	// Summary is the plan's content (it must match what the benchmark changed).
	Summary string `json:"summary"`
}

// ApplyResult measures one apply scenario run through the qsync binary.
type ApplyResult struct {
	Name    string `json:"name"`
	Records int    `json:"records"`
	// Writes counts create/update/delete calls that reached the emulator, per "kind action".
	Writes      map[string]int `json:"writes"`
	TotalWrites int            `json:"total_writes"`
	WallSec     float64        `json:"wall_sec"`
	Applied     int            `json:"applied"`
	Failed      int            `json:"failed"`
	Pending     int            `json:"pending"`
	Converged   bool           `json:"converged"`
	// Throttled counts calls the emulator refused with 409 (1960/1965).
	Throttled   int `json:"throttled"`
	MaxInFlight int `json:"max_in_flight"`
	TotalCalls  int `json:"total_calls"`
}

// Target is one claim checked against the measurements.
type Target struct {
	Name   string `json:"name"`
	Want   string `json:"want"`
	Got    string `json:"got"`
	Met    bool   `json:"met"`
	Missed string `json:"missed,omitempty"` // by how much, when not met
}

// loadAverage returns the first three fields of /proc/loadavg ("" where there is none).
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return ""
}

// Run runs every benchmark and checks the targets.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.Qsync == "" {
		return nil, fmt.Errorf("bench: Config.Qsync (the qsync binary) is required")
	}
	if len(cfg.Sizes) == 0 {
		cfg.Sizes = []int{1000, 10000, 100000}
	}
	if cfg.Vaults == 0 {
		cfg.Vaults = 50
	}
	if cfg.Repeat <= 0 {
		cfg.Repeat = 3
	}
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	if cfg.WorkDir == "" {
		dir, err := os.MkdirTemp("", "qsync-bench-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		cfg.WorkDir = dir
	}
	rep := &Report{Time: time.Now().UTC(), GoVersion: runtime.Version(), OS: runtime.GOOS + "/" + runtime.GOARCH, CPUs: runtime.NumCPU(), LoadAverage: loadAverage()}
	for _, n := range cfg.Sizes {
		fmt.Fprintf(cfg.Log, "bench: plan with %d records and %d vaults\n", n, cfg.Vaults)
		r, err := runPlanBench(ctx, cfg, n)
		if err != nil {
			return nil, fmt.Errorf("plan %d: %w", n, err)
		}
		rep.Plans = append(rep.Plans, *r)
	}
	for _, sc := range applyScenarios() {
		if cfg.PlansOnly {
			break
		}
		fmt.Fprintf(cfg.Log, "bench: apply %s\n", sc.name)
		r, err := runApplyBench(ctx, cfg, sc)
		if err != nil {
			return nil, fmt.Errorf("apply %s: %w", sc.name, err)
		}
		rep.Applies = append(rep.Applies, *r)
	}
	rep.Targets = checkTargets(rep)
	return rep, nil
}

// PlanEstates returns the live and desired estates of the n-record plan benchmark: n managed
// records and vaults, 1% unmanaged records, and a desired side that creates, updates and deletes
// ten records each.
func PlanEstates(n, vaults int) (liveE, desired *Estate) {
	liveE = Generate(n, vaults, Owner)
	desired = liveE.Clone()
	for i := range n / 100 {
		r := GenRecord(i, "", nil)
		r.Title = fmt.Sprintf("hand-%06d", i)
		r.IPs = IPv4(13, i) // never overlaps a managed record
		liveE.Records = append(liveE.Records, r)
	}
	k := min(10, n/10)
	desired.Records = desired.Records[:n-k] // deletes
	for i := range k {                      // updates
		desired.Records[i*7].Comments = "Changed by the benchmark."
	}
	for i := range k { // creates
		desired.Records = append(desired.Records, GenRecord(n+i, Owner, desired.Vaults))
	}
	return liveE, desired
}

// lowerBound is the fewest API calls a plan can make: one list-all call per started 1,000 records
// (at least one; it names the record kinds that have records), one list call per started 1,000
// records of each kind present (a kind list-all does not name is known empty without a call), one
// vault list, and one view per live vault.
func lowerBound(liveE *Estate) int {
	perKind := map[spec.Kind]int{}
	for _, r := range liveE.Records {
		perKind[r.Kind]++
	}
	calls := max(1, pages(len(liveE.Records))) // list-all
	for _, n := range perKind {
		calls += pages(n)
	}
	calls++ // vault list
	// Every vault is viewed: only the view carries the comments that say who owns it, and a
	// managed vault dropped from the configuration must be seen to be deleted.
	calls += len(liveE.Vaults)
	return calls
}

// pages is how many list calls n records take (1,000 per answer).
func pages(n int) int { return (n + 999) / 1000 }

func runPlanBench(ctx context.Context, cfg Config, n int) (*PlanResult, error) {
	dir, err := os.MkdirTemp(cfg.WorkDir, fmt.Sprintf("plan-%d-", n))
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	env := Env("bench-value")
	key := []byte(SecretKey)
	liveE, desiredE := PlanEstates(n, cfg.Vaults)
	emu, err := StartEmulator(qualysemu.Config{RateUnlimited: true}, liveE, key, env, dir)
	if err != nil {
		return nil, err
	}
	defer emu.Close()
	path, err := desiredE.WriteYAML(dir, Owner)
	if err != nil {
		return nil, err
	}
	res := &PlanResult{Records: n, Vaults: cfg.Vaults, LowerBound: lowerBound(liveE)}

	// The binary, fastest of Repeat runs.
	for i := range cfg.Repeat {
		emu.ResetRequests()
		before := selfCPU()
		_, ru, wall, err := runQsync(ctx, cfg.Qsync, cfg.Launcher, emu, env, []string{"QSYNC_SECRET_KEY=" + SecretKey}, []int{2},
			"plan", "--no-color", "--detailed-exitcode", path)
		emuCPU := selfCPU() - before
		if err != nil {
			return nil, err
		}
		if i == 0 || wall < res.WallSec {
			res.WallSec, res.CPUSec, res.MaxRSSMiB, res.EmulatorCPUSec = wall, ru.cpu, ru.maxRSSMiB, emuCPU
		}
		res.Calls = countCalls(emu.Requests(), false)
		res.TotalCalls = 0
		for _, c := range res.Calls {
			res.TotalCalls += c
		}
		if i == 0 {
			fmt.Fprintf(cfg.Log, "bench:   qsync plan: %.2fs wall, %.2fs CPU, %.0f MiB, %d calls\n", wall, ru.cpu, ru.maxRSSMiB, res.TotalCalls)
		}
	}

	// The same pipeline in-process, phase by phase.
	start := time.Now()
	pl := Pipeline(key, env)
	desired, err := pl.Load(path)
	if err != nil {
		return nil, err
	}
	res.LoadSec = time.Since(start).Seconds()
	c, err := emu.Client(nil, nil)
	if err != nil {
		return nil, err
	}
	start = time.Now()
	liveDoc, err := pipeline.ReadLive(ctx, c)
	if err != nil {
		return nil, err
	}
	res.ReadSec = time.Since(start).Seconds()
	opts := pl.Options(desired, plan.Flags{}, 0)
	var p *plan.Plan
	for i := range cfg.Repeat {
		runtime.GC()
		start = time.Now()
		p, err = build.Plan(desired, liveDoc, opts)
		d := time.Since(start).Seconds()
		if err != nil {
			return nil, err
		}
		if i == 0 || d < res.DiffSec {
			res.DiffSec = d
		}
	}
	cr, up, del, rep := p.Summary()
	res.Summary = fmt.Sprintf("%d create, %d update, %d delete, %d replace, %d unmanaged", cr, up, del, rep, len(p.Unmanaged))
	k := min(10, n/10)
	if cr != k || up != k || del != k || rep != 0 || len(p.Unmanaged) != n/100 {
		return nil, fmt.Errorf("the plan is not what the benchmark changed (%d of each, %d unmanaged): %s", k, n/100, res.Summary)
	}
	return res, nil
}

// applyScenario is one apply benchmark: a live and a desired estate and how to run apply.
type applyScenario struct {
	name            string
	live, desired   *Estate
	liveEnv         map[string]string // secret values the live markers were made from
	env             map[string]string // secret values apply sends
	key             bool              // plan with QSYNC_SECRET_KEY
	flags           []string
	emu             qualysemu.Config
	records         int
	wantWrites      map[string]int // target: exact write calls
	rateLimited     bool
	wantMaxInFlight int
}

func applyScenarios() []applyScenario {
	var out []applyScenario

	// One shared password rotated on 400 records with identical comments.
	rotation := func() *Estate {
		e := &Estate{}
		for i := range 400 {
			shape := []int{ShapeOf(spec.KindMySQL, ""), ShapeOf(spec.KindUnix, ""), ShapeOf(spec.KindWindows, "")}[i%3]
			r := GenRecord(shape+Shapes*i, Owner, nil)
			r.Title = fmt.Sprintf("shared-%03d", i)
			r.Comments = "Scanner account, rotated quarterly."
			for k := range r.Secrets {
				r.Secrets[k] = "BENCH_SHARED_PW"
			}
			e.Records = append(e.Records, r)
		}
		return e
	}
	oldEnv, newEnv := Env("old-password"), Env("new-password")
	for _, withKey := range []bool{true, false} {
		sc := applyScenario{name: "rotate 1 shared password on 400 records (QSYNC_SECRET_KEY)", key: true,
			live: rotation(), desired: rotation(), liveEnv: oldEnv, env: newEnv, records: 400,
			emu:        qualysemu.Config{RateUnlimited: true},
			wantWrites: map[string]int{"mysql update": 1, "unix update": 1, "windows update": 1}}
		if !withKey {
			sc.name, sc.key, sc.flags = "rotate 1 shared password on 400 records (--push-secrets, no key)", false, []string{"--push-secrets"}
		}
		out = append(out, sc)
	}

	// 300 deletes of one kind: 1,000 managed mysql records, 300 removed from the configuration.
	dels := &Estate{}
	for i := range 1000 {
		r := GenRecord(Shapes*i, Owner, nil)
		dels.Records = append(dels.Records, r)
	}
	keep := dels.Clone()
	keep.Records = keep.Records[:700]
	env := Env("bench-value")
	out = append(out, applyScenario{name: "delete 300 mysql records", key: true, live: dels, desired: keep,
		liveEnv: env, env: env, records: 300, emu: qualysemu.Config{RateUnlimited: true},
		wantWrites: map[string]int{"mysql delete": 1}})

	// One record of every kind of the table created, every secret of the kind set: one create
	// call each (creates are never batched), so every kind's create goes through apply.
	every := &Estate{}
	everyWrites := map[string]int{}
	for j, s := range KindShapes() {
		r := GenRecord(j*Shapes+s, Owner, nil)
		every.Records = append(every.Records, r)
		everyWrites[string(r.Kind)+" create"]++
	}
	out = append(out, applyScenario{name: fmt.Sprintf("create one record of each of the %d kinds", len(every.Records)), key: true,
		live: &Estate{}, desired: every, liveEnv: env, env: env, records: len(every.Records),
		emu: qualysemu.Config{RateUnlimited: true}, wantWrites: everyWrites})

	// 200 creates on one endpoint under 60 calls per 10 s and 2 concurrent calls: Qualys limits
	// each endpoint, so the creates must wait for the window (spread over every kind, they would
	// never reach the limit).
	creates := &Estate{}
	for i := range 200 {
		creates.Records = append(creates.Records, GenRecord(ShapeOf(spec.KindMySQL, "")+Shapes*i, Owner, nil))
	}
	out = append(out, applyScenario{name: "create 200 mysql records at 60 calls/10 s, 2 concurrent", key: true,
		live: &Estate{}, desired: creates, liveEnv: env, env: env, records: 200,
		emu:        qualysemu.Config{RateLimit: 60, RateWindow: 10 * time.Second, Concurrency: 2},
		wantWrites: map[string]int{"mysql create": 200}, rateLimited: true,
		wantMaxInFlight: 2})
	return out
}

func runApplyBench(ctx context.Context, cfg Config, sc applyScenario) (*ApplyResult, error) {
	dir, err := os.MkdirTemp(cfg.WorkDir, "apply-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	var key []byte
	extra := []string{}
	if sc.key {
		key = []byte(SecretKey)
		extra = append(extra, "QSYNC_SECRET_KEY="+SecretKey)
	}
	emu, err := StartEmulator(sc.emu, sc.live, key, sc.liveEnv, "")
	if err != nil {
		return nil, err
	}
	defer emu.Close()
	path, err := sc.desired.WriteYAML(dir, Owner)
	if err != nil {
		return nil, err
	}
	emu.ResetRequests()
	args := append([]string{"apply", "--no-color", "--auto-approve", "--format", "json"}, sc.flags...)
	// Exit 1 or 3 still report a result; the table shows it.
	out, _, wall, err := runQsync(ctx, cfg.Qsync, cfg.Launcher, emu, sc.env, extra, []int{1, 3}, append(args, path)...)
	if err != nil {
		return nil, err
	}
	var rep struct {
		Result struct {
			Applied, Failed, Pending int
		} `json:"result"`
	}
	if err := json.Unmarshal(out, &rep); err != nil {
		return nil, fmt.Errorf("qsync apply --format json: %w", err)
	}
	reqs := emu.Requests()
	res := &ApplyResult{Name: sc.name, Records: sc.records, Writes: countCalls(reqs, true), WallSec: wall,
		Applied: rep.Result.Applied, Failed: rep.Result.Failed, Pending: rep.Result.Pending,
		MaxInFlight: emu.MaxInFlight(), TotalCalls: len(reqs)}
	// Converged: a plain plan afterwards (without --push-secrets, which always re-sends) is empty.
	_, _, _, err = runQsync(ctx, cfg.Qsync, cfg.Launcher, emu, sc.env, extra, nil, "plan", "--no-color", "--detailed-exitcode", path)
	res.Converged = err == nil
	for _, c := range res.Writes {
		res.TotalWrites += c
	}
	for _, r := range reqs {
		if r.Code == 1960 || r.Code == 1965 {
			res.Throttled++
		}
	}
	fmt.Fprintf(cfg.Log, "bench:   %d write calls %v, %d failed, converged %v, %.1fs\n", res.TotalWrites, res.Writes, res.Failed, res.Converged, wall)
	return res, nil
}

// countCalls counts logged API calls per "path action" (writes false) or the write calls that
// took effect per "kind action" (writes true).
func countCalls(reqs []qualysemu.LoggedRequest, writes bool) map[string]int {
	out := map[string]int{}
	for _, r := range reqs {
		switch {
		case !writes:
			out[r.Path+" "+r.Action]++
		case r.Write:
			kind := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(r.Path, "/api/2.0/fo/auth/"), "/api/2.0/fo/"), "/")
			out[kind+" "+r.Action]++
		}
	}
	return out
}

// runQsync runs the qsync binary against the emulator with the secret values of env and extra
// environment entries. It returns stdout, its resource usage and wall time, and an error (with the
// end of stderr) unless the exit code is 0 or one of okCodes.
func runQsync(ctx context.Context, bin string, launcher []string, emu *Emulator, env map[string]string, extra []string, okCodes []int, args ...string) ([]byte, usage, float64, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "NO_COLOR=1",
		"QUALYS_API_URL=" + emu.URL, "QUALYS_USERNAME=" + EmuUser, "QUALYS_PASSWORD=" + EmuPassword}, extra...)
	names := make([]string, 0, len(env))
	for k := range env {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		cmd.Env = append(cmd.Env, k+"="+env[k])
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	ru, err := launch(cmd, launcher)
	wall := time.Since(start).Seconds()
	if err != nil && !slices.Contains(okCodes, exitCode(err)) {
		tail := stderr.Bytes()
		if len(tail) > 2000 {
			tail = append([]byte("..."), tail[len(tail)-2000:]...)
		}
		return stdout.Bytes(), ru, wall, fmt.Errorf("qsync %s: %w\n%s", args[0], err, tail)
	}
	return stdout.Bytes(), ru, wall, nil
}

func exitCode(err error) int {
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	return -1
}
