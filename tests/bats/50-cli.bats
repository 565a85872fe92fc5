#!/usr/bin/env bats
# shellcheck disable=SC2154,SC2030,SC2031 # $pid, $last, $status: set by helpers and bats
# SPDX-License-Identifier: GPL-2.0
#
# The ckpt tool (tools/ckptfs-util) on top of the controller.

load helpers

setup() {
	common_setup
	[ -x "$CKPT" ] || { echo "no ckpt tool at $CKPT" >&2; return 1; }
}
teardown() { common_teardown; }

rel() { echo "${1#"$CGROOT"/}"; }

# in_areas ADDR FILE: ADDR (0x...) lies in one of the START-END lines of FILE.
in_areas() {
	local a s e

	a=$(printf %d "$1")
	while IFS=- read -r s e; do
		[ "$a" -ge $((16#$s)) ] && [ "$a" -lt $((16#$e)) ] && return 0
	done < "$2"
	return 1
}

@test "cli: a same-host pipe whose restart needs a pid still in use fails on both ends, cleanly" {
	# Until the original is killed (after its image is complete) its pid
	# is taken, and the image cannot complete while nobody reads it: the
	# restart refuses at once, the checkpoint loses its reader, and the
	# original keeps running.  (Across hosts, or once the pid is free,
	# a pipe works: see the next test.)
	G=$(new_group a)
	G2=$(new_group b)
	wl_start "$G" c counter 50
	wait_count "$T/c/log" 3
	run bash -c '"$1" -q checkpoint "$2" -o - --kill | "$1" -q restart "$3" -i -
		     echo "status ${PIPESTATUS[*]}"' _ "$CKPT" "$(rel "$G")" "$G2"
	[[ "$output" == *"status 1 1"* ]]
	state_is "$G2" last_result failed
	state_is "$G2" errno 16
	state_is "$G2" error "pid $pid: the pid is in use"
	populated_is "$G2" 0
	state_is "$G" last_result failed
	state_is "$G" errno 32
	assert_running "$G" "$pid" "$T/c/log"
}

@test "cli: checkpoint to a pipe, then restart from a pipe" {
	G=$(new_group a)
	wl_start "$G" c counter 50
	wait_count "$T/c/log" 3
	set -o pipefail
	"$CKPT" -q checkpoint "$G" -o - --kill | cat > "$T/img"
	wait_until gone "$pid"
	last=$(last_count "$T/c/log")
	[ "$(file_size "$T/img")" = "$(state_get "$G" bytes)" ]
	"$CKPT" info "$T/img" > /dev/null
	# shellcheck disable=SC2002 # stdin must be a pipe, not the file
	out=$(cat "$T/img" | "$CKPT" -q restart "$G" -i -)
	[ "$out" = "$pid" ]
	wait_count "$T/c/log" "$last"
	wl_check "$pid" c
}

@test "cli: checkpoint --kill to a file, restart --frozen" {
	G=$(new_group a)
	wl_start "$G" c counter 50
	wait_count "$T/c/log" 3
	"$CKPT" checkpoint "$G" -o "$T/img" --kill
	wait_until gone "$pid"
	last=$(last_count "$T/c/log")
	[ "$(file_size "$T/img")" = "$(state_get "$G" bytes)" ]
	run "$CKPT" restart "/$(rel "$G")" -i "$T/img" --frozen
	[ "$status" = 0 ]
	[ "${lines[-1]}" = "$pid" ]
	[ "$(cat "$G/cgroup.freeze")" = 1 ]
	state_is "$G" frozen_us 0
	echo 0 > "$G/cgroup.freeze"
	wait_count "$T/c/log" "$last"
	wl_check "$pid" c
}

@test "cli: info shows the task and its memory areas" {
	G=$(new_group a)
	wl_start "$G" m memcheck -m 1
	"$CKPT" -q checkpoint "$G" -o "$T/img" --frozen
	run "$CKPT" info "$T/img"
	echo "$output"
	[ "$status" = 0 ]
	grep -Eq "^task $pid \"memcheck\"" <<< "$output"
	# every area memcheck made lies in an area shown
	grep -Eo '^ *[0-9a-f]{12}-[0-9a-f]{12}' <<< "$output" | tr -d ' ' > "$T/areas"
	[ -s "$T/areas" ]
	while read -r area addr _; do
		in_areas "$addr" "$T/areas" || {
			echo "$area at $addr is in no area shown"
			return 1
		}
	done < "$T/m/info"
	grep -q "$T/m/mapfile" <<< "$output"
	# and from a pipe
	"$CKPT" info - < "$T/img" > /dev/null
	# a damaged image is refused
	set_byte "$T/img" $(($(file_size "$T/img") - 8)) 0
	set_byte "$T/img" $(($(file_size "$T/img") - 7)) 0
	run "$CKPT" info "$T/img"
	[ "$status" = 1 ]
}

@test "cli: exclude and state" {
	G=$(new_group a)
	[ "$("$CKPT" exclude "$G")" = files ]
	"$CKPT" exclude "$(rel "$G")" +anon
	[ "$(cat "$G/ckpt.exclude")" = "anon files" ]
	[ "$("$CKPT" exclude "$G")" = "anon files" ]
	run "$CKPT" exclude "$G" -anon +bogus
	[ "$status" -ne 0 ]
	[ "$(cat "$G/ckpt.exclude")" = "anon files" ]
	"$CKPT" exclude "$G" -anon -files +ipc
	[ "$(cat "$G/ckpt.exclude")" = ipc ]
	"$CKPT" exclude "$G" -ipc
	[ "$(cat "$G/ckpt.exclude")" = "" ]
	run "$CKPT" state "$G"
	[ "$status" = 0 ]
	grep -q idle <<< "$output"
}

@test "cli: exit status 1 when the kernel refuses, 2 on usage errors, 3 on environment errors" {
	G=$(new_group a)
	run "$CKPT" checkpoint "$G" -o "$T/img"
	[ "$status" = 1 ]
	grep -qi 'no tasks\|ESRCH\|No such process' <<< "$output"
	run "$CKPT"
	[ "$status" = 2 ]
	run "$CKPT" checkpoint "$G"
	[ "$status" = 2 ]
	run "$CKPT" checkpoint "$G" -o "$T/img" --frozen --kill
	[ "$status" = 2 ]
	run "$CKPT" checkpoint "$(rel "$G")-nosuch" -o "$T/img"
	[ "$status" = 3 ]
}

bytes_above() { [ "$(state_get "$1" bytes)" -gt "$2" ]; }

@test "cli: ckpt.state counts the bytes of a checkpoint while it runs" {
	# The image goes to a FIFO nobody reads yet: the checkpoint blocks on
	# it, and ckpt.state shows how far it got.
	G=$(new_group a)
	wl_start "$G" m memcheck -m 4
	mkfifo "$T/fifo"
	"$CKPT" -q checkpoint "$G" -o - > "$T/fifo" &
	ck=$!
	exec {r}< "$T/fifo"
	wait_until state_is "$G" state checkpointing
	wait_until bytes_above "$G" 0
	b=$(state_get "$G" bytes)
	state_is "$G" state checkpointing
	cat <&"$r" > "$T/img"
	exec {r}<&-
	wait "$ck"
	state_is "$G" last_result ok
	[ "$b" -lt "$(state_get "$G" bytes)" ]
	[ "$(file_size "$T/img")" = "$(state_get "$G" bytes)" ]
	wl_check "$pid" m
}

@test "cli: checkpoint --progress draws the bytes written so far" {
	G=$(new_group a)
	wl_start "$G" m memcheck -m 4
	# the reader starts late: the progress lines show a checkpoint under way
	set -o pipefail
	"$CKPT" checkpoint "$G" -o - --progress 2> "$T/err" | { sleep 3; cat > "$T/img"; }
	cat "$T/err"
	[ "$(file_size "$T/img")" = "$(state_get "$G" bytes)" ]
	# not on a terminal: one line per change, against an estimate
	grep -Eq '^ckpt: checkpoint .* \[[#.]{20}\] +[0-9]% [1-9][0-9.]* [KM]iB of ~[0-9.]+ MiB, [0-9.]+ [KM]iB/s$' "$T/err"
	grep -Eq "^ckpt: checkpointed .*: 1 task, $(state_get "$G" bytes) bytes, .* ms, frozen .* ms$" "$T/err"
	"$CKPT" info "$T/img" > /dev/null
	# -q: no progress
	"$CKPT" -q checkpoint "$G" -o "$T/img2" --progress 2> "$T/err2"
	[ ! -s "$T/err2" ]
	wl_check "$pid" m
}
