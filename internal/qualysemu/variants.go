package qualysemu

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/qsync/qsync/internal/qualysemu/kinds"
	"github.com/qsync/qsync/internal/qualysemu/wire"
)

// Variants reproduce answers a real Qualys may give where the documentation leaves the shape open
// (docs/qualys-wire-contract.md), so that qsync's handling of each unknown has an end-to-end test.
// Each is named; Config.Variants and Server.SetVariants switch them on.
var variantDocs = map[string]string{
	// vault-view-other: the vault view answers RESPONSE/VAULT without an ID instead of
	// RESPONSE/AUTH_VAULT (contract row 1).
	"vault-view-other": "vault view answers RESPONSE/VAULT (no ID) instead of RESPONSE/AUTH_VAULT",
	// vault-view-unknown: the vault view answers with settings as VAULT_DETAILS/PROPERTY(NAME,
	// VALUE), a shape with no vault element at all.
	"vault-view-unknown": "vault view answers VAULT_DETAILS/PROPERTY(NAME, VALUE), with no vault element",
	// missing-elements: record lists leave out SUB_TYPE, WINDOWS_DOMAIN and CLEARTEXT_PASSWORD
	// (element names the contract infers, row 4).
	"missing-elements": "record lists leave out SUB_TYPE, WINDOWS_DOMAIN and CLEARTEXT_PASSWORD",
	// unknown-values: windows records report MINIMUM_SMB_VERSION SMB4, cisco records TARGET_TYPE
	// JUNOS_SRX (values outside qsync's lists), and every record an element NEW_FEATURE_FLAG.
	"unknown-values": "windows MINIMUM_SMB_VERSION SMB4, cisco TARGET_TYPE JUNOS_SRX, and a NEW_FEATURE_FLAG element on every record",
	// rate-limit-no-towait: every record and vault call is refused with 409 code 1965, the body's
	// SECONDS_TO_WAIT 68928 (19 hours, Qualys's own message format) and no limit headers.
	"rate-limit-no-towait": "every record and vault call answers 409 1965 with SECONDS_TO_WAIT 68928 and no X-RateLimit-ToWait-Sec",
	// list-booleans-words: every record list writes booleans true/false and a LOGIN_TYPE, like the
	// MySQL sample, also for unix and windows (whose best evidence is 1/0, unix without LOGIN_TYPE).
	variantListWords: "every record list writes booleans true/false and LOGIN_TYPE (the MySQL sample's shape), unix and windows too",
	// nothing-to-change-simple: an update that changes nothing answers a SIMPLE_RETURN (HTTP 200,
	// no CODE) whose TEXT says "nothing to change", instead of a BATCH_RETURN (answers_evidence.go).
	variantNothingSimple: "an update that changes nothing answers SIMPLE_RETURN (200, no CODE) with TEXT \"... nothing to change\"",
	// nothing-to-change-coded: the same answer as an error, HTTP 400 with CODE 1905 and a TEXT
	// ending "(nothing to change)": a client must go by the text, as Qualys's own plugin does.
	variantNothingCoded: "an update that changes nothing answers HTTP 400, CODE 1905, TEXT \"... (nothing to change)\"",
	// ip-conflict-1920: an IP used by another record of the group answers HTTP 409, CODE 1920,
	// lines "IP : <ip> is used by <title>" (code run against live answers), instead of 400/1905.
	variantIPs1920: "an IP conflict answers HTTP 409, CODE 1920, \"IP : <ip> is used by <title>\" instead of 400/1905",
	// doc-center-unix: unix records are listed like Qualys's Doc Center sample "List Unix Record
	// with root delegations, private-key certificates": PORT "22, 23", ROOT_TOOL_INFO_LIST and
	// PRIVATE_KEY_CERTIFICATE_LIST, and no LOGIN_TYPE.
	"doc-center-unix": "unix records listed like the Doc Center sample: PORT \"22, 23\", ROOT_TOOL_INFO_LIST, PRIVATE_KEY_CERTIFICATE_LIST, no LOGIN_TYPE",
	// list-all-absent: /api/2.0/fo/auth/ answers HTTP 404, as on a platform without list-all
	// (REFERENCE.md §2.1 documents it; a 3.0-only or restricted platform may not serve it).
	"list-all-absent": "list-all (/api/2.0/fo/auth/) answers HTTP 404 (404 page not found)",
	// list-all-other: list-all answers one AUTH_RECORD(ID, TYPE) per record under
	// RESPONSE/AUTH_RECORD_LIST instead of AUTH_RECORDS/AUTH_<TYPE>_IDS/ID_SET (a shape no source
	// shows: a third one, for a client that must fail closed).
	"list-all-other": "list-all answers RESPONSE/AUTH_RECORD_LIST/AUTH_RECORD(ID, TYPE) instead of AUTH_RECORDS/AUTH_<TYPE>_IDS/ID_SET",
	// list-all-unknown-type: list-all also names AUTH_FUTURE_DB_IDS (AUTH_FUTURE_DB_RECORDS in the
	// doc sample's shape) with IDs 990001-990002, a record type no table knows.
	"list-all-unknown-type": "list-all also names AUTH_FUTURE_DB_IDS (IDs 990001-990002), a record type no table knows",
	// list-all-doc-sample: list-all answers like the HTML documentation's sample, AUTH_LIST_OUTPUT
	// with AUTH_<TYPE>_RECORDS wrappers (EVIDENCE.md fact 1; the default is AUTH_RECORDS_OUTPUT
	// with AUTH_<TYPE>_IDS, from code run against live answers and auth_records.dtd).
	variantListAllDoc: "list-all answers AUTH_LIST_OUTPUT with AUTH_<TYPE>_RECORDS (the HTML doc sample) instead of AUTH_RECORDS_OUTPUT with AUTH_<TYPE>_IDS",
	// list-all-mixed: list-all names the first, third, ... record type AUTH_<TYPE>_RECORDS, the rest
	// AUTH_<TYPE>_IDS, under AUTH_RECORDS_OUTPUT: a client must read both wrappers in one answer.
	variantListAllMix: "list-all names the 1st, 3rd, ... record type AUTH_<TYPE>_RECORDS, the others AUTH_<TYPE>_IDS, under AUTH_RECORDS_OUTPUT",
	// list-forbidden-windows: the windows record list answers HTTP 403 with a SIMPLE_RETURN
	// without CODE, as for a user who may not read that record type. Qualys documents no
	// permission error code (REFERENCE.md §7.1; Auditors and Readers "have no access", §2.3), so
	// the status and the missing code are an inference. Every other call answers as usual.
	// (list-forbidden-<type> works for any record type; only this one is registered.)
	"list-forbidden-windows": "the windows record list answers HTTP 403 (SIMPLE_RETURN without CODE); every other call as usual",
}

