package conformance

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/qsync/qsync/internal/qualysclient"
	"github.com/qsync/qsync/internal/spec"
)

// probeRun is the state of one probe while it runs.
type probeRun struct {
	*probe
	id       int64
	refused  map[string]string // parameter -> what Qualys answered
	results  map[string]*Inference
	order    []string
	bodies   [][]byte
	elem     *element // the object's element in the last read
	subjectT qualysclient.RecordType
}

func (pr *probeRun) add(aspect, name, expected, observed, status string) {
	k := aspect + "\x00" + name
	if in, ok := pr.results[k]; ok {
		// A contradiction seen in either read wins; the first one observed is kept.
		if in.Status != Contradicted && status == Contradicted {
			in.Status, in.Observed = status, observed
		}
		return
	}
	pr.results[k] = &Inference{Subject: pr.name, Aspect: aspect, Name: name, Expected: expected, Observed: observed, Status: status}
	pr.order = append(pr.order, k)
}

// probe runs one probe: create, read, update, read, delete. A failure ends the probe (the
// object is still deleted) and is returned in the result; the error is non-nil only when the
// capture could not be written.
func (r *run) probe(ctx context.Context, p *probe) (res ProbeResult, err error) {
	r.calls = 0
	pr := &probeRun{probe: p, refused: map[string]string{}, results: map[string]*Inference{}, subjectT: qualysclient.RecordType(p.def.Kind)}
	res = ProbeResult{Subject: p.name, Title: p.title(r.opts), Deleted: true}
	r.progress("probing %s", p.name)
	defer func() {
		res.Calls = r.calls
		r.emit(pr, res.Error)
	}()

	create := p.createParams(r.opts, r.opts.Address)
	err = r.write(ctx, pr, "create", create, func(v url.Values) error {
		var e error
		if p.def.Kind == spec.KindVault {
			pr.id, e = r.c.CreateVault(ctx, v)
		} else {
			pr.id, e = r.c.CreateRecord(ctx, pr.subjectT, v)
		}
		return e
	})
	if err != nil {
		var oe *qualysclient.OutcomeUnknownError
		if errors.As(err, &oe) {
			res.Deleted = false // it may exist: the next run removes it as a leftover
		}
		res.Error = err.Error()
		return res, r.captureErr(err)
	}
	res.Deleted = false
	defer func() {
		if derr := r.remove(ctx, pr); derr != nil {
			if res.Error == "" {
				res.Error = derr.Error()
			}
			if err == nil {
				err = r.captureErr(derr)
			}
			return
		}
		res.Deleted = true
	}()

	first, err := r.read(ctx, pr, "read")
	if err != nil {
		res.Error = err.Error()
		return res, r.captureErr(err)
	}
	r.checkCommon(pr, first)
	r.checkComments(pr, first, false)
	for name, v := range p.create {
		if _, refused := pr.refused[name]; !refused {
			r.checkField(pr, p.def.Field(name), v, first, object{})
		}
	}
	for _, name := range sortedNames(p.items) {
		r.checkItems(pr, p.def.Field(name), p.items[name], "")
	}
	for _, name := range p.defaults {
		r.checkDefault(pr, p.def.Field(name), first)
	}
	if p.def.Kind != spec.KindVault && !r.listAll {
		if err := r.checkListAll(ctx, pr); err != nil {
			res.Error = err.Error()
			return res, r.captureErr(err)
		}
	}

	upd := p.updateParams(r.opts)
	for name := range pr.refused {
		upd.Del(name)
	}
	if len(upd) > 0 {
		err = r.write(ctx, pr, "update", upd, func(v url.Values) error {
			if p.def.Kind == spec.KindVault {
				return r.c.UpdateVault(ctx, pr.id, v)
			}
			return r.c.UpdateRecords(ctx, pr.subjectT, []int64{pr.id}, v)
		})
		if err != nil {
			res.Error = err.Error()
			return res, r.captureErr(err)
		}
		second, err := r.read(ctx, pr, "read-after-update")
		if err != nil {
			res.Error = err.Error()
			return res, r.captureErr(err)
		}
		r.checkComments(pr, second, true)
		for _, name := range sortedNames(p.items) {
			if _, refused := pr.refused[name]; !refused {
				r.checkItems(pr, p.def.Field(name), nil, " (kept by an update without it)")
			}
		}
		if p.login {
			if err := r.checkLogin(ctx, pr); err != nil {
				res.Error = err.Error()
				return res, r.captureErr(err)
			}
		}
		for name := range p.clears {
			if _, refused := pr.refused[name]; !refused && upd.Has(name) {
				r.checkCleared(pr, p.def.Field(name), second)
			}
		}
		for name, v := range p.update {
			if _, refused := pr.refused[name]; !refused {
				r.checkField(pr, p.def.Field(name), v, second, first)
			}
		}
	}
	return res, nil
}

