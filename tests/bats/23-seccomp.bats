#!/usr/bin/env bats
# shellcheck disable=SC2154 # $pid: set by helpers
# SPDX-License-Identifier: GPL-2.0
#
# seccomp: each process gets its own filter chain back, in order; threads
# share their leader's again (a later SECCOMP_FILTER_FLAG_TSYNC works);
# strict mode stays strict.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

# seccomp_view PID...: "tid state Seccomp Seccomp_filters" of every thread
seccomp_view() {
	local p

	for p in "$@"; do
		awk 'FNR == 1 && NR > 1 { print pid, st, m, f }
		     /^Pid:/ { pid = $2 } /^State:/ { st = $2 }
		     /^Seccomp:/ { m = $2 } /^Seccomp_filters:/ { f = $2 }
		     END { print pid, st, m, f }' /proc/"$p"/task/*/status
	done
}

@test "seccomp: filters of each process, a chain shared by threads, strict mode" {
	G=$(new_group a)
	wl_start "$G" s seccomp
	wl_check "$pid" s
	read -r _ c _ s < "$T/s/info"
	seccomp_view "$pid" "$c" "$s" > "$T/before"
	cat "$T/before"
	# the parent and its thread: A, B, D; the child: A; strict: stopped
	grep -qx "$pid S 2 3" "$T/before"
	[ "$(grep -c ' S 2 3$' "$T/before")" = 2 ]
	grep -qx "$c S 2 1" "$T/before"
	grep -qx "$s T 1 0" "$T/before"
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	"$CKPT" info "$T/img" > "$T/info"
	[ "$(grep -c 'seccomp: filter' "$T/info")" = 4 ]
	[ "$(grep -c 'seccomp: strict' "$T/info")" = 1 ]
	restart "$G" "$T/img"
	seccomp_view "$pid" "$c" "$s" | diff -u "$T/before" -
	# every errno as before, and TSYNC finds the thread on the same chain
	wl_check "$pid" s
	# strict mode still kills on getpid()
	kill -USR2 "$pid"
	[ "$(wl_result s 3)" = "OK strict killed" ]
	grep -qx 'strict alive' "$T/s/log"
}

@test "seccomp: a writer under seccomp cannot read filters: EPERM, the group runs on" {
	G=$(new_group a)
	wl_start "$G" s seccomp
	image_out "$G" "$T/img"
	run "$WL/seccomp" -x "$WL/cgwrite" "$G/ckpt.trigger" checkpoint
	echo "$output"
	[ "$output" = EPERM ]
	assert_failed "$G" EPERM
	state_get "$G" error | grep -q "cannot read seccomp filter 0.*needs CAP_SYS_ADMIN and no seccomp filter of its own"
	[ "$(cat "$G/cgroup.freeze")" = 0 ]
	wait_until frozen_is "$G" 0
	wl_check "$pid" s
}

@test "seccomp: a filter this kernel's checker refuses fails the restart, no task left" {
	G=$(new_group a)
	wl_start "$G" s seccomp
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	# the first instruction of the first filter becomes an unknown opcode
	python3 - "$T/img" "$HDR_LEN" <<'PY'
import struct, sys
path, o = sys.argv[1], int(sys.argv[2])
b = bytearray(open(path, 'rb').read())
while o + 8 <= len(b):
    t, l = struct.unpack_from('<II', b, o)
    if t == 0x0104 and struct.unpack_from('<I', b, o + 8)[0] == 2:
        struct.pack_into('<H', b, o + 24, 0xffff)
        break
    o += (l + 7) & ~7
else:
    sys.exit('no seccomp filter record')
open(path, 'wb').write(b)
PY
	image_in "$G" "$T/img"
	run "$WL/cgwrite" "$G/ckpt.trigger" restart
	[ "$output" = EINVAL ]
	assert_failed "$G" EINVAL
	state_get "$G" error | grep -q "pid $pid: cannot install seccomp filter 0 (error -22)"
	wait_until populated_is "$G" 0
	gone "$pid"
}