// VariantNames returns the names of every variant, sorted.
func VariantNames() []string {
	out := make([]string, 0, len(variantDocs))
	for n := range variantDocs {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func checkVariants(names []string) error {
	for _, n := range names {
		if variantDocs[n] == "" {
			return fmt.Errorf("qualysemu: unknown variant %q (known: %s)", n, strings.Join(VariantNames(), ", "))
		}
	}
	return nil
}

// SetVariants replaces the active variants (none: the contract's shapes).
func (s *Server) SetVariants(names ...string) error {
	if err := checkVariants(names); err != nil {
		return err
	}
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	s.variantMu.Lock()
	s.variants = m
	s.variantMu.Unlock()
	return nil
}

func (s *Server) activeVariants() map[string]bool {
	s.variantMu.RLock()
	defer s.variantMu.RUnlock()
	return s.variants
}

// variantRefusal is the answer of rate-limit-no-towait, or nil.
func (c *reqCtx) variantRefusal() *response {
	if !c.variants["rate-limit-no-towait"] {
		return c.conformanceRefusal()
	}
	return c.errorResp(&wire.Error{Status: http.StatusConflict, Code: 1965,
		Text:  "This API cannot be run again for another 19 hours, 8 minutes and 48 seconds.",
		Items: [][2]string{{"SECONDS_TO_WAIT", "68928"}}})
}

// checkASCII refuses a create or update whose title or password is not ASCII: Qualys documents
// both as ASCII, so the emulator answers 1905 like for any other invalid value.
func checkASCII(c *reqCtx) *wire.Error {
	a := c.p.Get("action")
	if a != "create" && a != "update" {
		return nil
	}
	for _, name := range []string{"title", "password"} {
		v := c.p.Get(name)
		for i := 0; i < len(v); i++ {
			if v[i] >= 0x80 {
				if name == "password" {
					return &wire.Error{Status: http.StatusBadRequest, Code: 1905, Text: "parameter password has invalid value: " + wire.Mask + " (only ASCII characters are allowed)"}
				}
				return &wire.Error{Status: http.StatusBadRequest, Code: 1905, Text: "parameter title has invalid value: " + v + " (only ASCII characters are allowed)"}
			}
		}
	}
	return nil
}

// applyVariants rewrites a success document for the active variants.
func applyVariants(vs map[string]bool, root *wire.Node) {
	if len(vs) == 0 {
		return
	}
	resp := root.Child("RESPONSE")
	if resp == nil {
		return
	}
	if isListAllRoot(root.Name) {
		variantListAll(vs, resp)
		return
	}
	if root.Name == "AUTH_VAULT_VIEW_OUTPUT" {
		av := resp.Child("AUTH_VAULT")
		if av != nil {
			conformanceVaultView(vs, av)
		}
		switch {
		case av == nil:
		case vs["vault-view-unknown"]:
			details := wire.El("VAULT_DETAILS")
			for _, k := range av.Kids {
				if k.HasText {
					details.Add(wire.El("PROPERTY", wire.Txt("NAME", k.Name), wire.CData("VALUE", k.Text)))
				}
			}
			resp.Replace(av, details)
		case vs["vault-view-other"]:
			av.Name = "VAULT"
			av.Remove("ID")
		}
		return
	}
	if !strings.HasPrefix(root.Name, "AUTH_") || !strings.HasSuffix(root.Name, "_LIST_OUTPUT") {
		return
	}
	for _, list := range resp.Kids {
		if !strings.HasSuffix(list.Name, "_LIST") {
			continue
		}
		for _, rec := range list.Kids {
			variantRecord(vs, rec)
		}
	}
}

// variantListAll rewrites a list-all RESPONSE for list-all-other and list-all-unknown-type.
func variantListAll(vs map[string]bool, resp *wire.Node) {
	recs := resp.Child("AUTH_RECORDS")
	if vs["list-all-unknown-type"] {
		if recs == nil {
			recs = wire.El("AUTH_RECORDS")
			resp.Add(recs)
		}
		recs.Add(wire.El(listAllSetName(vs, "future_db", len(recs.Kids)), wire.El("ID_SET", wire.Txt("ID_RANGE", "990001-990002"))))
	}
	if vs["list-all-other"] && recs != nil {
		list := wire.El("AUTH_RECORD_LIST")
		for _, set := range recs.Kids {
			typ := listAllSetType(set.Name)
			for _, ids := range set.Kids {
				for _, id := range ids.Kids {
					list.Add(wire.El("AUTH_RECORD", wire.Txt("ID", id.Text), wire.Txt("TYPE", typ)))
				}
			}
		}
		resp.Replace(recs, list)
	}
}

// variantAbsent is the answer of list-all-absent for an endpoint, or nil.
func (c *reqCtx) variantAbsent(ep *endpoint) *response {
	if ep.kind != epAuthAll || !c.variants["list-all-absent"] {
		return nil
	}
	return &response{status: http.StatusNotFound, contentType: "text/plain; charset=utf-8", body: []byte("404 page not found\n")}
}

// listForbidden prefixes a record type's name in the variant that refuses its list (HTTP 403).
const listForbidden = "list-forbidden-"

// variantForbidden is the answer of list-forbidden-<type> for an endpoint, or nil.
func (c *reqCtx) variantForbidden(ep *endpoint) *response {
	if ep.kind != epAuthType || c.p.Get("action") != "list" || !c.variants[listForbidden+ep.rt.Name] {
		return nil
	}
	return c.errorResp(&wire.Error{Status: http.StatusForbidden, Text: "You do not have permission to list " + ep.rt.Name + " authentication records."})
}

func variantRecord(vs map[string]bool, rec *wire.Node) {
	conformanceRecord(vs, rec)
	if vs["missing-elements"] {
		rec.Remove("SUB_TYPE")
		rec.Remove("WINDOWS_DOMAIN")
		rec.Remove("CLEARTEXT_PASSWORD")
	}
	if vs["unknown-values"] {
		switch {
		case rec.Name == "AUTH_WINDOWS":
			rec.Set("MINIMUM_SMB_VERSION", "SMB4")
		case rec.Name == "AUTH_UNIX" && rec.Child("SUB_TYPE") != nil && rec.Child("SUB_TYPE").Text == kinds.SubCisco:
			rec.Set("TARGET_TYPE", "JUNOS_SRX")
		}
		rec.Add(wire.Txt("NEW_FEATURE_FLAG", "1"))
	}
	if vs["doc-center-unix"] && rec.Name == "AUTH_UNIX" {
		rec.Set("PORT", "22, 23")
		rec.Remove("LOGIN_TYPE")
		if rec.Child("ROOT_TOOL_INFO_LIST") == nil {
			rec.Add(wire.El("ROOT_TOOL_INFO_LIST", wire.El("ROOT_TOOL_INFO", wire.Txt("ID", "100006922"), wire.Txt("ROOT_TOOL", "PowerBroker"),
				wire.Typed(wire.El("PASSWORD_INFO"), "basic"))))
		}
		if rec.Child("PRIVATE_KEY_CERTIFICATE_LIST") == nil {
			rec.Add(wire.El("PRIVATE_KEY_CERTIFICATE_LIST", wire.El("PRIVATE_KEY_CERTIFICATE", wire.Txt("ID", "70006922"),
				wire.Typed(wire.El("PRIVATE_KEY_INFO", wire.Typed(wire.El("PRIVATE_KEY"), "rsa")), "basic"),
				wire.Typed(wire.El("PASSPHRASE_INFO"), "basic"), wire.Typed(wire.El("CERTIFICATE"), "openssh"))))
		}
	}
}
