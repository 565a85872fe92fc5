#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# demo.sh: checkpoint a running counter with the ckpt controller, kill it,
# and restart it in another cgroup, where it continues counting.
# Runs inside the test guest (make demo, or scripts/guest-run scripts/demo.sh).

set -eu -o pipefail
cd "$(dirname "$0")/.."

CKPT=tools/ckptfs-util/ckpt
COUNTER=tests/workloads/bin/counter
CG=/sys/fs/cgroup
LOG=/tmp/counter.log
IMG=/tmp/counter.img
STATE=/tmp/counter.d
PERIOD_MS=200

step() { echo; echo "==> $*"; }
run() { echo "\$ $*"; "$@"; }
fail() { echo "demo: FAIL: $*"; exit 1; }

# wait_for SECONDS COMMAND...: poll until COMMAND succeeds.
wait_for() {
	local end=$((SECONDS + $1)); shift
	until "$@"; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.1
	done
}
count_lines() { wc -l < "$LOG"; }
has_lines() { [ "$(count_lines)" -ge "$1" ]; }
log_has() { grep -qx "$1" "$LOG"; }

cleanup() {
	for g in demo/a demo/b; do
		[ -e "$CG/$g/cgroup.kill" ] && echo 1 > "$CG/$g/cgroup.kill" 2>/dev/null
	done
	sleep 0.2
	rmdir "$CG/demo/a" "$CG/demo/b" "$CG/demo" 2>/dev/null || true
}
trap cleanup EXIT

[ -x "$CKPT" ] || fail "$CKPT not built (make tools)"
[ -x "$COUNTER" ] || fail "$COUNTER not built (make tools)"

step "The kernel has the ckpt cgroup controller"
run cat $CG/cgroup.controllers
grep -qw ckpt $CG/cgroup.controllers || fail "no ckpt controller in this kernel"

step "Enable it for /sys/fs/cgroup/demo and create the cgroup demo/a"
run sh -c "echo +ckpt > $CG/cgroup.subtree_control"
run mkdir -p $CG/demo
run sh -c "echo +ckpt > $CG/demo/cgroup.subtree_control"
run mkdir $CG/demo/a
run ls $CG/demo/a

step "Start a counter in demo/a (one line every ${PERIOD_MS} ms, output to $LOG)"
rm -rf "$STATE" "$LOG" "$IMG"
mkdir -p "$STATE"
# The shell moves itself into demo/a, then becomes the counter.
setsid sh -c 'echo $$ > '"$CG/demo/a/cgroup.procs"'; exec "$@"' counter \
	"$COUNTER" -d "$STATE" "$PERIOD_MS" < /dev/null > "$LOG" 2>&1 &
pid=$!
wait_for 20 has_lines 5 || fail "the counter did not start"
echo "counter pid $pid, cgroup.procs of demo/a: $(cat $CG/demo/a/cgroup.procs)"
run tail -n 3 "$LOG"

step "Checkpoint demo/a to $IMG and kill its tasks"
run "$CKPT" checkpoint demo/a -o "$IMG" --kill
wait "$pid" 2>/dev/null || true
saved=$(tail -n 1 "$LOG")
saved_lines=$(count_lines)
case $saved in
"count "[0-9]*) saved=${saved#count } ;;
*) fail "unexpected last line in $LOG: $saved" ;;
esac
echo "last line written before the checkpoint: count $saved"

step "The image"
run ls -l "$IMG"
run "$CKPT" info "$IMG"

step "The cgroup's checkpoint state"
run "$CKPT" state demo/a

step "The counter is gone"
echo "cgroup.procs of demo/a: '$(cat $CG/demo/a/cgroup.procs)'"
[ -z "$(cat $CG/demo/a/cgroup.procs)" ] || fail "demo/a still has tasks"
kill -0 "$pid" 2>/dev/null && fail "pid $pid still exists"
echo "pid $pid: no such process"
sleep 1
[ "$(count_lines)" -eq "$saved_lines" ] || fail "$LOG grew after the kill"
echo "$LOG did not grow in 1 s: still ends with count $saved"

step "Restart the image in a new cgroup, demo/b"
run "$CKPT" restart demo/b -i "$IMG"
run cat $CG/demo/b/cgroup.procs
run "$CKPT" state demo/b

step "It continues where it stopped"
wait_for 20 log_has "count $((saved + 3))" ||
	{ tail -n 5 "$LOG"; fail "no count $((saved + 3)) within 20 s of the restart"; }
echo "$LOG around the checkpoint (line $saved_lines is the last one before it):"
sed -n "$((saved_lines - 2)),$((saved_lines + 3))p" "$LOG" |
	awk -v n="$saved_lines" '{ printf "  %s%s\n", $0, (NR == 3 ? "   <- checkpoint" : "") }'
first=$(sed -n "$((saved_lines + 1))p" "$LOG")
[ "$first" = "count $((saved + 1))" ] ||
	fail "after the restart the counter wrote '$first', expected 'count $((saved + 1))'"

step "Ask the restarted counter to check its memory (SIGUSR1)"
rpid=$(head -n 1 $CG/demo/b/cgroup.procs)
[ -n "$rpid" ] || fail "demo/b has no task"
run kill -USR1 "$rpid"
wait_for 10 test -s "$STATE/result" || fail "no answer to SIGUSR1"
run cat "$STATE/result"
grep -q '^OK count' "$STATE/result" || fail "the counter reports: $(cat "$STATE/result")"

step "Done: the counter was checkpointed at count $saved, killed, and restarted in demo/b at count $((saved + 1))"
