// Package limits owns the emulator's Qualys rate and concurrency limits (REFERENCE.md §7.2): a
// Limiter counts calls per user and per API path, the rate over a rolling window and the calls in
// flight, admits or refuses each call (409 with code 1960 or 1965, worded like Qualys), and
// reports the six X-RateLimit-* and X-Concurrency-Limit-* headers of every answer. The
// emulator's server (package qualysemu) asks it before running any non-session call.
package limits
