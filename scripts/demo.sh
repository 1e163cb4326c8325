#!/usr/bin/env bash
# make demo: start qsync's built-in Qualys emulator and run validate → plan → apply → plan on
# examples/, with no Qualys account. The emulator starts from scripts/demo-seed.yaml: a few records
# qsync managed earlier (one differs from examples/, one is gone from it) and one it does not manage.
set -euo pipefail
cd "$(dirname "$0")/.."
qsync=${1:-bin/qsync}
work=$(mktemp -d)
trap 'kill "$emu_pid" 2>/dev/null || true; wait "$emu_pid" 2>/dev/null || true; rm -rf "$work"' EXIT

export QUALYS_USERNAME=demo QUALYS_PASSWORD=demo-password
# The examples name their secrets as environment variables; give each a demo value.
for v in $(grep -rhoE 'env: *[A-Z][A-Z0-9_]*' examples/*.yaml | sed -E 's/env: *//' | sort -u); do
  export "$v=demo-value-for-$v"
done

# examples/mysql.yaml reads one password from a file, as a mounted secret would be.
mkdir -p examples/secrets
[ -f examples/secrets/reporting-db.password ] || echo "demo-value-for-reporting-db" > examples/secrets/reporting-db.password

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

"$qsync" emulator --listen 127.0.0.1:0 --seed scripts/demo-seed.yaml --rate-limit unlimited >"$work/emulator.log" 2>&1 &
emu_pid=$!
for _ in $(seq 1 100); do
  addr=$(sed -nE 's/^qsync emulator listening on (http:[^ ]+)$/\1/p' "$work/emulator.log")
  [ -n "$addr" ] && break
  kill -0 "$emu_pid" 2>/dev/null || { cat "$work/emulator.log"; exit 1; }
  sleep 0.1
done
[ -n "$addr" ] || { echo "emulator did not start"; cat "$work/emulator.log"; exit 1; }
export QUALYS_API_URL=$addr
echo "Started the Qualys emulator at $addr (user demo)."

step qsync validate examples/
"$qsync" validate examples/
step qsync plan examples/
"$qsync" plan --no-color examples/
step qsync apply --auto-approve examples/
"$qsync" apply --no-color --auto-approve examples/
step qsync plan --detailed-exitcode examples/
"$qsync" plan --no-color --detailed-exitcode examples/
echo
echo "Demo complete: the second plan shows no changes (exit code 0 with --detailed-exitcode)."
