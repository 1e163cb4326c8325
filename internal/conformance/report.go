package conformance

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// FormatVersion is the version of the JSON report (docs/conformance.md documents its fields). A
// renamed or removed field is a new version.
const FormatVersion = 1

// Statuses of an inference.
const (
	Confirmed    = "confirmed"
	Contradicted = "contradicted"
	NotExercised = "not_exercised"
)

// Aspects of an inference: what qsync guessed about Qualys.
const (
	AspectParameter = "parameter" // Qualys accepts the parameter name on create or update
	AspectElement   = "element"   // the list or view lists the value in the named element
	AspectFormat    = "format"    // qsync reads the listed text back as the value sent
	AspectDefault   = "default"   // the value Qualys lists for a field never set
	AspectClear     = "clear"     // an update sending the clearing value (0, empty) clears a field
	AspectSecret    = "secret"    // a write-only value never appears in an answer
	AspectShape     = "shape"     // where in the answer document the object is
	AspectListAll   = "list-all"  // list-all names the probe's record under its type
)

// Inference is one guess qsync makes about Qualys and what the run saw of it.
type Inference struct {
	// Subject is the kind probed: "oracle", "unix/cisco", "vault/ca_pam", or "subscription".
	Subject string `json:"subject"`
	// Aspect is one of parameter, element, format, default, secret, shape, list-all.
	Aspect string `json:"aspect"`
	// Name is the parameter (field) name, or the answer for shape and list-all.
	Name string `json:"name"`
	// Expected is what qsync assumes, e.g. "SERVICENAME" (aspect element), "accepted" (aspect
	// parameter).
	Expected string `json:"expected"`
	// Observed is what the answer showed (empty when confirmed as expected or not exercised).
	Observed string `json:"observed,omitempty"`
	// Status is confirmed, contradicted or not_exercised.
	Status string `json:"status"`
}

// String renders the inference as one report line: "oracle servicename: expected element
// SERVICENAME, value found in SERVICE_NAME" for a contradiction, "mysql network_id: element
// NETWORK_ID (valid only with the Networks feature)" otherwise.
func (in Inference) String() string {
	if in.Status == Contradicted {
		return fmt.Sprintf("%s %s: expected %s %s, %s", in.Subject, in.Name, in.Aspect, in.Expected, in.Observed)
	}
	s := fmt.Sprintf("%s %s: %s %s", in.Subject, in.Name, in.Aspect, in.Expected)
	if in.Observed != "" {
		s += " (" + in.Observed + ")"
	}
	return s
}

// Totals counts inferences by status.
type Totals struct {
	Confirmed    int `json:"confirmed"`
	Contradicted int `json:"contradicted"`
	NotExercised int `json:"not_exercised"`
}

// ProbeResult is what one throwaway object cost and how it ended.
type ProbeResult struct {
	Subject string `json:"subject"`
	Title   string `json:"title"`
	// Calls is the number of API calls the probe made, retries included.
	Calls int `json:"calls"`
	// Deleted is true when the object was removed again (or never created).
	Deleted bool `json:"deleted"`
	// Error is the failure that ended the probe early; empty when it ran to the end.
	Error string `json:"error,omitempty"`
}

// Report is the result of a run.
type Report struct {
	FormatVersion int    `json:"format_version"`
	RunID         string `json:"run_id"`
	Prefix        string `json:"prefix"`
	// Estimated is the cost stated before writing; Calls what the run made.
	Estimated Cost `json:"estimated"`
	Calls     int  `json:"calls"`
	// Leftovers lists the titles of objects of interrupted earlier runs that were removed.
	Leftovers  []string      `json:"leftovers_removed"`
	Probes     []ProbeResult `json:"probes"`
	Totals     Totals        `json:"totals"`
	Inferences []Inference   `json:"inferences"`
}

// OK reports whether nothing was contradicted and every probe ran to the end.
func (r *Report) OK() bool {
	if r.Totals.Contradicted > 0 {
		return false
	}
	for _, p := range r.Probes {
		if p.Error != "" || !p.Deleted {
			return false
		}
	}
	return true
}

