package build

import (
	"fmt"
	"slices"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/spec"
)

// This file answers "what to send": the Qualys parameters of a create or an in-place update, the
// latter derived from the changes diff.go found. Title and IP parameters of updates are added by
// the steps (package order), which may split them off into a call of their own. Secrets travel as
// references beside the parameters (item.secrets), never in them.

// createParams returns the parameters of a create: title, type, every setting the configuration
// sets (an omitted one is not sent, nor a documented default Qualys applies itself), IPs, the
// vault login (vi, when hasVault) and the comments with the marker to write.
func createParams(it *item, vi vaultInfo, hasVault bool) map[string]string {
	d := it.d
	params := map[string]string{"title": d.Title}
	if d.Kind == spec.KindVault {
		params["type"] = it.def.QualysType
	} else if d.Type != "" {
		params[typeField(d.Kind)] = it.def.QualysType
	}
	for i := range it.def.Fields {
		f := &it.def.Fields[i]
		if !compared(f, d.Login, nil) {
			continue
		}
		if v := createValue(f, d); v != "" {
			params[f.Name] = spec.QualysValue(f, v)
		}
	}
	if d.Kind.IsRecord() {
		if !d.IPs.IsZero() {
			params["ips"] = d.IPs.String()
		}
		if hasVault {
			fullLoginParams(params, vi, d.Login)
		}
	}
	params["comments"] = spec.JoinComments(d.Comments, it.marker)
	return params
}

// updateParams returns the parameters of an in-place update (nil when it sends none) from its
// changes, and the title of a vault created by this plan that the new login points at. ld is the
// login delta (nil when both sides use basic login). It.secrets and it.marker must be decided.
func updateParams(it *item, changes []plan.FieldChange, ld *loginDelta) (params map[string]string, vaultRef string) {
	d, l := it.d, it.l
	params = settingParams(it.def, changes)
	if ld != nil && !ld.unchanged() { // an unchanged login sends nothing (loginUpdateParams)
		params = orNew(params)
		vaultRef = loginUpdateParams(params, *ld)
	}
	if d.Comments != l.Comments || !markerEqual(l.Marker, it.marker) {
		params = orNew(params)
		params["comments"] = spec.JoinComments(d.Comments, it.marker)
	}
	if d.Kind == spec.KindVault && (len(params) > 0 || len(it.secrets) > 0 || d.Title != l.Title) {
		params = orNew(params)
		vaultUpdateParams(params, it)
	}
	return params, vaultRef
}

// orNew returns m, or a new map when m is nil.
func orNew(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// settingParams turns the setting changes into parameters (nil for none): the new value as
// Qualys spells it, or "" to clear it.
//
// A change is a setting when the kind's descriptor has a field of its name: the other changes
// (title, ips, login, login.<param>, comments, owner) are named apart from every setting, and
// secrets are marked Sensitive.
func settingParams(def *spec.KindDef, changes []plan.FieldChange) map[string]string {
	var params map[string]string // nil when no setting changes, the common case
	for _, fc := range changes {
		if fc.Sensitive {
			continue
		}
		f := def.Field(fc.Name)
		if f == nil || f.Type == spec.TypeSecret {
			continue
		}
		params = orNew(params)
		params[f.Name] = ""
		if fc.After != "" {
			params[f.Name] = spec.QualysValue(f, fc.After)
		}
	}
	return params
}

// vaultUpdateParams adds what the vault API wants on every update: the type, and the settings the
// vault type's table marks ResendOnUpdate (CA PAM's ssl_verify: its release note, REFERENCE.md
// §4.2 source S2, calls it "required on create and update").
func vaultUpdateParams(params map[string]string, it *item) {
	params["type"] = it.def.QualysType
	for i := range it.def.Fields {
		if f := &it.def.Fields[i]; f.ResendOnUpdate {
			params[f.Name] = spec.QualysValue(f, canon(f, it.d.Attrs))
		}
	}
}

// vaultSelector adds the parameters naming the vault a record logs in through: vault_type, and
// vault_id unless the vault is created by this plan (apply fills it from Step.VaultRef).
func vaultSelector(params map[string]string, vi vaultInfo) {
	if vi.def != nil {
		params["vault_type"] = vi.def.QualysType
	}
	if vi.ref == "" {
		params["vault_id"] = fmt.Sprint(vi.id)
	}
}

// fullLoginParams adds everything a vault login needs from scratch (a create, basic to vault, or
// a vault of another type): login_type, the vault and every set login parameter.
func fullLoginParams(params map[string]string, vi vaultInfo, d *spec.VaultLogin) {
	params["login_type"] = "vault"
	vaultSelector(params, vi)
	for _, name := range loginParamNames(vi.def, d, nil) {
		if v := loginValue(loginField(vi.def, name), d); v != "" {
			params[name] = v
		}
	}
}

// changedLoginParams adds the login parameters that change, with login_type=vault: the CA PAM
// release note (REFERENCE.md §3.5, source S2) calls login_type=vault required "to create/update
// vault information". A parameter cleared because another member of its one-of group (CA PAM's
// vault_device_name and vault_device_host) is now set is not sent: setting the partner replaces
// it, and sending both names the group twice.
func changedLoginParams(params map[string]string, ld loginDelta) {
	if len(ld.params) > 0 {
		params["login_type"] = "vault"
	}
	for _, fc := range ld.params {
		name := fc.Name[len("login."):]
		if fc.After == "" && partnerSet(ld.vault.def, ld.d, name) {
			continue
		}
		params[name] = fc.After
	}
}

// partnerSet reports whether another member of name's one-of group is set in login d.
func partnerSet(def *spec.KindDef, d *spec.VaultLogin, name string) bool {
	if def == nil || d == nil {
		return false
	}
	for _, g := range def.LoginOneOf {
		if !slices.Contains(g, name) {
			continue
		}
		for _, other := range g {
			if other != name && loginValue(loginField(def, other), d) != "" {
				return true
			}
		}
	}
	return false
}

// loginUpdateParams adds the parameters of a login change and returns the title of a vault
// created by this plan the login now points at ("" for none).
func loginUpdateParams(params map[string]string, ld loginDelta) (vaultRef string) {
	switch {
	case ld.toBasic():
		params["login_type"] = "basic"
	case ld.fromBasic():
		fullLoginParams(params, ld.vault, ld.d)
		return ld.vault.ref
	case ld.unchanged():
	case ld.sameVault:
		changedLoginParams(params, ld)
	case !ld.sameType:
		fullLoginParams(params, ld.vault, ld.d)
		return ld.vault.ref
	default:
		vaultSelector(params, ld.vault)
		changedLoginParams(params, ld)
		return ld.vault.ref
	}
	return ""
}

// switchedSecrets returns the secrets of it that an exclusive-group switch must send: a secret
// the configuration chooses while the update clears the live member standing in for it (unix's
// password, with skip_password cleared), since the cleared member no longer does.
func switchedSecrets(it *item) []string {
	if len(it.def.Exclusive) == 0 {
		return nil
	}
	clears := exclusiveClears(it)
	cleared := func(n string) bool {
		return slices.ContainsFunc(clears, func(fc plan.FieldChange) bool { return fc.Name == n })
	}
	var out []string
	for _, g := range it.def.Exclusive {
		f := exclusiveChoice(it, g)
		if f == nil || f.Type != spec.TypeSecret {
			continue
		}
		if slices.ContainsFunc(g, cleared) {
			out = append(out, f.Name)
		}
	}
	return out
}
