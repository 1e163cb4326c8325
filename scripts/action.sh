#!/usr/bin/env bash
# The steps of the qsync GitHub Action (action.yml), one mode per call:
#
#   action.sh install   install the pinned release QSYNC_VERSION from QSYNC_RELEASES, checked
#                       against the release's SHA256SUMS before it is unpacked
#   action.sh plan      validate, plan (read-only, no secret values), stamp the saved plan, post it
#   action.sh check     merge queue: fetch the reviewed plan, apply --check it (no write)
#   action.sh apply     push to the default branch: fetch the reviewed plan, apply exactly it, then
#                       send the secrets that changed; a manual run (workflow_dispatch) applies
#                       the configuration as it is on its branch
#   action.sh drift     scheduled plan; open, update or close the drift issue
#
# Inputs arrive as environment variables (never as ${{ }} text in the script): QSYNC_CONFIG,
# QSYNC_OWNER, QSYNC_COMMENT (true|false), QSYNC_ARTIFACT, QSYNC_POLICY_DIR (a policy directory,
# read from the default branch QSYNC_DEFAULT_BRANCH, never from the pull request) and QSYNC_BASE
# (plan --base REF). Outputs go to $GITHUB_OUTPUT:
# exit-code, has-changes, plan-file. scripts/action_test.go runs every mode against fakes of the
# GitHub API and the Qualys emulator.
set -uo pipefail

mode="${1:?usage: action.sh install|plan|check|apply|drift}"
config="${QSYNC_CONFIG:-config}"
artifact="${QSYNC_ARTIFACT:-qsync-plan}"
comment="${QSYNC_COMMENT:-true}"
event="${GITHUB_EVENT_NAME:-}"
export NO_COLOR=1

output() { echo "$1=$2" >>"${GITHUB_OUTPUT:-/dev/null}"; }

# read_policy extracts the policy directory QSYNC_POLICY_DIR as the default branch has it into
# .qsync-policy and points QSYNC_POLICY at it, so that a pull request cannot loosen the rules its
# own plan is checked by (docs/ci.md "Policy checks and drift").
read_policy() {
	local dir="${QSYNC_POLICY_DIR%/}" branch="${QSYNC_DEFAULT_BRANCH:-main}" depth
	[ -n "$dir" ] || return 0
	git fetch --quiet --depth=1 origin "$branch" || return 1
	rm -rf .qsync-policy && mkdir -p .qsync-policy
	depth="$(printf '%s' "$dir" | tr -cd / | wc -c)"
	git archive FETCH_HEAD -- "$dir" | tar -x -C .qsync-policy --strip-components=$((depth + 1)) || return 1
	export QSYNC_POLICY="$PWD/.qsync-policy"
}

# finish CODE [HAS_CHANGES]: record the outputs; exit 0 for "no changes" and "changes" (2), the
# code otherwise.
finish() {
	output exit-code "$1"
	output has-changes "${2:-false}"
	case "$1" in
	0 | 2) exit 0 ;;
	*) exit "$1" ;;
	esac
}

case "$mode" in
install)
	set -e
	: "${QSYNC_VERSION:?set the version input to a qsync release tag, e.g. v0.1.0}"
	releases="${QSYNC_RELEASES:-https://github.com/qsync/qsync/releases/download}"
	os=linux
	case "${RUNNER_OS:-Linux}" in
	macOS) os=darwin ;;
	Windows)
		echo "::error::the qsync action runs on Linux and macOS runners"
		exit 1
		;;
	esac
	arch=amd64
	case "${RUNNER_ARCH:-X64}" in ARM64) arch=arm64 ;; esac
	archive="qsync_${QSYNC_VERSION#v}_${os}_${arch}.tar.gz"
	bin="${RUNNER_TEMP:?}/qsync-bin"
	tmp="$(mktemp -d)"
	trap 'rm -rf "$tmp"' EXIT
	curl -fsSL -o "$tmp/$archive" "$releases/$QSYNC_VERSION/$archive" -o "$tmp/SHA256SUMS" "$releases/$QSYNC_VERSION/SHA256SUMS"
	(cd "$tmp" && sha256sum -c --ignore-missing --strict SHA256SUMS)
	grep -q " [ *]\?$archive\$" "$tmp/SHA256SUMS" || { echo "::error::SHA256SUMS of $QSYNC_VERSION does not list $archive"; exit 1; }
	mkdir -p "$bin"
	tar -xzf "$tmp/$archive" -C "$bin" qsync
	echo "$bin" >>"${GITHUB_PATH:?}"
	"$bin/qsync" version
	;;