// captureErr passes on only an error writing the capture (which stops the run); any other
// failure ends one probe.
func (r *run) captureErr(err error) error {
	var ce *captureError
	if errors.As(err, &ce) {
		return err
	}
	return nil
}

// essential parameters are never dropped after a refusal: without them the probe is not one.
var essential = map[string]bool{"title": true, "ips": true, "comments": true, "type": true,
	"login_type": true, "vault_type": true, "vault_id": true}

// write sends a create or update; a parameter Qualys refuses (1901 names it, 1905 calls its value
// invalid) is recorded, dropped and the write sent again without it.
func (r *run) write(ctx context.Context, pr *probeRun, step string, params url.Values, send func(url.Values) error) error {
	for {
		err := send(params)
		as, cerr := r.answers(pr.name, step)
		pr.keep(as)
		if cerr != nil {
			return cerr
		}
		if err == nil {
			return nil
		}
		names, why := refusedParams(err, params)
		if len(names) == 0 {
			return fmt.Errorf("%s %s: %w", step, pr.name, err)
		}
		for _, n := range names {
			if essential[n] || n == pr.variantParam() {
				return fmt.Errorf("%s %s: %w", step, pr.name, err)
			}
			pr.refused[n] = why
			params.Del(n)
		}
	}
}

func (pr *probeRun) keep(as []answer) {
	for _, a := range as {
		pr.bodies = append(pr.bodies, a.Body)
	}
}

func (p *probe) variantParam() string {
	if p.def.Kind == spec.KindVault || p.def.Type == "" {
		return ""
	}
	param, _ := p.def.VariantKeys()
	return param
}

var invalidParamRE = regexp.MustCompile(`(?i)parameter ([a-z0-9_]+)`)

// refusedParams returns the sent parameters a Qualys error refuses, and the error as observed.
func refusedParams(err error, params url.Values) ([]string, string) {
	var ae *qualysclient.APIError
	if !errors.As(err, &ae) {
		return nil, ""
	}
	var names []string
	switch ae.Code {
	case 1901:
		_, list, _ := strings.Cut(ae.Text, ":")
		for _, n := range strings.Split(list, ",") {
			if n = strings.TrimSpace(n); params.Has(n) {
				names = append(names, n)
			}
		}
	case 1905:
		for _, m := range invalidParamRE.FindAllStringSubmatch(ae.Text, -1) {
			if params.Has(m[1]) && !slices.Contains(names, m[1]) {
				names = append(names, m[1])
			}
		}
	}
	return names, fmt.Sprintf("refused: %d %s", ae.Code, ae.Text)
}

