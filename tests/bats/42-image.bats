#!/usr/bin/env bats
# shellcheck disable=SC2154,SC2030,SC2031 # $pid, $last, $status: set by helpers and bats
# SPDX-License-Identifier: GPL-2.0
#
# Restart from damaged images: refused with the documented errno, nothing
# left behind (empty group, free pid), and the intact image still restarts.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

# bad_image MUTATION ERRNO...: MUTATION (a function of the image path)
# damages a copy of a good image; restart from it fails with one of ERRNO.
bad_image() {
	local mutate=$1 size

	shift
	G=$(new_group a)
	checkpoint_kill_counter "$G" "$T/img"
	size=$(file_size "$T/img")
	cp "$T/img" "$T/bad"
	"$mutate" "$T/bad" "$size"
	refute cmp -s "$T/img" "$T/bad"
	image_in "$G" "$T/bad"
	ensure_write_fail "$G/ckpt.trigger" restart "$@"
	populated_is "$G" 0
	gone "$pid"
	state_is "$G" last_op restart
	state_is "$G" last_result failed
	[ "$(state_get "$G" errno)" -gt 0 ]
	grep '^error' "$G/ckpt.state"
	# the failure left nothing behind: the good image restarts
	n=$(log_lines "$T/c/log")
	restart "$G" "$T/img"
	[ "$(procs_of "$G")" = "$pid" ]
	wait_count "$T/c/log" "$last"
	[ "$(nth_count "$T/c/log" $((n + 1)))" = $((last + 1)) ]
}

flip_middle() { set_byte "$1" $(($2 / 2)) $(($(byte_at "$1" $(($2 / 2))) ^ 0xff)); }
flip_crc() { set_byte "$1" $(($2 - 8)) $(($(byte_at "$1" $(($2 - 8))) ^ 0x01)); }
truncate_half() { truncate -s $(($2 / 2)) "$1"; }
truncate_trailer() { truncate -s $(($2 - TRAILER_LEN)) "$1"; }
truncate_header() { truncate -s "$HDR_LEN" "$1"; }
truncate_short_header() { truncate -s 20 "$1"; }
bad_magic() { set_byte "$1" 0 0x58; }		# "XXCKPT"
bad_version() { set_byte "$1" 8 2; }
bad_arch() { set_byte "$1" 16 99; }
bad_header_len() { set_byte "$1" 12 200; }
bad_flags() { set_byte "$1" 36 1; }
bad_tasks() { set_byte "$1" 32 0; }
# the first record (the task table) claims more than the record limit
bad_rec_len() { set_byte "$1" $((HDR_LEN + 6)) 0x7f; }
bad_rec_type() { set_byte "$1" $((HDR_LEN + 1)) 0x7e; }

@test "image: a byte flipped in the middle fails EBADMSG or EINVAL" {
	bad_image flip_middle EBADMSG EINVAL
}

@test "image: a wrong CRC fails EBADMSG" {
	bad_image flip_crc EBADMSG
}

@test "image: truncated to half fails ENODATA or EINVAL" {
	bad_image truncate_half ENODATA EINVAL
}

@test "image: without its trailer fails ENODATA or EINVAL" {
	bad_image truncate_trailer ENODATA EINVAL
}

@test "image: only a header fails ENODATA or EINVAL" {
	bad_image truncate_header ENODATA EINVAL
}

@test "image: a short header or an empty file fails ENODATA or EINVAL" {
	bad_image truncate_short_header ENODATA EINVAL
	echo 1 > "$G/cgroup.kill"
	wait_until gone "$pid"
	cp "$T/img" "$T/empty"
	: > "$T/empty"
	image_in "$G" "$T/empty"
	ensure_write_fail "$G/ckpt.trigger" restart ENODATA EINVAL
	populated_is "$G" 0
}

@test "image: a wrong magic fails EINVAL" {
	bad_image bad_magic EINVAL
}

@test "image: a wrong version fails EINVAL" {
	bad_image bad_version EINVAL
}

@test "image: a wrong arch fails EINVAL" {
	bad_image bad_arch EINVAL
}

@test "image: a wrong header length, flags or task count fails EINVAL" {
	bad_image bad_header_len EINVAL EBADMSG
	echo 1 > "$G/cgroup.kill"
	wait_until gone "$pid"
	for m in bad_flags bad_tasks; do
		cp "$T/img" "$T/bad"
		"$m" "$T/bad"
		image_in "$G" "$T/bad"
		ensure_write_fail "$G/ckpt.trigger" restart EINVAL EBADMSG
		populated_is "$G" 0
	done
}

