package wire

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

// MaxBodyBytes bounds a request body.
const MaxBodyBytes = 16 << 20

// Error is a request-level failure, answered as a SIMPLE_RETURN.
type Error struct {
	Status int
	Code   int
	Text   string
	Items  [][2]string // ITEM_LIST entries (KEY, VALUE)
}

// Error returns the status, code and text.
func (e *Error) Error() string { return fmt.Sprintf("%d %d %s", e.Status, e.Code, e.Text) }

// Unrecognized is code 1901: parameters the endpoint does not take.
func Unrecognized(names []string) *Error {
	return &Error{Status: 400, Code: 1901, Text: "Unrecognized parameter(s): " + strings.Join(names, ", ")}
}

// Missing is code 1903: required parameters not sent.
func Missing(names ...string) *Error {
	return &Error{Status: 400, Code: 1903, Text: "Missing required parameter(s): " + strings.Join(names, ", ")}
}

// Exclusive is code 1904: parameters that may not be sent together.
func Exclusive(names ...string) *Error {
	return &Error{Status: 400, Code: 1904, Text: "Please specify only one of these parameters: " + strings.Join(names, ", ")}
}

// Invalid is code 1905 in the form of the real capture:
// "parameter ids has invalid value: abc123 (neither a positive integer nor a range: abc123)".
func Invalid(name, value, reason string) *Error {
	t := "parameter " + name + " has invalid value: " + value
	if reason != "" {
		t += " (" + reason + ")"
	}
	return &Error{Status: 400, Code: 1905, Text: t}
}

// Combination is code 1907: key=value pairs not supported together.
func Combination(pairs ...string) *Error {
	return &Error{Status: 400, Code: 1907, Text: "The following combination of key=value pairs is not supported: " + strings.Join(pairs, ", ")}
}

// AtLeastOne is code 1922: none of a group of parameters is set.
func AtLeastOne(names ...string) *Error {
	return &Error{Status: 400, Code: 1922, Text: "Please specify at least one of the following parameters: " + strings.Join(names, ", ")}
}

// Method is code 1908: the HTTP method does not suit the action.
func Method(action string) *Error {
	return &Error{Status: 400, Code: 1908, Text: "Request method (GET or POST) is incompatible with specified parameter(s): action=" + action}
}

// Param is one name=value pair in request order.
type Param struct{ Key, Value string }

// Params holds the request parameters from the query string and the form
// body, in request order. When a name repeats, the last value wins.
type Params struct {
	List []Param
	Last map[string]string
	XML  []byte // a text/xml body (UNIX_AUTH_PARAMS, read by the emulator's entries.go)
}

// Get returns the last value sent for k ("" when not sent).
func (p *Params) Get(k string) string { return p.Last[k] }

// Has reports whether k was sent, even empty.
func (p *Params) Has(k string) bool { _, ok := p.Last[k]; return ok }

// Given reports whether k was sent with a non-empty value.
func (p *Params) Given(k string) bool { return p.Last[k] != "" }

// AddPair records k=v in request order (an empty name is ignored).
func (p *Params) AddPair(k, v string) {
	if k == "" {
		return
	}
	p.List = append(p.List, Param{k, v})
	p.Last[k] = v
}

// Names returns each distinct parameter name once, in order of first use.
func (p *Params) Names() []string {
	seen := map[string]bool{}
	var out []string
	for _, kv := range p.List {
		if !seen[kv.Key] {
			seen[kv.Key] = true
			out = append(out, kv.Key)
		}
	}
	return out
}

// Unknown returns the names not in allowed, in request order.
func (p *Params) Unknown(allowed map[string]bool) []string {
	var out []string
	for _, k := range p.Names() {
		if !allowed[k] {
			out = append(out, k)
		}
	}
	return out
}

// Masked returns the parameters as url.Values (last value per name) with
// secrets replaced by "********".
func (p *Params) Masked() url.Values {
	v := url.Values{}
	for _, k := range p.Names() {
		val := p.Last[k]
		if kinds.IsSecretParam(k) {
			val = Mask
		}
		v.Set(k, val)
	}
	return v
}

// Mask stands for a secret in every answer, echo and log.
const Mask = "********"

// ParseParams reads the query string, then a urlencoded or multipart body.
func ParseParams(r *http.Request) (*Params, error) {
	p := &Params{Last: map[string]string{}}
	addRaw(p, r.URL.RawQuery)
	if r.Body == nil || r.Method == http.MethodGet || r.Method == http.MethodHead {
		return p, nil
	}
	ct := r.Header.Get("Content-Type")
	mt, _, _ := mime.ParseMediaType(ct)
	switch mt {
	case "multipart/form-data":
		if err := r.ParseMultipartForm(MaxBodyBytes); err != nil {
			return nil, err
		}
		for _, k := range slices.Sorted(maps.Keys(r.MultipartForm.Value)) {
			for _, v := range r.MultipartForm.Value[k] {
				p.AddPair(k, v)
			}
		}
	case "text/xml", "application/xml":
		body, err := io.ReadAll(io.LimitReader(r.Body, MaxBodyBytes))
		if err != nil {
			return nil, err
		}
		p.XML = body
	case "", "application/x-www-form-urlencoded", "text/plain":
		body, err := io.ReadAll(io.LimitReader(r.Body, MaxBodyBytes))
		if err != nil {
			return nil, err
		}
		addRaw(p, string(body))
	}
	return p, nil
}

func addRaw(p *Params, raw string) {
	for _, part := range strings.Split(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		p.AddPair(unescape(k), unescape(v))
	}
}