// read lists (or views) the probe's object and returns its elements.
func (r *run) read(ctx context.Context, pr *probeRun, step string) (object, error) {
	var err error
	if pr.def.Kind == spec.KindVault {
		_, err = r.c.ViewVault(ctx, pr.id)
	} else {
		_, err = r.c.ListRecords(ctx, pr.subjectT, qualysclient.ListOptions{IDs: []int64{pr.id}})
	}
	as, cerr := r.answers(pr.name, step)
	pr.keep(as)
	if cerr != nil {
		return object{}, cerr
	}
	if len(as) == 0 {
		return object{}, fmt.Errorf("%s %s: no answer", step, pr.name)
	}
	root, perr := parseAnswer(as[len(as)-1].Body)
	if perr != nil {
		if err != nil {
			return object{}, fmt.Errorf("%s %s: %w", step, pr.name, err)
		}
		return object{}, fmt.Errorf("%s %s: %w", step, pr.name, perr)
	}
	id := strconv.FormatInt(pr.id, 10)
	title := pr.title(r.opts)
	isObject := func(e *element) bool {
		if len(e.Kids) == 0 {
			return false
		}
		if c := e.child("ID"); c != nil && strings.TrimSpace(c.Text) == id {
			return true
		}
		c := e.child("TITLE")
		return c != nil && strings.TrimSpace(c.Text) == title
	}
	want := "AUTH_VAULT_VIEW_OUTPUT/RESPONSE/AUTH_VAULT"
	what := "view answer"
	if pr.def.Kind != spec.KindVault {
		T := strings.ToUpper(string(pr.def.Kind))
		want = "AUTH_" + T + "_LIST_OUTPUT/RESPONSE/AUTH_" + T + "_LIST/AUTH_" + T
		what = "list answer"
	}
	e := root.find(isObject)
	if e == nil {
		pr.add(AspectShape, what, want, "no element with the probe's ID or title (answer "+root.Name+")", Contradicted)
		if err != nil {
			return object{}, fmt.Errorf("%s %s: %w", step, pr.name, err)
		}
		return object{}, fmt.Errorf("%s %s: the answer does not hold the probe", step, pr.name)
	}
	if got := root.path(func(x *element) bool { return x == e }); got != want {
		pr.add(AspectShape, what, want, "found at "+got, Contradicted)
	} else {
		pr.add(AspectShape, what, want, "", Confirmed)
	}
	if err != nil {
		// The client could not decode what the answer holds: say so, but the elements still count.
		pr.add(AspectShape, what+" decoded by qsync", "decodable", err.Error(), Contradicted)
	}
	pr.elem = e
	return flatten(e), nil
}

// remove deletes the probe's object, even when ctx has ended (Ctrl-C).
func (r *run) remove(ctx context.Context, pr *probeRun) error {
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	var err error
	if pr.def.Kind == spec.KindVault {
		err = r.c.DeleteVault(dctx, pr.id)
	} else {
		err = r.c.DeleteRecords(dctx, pr.subjectT, []int64{pr.id})
	}
	as, cerr := r.answers(pr.name, "delete")
	pr.keep(as)
	if cerr != nil {
		return cerr
	}
	if err != nil {
		return fmt.Errorf("delete %s %q (id %d): %w", pr.name, pr.title(r.opts), pr.id, err)
	}
	return nil
}

// checkListAll asks list-all for the probe's record and checks it is named under its type.
func (r *run) checkListAll(ctx context.Context, pr *probeRun) error {
	r.listAll = true
	got, err := r.c.ListAll(ctx, qualysclient.ListOptions{IDs: []int64{pr.id}})
	as, cerr := r.answers("subscription", "list-all")
	if cerr != nil {
		return cerr
	}
	const want = "names each record's ID under its type"
	if err != nil {
		r.record("subscription", AspectListAll, "list-all answer", want, err.Error(), Contradicted)
		return nil
	}
	shape := ""
	if len(as) > 0 {
		if root, perr := parseAnswer(as[len(as)-1].Body); perr == nil {
			id := strconv.FormatInt(pr.id, 10)
			shape = root.path(func(e *element) bool { return len(e.Kids) == 0 && idsContain(e.Text, pr.id, id) })
		}
	}
	if slices.Contains(got[pr.subjectT], pr.id) {
		r.record("subscription", AspectListAll, "list-all answer", want, "shape "+shape, Confirmed)
	} else {
		r.record("subscription", AspectListAll, "list-all answer", want,
			fmt.Sprintf("record %d of type %s not named (shape %s)", pr.id, pr.subjectT, shape), Contradicted)
	}
	return nil
}

