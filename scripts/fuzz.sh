#!/usr/bin/env bash
# Runs every Go fuzz target of the module for the given time each (default 3s).
# Usage: scripts/fuzz.sh [DURATION]
set -euo pipefail
fuzztime=${1:-3s}
cd "$(dirname "$0")/.."
status=0
while IFS= read -r line; do
  file=${line%%:*}
  target=$(sed -E 's/^.*func (Fuzz[A-Za-z0-9_]*)\(.*/\1/' <<<"$line")
  pkg=./$(dirname "$file")
  echo "fuzz: $pkg $target ($fuzztime)"
  if ! go test -run='^$' -fuzz="^${target}\$" -fuzztime="$fuzztime" "$pkg" >/tmp/qsync-fuzz.$$ 2>&1; then
    cat /tmp/qsync-fuzz.$$; status=1
  fi
done < <(grep -rn --include='*_test.go' -E '^func Fuzz[A-Za-z0-9_]*\(' internal | sort)
rm -f /tmp/qsync-fuzz.$$
exit $status