func unescape(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

// IDRange is one token of an ids parameter: a single ID or lo-hi.
type IDRange struct {
	Lo, Hi int64
	Single bool
}

// ParseIDs parses "1,5,9-12". Anything else is 1905 with the reason of the
// real capture.
func ParseIDs(name, value string) ([]IDRange, *Error) {
	var out []IDRange
	for _, tok := range strings.Split(value, ",") {
		t := strings.TrimSpace(tok)
		bad := Invalid(name, value, "neither a positive integer nor a range: "+t)
		if t == "" {
			return nil, bad
		}
		if a, b, ok := strings.Cut(t, "-"); ok {
			lo, err1 := strconv.ParseInt(strings.TrimSpace(a), 10, 64)
			hi, err2 := strconv.ParseInt(strings.TrimSpace(b), 10, 64)
			if err1 != nil || err2 != nil || lo <= 0 || hi < lo {
				return nil, bad
			}
			out = append(out, IDRange{Lo: lo, Hi: hi})
			continue
		}
		n, err := strconv.ParseInt(t, 10, 64)
		if err != nil || n <= 0 {
			return nil, bad
		}
		out = append(out, IDRange{Lo: n, Hi: n, Single: true})
	}
	return out, nil
}

// IDsContain reports whether id is in one of rs.
func IDsContain(rs []IDRange, id int64) bool {
	for _, r := range rs {
		if id >= r.Lo && id <= r.Hi {
			return true
		}
	}
	return false
}

// CompressIDs sorts ids and merges consecutive ones into ranges.
func CompressIDs(ids []int64) []IDRange {
	var out []IDRange
	for _, id := range slices.Sorted(slices.Values(ids)) {
		if n := len(out); n > 0 && (out[n-1].Hi == id || out[n-1].Hi+1 == id) {
			out[n-1].Hi = id
			out[n-1].Single = out[n-1].Lo == out[n-1].Hi
			continue
		}
		out = append(out, IDRange{Lo: id, Hi: id, Single: true})
	}
	return out
}

// MissingIDs returns the members of rs that are not in found, as ranges,
// without expanding the ranges.
func MissingIDs(rs []IDRange, found map[int64]bool) []IDRange {
	foundSorted := slices.Sorted(maps.Keys(found))
	var out []IDRange
	for _, r := range rs {
		start := r.Lo
		for _, f := range foundSorted {
			if f < start || f > r.Hi {
				continue
			}
			if f > start {
				out = append(out, IDRange{Lo: start, Hi: f - 1, Single: start == f-1})
			}
			start = f + 1
		}
		if start <= r.Hi {
			out = append(out, IDRange{Lo: start, Hi: r.Hi, Single: start == r.Hi})
		}
	}
	return out
}

// ParsePositive parses a positive integer parameter.
func ParsePositive(name, value string) (int64, *Error) {
	n, err := strconv.ParseInt(strings.TrimSpace(value), 10, 64)
	if err != nil || n <= 0 {
		return 0, Invalid(name, value, "not a positive integer")
	}
	return n, nil
}

// ParseIPs parses a comma-separated list of addresses, a-b ranges and CIDR
// prefixes (IPv4 or IPv6) into a set.
func ParseIPs(name, value string) (*netipx.IPSet, *Error) {
	var b netipx.IPSetBuilder
	for _, tok := range strings.Split(value, ",") {
		t := strings.TrimSpace(tok)
		bad := Invalid(name, value, "not an IP address, range or CIDR: "+t)
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
		return nil, Invalid(name, value, err.Error())
	}
	return set, nil
}

// IPSetString is the stored, canonical form of an IP set: sorted, merged,
// single addresses alone, wider ranges as a-b.
func IPSetString(set *netipx.IPSet) string {
	if set == nil {
		return ""
	}
	var parts []string
	for _, r := range set.Ranges() {
		parts = append(parts, RangeString(r))
	}
	return strings.Join(parts, ",")
}

// RangeString is one stored IP entry: an address alone, a wider range as a-b.
func RangeString(r netipx.IPRange) string {
	if r.From() == r.To() {
		return r.From().String()
	}
	return r.From().String() + "-" + r.To().String()
}

// StoredIPs parses the canonical stored form (never fails on stored data).
func StoredIPs(s string) *netipx.IPSet {
	if s == "" {
		var b netipx.IPSetBuilder
		set, _ := b.IPSet()
		return set
	}
	set, err := ParseIPs("ips", s)
	if err != nil {
		var b netipx.IPSetBuilder
		set, _ := b.IPSet()
		return set
	}
	return set
}

// IPEntries returns the entries of a valid ips value one by one, each in
// the stored form (an address, or a-b for anything wider; CIDR becomes a
// range).
func IPEntries(value string) []string {
	var out []string
	for _, tok := range strings.Split(value, ",") {
		set, e := ParseIPs("ips", tok)
		if e != nil {
			continue
		}
		for _, r := range set.Ranges() {
			out = append(out, RangeString(r))
		}
	}
	return out
}

// SplitStored splits a stored comma-separated value ("" is none).
func SplitStored(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// DedupeStrings returns in without repeats, in first-seen order.
func DedupeStrings(in []string) []string {
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

// StoredIPSetNode renders the stored ips value as IP_SET, one IP or
// IP_RANGE per stored entry: the canonical merged form by default, the
// entries as sent with Config.IPsUnmerged.
func StoredIPSetNode(stored string) *Node {
	n := El("IP_SET")
	for _, e := range SplitStored(stored) {
		if strings.Contains(e, "-") {
			n.Add(Txt("IP_RANGE", e))
		} else {
			n.Add(Txt("IP", e))
		}
	}
	return n
}
