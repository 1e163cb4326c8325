// Package unixbody owns the unix record's XML body UNIX_AUTH_PARAMS: the private keys (with
// passphrase and certificate) and root delegation tools that Qualys takes as a text/xml body
// rather than as form parameters. Split reads those entries out of a write's parameters into
// typed sections, refuses a section that would lose a part, and marshals the body; the client
// (package qualysclient) sends it and masks every secret value it returns in traces.
package unixbody
