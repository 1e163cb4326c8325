#!/usr/bin/env bash
# make bench: build qsync, then measure it against the emulator on loopback (internal/bench):
# plan at 1k, 10k and 100k records with 50 vaults (wall, CPU, peak memory, diff alone, API calls
# against the lower bound) and the apply scenarios (shared password rotation, 300 deletes, 200
# creates under 60 calls/10 s). Prints a table with every target met or MISSED and writes
# bench/results.json. Then runs the Go benchmarks of the plan phases once each.
# Usage: scripts/bench.sh [benchrun flags, e.g. -sizes 1000,10000 -repeat 1]
set -euo pipefail
cd "$(dirname "$0")/.."
go build -o bin/qsync .
go run ./internal/bench/cmd/benchrun -qsync bin/qsync -out bench/results.json "$@"
echo
echo "Go benchmarks (go test -bench, one run each):"
go test -run '^$' -bench 'Build1k|Build10k|Load10k|Read10k' -benchtime 3x -benchmem ./internal/bench | grep -E '^(Benchmark|ok|FAIL)'
