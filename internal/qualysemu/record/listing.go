package record

import (
	"strconv"
	"strings"
	"time"

	"github.com/qsync/qsync/internal/qualysemu/kinds"
	"github.com/qsync/qsync/internal/qualysemu/wire"
)

// Listing is what a record's list entry shows.
type Listing struct {
	ID                    int64
	Params                map[string]string
	Entries               map[string][]Entry
	Created, LastModified time.Time
	CreatedBy             string
}

// ListNode renders one record in the order of contract row 4 and the
// MySQL sample. Secrets are never rendered.
func ListNode(rt *kinds.RecordType, r Listing, details string, shape kinds.ListShape, vaults Vaults) *wire.Node {
	n := wire.El("AUTH_"+strings.ToUpper(rt.Name), wire.Txt("ID", strconv.FormatInt(r.ID, 10)))
	if details == "none" {
		return n
	}
	n.Add(wire.CData("TITLE", r.Params["title"]))
	for _, f := range rt.Fields {
		if f.Before {
			n.Add(fieldNode(f, r.Params, shape))
		}
	}
	n.Add(EntryNodes(rt, r.Entries, vaults)...)
	n.Add(wire.StoredIPSetNode(r.Params["ips"]))
	lt := r.Params["login_type"]
	if lt == "" {
		lt = kinds.LoginBasic
	}
	if !shape.NoLoginType {
		n.Add(wire.CData("LOGIN_TYPE", lt))
	}
	if lt == kinds.LoginVault {
		n.Add(digitalVaultNode(rt, r.Params, vaults))
	}
	for _, f := range rt.Fields {
		if !f.Before {
			n.Add(fieldNode(f, r.Params, shape))
		}
	}
	netID := r.Params["network_id"]
	if netID == "" {
		netID = "0"
	}
	n.Add(wire.Txt("NETWORK_ID", netID))
	n.Add(wire.El("CREATED", wire.Txt("DATETIME", wire.QualysTime(r.Created)), wire.Txt("BY", r.CreatedBy)))
	n.Add(wire.El("LAST_MODIFIED", wire.Txt("DATETIME", wire.QualysTime(r.LastModified))))
	n.Add(wire.CData("COMMENTS", r.Params["comments"]))
	return n
}

// fieldNode renders one type-specific parameter in the list shape (nil: not listed).
func fieldNode(f kinds.Field, m map[string]string, shape kinds.ListShape) *wire.Node {
	if f.Secret || f.Elem == "" {
		return nil
	}
	v, ok := m[f.Param]
	if !ok && !f.Always {
		return nil
	}
	switch f.Kind {
	case kinds.KindBool:
		if shape.BoolDigits {
			return wire.Txt(f.Elem, wire.BoolDigit(v))
		}
		return wire.Txt(f.Elem, wire.BoolText(v))
	case kinds.KindInt:
		return wire.Txt(f.Elem, v)
	case kinds.KindList:
		w := wire.El(f.Elem)
		for _, item := range strings.Split(v, ",") {
			if item != "" {
				w.Add(wire.CData(f.ItemElem, item))
			}
		}
		return w
	default:
		return wire.CData(f.Elem, v)
	}
}

// digitalVaultNode renders the DIGITAL_VAULT of a record with a vault login: the vault's ID, type
// and title, then the record's vault parameters in table order.
func digitalVaultNode(rt *kinds.RecordType, params map[string]string, vaults Vaults) *wire.Node {
	vid := params["vault_id"]
	title := ""
	if id, err := strconv.ParseInt(vid, 10, 64); err == nil {
		if _, t, ok := vaults.Vault(id); ok {
			title = t
		}
	}
	n := wire.El("DIGITAL_VAULT", wire.CData("DIGITAL_VAULT_ID", vid), wire.CData("DIGITAL_VAULT_TYPE", params["vault_type"]),
		wire.CData("DIGITAL_VAULT_TITLE", title))
	for _, vf := range kinds.RecordVaultFields {
		if vf.UnixOnly && !rt.VaultUsername {
			continue
		}
		if v, ok := params[vf.Param]; ok {
			n.Add(wire.CData(vf.Elem, v))
		}
	}
	return n
}
