// Package order cuts the changes package build decided into the API calls of a plan (Steps): it
// splits record updates into the release of IPs or a title and the rest, pairs every release
// with the call that takes what it frees (the hand-overs, handover.go: the one place where
// releases meet takes), batches identical record calls, links each call after the calls it
// depends on and numbers them in phase order (DESIGN.md "Ordering"). It decides nothing about
// what changes and does no I/O.
package order
