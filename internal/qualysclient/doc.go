// Package qualysclient owns qsync's conversation with the Qualys API: HTTP and
// XML for the authentication record endpoints (/api/2.0/fo/auth/ and
// /api/2.0/fo/auth/<type>/) and the authentication vault endpoint
// (/api/2.0/fo/vault/).
//
// It owns typed requests and responses, pagination through truncation
// WARNING URLs, the Qualys rate and concurrency limits (409 with codes 1960
// and 1965), typed errors, and a redacted debug trace. It knows nothing about
// qsync's desired-state model or plans: callers pass Qualys parameter names
// as url.Values and get back wire-level structs.
//
// Every HTTP exchange goes through one function, (*Client).do. Writes
// (create, update, delete) are never re-sent after a failure whose outcome is
// unknown (timeout, reset, 5xx, undecodable body); such failures return an
// *OutcomeUnknownError so that the caller re-reads before deciding anything.
// Only throttling answers (409 with code 1960 or 1965), which mean the call
// did not run, are retried for writes.
//
// Where the Qualys documentation is silent, the package follows
// docs/qualys-wire-contract.md and accepts every plausible variant.
//
// # Layout
//
// This package is the transport (Client, do, the limiter and retry policy, pagination, typed
// errors) and the decoding of the answers into its wire types. Three jobs live in subpackages:
//
//	xmltree    reading an answer's XML into a generic tree (a fast scanner, encoding/xml else)
//	unixbody   the unix record's UNIX_AUTH_PARAMS body of private keys and root tools
//	masking    which parameters are secret and the redactor of traces and error messages
package qualysclient