// finish sorts the inferences and counts them.
func (r *Report) finish() {
	sort.SliceStable(r.Inferences, func(i, j int) bool {
		a, b := r.Inferences[i], r.Inferences[j]
		if a.Subject != b.Subject {
			return a.Subject < b.Subject
		}
		if a.Aspect != b.Aspect {
			return a.Aspect < b.Aspect
		}
		return a.Name < b.Name
	})
	r.Totals = Totals{}
	for _, in := range r.Inferences {
		switch in.Status {
		case Confirmed:
			r.Totals.Confirmed++
		case Contradicted:
			r.Totals.Contradicted++
		default:
			r.Totals.NotExercised++
		}
	}
	sort.Strings(r.Leftovers)
	if r.Leftovers == nil {
		r.Leftovers = []string{}
	}
}

// Contradictions returns the contradicted inferences, in report order.
func (r *Report) Contradictions() []Inference {
	var out []Inference
	for _, in := range r.Inferences {
		if in.Status == Contradicted {
			out = append(out, in)
		}
	}
	return out
}

// WriteJSON writes the report as indented JSON.
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteText writes the report for a reader: contradictions first, then what was not exercised,
// the probes and their calls, and the totals.
func WriteText(w io.Writer, r *Report) error {
	var b strings.Builder
	fmt.Fprintf(&b, "qsync conformance run %s (prefix %s)\n", r.RunID, r.Prefix)
	section := func(title, status string) {
		var lines []string
		for _, in := range r.Inferences {
			if in.Status == status {
				lines = append(lines, "  "+in.String())
			}
		}
		if len(lines) == 0 {
			return
		}
		fmt.Fprintf(&b, "\n%s (%d):\n%s\n", title, len(lines), strings.Join(lines, "\n"))
	}
	section("Contradicted", Contradicted)
	section("Not exercised", NotExercised)
	fmt.Fprintf(&b, "\nProbes (%d):\n", len(r.Probes))
	for _, p := range r.Probes {
		state := "removed"
		if !p.Deleted {
			state = "NOT REMOVED: delete it by hand"
		}
		fmt.Fprintf(&b, "  %-34s %3d calls  %s", p.Subject, p.Calls, state)
		if p.Error != "" {
			fmt.Fprintf(&b, "  error: %s", p.Error)
		}
		b.WriteString("\n")
	}
	if len(r.Leftovers) > 0 {
		fmt.Fprintf(&b, "\nRemoved %d object(s) left by an interrupted earlier run: %s\n", len(r.Leftovers), strings.Join(r.Leftovers, ", "))
	}
	fmt.Fprintf(&b, "\n%d confirmed, %d contradicted, %d not exercised; %d API calls (%d estimated).\n",
		r.Totals.Confirmed, r.Totals.Contradicted, r.Totals.NotExercised, r.Calls, r.Estimated.Calls)
	_, err := io.WriteString(w, b.String())
	return err
}

// Plan is what a run would create, stated before anything is written (the dry run).
type Plan struct {
	Prefix string      `json:"prefix"`
	Probes []PlanProbe `json:"probes"`
	Cost   Cost        `json:"cost"`
}

// PlanProbe is one throwaway object a run would create.
type PlanProbe struct {
	Subject string `json:"subject"`
	// Create and Update name the parameters sent (secrets with dummy values only).
	Create []string `json:"create"`
	Update []string `json:"update"`
	// Skipped names the fields not sent, with the reason.
	Skipped map[string]string `json:"skipped,omitempty"`
}

// WritePlanText writes the dry run: every object, its parameters, and the call cost.
func WritePlanText(w io.Writer, p *Plan) error {
	var b strings.Builder
	fmt.Fprintf(&b, "qsync conformance would create, read, update, read again and delete %d throwaway objects titled %s-<run id>-<kind>:\n",
		len(p.Probes), p.Prefix)
	for _, pr := range p.Probes {
		fmt.Fprintf(&b, "  %-34s create: %s\n", pr.Subject, strings.Join(pr.Create, " "))
		if len(pr.Update) > 0 {
			fmt.Fprintf(&b, "  %-34s update: %s\n", "", strings.Join(pr.Update, " "))
		}
	}
	fmt.Fprintf(&b, "Cost: %d API calls (one more per parameter Qualys refuses). Nothing was written; pass --yes to run.\n", p.Cost.Calls)
	_, err := io.WriteString(w, b.String())
	return err
}

// WritePlanJSON writes the dry run as indented JSON: {prefix, probes[{subject, create, update,
// skipped}], cost{probes, calls}}.
func WritePlanJSON(w io.Writer, p *Plan) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(p)
}
