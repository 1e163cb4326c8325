// Package masking owns how qsync's Qualys client keeps secrets out of what it writes: which
// Qualys parameters are secret (the documented list, the configured names and secret-looking
// names), and the per-request Redactor that masks every secret value (in each encoding
// internal/redact lists, truncated echoes included) in debug traces, URLs, headers and error
// messages, with Text and URL as the generic fallbacks for free text.
package masking
