package qualysemu

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Defaults applied by Config.Normalize. They are the documented Qualys
// defaults for the standard API service (REFERENCE.md §7.2) and the
// documented 1,000-record list limit (§2.1, §2.2).
const (
	DefaultRateLimit     = 300
	DefaultRateWindow    = 3600 * time.Second
	DefaultConcurrency   = 2
	DefaultPageSize      = 1000
	DefaultFirstRecordID = 100001
	DefaultFirstVaultID  = 1001
)

// Config configures a Server. Only Username and Password are required; every
// other zero value is replaced by its default in Normalize.
type Config struct {
	// Username and Password are the one accepted credential pair (Basic
	// auth or session login).
	Username, Password string

	// RateLimit is the number of calls allowed per RateWindow, per user and
	// per API path. 0 means DefaultRateLimit unless RateUnlimited is set; a
	// negative value also means unlimited.
	RateLimit int
	// RateUnlimited switches the rate limit off.
	RateUnlimited bool
	// RateWindow is the rolling window of the rate limit (default 3600 s).
	RateWindow time.Duration
	// RateHint, when set, is appended to the text of every 1965 (rate limit) answer, e.g. how
	// to reset the limit of a local emulator; empty keeps Qualys's text exactly.
	RateHint string
	// Concurrency is the number of calls allowed at once, per user and per
	// API path. 0 means DefaultConcurrency; a negative value means unlimited.
	Concurrency int
	// PageSize is where record lists stop and add a WARNING (default 1000).
	PageSize int

	// StatePath, when set, is a JSON file the state is loaded from by New
	// (if it exists) and saved to after every write.
	StatePath string

	// Now is the clock for DATETIME values and the rate window (default
	// time.Now).
	Now func() time.Time

	// FirstRecordID and FirstVaultID start the two ID sequences (defaults
	// 100001 and 1001). All record types share one sequence.
	FirstRecordID, FirstVaultID int64

	// BaseURL (for example "https://qualysapi.qualys.com") is used in DOCTYPE
	// lines and WARNING URLs. Default: the scheme and Host of each request.
	BaseURL string

	// Options for behaviours the Qualys documentation leaves open
	// (docs/qualys-wire-contract.md). The zero value is the contract's
	// choice.

	// VaultViewSimpleReturn answers vault action=view with a SIMPLE_RETURN
	// whose ITEM_LIST holds one ITEM per setting, instead of
	// AUTH_VAULT_VIEW_OUTPUT (contract row 1).
	VaultViewSimpleReturn bool
	// WindowsIPsShared lets several Windows records hold the same IP
	// (contract row 7: Windows is exclusive by default).
	WindowsIPsShared bool
	// TitlesUniqueAcrossTypes makes record titles unique across all record
	// types instead of per type (contract row 6).
	TitlesUniqueAcrossTypes bool
	// AllowMissingRequestedWith accepts requests without the
	// X-Requested-With header.
	AllowMissingRequestedWith bool
	// MissingRequestedWithCode is the Qualys code of the answer to a
	// request without X-Requested-With (default 1901, HTTP 400; contract
	// row 9).
	MissingRequestedWithCode int
	// ErrorContentType is the Content-Type of HTTP 400 answers. The default
	// is "application/xml", as in the real 400 capture (REFERENCE.md §1
	// [R]); 401 answers carry "text/xml;charset=UTF-8" like the real 401
	// capture, and every other XML answer "text/xml;charset=UTF-8"
	// (contract row 14).
	ErrorContentType string
	// WarningWithoutCode leaves CODE out of the truncation WARNING, which
	// REFERENCE.md §6 models as WARNING(CODE?, TEXT, URL?) [I].
	WarningWithoutCode bool
	// IPsUnmerged returns IP_SET entries as they were sent (each one
	// normalized, in order, duplicates dropped) instead of sorted and merged
	// (contract row 8; REFERENCE.md §8.4 [I]). remove_ips still yields the
	// merged form, since it can split an entry.
	IPsUnmerged bool
	// Variants switches on named answer variants that reproduce shapes a
	// real Qualys may use where the documentation is silent (VariantNames,
	// variants.go); Server.SetVariants changes them at run time.
	Variants []string

	// Logf, when set, receives messages about internal failures (for
	// example a state file that cannot be written).
	Logf func(format string, args ...any)
}

// Normalize checks the configuration and fills in defaults.
func (c *Config) Normalize() error {
	if c.Username == "" || c.Password == "" {
		return errors.New("qualysemu: Username and Password are required")
	}
	if c.RateLimit == 0 && !c.RateUnlimited {
		c.RateLimit = DefaultRateLimit
	}
	if c.RateLimit < 0 {
		c.RateUnlimited = true
	}
	if c.RateUnlimited {
		c.RateLimit = 0
	}
	if c.RateWindow <= 0 {
		c.RateWindow = DefaultRateWindow
	}
	if c.Concurrency == 0 {
		c.Concurrency = DefaultConcurrency
	}
	if c.PageSize <= 0 {
		c.PageSize = DefaultPageSize
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.FirstRecordID <= 0 {
		c.FirstRecordID = DefaultFirstRecordID
	}
	if c.FirstVaultID <= 0 {
		c.FirstVaultID = DefaultFirstVaultID
	}
	if c.MissingRequestedWithCode == 0 {
		c.MissingRequestedWithCode = 1901
	}
	if c.ErrorContentType == "" {
		c.ErrorContentType = "application/xml"
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	return nil
}

// ParseRateLimit parses a rate limit such as "300/3600" (calls per seconds),
// "60/10s" or "1000/1h" (a Go duration), or "300" (the default window).
// "0" and "unlimited" return n == 0, which callers map to
// Config.RateUnlimited.
func ParseRateLimit(s string) (n int, window time.Duration, err error) {
	s = strings.TrimSpace(s)
	if s == "unlimited" {
		return 0, DefaultRateWindow, nil
	}
	count, win, hasWin := strings.Cut(s, "/")
	n, err = strconv.Atoi(strings.TrimSpace(count))
	if err != nil || n < 0 {
		return 0, 0, fmt.Errorf("rate limit %q: want CALLS/WINDOW such as 300/3600 or 60/10s", s)
	}
	window = DefaultRateWindow
	if hasWin {
		win = strings.TrimSpace(win)
		if secs, err := strconv.Atoi(win); err == nil {
			window = time.Duration(secs) * time.Second
		} else if d, err := time.ParseDuration(win); err == nil {
			window = d
		} else {
			return 0, 0, fmt.Errorf("rate limit %q: window %q is neither seconds nor a duration", s, win)
		}
		if window <= 0 {
			return 0, 0, fmt.Errorf("rate limit %q: window must be positive", s)
		}
	}
	return n, window, nil
}
