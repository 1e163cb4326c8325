package qualysclient

import (
	"sort"
	"strings"
)

// Observations are facts about the answers a Client has received that the
// wire contract (docs/qualys-wire-contract.md) only infers: the shape of the
// vault view answer, the truncation WARNINGs followed, and which limit
// headers came back. They carry names and codes only, never values, so a
// report built from them (qsync doctor) holds nothing secret.
type Observations struct {
	// VaultViewShapes counts vault view answers by the path of the element
	// they were decoded from, e.g. "AUTH_VAULT_VIEW_OUTPUT/RESPONSE/AUTH_VAULT"
	// or "SIMPLE_RETURN/RESPONSE/ITEM_LIST"; "unrecognised <ROOT>" counts
	// answers no vault could be found in.
	VaultViewShapes map[string]int
	// Warnings lists every truncation WARNING seen, in arrival order.
	Warnings []ObservedWarning
	// LimitHeaders lists the names of the X-RateLimit-* and
	// X-Concurrency-Limit-* headers seen on any answer, sorted.
	LimitHeaders []string
	// Statuses counts answers by HTTP status.
	Statuses map[int]int
}

// ObservedWarning is one truncation WARNING of a list answer.
type ObservedWarning struct {
	Path     string // the endpoint listed, e.g. "/api/2.0/fo/auth/unix/"
	Code     int    // CODE; 0 when absent
	HasURL   bool   // the WARNING carried a URL
	HasIDMin bool   // that URL carried a usable id_min
}

// Observed returns a copy of what the client has observed so far.
func (c *Client) Observed() Observations {
	c.mu.Lock()
	defer c.mu.Unlock()
	o := Observations{Warnings: append([]ObservedWarning(nil), c.observed.Warnings...)}
	if c.observed.VaultViewShapes != nil {
		o.VaultViewShapes = make(map[string]int, len(c.observed.VaultViewShapes))
		for k, v := range c.observed.VaultViewShapes {
			o.VaultViewShapes[k] = v
		}
	}
	if c.observed.Statuses != nil {
		o.Statuses = make(map[int]int, len(c.observed.Statuses))
		for k, v := range c.observed.Statuses {
			o.Statuses[k] = v
		}
	}
	o.LimitHeaders = append([]string(nil), c.observed.LimitHeaders...)
	return o
}

// observeAnswer records the status and limit header names of one answer.
// The caller holds c.mu.
func (c *Client) observeAnswer(status int, names []string) {
	if c.observed.Statuses == nil {
		c.observed.Statuses = map[int]int{}
	}
	c.observed.Statuses[status]++
	for _, n := range names {
		i := sort.SearchStrings(c.observed.LimitHeaders, n)
		if i < len(c.observed.LimitHeaders) && c.observed.LimitHeaders[i] == n {
			continue
		}
		c.observed.LimitHeaders = append(c.observed.LimitHeaders, "")
		copy(c.observed.LimitHeaders[i+1:], c.observed.LimitHeaders[i:])
		c.observed.LimitHeaders[i] = n
	}
}

func (c *Client) observeViewShape(shape string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.observed.VaultViewShapes == nil {
		c.observed.VaultViewShapes = map[string]int{}
	}
	c.observed.VaultViewShapes[shape]++
}

func (c *Client) observeWarning(path string, w *warning) {
	ow := ObservedWarning{Path: path, Code: w.Code, HasURL: w.URL != ""}
	if _, err := w.nextIDMin(); err == nil {
		ow.HasIDMin = true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.observed.Warnings = append(c.observed.Warnings, ow)
}

// limitHeaderNames returns the canonical names of the limit headers in h.
func limitHeaderNames(h map[string][]string) []string {
	var out []string
	for k := range h {
		if strings.HasPrefix(k, "X-Ratelimit-") || strings.HasPrefix(k, "X-Concurrency-Limit-") {
			out = append(out, k)
		}
	}
	return out
}
