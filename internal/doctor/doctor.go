// Package doctor builds qsync's read-only first-contact report of a Qualys subscription: whether
// the credentials work, which endpoints could be read, the rate limit, how many objects of each
// kind and type exist, which could not be read and why, which elements the answers held beyond
// qsync's model, and which inferred facts of docs/qualys-wire-contract.md the answers confirmed or
// contradicted. It makes exactly the calls a plan makes (pipeline.ReadEach) and sends no write;
// unlike a plan, a failed list or view does not stop it, so it says of every endpoint whether the
// user may read it. The report holds names, counts and codes, never values; with Hash, titles are
// hashed too.
package doctor

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/qsync/qsync/internal/live"
	"github.com/qsync/qsync/internal/pipeline"
	"github.com/qsync/qsync/internal/qualysclient"
	"github.com/qsync/qsync/internal/spec"
)

// FormatVersion is the version of the JSON report (docs/doctor.md).
const FormatVersion = 1

// Client is what doctor needs of the Qualys client.
type Client interface {
	live.Reader
	Stats() qualysclient.Stats
	Observed() qualysclient.Observations
}

// Options configure a report.
type Options struct {
	BaseURL string // shown as scheme://host only
	Hash    bool   // replace titles by a short SHA-256 hash
}

// Report is the doctor's finding. Field names are part of the JSON contract (docs/doctor.md).
type Report struct {
	FormatVersion int    `json:"format_version"`
	Server        string `json:"server"`
	// Credentials is "accepted", "refused" (HTTP 401) or "unknown" (no answer).
	Credentials string `json:"credentials"`
	// Read is "complete", the error that stopped the read, or "incomplete: " and the endpoints
	// that could not be read.
	Read      string     `json:"read"`
	Endpoints []Endpoint `json:"endpoints"`
	// Access says of each endpoint tried whether the user may read it.
	Access      []Access       `json:"access"`
	Limits      Limits         `json:"limits"`
	Calls       int            `json:"calls"`
	Groups      []live.Group   `json:"groups"`
	Opaque      []Opaque       `json:"opaque"`
	Assumptions []Assumption   `json:"assumptions"`
	Statuses    map[string]int `json:"statuses"`
}

// Endpoint is one API endpoint qsync called, with its calls and whether it answered.
type Endpoint struct {
	Call  string `json:"call"` // "POST /api/2.0/fo/auth/mysql/ list"
	Count int    `json:"count"`
}

// Access is what one endpoint answered: list-all, a record kind's list (all its pages), the
// vault list, or the vault views (one entry per verdict, status and code, counting the vaults).
type Access struct {
	Endpoint string `json:"endpoint"`         // "list-all", "mysql", "vault list", "vault view"
	Verdict  string `json:"verdict"`          // readable, forbidden, unavailable or failed
	Status   int    `json:"status,omitempty"` // HTTP status of a refusal; 0 when none arrived
	Code     int    `json:"code,omitempty"`   // Qualys CODE of a refusal; 0 when it carried none
	Count    int    `json:"count"`            // answers with this verdict (vault views: vaults)
	// Detail is a fixed note, never a value: "answered in a shape qsync does not understand",
	// "not sent after a 401", "no answer".
	Detail string `json:"detail,omitempty"`
}

// The verdicts of an Access.
const (
	Readable    = "readable"    // answered (even in a shape qsync does not understand)
	Forbidden   = "forbidden"   // HTTP 403, or a Qualys code saying the account may not use the API
	Unavailable = "unavailable" // HTTP 404: the platform does not serve it
	Failed      = "failed"      // any other failure
)

// Limits are the last rate-limit headers seen.
type Limits struct {
	RateLimit     int      `json:"rate_limit"`
	RateRemaining int      `json:"rate_remaining"`
	RateWindowSec int      `json:"rate_window_sec"`
	Headers       []string `json:"headers"`
}

