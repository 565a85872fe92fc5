#!/usr/bin/env bats
# shellcheck disable=SC2154,SC2030,SC2031 # $pid, $status: set by helpers and bats
# SPDX-License-Identifier: GPL-2.0
#
# ckpt.exclude "files": by default (a new group's set) the contents of
# regular files are left out, files are reopened by path and a changed one
# fails the restart; with -files the image holds the contents of the files
# open through an fd or mapped MAP_SHARED, and restart puts them back (size,
# bytes, holes) before reopening them, offsets as they were.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

# blocks_of FILE: 512-byte blocks allocated
blocks_of() { stat -c %b "$1"; }

@test "exclude: files is in the default set; a changed file still fails ESTALE" {
	G=$(new_group a)
	[ "$(cat "$G/ckpt.exclude")" = files ]
	wl_start "$G" w fwriter
	size=$(file_size "$T/w/data")
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	[ "$(le64_at "$T/img" 24)" = 16 ]	# CKPT_EXCL_FILES
	run "$CKPT" info "$T/img"
	[ "$status" = 0 ]
	grep -q "^  exclude: files$" <<< "$output"
	grep -Eq "^  file \[[0-9]+\] reg $T/w/data, O_RDWR[^,]*, .*pos $size, size $size$" <<< "$output"
	refute grep -q "regfile" <<< "$output"
	truncate -s 10 "$T/w/data"
	image_in "$G" "$T/img"
	ensure_write_fail "$G/ckpt.trigger" restart ESTALE
	assert_failed "$G" ESTALE
	grep -qxF "error pid $pid: $T/w/data changed since the checkpoint: size 10, was $size; restart with skip-file-check to accept it" \
		"$G/ckpt.state"
	populated_is "$G" 0
	[ "$(file_size "$T/w/data")" = 10 ]
}

@test "exclude: -files saves the contents; restart puts the files back, the program goes on" {
	G=$(new_group a)
	echo -files > "$G/ckpt.exclude"
	[ "$(cat "$G/ckpt.exclude")" = "" ]
	wl_start "$G" w fwriter
	wl_check "$pid" w
	size=$(file_size "$T/w/data")
	md5sum < "$T/w/data" > "$T/data.md5"
	md5sum < "$T/w/map" > "$T/map.md5"
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	[ "$(le64_at "$T/img" 24)" = 0 ]
	run "$CKPT" info "$T/img"
	[ "$status" = 0 ]
	grep -q "^  exclude: none$" <<< "$output"
	grep -Eq "^  regfile \[[0-9]+\] $T/w/data, mode 0100644, size $size, contents follow$" <<< "$output"
	grep -Eq "^  file \[[0-9]+\] reg\+contents $T/w/data, O_RDWR[^,]*, .*pos $size, .*contents \[[0-9]+\]$" <<< "$output"
	# the file mapped MAP_SHARED, its fd closed, is saved too
	grep -Eq "^  regfile \[[0-9]+\] $T/w/map, mode 0100644, size 16K, contents follow$" <<< "$output"
	# the hole is not in the image: data (12K + 8K at most) and the map
	n=$(grep -Eo ', [0-9]+ bytes of file contents,' <<< "$output" | tr -dc 0-9)
	[ "$n" -lt $((size / 2)) ]
	[ "$n" -ge $((10000 + 5000 + 16384)) ]
	# changed outside: truncated, and the mapped file overwritten
	truncate -s 10 "$T/w/data"
	head -c 16384 /dev/zero > "$T/w/map"
	restart "$G" "$T/img"
	[ "$(file_size "$T/w/data")" = "$size" ]
	md5sum < "$T/w/data" | diff -u "$T/data.md5" -
	md5sum < "$T/w/map" | diff -u "$T/map.md5" -
	# still sparse
	[ $(($(blocks_of "$T/w/data") * 512)) -lt $((size / 2)) ]
	# the offset is as it was, and the program writes on from there
	wl_check "$pid" w
	wl_check "$pid" w
	[ "$(file_size "$T/w/data")" = $((size + 200)) ]
}

@test "exclude: -files restart refuses a path that is no longer a file, creates a missing one" {
	G=$(new_group a)
	echo -files > "$G/ckpt.exclude"
	wl_start "$G" w fwriter
	md5sum < "$T/w/data" > "$T/data.md5"
	# not what the program's umask (022) would give a new file
	chmod 666 "$T/w/data"
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	# damaged: a piece of another file
	damaged_restart_fails "$T/img" "0x0711 0 8 4 0 malformed regular file data record"
	rm "$T/w/data"
	mkdir "$T/w/data"
	image_in "$G" "$T/img"
	ensure_write_fail "$G/ckpt.trigger" restart ESTALE
	assert_failed "$G" ESTALE
	grep -qxF "error pid $pid: $T/w/data: no longer a regular file; cannot put its contents back" \
		"$G/ckpt.state"
	populated_is "$G" 0
	rmdir "$T/w/data"
	restart "$G" "$T/img"
	md5sum < "$T/w/data" | diff -u "$T/data.md5" -
	[ "$(stat -c %a "$T/w/data")" = 666 ]
	wl_check "$pid" w
}
