// Package attribution tells, for `qsync plan --base REF`, whose change each change of a plan is:
// the pull request's own (the configuration differs between REF and now), drift (Qualys differs
// from the configuration at REF: someone changed it outside qsync), or both. qsync keeps no state:
// git is the history, so the configuration at REF is read from git (the git CLI, git.go) and
// planned against the same live estate; a change whose object that plan also changes is drift.
//
// It does no network I/O: the caller passes the live estate already read.
package attribution