// Opaque is an object qsync cannot represent, with the reason (element names, never values).
type Opaque struct {
	Kind   string `json:"kind"`
	Title  string `json:"title"`
	ID     int64  `json:"id"`
	Reason string `json:"reason"`
}

// Assumption is one inferred fact of the wire contract and what the answers said of it.
type Assumption struct {
	Row    int    `json:"row"`    // row of docs/qualys-wire-contract.md
	Fact   string `json:"fact"`   // what qsync assumes
	Status string `json:"status"` // "confirmed", "contradicted" or "not seen"
	Detail string `json:"detail,omitempty"`
}

const (
	confirmed    = "confirmed"
	contradicted = "contradicted"
	notSeen      = "not seen"
)

// Run reads the subscription through c (the calls one plan makes: list-all, the list of every
// kind it names, or of every kind when it cannot be used, the vault list and every vault view)
// and builds the report. A failed read is reported, not returned, and a failed list or view does
// not stop the others (pipeline.ReadEach): the error is for what doctor itself cannot do.
func Run(ctx context.Context, c Client, opts Options) *Report {
	r := &Report{FormatVersion: FormatVersion, Server: redactURL(opts.BaseURL), Credentials: "unknown", Read: "complete"}
	doc, rep, acc, err := pipeline.ReadEach(ctx, c)
	if err != nil {
		r.Read = err.Error()
		acc = []live.Access{{Endpoint: live.EndpointListAll, Err: err}}
	}
	r.Access = access(acc)
	var unread []string
	for _, a := range r.Access {
		if a.Verdict != Readable && a.Endpoint != live.EndpointListAll { // without list-all, every kind is listed
			unread = append(unread, fmt.Sprintf("%s (%s)", a.Endpoint, a.Verdict))
		}
	}
	if err == nil && len(unread) > 0 {
		r.Read = "incomplete: not read: " + strings.Join(unread, ", ")
	}
	st, ob := c.Stats(), c.Observed()
	var apiErr *qualysclient.APIError
	switch {
	case errors.As(err, &apiErr) && apiErr.Status == http.StatusUnauthorized:
		r.Credentials = "refused"
	case len(ob.Statuses) > 0:
		r.Credentials = "accepted"
	}
	for call, n := range st.Calls {
		r.Calls += n
		r.Endpoints = append(r.Endpoints, Endpoint{Call: call, Count: n})
	}
	sort.Slice(r.Endpoints, func(i, j int) bool { return r.Endpoints[i].Call < r.Endpoints[j].Call })
	r.Limits = Limits{RateLimit: st.RateLimit, RateRemaining: st.RateRemaining, RateWindowSec: st.RateWindowSec, Headers: ob.LimitHeaders}
	r.Statuses = map[string]int{}
	for s, n := range ob.Statuses {
		r.Statuses[fmt.Sprint(s)] = n
	}
	if doc != nil {
		for _, o := range doc.Objects {
			if o.Opaque != "" {
				r.Opaque = append(r.Opaque, Opaque{Kind: string(o.Kind), Title: title(o, opts.Hash), ID: o.ID, Reason: o.Opaque})
			}
		}
	}
	if rep != nil {
		r.Groups = rep.Groups
	}
	r.Assumptions = assumptions(ob, rep)
	return r
}

// access gives each Access of the read its verdict, in the read's order (list-all, the vault
// list, the kinds, then the vault views grouped by verdict, status and code).
func access(acc []live.Access) []Access {
	var out []Access
	views := map[Access]int{}
	for _, a := range acc {
		v := verdict(a)
		if a.Endpoint == live.EndpointVaultView {
			views[v]++
			continue
		}
		v.Count = 1
		out = append(out, v)
	}
	var grouped []Access
	for v, n := range views {
		v.Count = n
		grouped = append(grouped, v)
	}
	sort.Slice(grouped, func(i, j int) bool {
		a, b := grouped[i], grouped[j]
		if a.Verdict != b.Verdict {
			return a.Verdict > b.Verdict // readable first
		}
		if a.Status != b.Status {
			return a.Status < b.Status
		}
		return a.Code < b.Code
	})
	return append(out, grouped...)
}

