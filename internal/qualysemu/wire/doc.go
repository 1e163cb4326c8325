// Package wire owns the emulator's side of the Qualys wire format: the request parameters as
// sent (query string, urlencoded, multipart or text/xml body, in request order, secrets masked
// for echoes and logs), the request-level errors answered as SIMPLE_RETURN (Error and its
// 1901-1922 constructors, worded like the real captures), ids parameters and ranges, IP lists
// in their stored canonical form, and the hand-written XML answer tree (Node, Doc) whose element
// order, CDATA sections and DOCTYPE line follow the Qualys samples.
//
// It knows nothing of the emulator's state or HTTP server (package qualysemu) and, like the whole
// emulator, never imports qsync's client or spec.
package wire
