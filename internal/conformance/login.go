package conformance

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/qsync/qsync/internal/qualysclient"
	"github.com/qsync/qsync/internal/spec"
)

// loginKind is the record kind a vault probe's login record uses: plain unix, which accepts
// every vault type.
const loginKind = spec.KindUnix

// loginCalls is what the login check of a vault probe costs: create the record, list it,
// delete it.
const loginCalls = 3

// canLogin reports whether a vault probe of d checks the login parameters: d has some, and a
// unix record may log in through d.
func canLogin(d *spec.KindDef) bool {
	u := spec.Lookup(loginKind, "")
	return d.Kind == spec.KindVault && len(d.LoginParams) > 0 && u != nil && slices.Contains(u.LoginVaultTypes, d.Type)
}

// loginValues returns the record-side login parameters a login record through vault probe p
// sends (the first member of each LoginOneOf group), and those it leaves out with the reason.
func (p *probe) loginValues(v *values) (map[string]string, map[string]string) {
	send, skip := map[string]string{}, map[string]string{}
	for _, g := range p.def.LoginOneOf {
		for _, m := range g[1:] {
			skip[m] = "cannot be combined with " + g[0] + ", which the probe sends"
		}
	}
	for i := range p.def.LoginParams {
		f := &p.def.LoginParams[i]
		if skip[f.Name] != "" {
			continue
		}
		if val := v.value(f, 100+i, 0); val != "" {
			send[f.Name] = val
		} else {
			skip[f.Name] = "no distinctive value fits its rules"
		}
	}
	return send, skip
}

// checkLogin creates a unix record logging in through the probe's vault with a distinctive value
// in every login parameter, lists it, finds each value (expected in DIGITAL_VAULT/<element>),
// and deletes the record.
func (r *run) checkLogin(ctx context.Context, pr *probeRun) (err error) {
	send, skip := pr.loginValues(r.vals)
	for name, why := range skip {
		pr.add(AspectElement, "login."+name, "DIGITAL_VAULT/"+pr.def.LoginParam(name).Element, why, NotExercised)
	}
	t := qualysclient.RecordType(loginKind)
	params := url.Values{}
	params.Set("title", pr.title(r.opts)+"-login")
	params.Set("comments", comments(r.opts, false))
	params.Set("ips", r.opts.Address)
	params.Set("username", r.vals.token(99, 0))
	params.Set("login_type", "vault")
	params.Set("vault_type", pr.def.QualysType)
	params.Set("vault_id", strconv.FormatInt(pr.id, 10))
	for k, v := range send {
		params.Set(k, v)
	}
	var id int64
	werr := r.write(ctx, pr, "login-create", params, func(v url.Values) error {
		var e error
		id, e = r.c.CreateRecord(ctx, t, v)
		return e
	})
	for name := range send {
		switch {
		case pr.refused[name] != "":
			pr.add(AspectParameter, "login."+name, "accepted", pr.refused[name], Contradicted)
		case werr == nil:
			pr.add(AspectParameter, "login."+name, "accepted", "", Confirmed)
		}
	}
	if werr != nil {
		return fmt.Errorf("a unix record logging in through the vault: %w", werr)
	}
	defer func() {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
		defer cancel()
		derr := r.c.DeleteRecords(dctx, t, []int64{id})
		as, cerr := r.answers(pr.name, "login-delete")
		pr.keep(as)
		if err == nil && cerr != nil {
			err = cerr
		} else if err == nil && derr != nil {
			err = fmt.Errorf("delete login record %q (id %d): %w", params.Get("title"), id, derr)
		}
	}()
	_, lerr := r.c.ListRecords(ctx, t, qualysclient.ListOptions{IDs: []int64{id}})
	as, cerr := r.answers(pr.name, "login-read")
	pr.keep(as)
	if cerr != nil {
		return cerr
	}
	if lerr != nil {
		return fmt.Errorf("list the login record: %w", lerr)
	}
	root, perr := parseAnswer(as[len(as)-1].Body)
	if perr != nil {
		return perr
	}
	ids := strconv.FormatInt(id, 10)
	e := root.find(func(x *element) bool {
		c := x.child("ID")
		return len(x.Kids) > 0 && c != nil && strings.TrimSpace(c.Text) == ids
	})
	if e == nil {
		return fmt.Errorf("the login record's list does not hold it")
	}
	o := flatten(e)
	r.expectText(pr, "login.vault_id", "DIGITAL_VAULT/DIGITAL_VAULT_ID", strconv.FormatInt(pr.id, 10), o)
	r.expectText(pr, "login.vault_type", "DIGITAL_VAULT/DIGITAL_VAULT_TYPE", pr.def.QualysType, o)
	for name, v := range send {
		if pr.refused[name] != "" {
			continue
		}
		f := *pr.def.LoginParam(name)
		f.Element = "DIGITAL_VAULT/" + f.Element
		f.Name = "login." + name
		r.checkField(pr, &f, v, o, object{})
	}
	return nil
}