plan)
	rm -f plan.json plan.md qsync-plan.meta.json
	code=0
	read_policy || code=$?
	base=()
	if [ -n "${QSYNC_BASE:-}" ]; then base=(--base "$QSYNC_BASE"); fi
	if [ "$code" = 0 ]; then qsync validate --format github "$config" || code=$?; fi
	if [ "$code" = 0 ]; then
		qsync plan --without-secrets --detailed-exitcode "${base[@]}" --format markdown --out plan.json "$config" >plan.md
		code=$?
	fi
	if [ "$code" = 0 ] || [ "$code" = 2 ]; then
		qsync ci stamp --config "$config" plan.json || code=$?
		output plan-file "$PWD/plan.json"
	fi
	# After a failed validate or plan too: the comment then shows the failure instead of leaving
	# the last good plan standing.
	if [ "$comment" = true ]; then
		qsync comment --config "$config" plan.md || code=$?
	fi
	has=false
	[ "$code" = 2 ] && has=true
	finish "$code" "$has"
	;;

check)
	if [ "$event" != merge_group ]; then
		echo "qsync check: passes outside the merge queue; the reviewed plan is checked in the merge queue"
		finish 0
	fi
	code=0
	read_policy || finish $?
	qsync ci fetch-plan --artifact "$artifact" --config "$config" --dir . || finish $?
	output plan-file "$PWD/plan.json"
	qsync apply --check plan.json || code=$?
	finish "$code"
	;;

apply)
	code=0
	read_policy || finish $?
	if [ "$event" = workflow_dispatch ]; then
		# A manual run: apply the configuration of the branch it runs on (restrict it with the
		# environment's deployment branches), e.g. to undo drift or re-send rotated secrets.
		qsync apply --auto-approve --format json "$config" >result.json || code=$?
		finish "$code"
	fi
	qsync ci fetch-plan --artifact "$artifact" --config "$config" --dir . || code=$?
	if [ "$code" = 0 ]; then
		output plan-file "$PWD/plan.json"
		qsync apply --auto-approve --format json plan.json >result.json || code=$?
	else
		: >result.json # the comment then says apply stopped before writing a result
	fi
	if [ "$code" = 0 ]; then
		# The pull request planned without secret values: send the secrets that changed (rotated,
		# or of records just created) and nothing else.
		qsync apply --auto-approve --secrets-only --format json "$config" >secrets-result.json || code=$?
	fi
	if [ "$comment" = true ]; then
		qsync comment --config "$config" --apply-result result.json || code=$?
	fi
	finish "$code"
	;;

drift)
	code=0
	read_policy || finish $?
	qsync plan --detailed-exitcode --format markdown "$config" >drift.md || code=$?
	if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then cat drift.md >>"$GITHUB_STEP_SUMMARY"; fi
	has=false
	[ "$code" = 2 ] && has=true
	if [ "$comment" = true ]; then
		qsync ci drift --config "$config" --exit-code "$code" drift.md
		issue=$?
		output exit-code "$code"
		output has-changes "$has"
		exit "$issue"
	fi
	output exit-code "$code"
	output has-changes "$has"
	exit "$code"
	;;

*)
	echo "::error::unknown mode $mode: use plan, check, apply or drift"
	exit 1
	;;
esac
