package qualysemu

import (
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/qsync/qsync/internal/qualysemu/kinds"
	"go4.org/netipx"
)

// maxBodyBytes bounds a request body.
const maxBodyBytes = 16 << 20

// apiError is a request-level failure, answered as a SIMPLE_RETURN.
type apiError struct {
	status int
	code   int
	text   string
	items  [][2]string // ITEM_LIST entries (KEY, VALUE)
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %d %s", e.status, e.code, e.text) }

func errUnrecognized(names []string) *apiError {
	return &apiError{status: 400, code: 1901, text: "Unrecognized parameter(s): " + strings.Join(names, ", ")}
}

func errMissing(names ...string) *apiError {
	return &apiError{status: 400, code: 1903, text: "Missing required parameter(s): " + strings.Join(names, ", ")}
}

func errExclusive(names ...string) *apiError {
	return &apiError{status: 400, code: 1904, text: "Please specify only one of these parameters: " + strings.Join(names, ", ")}
}

// errInvalid is code 1905 in the form of the real capture:
// "parameter ids has invalid value: abc123 (neither a positive integer nor a range: abc123)".
func errInvalid(name, value, reason string) *apiError {
	t := "parameter " + name + " has invalid value: " + value
	if reason != "" {
		t += " (" + reason + ")"
	}
	return &apiError{status: 400, code: 1905, text: t}
}

func errCombination(pairs ...string) *apiError {
	return &apiError{status: 400, code: 1907, text: "The following combination of key=value pairs is not supported: " + strings.Join(pairs, ", ")}
}

func errAtLeastOne(names ...string) *apiError {
	return &apiError{status: 400, code: 1922, text: "Please specify at least one of the following parameters: " + strings.Join(names, ", ")}
}

func errMethod(action string) *apiError {
	return &apiError{status: 400, code: 1908, text: "Request method (GET or POST) is incompatible with specified parameter(s): action=" + action}
}

// param is one name=value pair in request order.
type param struct{ key, value string }

// params holds the request parameters from the query string and the form
// body, in request order. When a name repeats, the last value wins.
type params struct {
	list []param
	last map[string]string
	xml  []byte // a text/xml body (UNIX_AUTH_PARAMS, see entries.go)
}

func (p *params) get(k string) string { return p.last[k] }

func (p *params) has(k string) bool { _, ok := p.last[k]; return ok }

// given reports whether k was sent with a non-empty value.
func (p *params) given(k string) bool { return p.last[k] != "" }

func (p *params) addPair(k, v string) {
	if k == "" {
		return
	}
	p.list = append(p.list, param{k, v})
	p.last[k] = v
}

// names returns each distinct parameter name once, in order of first use.
func (p *params) names() []string {
	seen := map[string]bool{}
	var out []string
	for _, kv := range p.list {
		if !seen[kv.key] {
			seen[kv.key] = true
			out = append(out, kv.key)
		}
	}
	return out
}

// unknown returns the names not in allowed, in request order.
func (p *params) unknown(allowed map[string]bool) []string {
	var out []string
	for _, k := range p.names() {
		if !allowed[k] {
			out = append(out, k)
		}
	}
	return out
}

// masked returns the parameters as url.Values (last value per name) with
// secrets replaced by "********".
func (p *params) masked() url.Values {
	v := url.Values{}
	for _, k := range p.names() {
		val := p.last[k]
		if kinds.IsSecretParam(k) {
			val = mask
		}
		v.Set(k, val)
	}
	return v
}

const mask = "********"

// parseParams reads the query string, then a urlencoded or multipart body.
func parseParams(r *http.Request) (*params, error) {
	p := &params{last: map[string]string{}}
	addRaw(p, r.URL.RawQuery)
	if r.Body == nil || r.Method == http.MethodGet || r.Method == http.MethodHead {
		return p, nil
	}
	ct := r.Header.Get("Content-Type")
	mt, _, _ := mime.ParseMediaType(ct)
	switch mt {
	case "multipart/form-data":
		if err := r.ParseMultipartForm(maxBodyBytes); err != nil {
			return nil, err
		}
		for _, k := range slices.Sorted(maps.Keys(r.MultipartForm.Value)) {
			for _, v := range r.MultipartForm.Value[k] {
				p.addPair(k, v)
			}
		}
	case "text/xml", "application/xml":
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes))
		if err != nil {
			return nil, err
		}
		p.xml = body
	case "", "application/x-www-form-urlencoded", "text/plain":
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes))
		if err != nil {
			return nil, err
		}
		addRaw(p, string(body))
	}
	return p, nil
}

func addRaw(p *params, raw string) {
	for _, part := range strings.Split(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		p.addPair(unescape(k), unescape(v))
	}
}

