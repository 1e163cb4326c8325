package bench

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// Targets of the benchmark (issue 21: "a faster qsync"), each checked in the same run.
const (
	targetSmallPlanRecords = 1000
	targetSmallPlanSec     = 0.15 // 1k-record plan, wall seconds of the qsync process
	targetPlanCPUSec       = 5.0  // 100k-record plan, CPU (user+system) seconds of the qsync process
	targetPlanMiB          = 512  // 100k-record plan, peak RSS of the qsync process
	targetDiffSec          = 1.0  // 100k-record build.Plan alone
	targetScaling          = 11.0 // CPU at 100k over CPU at 10k
	targetScalingFrom      = 10000
	targetScalingTo        = 100000
	targetMaxInFlight      = 2
	deleteScenarioName     = "delete 300 mysql records"
)

func checkTargets(rep *Report) []Target {
	var ts []Target
	add := func(name, want, got string, met bool, missed string) {
		t := Target{Name: name, Want: want, Got: got, Met: met}
		if !met {
			t.Missed = missed
		}
		ts = append(ts, t)
	}
	byN := map[int]PlanResult{}
	for _, p := range rep.Plans {
		byN[p.Records] = p
		add(fmt.Sprintf("plan API calls, %d records", p.Records), fmt.Sprintf("= lower bound %d", p.LowerBound),
			fmt.Sprint(p.TotalCalls), p.TotalCalls == p.LowerBound, fmt.Sprintf("%+d calls", p.TotalCalls-p.LowerBound))
	}
	if p, ok := byN[targetSmallPlanRecords]; ok {
		add("plan wall time, 1k records", fmt.Sprintf("< %.2f s", targetSmallPlanSec), fmt.Sprintf("%.3f s", p.WallSec),
			p.WallSec < targetSmallPlanSec, fmt.Sprintf("by %.3f s", p.WallSec-targetSmallPlanSec))
	}
	if p, ok := byN[targetScalingTo]; ok {
		add("plan CPU time (qsync process), 100k records", fmt.Sprintf("< %.0f s", targetPlanCPUSec), fmt.Sprintf("%.2f s", p.CPUSec),
			p.CPUSec < targetPlanCPUSec, fmt.Sprintf("by %.2f s", p.CPUSec-targetPlanCPUSec))
		add("plan peak memory, 100k records", fmt.Sprintf("< %d MiB", targetPlanMiB), fmt.Sprintf("%.0f MiB", p.MaxRSSMiB),
			p.MaxRSSMiB > 0 && p.MaxRSSMiB < targetPlanMiB, fmt.Sprintf("by %.0f MiB", p.MaxRSSMiB-targetPlanMiB))
		add("diff alone (build.Plan), 100k records", fmt.Sprintf("< %.0f s", targetDiffSec), fmt.Sprintf("%.3f s", p.DiffSec),
			p.DiffSec < targetDiffSec, fmt.Sprintf("by %.3f s", p.DiffSec-targetDiffSec))
		if q, ok := byN[targetScalingFrom]; ok && q.CPUSec > 0 && q.WallSec > 0 {
			// CPU, not wall: on a machine shared with other work, wall time measures the others too.
			ratio := p.CPUSec / q.CPUSec
			add("plan CPU 100k / 10k", fmt.Sprintf("<= %.0fx", targetScaling), fmt.Sprintf("%.1fx (wall %.1fx)", ratio, p.WallSec/q.WallSec),
				ratio <= targetScaling, fmt.Sprintf("by %.1fx", ratio-targetScaling))
		}
	}
	for _, sc := range applyScenarios() {
		var a *ApplyResult
		for i := range rep.Applies {
			if rep.Applies[i].Name == sc.name {
				a = &rep.Applies[i]
			}
		}
		if a == nil {
			continue
		}
		if !sc.rateLimited {
			want := formatCounts(sc.wantWrites)
			got := formatCounts(a.Writes)
			extra := a.TotalWrites
			for _, n := range sc.wantWrites {
				extra -= n
			}
			add(sc.name+": write calls", want, got, got == want && a.Failed == 0, fmt.Sprintf("%+d calls", extra))
			continue
		}
		add(sc.name+": failed calls", "0, converged", fmt.Sprintf("%d failed, converged %v", a.Failed, a.Converged),
			a.Failed == 0 && a.Pending == 0 && a.Converged, fmt.Sprintf("%d failed, %d pending", a.Failed, a.Pending))
		add(sc.name+": calls in flight", fmt.Sprintf("<= %d", sc.wantMaxInFlight), fmt.Sprint(a.MaxInFlight),
			a.MaxInFlight <= sc.wantMaxInFlight, fmt.Sprintf("by %d", a.MaxInFlight-sc.wantMaxInFlight))
	}
	return ts
}

// formatCounts renders counts sorted by name: "mysql update=1, unix update=1".
func formatCounts(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%d", k, m[k])
	}
	return strings.Join(parts, ", ")
}

// WriteTable writes the report as Markdown tables: plans, applies, then targets with met or
// MISSED (by how much) for each.
func WriteTable(w io.Writer, rep *Report) {
	load := ""
	if rep.LoadAverage != "" {
		load = ", load average " + rep.LoadAverage + " at the start"
	}
	fmt.Fprintf(w, "qsync benchmarks (%s, %d CPUs, %s%s)\n\n", rep.OS, rep.CPUs, rep.GoVersion, load)
	fmt.Fprintln(w, "| records | vaults | plan wall | plan CPU | peak RSS | load | read | diff | API calls | lower bound | emulator CPU |")
	fmt.Fprintln(w, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, p := range rep.Plans {
		fmt.Fprintf(w, "| %d | %d | %.2f s | %.2f s | %.0f MiB | %.2f s | %.2f s | %.3f s | %d | %d | %.2f s |\n",
			p.Records, p.Vaults, p.WallSec, p.CPUSec, p.MaxRSSMiB, p.LoadSec, p.ReadSec, p.DiffSec, p.TotalCalls, p.LowerBound, p.EmulatorCPUSec)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| apply scenario | write calls | applied | failed | converged | 409s | max in flight | wall |")
	fmt.Fprintln(w, "|---|---|---:|---:|---|---:|---:|---:|")
	for _, a := range rep.Applies {
		fmt.Fprintf(w, "| %s | %s | %d | %d | %v | %d | %d | %.1f s |\n",
			a.Name, formatCounts(a.Writes), a.Applied, a.Failed, a.Converged, a.Throttled, a.MaxInFlight, a.WallSec)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| target | want | got | status |")
	fmt.Fprintln(w, "|---|---|---|---|")
	for _, t := range rep.Targets {
		status := "met"
		if !t.Met {
			status = "MISSED " + t.Missed
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", t.Name, t.Want, t.Got, status)
	}
}

// Missed returns the targets not met.
func (rep *Report) Missed() []Target {
	var out []Target
	for _, t := range rep.Targets {
		if !t.Met {
			out = append(out, t)
		}
	}
	return out
}
