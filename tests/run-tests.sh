#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-tests.sh: runs the bats tests of the ckpt controller.  Meant for the
# test guest (make test), as root, from the repository root, with the
# workloads already built on the host (make -C tests/workloads).
#
#   CKPT_TEST_FILTER=REGEX	only tests whose name matches (bats --filter)
#   CKPT_TEST_TIMEOUT=SEC	bound of each wait in the tests (default 30)
#
# Prints the TAP stream, then as its last line "N passed, M failed, K skipped";
# exits 1 if anything failed.

set -u -o pipefail

cd "$(dirname "$0")/.." || exit 2
CGROOT=/sys/fs/cgroup
export CKPT_TEST_PARENT=$CGROOT/test

summary() {	# summary PASSED FAILED SKIPPED
	echo "$1 passed, $2 failed, $3 skipped"
	[ "$2" = 0 ]
	exit $?
}

env_fail() {
	echo "run-tests: $*"
	summary 0 1 0
}

[ "$(id -u)" = 0 ] || env_fail "must run as root"
[ "$(stat -f -c %T $CGROOT 2>/dev/null)" = cgroup2fs ] ||
	env_fail "no cgroup2 file system on $CGROOT"
for p in cgwrite spawn reaper counter; do
	[ -x tests/workloads/bin/$p ] ||
		env_fail "tests/workloads/bin/$p missing: run make -C tests/workloads on the host"
done
command -v bats >/dev/null || env_fail "bats is not installed"

grep -qw ckpt $CGROOT/cgroup.controllers ||
	env_fail "the kernel has no ckpt controller ($(cat $CGROOT/cgroup.controllers))"
echo +ckpt > $CGROOT/cgroup.subtree_control || env_fail "cannot enable +ckpt at the root"
if [ -d $CKPT_TEST_PARENT ]; then
	# a leftover of an earlier run on the same system
	find $CKPT_TEST_PARENT -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null
fi
mkdir -p $CKPT_TEST_PARENT || env_fail "cannot create $CKPT_TEST_PARENT"
echo +ckpt > $CKPT_TEST_PARENT/cgroup.subtree_control ||
	env_fail "cannot enable +ckpt in $CKPT_TEST_PARENT"

# The kernel log of the boot, with the results of the KUnit tests that ran
# in it (bats/01-kunit.bats), kept before the tests fill the ring buffer.
export CKPT_BOOT_LOG=/tmp/ckpt-boot.log
dmesg > "$CKPT_BOOT_LOG" 2>/dev/null || rm -f "$CKPT_BOOT_LOG"

args=(--tap)
[ -n "${CKPT_TEST_FILTER:-}" ] && args+=(--filter "$CKPT_TEST_FILTER")

echo "# kernel $(uname -r), $(nproc) CPUs, tests in tests/bats/"
tap=$(mktemp /tmp/ckpt-tests.XXXXXX.tap)
# The reaper is the subreaper of everything the tests start: detached
# workloads and restarted tasks are reaped as soon as they die, so their
# pids are free for the next restart.
tests/workloads/bin/reaper bats "${args[@]}" tests/bats/ | tee "$tap"
bats_rc=${PIPESTATUS[0]}

passed=$(grep -Ec '^ok [0-9]+' "$tap")
skipped=$(grep -Ec '^ok [0-9]+ .*# skip' "$tap")
failed=$(grep -Ec '^not ok [0-9]+' "$tap")
passed=$((passed - skipped))
rm -f "$tap"
rmdir $CKPT_TEST_PARENT 2>/dev/null

if [ "$bats_rc" != 0 ] && [ "$failed" = 0 ]; then
	echo "run-tests: bats exited with status $bats_rc but reported no failed test" >&2
	failed=1
fi
summary "$passed" "$failed" "$skipped"