// idsContain reports whether an ID or ID range text holds id.
func idsContain(text string, id int64, ids string) bool {
	text = strings.TrimSpace(text)
	if text == ids {
		return true
	}
	lo, hi, ok := strings.Cut(text, "-")
	if !ok {
		return false
	}
	l, err1 := strconv.ParseInt(lo, 10, 64)
	h, err2 := strconv.ParseInt(hi, 10, 64)
	return err1 == nil && err2 == nil && l <= id && id <= h
}

// emit adds the probe's inferences to the report: what it checked, then the parameters sent or
// refused, the secrets, and what it did not exercise.
func (r *run) emit(pr *probeRun, failure string) {
	sentParams := map[string]bool{}
	for k := range pr.createParams(r.opts, r.opts.Address) {
		sentParams[k] = true
	}
	for k := range pr.updateParams(r.opts) {
		sentParams[k] = true
	}
	created := pr.id != 0
	for k := range sentParams {
		switch {
		case pr.refused[k] != "":
			pr.add(AspectParameter, k, "accepted", pr.refused[k], Contradicted)
		case created:
			pr.add(AspectParameter, k, "accepted", "", Confirmed)
		default:
			pr.add(AspectParameter, k, "accepted", "the create failed: "+failure, NotExercised)
		}
	}
	for i := range pr.def.Fields {
		f := &pr.def.Fields[i]
		if f.Type == spec.TypeSecret && sentParams[f.Name] && pr.refused[f.Name] == "" && created {
			val := pr.create[f.Name]
			if val == "" {
				val = pr.update[f.Name]
			}
			if where := pr.echoed(val); where != "" {
				pr.add(AspectSecret, f.Name, "never listed", where, Contradicted)
			} else {
				pr.add(AspectSecret, f.Name, "never listed", "", Confirmed)
			}
		}
		why := pr.skipped[f.Name]
		if pr.elsewhere[f.Name] {
			continue // another probe of this kind sends it
		}
		switch {
		case why != "":
			pr.add(AspectParameter, f.Name, "accepted", why, NotExercised)
		case pr.refused[f.Name] != "":
			why = "the parameter was refused"
		case !created || failure != "":
			why = "the probe ended early: " + failure
		}
		if why != "" && f.Element != "" && f.Type != spec.TypeSecret && f.Type != spec.TypeItems {
			pr.add(AspectElement, f.Name, expectedElement(f), why, NotExercised)
		}
	}
	for _, name := range sortedNames(pr.items) {
		f := pr.def.Field(name)
		for _, sf := range f.SubFields {
			if val := pr.items[name][sf.Name]; sf.Type == spec.TypeSecret && val != "" && created {
				if where := pr.echoed(val); where != "" {
					pr.add(AspectSecret, name+"."+sf.Name, "never listed", where, Contradicted)
				} else {
					pr.add(AspectSecret, name+"."+sf.Name, "never listed", "", Confirmed)
				}
			}
		}
	}
	for _, k := range pr.order {
		r.rep.Inferences = append(r.rep.Inferences, *pr.results[k])
	}
}

// echoed returns where a secret value appears in the probe's answers, or "".
func (pr *probeRun) echoed(val string) string {
	needle := val
	if lines := strings.Split(val, "\n"); len(lines) > 2 {
		needle = lines[1] // a PEM body line
	}
	for _, b := range pr.bodies {
		if strings.Contains(string(b), needle) {
			return "the value sent appears in an answer"
		}
	}
	return ""
}
