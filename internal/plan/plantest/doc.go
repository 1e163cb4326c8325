// Package plantest holds what the tests of internal/plan/build and internal/plan/render share:
// fixtures that build desired and live objects the way the loader and live.Read do, a canary
// secret that must never appear in any output, and golden files compared with a unified diff.
// Only tests import it.
package plantest
