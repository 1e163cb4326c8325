package qualysemu

import (
	"maps"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/qsync/qsync/internal/qualysemu/wire"
)

// This file holds answers the public evidence shows beyond the documentation (EVIDENCE.md facts 6
// and 7), each with variants for the shapes it leaves open.

// nothingToChange is the text of an update that changes nothing. Qualys's own Jenkins plugin
// (jenkinsci/qualys-pc-plugin, PCScanLauncher.java) treats an update answer whose TEXT contains
// it as success [R JP]; the rest of the answer's shape is not shown anywhere.
const nothingToChange = "nothing to change"

// Variants of the answer to an update that changes nothing. Default: a BATCH_RETURN whose BATCH
// carries that text and the IDs, without a CODE.
const (
	variantNothingSimple = "nothing-to-change-simple"
	variantNothingCoded  = "nothing-to-change-coded"
)

// unchanged reports whether an update leaves every selected record as it was.
func unchanged(found []*Record, params map[int64]map[string]string, entries map[int64]map[string][]Entry) bool {
	for _, r := range found {
		if !maps.Equal(r.Params, params[r.ID]) || !entriesEqual(r.Entries, entries[r.ID]) {
			return false
		}
	}
	return true
}

func entriesEqual(a, b map[string][]Entry) bool {
	if len(a) == 0 && len(b) == 0 {
		return true
	}
	return reflect.DeepEqual(a, b)
}

// nothingToChangeAnswer answers an update of records that changes none of them, in the shape the
// active variants ask for. Nothing is written.
func nothingToChangeAnswer(c *reqCtx, tokens []wire.IDRange) *response {
	switch {
	case c.variants[variantNothingCoded]:
		return c.errorResp(&wire.Error{Status: http.StatusBadRequest, Code: 1905,
			Text: "parameter ids has invalid value: " + c.p.Get("ids") + " (" + nothingToChange + ")"})
	case c.variants[variantNothingSimple]:
		return c.simpleReturn(http.StatusOK, 0, "Record(s) not updated: "+nothingToChange, nil)
	}
	return batchReturn(c, wire.El("BATCH", wire.Txt("TEXT", "Record(s) not updated: "+nothingToChange), wire.IDTokensNode(tokens)))
}

// variantIPs1920 answers an IP exclusivity conflict like code run against live answers reads it:
// code 1920, one line "IP : <ip> is used by <title>" per address (siggib007 QualysManageAuth.py
// [R SB]); the HTTP status is not shown anywhere, so the variant uses 409, the status a client is
// most tempted to retry. The default answers 400/1905, as the documentation's 1905 row and
// contract row 7 say.
const variantIPs1920 = "ip-conflict-1920"

// ipConflict is the refusal of an IP exclusivity conflict between the addresses both (the first
// of which is named) and the record other.
func (s *Server) ipConflict(c *reqCtx, param, first string, other *Record) *wire.Error {
	if c != nil && c.variants[variantIPs1920] {
		lines := []string{"Some IP(s) are already used by other authentication records:",
			"IP : " + first + " is used by " + other.Params["title"]}
		return &wire.Error{Status: http.StatusConflict, Code: 1920, Text: strings.Join(lines, "\n")}
	}
	return wire.Invalid(param, first, "already in record "+strconv.FormatInt(other.ID, 10))
}
