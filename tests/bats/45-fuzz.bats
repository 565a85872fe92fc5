#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# The short mode of the restart fuzzer (make fuzz is the long one):
# tests/fuzz/restart-fuzz.sh with CKPT_FUZZ_SHORT_N (default 40) mutated
# images of each of a few workloads.  Every restart fails with an errno and
# a reason or succeeds, and leaves no task, no busy pid, no fd of the
# restarter, no SysV or POSIX IPC object, no kernel report and no gross
# slab growth behind.  40 images cannot tell a leak of a few objects an
# image from caches that settle (anon_vma_chain grew by 35, then 98, over
# 40 tree images once, kmalloc-16 by 161, then 69): the short mode only
# fails on more than 128 + N/16 objects in each half; make fuzz (120
# images a workload) and its kmemleak variant look for small leaks.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

@test "fuzz: mutated images of 5 workloads, nothing left behind" {
	local n=${CKPT_FUZZ_SHORT_N:-40}

	track_group "$PARENT/fuzz-a"
	track_group "$PARENT/fuzz-b"
	cd "$REPO"
	run env CKPT_FUZZ_N="$n" CKPT_FUZZ_WL="tree sockets-named sysvipc listeners tcpconn" \
		CKPT_FUZZ_SLAB_TOL=128 \
		CKPT_FUZZ_PARENT="$PARENT" CKPT_FUZZ_DIR="$T/fuzz" \
		tests/fuzz/restart-fuzz.sh
	echo "$output" | grep '^fuzz:'
	[ "$status" = 0 ]
	grep -qx "fuzz: PASS $((5 * n)) images, 0 kernel reports, 0 leftovers" <<< "$output"
	# the mutations reached restart: several errnos, not only a CRC error
	[ "$(grep -Eo '(E[A-Z0-9]+|OK) [0-9]+' <<< "$output" | sort -u -k1,1 | wc -l)" -ge 3 ]
}