// verdict says whether a's answer means the user may read its endpoint. It keeps the status and
// the Qualys code, never the answer's text (it may quote a value).
func verdict(a live.Access) Access {
	v := Access{Endpoint: a.Endpoint, Verdict: Readable}
	var apiErr *qualysclient.APIError
	var notSent *qualysclient.NotSentError
	switch {
	case a.Err == nil:
	case errors.As(a.Err, &notSent):
		v.Verdict, v.Detail = Failed, "not sent after a 401"
	case errors.As(a.Err, &apiErr):
		v.Status, v.Code = apiErr.Status, apiErr.Code
		switch {
		case apiErr.Status == http.StatusForbidden, noPermission[apiErr.Code]:
			v.Verdict = Forbidden
		case apiErr.Status == http.StatusNotFound:
			v.Verdict = Unavailable
		default:
			v.Verdict = Failed
		}
	case errors.Is(a.Err, qualysclient.ErrUnexpectedAnswer):
		v.Detail = "answered in a shape qsync does not understand"
	default:
		v.Verdict, v.Detail = Failed, "no answer"
	}
	return v
}

// noPermission are the Qualys codes that refuse the account itself, whatever it asks
// (REFERENCE.md §7.1): 2003 (registration not completed) and 2011 (SecureID required). Qualys
// documents no code for a user who may not read one endpoint; that is taken to be HTTP 403.
var noPermission = map[int]bool{2003: true, 2011: true}

func title(o *spec.Object, hash bool) string {
	if !hash {
		return o.Title
	}
	sum := sha256.Sum256([]byte(o.Title))
	return "sha256:" + hex.EncodeToString(sum[:6])
}

func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

const contractShape = "AUTH_VAULT_VIEW_OUTPUT/RESPONSE/AUTH_VAULT"

func assumptions(ob qualysclient.Observations, rep *live.Report) []Assumption {
	var out []Assumption
	view := Assumption{Row: 1, Fact: "vault view answers " + contractShape, Status: notSeen}
	var shapes []string
	for s, n := range ob.VaultViewShapes {
		shapes = append(shapes, fmt.Sprintf("%s (%d)", s, n))
		if s != contractShape {
			view.Status = contradicted
		} else if view.Status == notSeen {
			view.Status = confirmed
		}
	}
	sort.Strings(shapes)
	view.Detail = strings.Join(shapes, ", ")
	out = append(out, view)

	if rep != nil {
		for _, g := range rep.Groups {
			if g.Examined == 0 {
				continue
			}
			var missing, extra []string
			for e, n := range g.Elements {
				if n == 0 {
					missing = append(missing, e)
				}
			}
			for e := range g.Unexpected {
				extra = append(extra, e)
			}
			sort.Strings(missing)
			sort.Strings(extra)
			a := Assumption{Row: 4, Fact: g.Name + " elements are named by the upper-cased parameter", Status: confirmed}
			if len(extra) > 0 {
				a.Status = contradicted
				a.Detail = "unexpected: " + strings.Join(extra, ", ")
			}
			if len(missing) > 0 {
				if a.Detail != "" {
					a.Detail += "; "
				}
				a.Detail += "never present: " + strings.Join(missing, ", ")
			}
			out = append(out, a)
		}
	}

	trunc := Assumption{Row: 11, Fact: "a list truncated at 1000 ends with WARNING(CODE 1980, TEXT, URL with id_min)", Status: notSeen}
	for _, w := range ob.Warnings {
		if w.Code == 1980 && w.HasIDMin {
			if trunc.Status == notSeen {
				trunc.Status = confirmed
			}
		} else {
			trunc.Status = contradicted
			trunc.Detail = fmt.Sprintf("WARNING on %s: code %d, url %v, id_min %v", w.Path, w.Code, w.HasURL, w.HasIDMin)
		}
	}
	out = append(out, trunc)

	out = append(out, listAllAssumption(rep))

	limits := Assumption{Row: 13, Fact: "answers carry X-RateLimit-* and X-Concurrency-Limit-* headers", Status: notSeen}
	if len(ob.LimitHeaders) > 0 {
		limits.Status = confirmed
		limits.Detail = strings.Join(ob.LimitHeaders, ", ")
	}
	out = append(out, limits)
	return out
}

