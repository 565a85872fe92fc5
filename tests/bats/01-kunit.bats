#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# The KUnit tests of the controller (CONFIG_CKPT_KUNIT_TEST, built into the
# test kernel): the image reader, the task table reader, the object table
# and the ckpt.exclude parser run at boot and print KTAP to the kernel log.
# This reads them: every ckpt suite must have run, finished and passed.

load helpers

@test "kunit: the ckpt suites ran at boot and passed" {
	local log=$BATS_TEST_TMPDIR/kernel.log

	# run-tests.sh saves the log before the tests can push the boot out
	# of the ring buffer; dmesg when run otherwise
	if [ -s "${CKPT_BOOT_LOG:-}" ]; then
		cp "$CKPT_BOOT_LOG" "$log"
	else
		dmesg > "$log"
	fi
	run "$REPO/tests/kunit-results.sh" < "$log"
	echo "$output"
	[ "$status" = 0 ]
}