func unescape(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

// idRange is one token of an ids parameter: a single ID or lo-hi.
type idRange struct {
	lo, hi int64
	single bool
}

// parseIDs parses "1,5,9-12". Anything else is 1905 with the reason of the
// real capture.
func parseIDs(name, value string) ([]idRange, *apiError) {
	var out []idRange
	for _, tok := range strings.Split(value, ",") {
		t := strings.TrimSpace(tok)
		bad := errInvalid(name, value, "neither a positive integer nor a range: "+t)
		if t == "" {
			return nil, bad
		}
		if a, b, ok := strings.Cut(t, "-"); ok {
			lo, err1 := strconv.ParseInt(strings.TrimSpace(a), 10, 64)
			hi, err2 := strconv.ParseInt(strings.TrimSpace(b), 10, 64)
			if err1 != nil || err2 != nil || lo <= 0 || hi < lo {
				return nil, bad
			}
			out = append(out, idRange{lo: lo, hi: hi})
			continue
		}
		n, err := strconv.ParseInt(t, 10, 64)
		if err != nil || n <= 0 {
			return nil, bad
		}
		out = append(out, idRange{lo: n, hi: n, single: true})
	}
	return out, nil
}

func idsContain(rs []idRange, id int64) bool {
	for _, r := range rs {
		if id >= r.lo && id <= r.hi {
			return true
		}
	}
	return false
}

// compressIDs sorts ids and merges consecutive ones into ranges.
func compressIDs(ids []int64) []idRange {
	var out []idRange
	for _, id := range slices.Sorted(slices.Values(ids)) {
		if n := len(out); n > 0 && (out[n-1].hi == id || out[n-1].hi+1 == id) {
			out[n-1].hi = id
			out[n-1].single = out[n-1].lo == out[n-1].hi
			continue
		}
		out = append(out, idRange{lo: id, hi: id, single: true})
	}
	return out
}

// missingIDs returns the members of rs that are not in found, as ranges,
// without expanding the ranges.
func missingIDs(rs []idRange, found map[int64]bool) []idRange {
	foundSorted := slices.Sorted(maps.Keys(found))
	var out []idRange
	for _, r := range rs {
		start := r.lo
		for _, f := range foundSorted {
			if f < start || f > r.hi {
				continue
			}
			if f > start {
				out = append(out, idRange{lo: start, hi: f - 1, single: start == f-1})
			}
			start = f + 1
		}
		if start <= r.hi {
			out = append(out, idRange{lo: start, hi: r.hi, single: start == r.hi})
		}
	}
	return out
}

// parsePositive parses a positive integer parameter.
func parsePositive(name, value string) (int64, *apiError) {
	n, err := strconv.ParseInt(strings.TrimSpace(value), 10, 64)
	if err != nil || n <= 0 {
		return 0, errInvalid(name, value, "not a positive integer")
	}
	return n, nil
}

// parseIPs parses a comma-separated list of addresses, a-b ranges and CIDR
// prefixes (IPv4 or IPv6) into a set.
func parseIPs(name, value string) (*netipx.IPSet, *apiError) {
	var b netipx.IPSetBuilder
	for _, tok := range strings.Split(value, ",") {
		t := strings.TrimSpace(tok)
		bad := errInvalid(name, value, "not an IP address, range or CIDR: "+t)
		switch {
		case t == "":
			return nil, bad
		case strings.Contains(t, "/"):
			pfx, err := netip.ParsePrefix(t)
			if err != nil {
				return nil, bad
			}
			b.AddPrefix(pfx.Masked())
		case strings.Contains(t, "-"):
			a, z, _ := strings.Cut(t, "-")
			r, err := netipx.ParseIPRange(strings.TrimSpace(a) + "-" + strings.TrimSpace(z))
			if err != nil {
				return nil, bad
			}
			b.AddRange(r)
		default:
			ip, err := netip.ParseAddr(t)
			if err != nil || ip.Zone() != "" {
				return nil, bad
			}
			b.Add(ip.Unmap())
		}
	}
	set, err := b.IPSet()
	if err != nil {
		return nil, errInvalid(name, value, err.Error())
	}
	return set, nil
}

// ipSetString is the stored, canonical form of an IP set: sorted, merged,
// single addresses alone, wider ranges as a-b.
func ipSetString(set *netipx.IPSet) string {
	if set == nil {
		return ""
	}
	var parts []string
	for _, r := range set.Ranges() {
		parts = append(parts, rangeString(r))
	}
	return strings.Join(parts, ",")
}

func rangeString(r netipx.IPRange) string {
	if r.From() == r.To() {
		return r.From().String()
	}
	return r.From().String() + "-" + r.To().String()
}

// storedIPs parses the canonical stored form (never fails on stored data).
func storedIPs(s string) *netipx.IPSet {
	if s == "" {
		var b netipx.IPSetBuilder
		set, _ := b.IPSet()
		return set
	}
	set, err := parseIPs("ips", s)
	if err != nil {
		var b netipx.IPSetBuilder
		set, _ := b.IPSet()
		return set
	}
	return set
}

// ipEntries returns the entries of a valid ips value one by one, each in
// the stored form (an address, or a-b for anything wider; CIDR becomes a
// range).
func ipEntries(value string) []string {
	var out []string
	for _, tok := range strings.Split(value, ",") {
		set, e := parseIPs("ips", tok)
		if e != nil {
			continue
		}
		for _, r := range set.Ranges() {
			out = append(out, rangeString(r))
		}
	}
	return out
}

func splitStored(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func dedupeStrings(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// storedIPSetNode renders the stored ips value as IP_SET, one IP or
// IP_RANGE per stored entry: the canonical merged form by default, the
// entries as sent with Config.IPsUnmerged.
func storedIPSetNode(stored string) *node {
	n := el("IP_SET")
	for _, e := range splitStored(stored) {
		if strings.Contains(e, "-") {
			n.add(txt("IP_RANGE", e))
		} else {
			n.add(txt("IP", e))
		}
	}
	return n
}