// listAllAssumption says what the read learnt of list-all (contract row 16): whether its answer
// had the inferred shape, and whether the per-type lists held the IDs it announced.
func listAllAssumption(rep *live.Report) Assumption {
	a := Assumption{Row: 16, Fact: "list-all answers RESPONSE/AUTH_RECORDS/AUTH_<TYPE>_IDS (or _RECORDS)/ID_SET, one per record type with records", Status: notSeen}
	if rep == nil || rep.ListAll == nil {
		return a
	}
	u := rep.ListAll
	switch {
	case u.Fallback != "":
		a.Status, a.Detail = contradicted, u.Fallback+"; every record kind was listed"
	case len(u.Differs) > 0:
		a.Status = contradicted
		a.Detail = "the lists of " + strings.Join(u.Differs, ", ") + " held other IDs than list-all announced (or the estate changed between the calls)"
	default:
		a.Status = confirmed
		a.Detail = fmt.Sprintf("%d record type(s) named, %d kind(s) known empty without a call", len(u.Announced), u.Skipped)
	}
	return a
}

// WriteJSON writes the report as indented JSON.
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteText writes the report for a reader.
func WriteText(w io.Writer, r *Report) error {
	var b strings.Builder
	fmt.Fprintf(&b, "qsync doctor: %s\n", r.Server)
	fmt.Fprintf(&b, "credentials: %s\n", r.Credentials)
	fmt.Fprintf(&b, "read: %s\n", r.Read)
	fmt.Fprintf(&b, "rate limit: %d per %ds, %d remaining\n", r.Limits.RateLimit, r.Limits.RateWindowSec, r.Limits.RateRemaining)
	b.WriteString("calls:\n")
	for _, e := range r.Endpoints {
		fmt.Fprintf(&b, "  %s: %d\n", e.Call, e.Count)
	}
	b.WriteString("access:\n")
	for _, a := range r.Access {
		if a.Endpoint == live.EndpointVaultView {
			fmt.Fprintf(&b, "  %s, %d vault(s): %s", a.Endpoint, a.Count, a.Verdict)
		} else {
			fmt.Fprintf(&b, "  %s: %s", a.Endpoint, a.Verdict)
		}
		if a.Status != 0 {
			fmt.Fprintf(&b, " (HTTP %d", a.Status)
			if a.Code != 0 {
				fmt.Fprintf(&b, ", code %d", a.Code)
			}
			b.WriteString(")")
		}
		if a.Detail != "" {
			fmt.Fprintf(&b, ": %s", a.Detail)
		}
		b.WriteString("\n")
	}
	b.WriteString("objects:\n")
	for _, g := range r.Groups {
		fmt.Fprintf(&b, "  %s: %d (%d opaque)\n", g.Name, g.Objects, g.Opaque)
	}
	if len(r.Opaque) > 0 {
		b.WriteString("could not be read:\n")
		for _, o := range r.Opaque {
			fmt.Fprintf(&b, "  %s %q (id %d): %s\n", o.Kind, o.Title, o.ID, o.Reason)
		}
	}
	b.WriteString("wire contract:\n")
	for _, a := range r.Assumptions {
		fmt.Fprintf(&b, "  row %d %s: %s", a.Row, a.Status, a.Fact)
		if a.Detail != "" {
			fmt.Fprintf(&b, " (%s)", a.Detail)
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "%d API call(s) used, no writes\n", r.Calls)
	_, err := io.WriteString(w, b.String())
	return err
}