@test "image: a malformed record (length, type) fails EINVAL" {
	bad_image bad_rec_len EINVAL EBADMSG ENODATA
	echo 1 > "$G/cgroup.kill"
	wait_until gone "$pid"
	cp "$T/img" "$T/bad"
	bad_rec_type "$T/bad"
	image_in "$G" "$T/bad"
	ensure_write_fail "$G/ckpt.trigger" restart EINVAL EBADMSG
	populated_is "$G" 0
}

# Registers are stored sparse (CKPT_REC_REGSET_SPARSE): a bitmap of the
# 8-byte words stored, then those words.
sparse_past_end() {	# the general registers (27 words) claim word 63
	"$BATS_TEST_DIRNAME/imgpatch.py" "$1" 0x0203 0 23 1 0x80
}
sparse_short() {	# a regset of 8 bytes, but more words stored
	"$BATS_TEST_DIRNAME/imgpatch.py" "$1" 0x0203 0 12 4 8
}

@test "image: sparse registers whose bitmap and words disagree fail EINVAL" {
	G=$(new_group a)
	checkpoint_kill_counter "$G" "$T/img"
	for m in sparse_past_end sparse_short; do
		cp "$T/img" "$T/bad"
		"$m" "$T/bad"
		refute cmp -s "$T/img" "$T/bad"
		image_in "$G" "$T/bad"
		ensure_write_fail "$G/ckpt.trigger" restart EINVAL
		grep '^error' "$G/ckpt.state"
		grep -q '^error.*malformed registers' "$G/ckpt.state"
		populated_is "$G" 0
		gone "$pid"
	done
	restart "$G" "$T/img"
	[ "$(procs_of "$G")" = "$pid" ]
}

# A private anonymous area is a CKPT_REC_VMA_ANON (start 8, nr_pages 16,
# flags 20, prot 22), its pages CKPT_REC_PAGES_RUN (addr 8); imgpatch.py
# fails if the image has none.
@test "image: short memory area and page run records that do not add up fail EINVAL" {
	G=$(new_group a)
	checkpoint_kill_counter "$G" "$T/img"
	for m in "0x0304 0 16 4 0:memory area" "0x0304 0 20 2 8:memory area" \
		 "0x0304 0 22 1 0x10:memory area" "0x0305 0 8 8 0x1000:page record"; do
		cp "$T/img" "$T/bad"
		# shellcheck disable=SC2086
		"$BATS_TEST_DIRNAME/imgpatch.py" "$T/bad" ${m%%:*}
		image_in "$G" "$T/bad"
		ensure_write_fail "$G/ckpt.trigger" restart EINVAL
		grep '^error' "$G/ckpt.state"
		grep -q "^error.*malformed ${m#*:}" "$G/ckpt.state"
		populated_is "$G" 0
		gone "$pid"
	done
	restart "$G" "$T/img"
	[ "$(procs_of "$G")" = "$pid" ]
}

# Images of earlier checkpoints have every area as a CKPT_REC_VMA and every
# run as a CKPT_REC_PAGES with a page count; imglong.py rewrites a new
# image that way (and fails if it has no short record).
@test "image: the long memory records of earlier checkpoints still restart" {
	G=$(new_group a)
	wl_start "$G" m memcheck -m 4 -s 4242
	wl_check "$pid" m
	maps_of "$pid" > "$T/maps.before"
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	cp "$T/img" "$T/long"
	"$BATS_TEST_DIRNAME/imglong.py" "$T/long"
	[ "$(file_size "$T/long")" -gt "$(file_size "$T/img")" ]
	restart "$G" "$T/long"
	maps_of "$pid" > "$T/maps.after"
	diff -u "$T/maps.before" "$T/maps.after"
	wl_check "$pid" m
}

@test "image: a root's exit signal is SIGCHLD to the restarter, whatever the image says" {
	G=$(new_group a)
	checkpoint_kill_counter "$G" "$T/img"
	cp "$T/img" "$T/bad"
	# exit_signal (byte 36 of the CKPT_REC_TASK) made SIGINT
	"$BATS_TEST_DIRNAME/imgpatch.py" "$T/bad" 0x0101 0 36 4 2
	restart "$G" "$T/bad"
	[ "$(procs_of "$G")" = "$pid" ]
	# field 38 of /proc/PID/stat: the signal the parent gets at exit
	[ "$(awk '{ print $38 }' /proc/"$pid"/stat)" = 17 ]
}
