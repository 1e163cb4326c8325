// Package vault owns what one vault create or update may hold in the emulator: the parameters a
// vault type takes (from the table of package kinds), which are required on create and on
// update, and each setting's value rules (ports, flags, lengths, enumerations, URLs, BeyondTrust's
// user name without "@"), answered with the Qualys codes 1901, 1903 and 1905. Like package
// record it holds no state: the emulator's server (package qualysemu) reads the stored vault and
// checks title uniqueness.
package vault

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/qsync/qsync/internal/qualysemu/kinds"
	"github.com/qsync/qsync/internal/qualysemu/record"
	"github.com/qsync/qsync/internal/qualysemu/wire"
)

// commonParams are the parameters every vault create and update takes.
var commonParams = []string{"action", "echo_request", "id", "title", "type", "comments"}

// CheckRequest checks a vault create or update's parameters before the state is read:
// unknown parameters (1901) of a documented type, then missing ones (1903), then the type
// itself (1905). It returns the vault type.
func CheckRequest(p *wire.Params, create bool) (*kinds.VaultType, *wire.Error) {
	var missing []string
	need := func(n string) {
		if !p.Given(n) {
			missing = append(missing, n)
		}
	}
	if !create {
		need("id")
	}
	if create {
		need("title")
	}
	need("type")
	vt := kinds.VaultTypeByName(p.Get("type"))
	if vt != nil {
		for _, vp := range vt.Params {
			if (create && vp.RequiredCreate) || (!create && vp.RequiredUpdate) {
				need(vp.Name)
			}
		}
	}
	// Unknown parameters are reported before missing ones.
	if vt != nil && !vt.Open {
		allowed := map[string]bool{}
		for _, k := range commonParams {
			allowed[k] = true
		}
		if create {
			delete(allowed, "id")
		}
		for _, vp := range vt.Params {
			allowed[vp.Name] = true
		}
		if unk := p.Unknown(allowed); len(unk) > 0 {
			return nil, wire.Unrecognized(unk)
		}
	}
	if len(missing) > 0 {
		return nil, wire.Missing(missing...)
	}
	if vt == nil {
		return nil, wire.Invalid("type", p.Get("type"), "unknown vault type")
	}
	return vt, nil
}

// SetParams validates every parameter of a vault create or update, in request order, and
// stores it in m.
func SetParams(p *wire.Params, vt *kinds.VaultType, m map[string]string) *wire.Error {
	for _, k := range p.Names() {
		val := p.Get(k)
		switch k {
		case "action", "echo_request", "id", "type":
		case "title":
			if err := record.CheckTitle(k, val); err != nil {
				return err
			}
			m[k] = val
		case "comments":
			if err := record.CheckComments(k, val); err != nil {
				return err
			}
			record.SetOrClear(m, k, val)
		default:
			if e := setParam(vt, m, k, val); e != nil {
				return e
			}
		}
	}
	return nil
}

// setParam validates one setting of vault type vt and stores it in m.
func setParam(vt *kinds.VaultType, m map[string]string, k, v string) *wire.Error {
	vp := vt.Param(k)
	if vp == nil {
		record.SetOrClear(m, k, v) // open type
		return nil
	}
	shown := v
	if vp.Secret {
		shown = wire.Mask
	}
	switch vp.Kind {
	case kinds.KindBool:
		if v != "0" && v != "1" {
			return wire.Invalid(k, v, "must be 0 or 1")
		}
	case kinds.KindInt:
		if n, err := strconv.Atoi(v); err != nil || n < 1 || n > 65535 {
			return wire.Invalid(k, v, "must be a port number")
		}
	}
	if vp.MaxLen > 0 && utf8.RuneCountInString(v) > vp.MaxLen {
		return wire.Invalid(k, shown, fmt.Sprintf("longer than %d characters", vp.MaxLen))
	}
	if vp.NoAt && strings.Contains(v, "@") {
		return wire.Invalid(k, shown, "must not contain @")
	}
	if v != "" && vp.Values != nil && !slices.Contains(vp.Values, v) {
		return wire.Invalid(k, v, "must be one of: "+strings.Join(vp.Values, ", "))
	}
	if vp.URL && v != "" {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme+":" != "http:" && u.Scheme+":" != "https:") || u.Host == "" {
			return wire.Invalid(k, v, "not an HTTP or HTTPS URL")
		}
	}
	record.SetOrClear(m, k, v)
	return nil
}
