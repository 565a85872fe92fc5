#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Tests of the ckpt tool that need no ckpt kernel:
#  - "ckpt info" on synthetic images from mkimage.py: valid, through a pipe,
#    JSON, unknown records, truncated at many offsets, bit-flipped; under
#    ASan/UBSan (build/ckpt-asan) and valgrind;
#  - "ckpt format", and the JSON writer alone (build/jsonw-test);
#  - the cgroup commands against a fake cgroup tree of plain files
#    (CKPT_CGROUP_ROOT).
#
# Environment: FULL=1 truncates at every 8 bytes of the image (slow);
# VALGRIND=0 skips valgrind; FLIPS=N bit flips (default 300).
set -u

cd "$(dirname "$0")/.." || exit 1
CKPT=$PWD/ckpt
ASAN=$PWD/build/ckpt-asan
[ -x "$ASAN" ] || ASAN=$CKPT
MKIMAGE=$PWD/test/mkimage.py
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

pass=0
fail=0

ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }

# expect CODE DESCRIPTION -- COMMAND...: run, compare the exit status
expect() {
	local want=$1 what=$2 rc
	shift 3
	"$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then
		ok
	else
		ko "$what: exit $rc, expected $want"
		sed 's/^/    /' "$TMP/err" >&2
	fi
}

# grep_in FILE PATTERN DESCRIPTION
grep_in() {
	if grep -q -e "$2" "$1"; then ok; else ko "$3: no '$2' in $(basename "$1")"; sed 's/^/    /' "$1" >&2; fi
}

json_ok() {
	if python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$1" 2>/dev/null; then
		ok
	else
		ko "$2: invalid JSON"
		head -c 2000 "$1" >&2
	fi
}

############################################################ info

python3 "$MKIMAGE" -o "$TMP/good.img" || exit 1
python3 "$MKIMAGE" --unknown -o "$TMP/unknown.img"
python3 "$MKIMAGE" --exclude-anon -o "$TMP/excl.img"
python3 "$MKIMAGE" --page-size 65536 -o "$TMP/64k.img"

expect 0 "info good" -- "$ASAN" info "$TMP/good.img"
grep_in "$TMP/out" '^image OK (59 records, CRC 0x' "info good"
grep_in "$TMP/out" 'regset NT_386_TLS (0x200): 64 bytes (24 stored)' "sparse regset"
grep_in "$TMP/out" 'thread 201: syscall 230 (clock_nanosleep), resumed by restart_syscall' "thread state"
grep_in "$TMP/out" '7f0000000000-7f0000010000 rw- -  *64K \[anon\] 16' "area line"
grep_in "$TMP/out" 'fd 5 -> \[2\] /dev/null (O_RDWR, pos 0) cloexec' "fd line"
grep_in "$TMP/out" 'signal SIGPIPE *SIG_IGN' "sighand"
grep_in "$TMP/out" '^totals: 2 tasks, 3 threads, 10 areas, 48 pages' "totals"

expect 0 "info via a pipe" -- sh -c "cat '$TMP/good.img' | '$ASAN' info -"
grep_in "$TMP/out" '^image OK' "info via a pipe"

expect 0 "info --pages" -- "$ASAN" info --pages "$TMP/good.img"
grep_in "$TMP/out" 'pages 000000700000-000000702000 (2)' "info --pages"

expect 0 "info --json" -- "$ASAN" info --json --pages "$TMP/good.img"
json_ok "$TMP/out" "info --json"
grep_in "$TMP/out" '"ok": true' "info --json"
expect 0 "global --json" -- "$ASAN" --json info "$TMP/good.img"
json_ok "$TMP/out" "global --json"

expect 0 "info unknown record" -- "$ASAN" info "$TMP/unknown.img"
grep_in "$TMP/out" 'unknown record 0x0999 (13 bytes)' "unknown record"
expect 0 "info exclude anon" -- "$ASAN" info "$TMP/excl.img"
grep_in "$TMP/out" 'exclude: anon' "exclude anon header"
grep_in "$TMP/out" 'rw- excluded  *64K \[anon\] 0' "excluded area"
expect 0 "info 64K pages" -- "$ASAN" info "$TMP/64k.img"

# Signed images: the header flag and the MAC record before the trailer
grep_in "$TMP/out" '^  signed: no$' "unsigned image"
python3 "$MKIMAGE" --mac -o "$TMP/mac.img"
expect 0 "info signed" -- "$ASAN" info "$TMP/mac.img"
grep_in "$TMP/out" '^  signed: yes' "signed header"
grep_in "$TMP/out" '^mac: HMAC-SHA256 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f$' "mac record"
expect 0 "info signed json" -- "$ASAN" info --json "$TMP/mac.img"
json_ok "$TMP/out" "info signed json"
grep_in "$TMP/out" '"signed": true' "signed json"
# the flag without the record, the record without the flag
python3 - "$TMP/mac.img" "$TMP/nomac.img" "$TMP/noflag.img" <<'PY'
import struct, sys, zlib
img = open(sys.argv[1], "rb").read()
tr = len(img) - 32
nrec = struct.unpack_from("<Q", img, tr + 8)[0]
def out(path, body, n):
    crc = zlib.crc32(body) & 0xFFFFFFFF
    open(path, "wb").write(body + struct.pack("<IIQQII", 0xFF, 32, n, len(body), crc, 0))
out(sys.argv[2], img[:tr - 48], nrec - 1)
b = bytearray(img[:tr]); struct.pack_into("<I", b, 36, 0)
out(sys.argv[3], bytes(b), nrec)
PY
expect 1 "info signed without MAC" -- "$ASAN" info "$TMP/nomac.img"
grep_in "$TMP/err" 'a signed image without its MAC record' "signed without MAC"
expect 1 "info MAC without flag" -- "$ASAN" info "$TMP/noflag.img"
grep_in "$TMP/err" 'a MAC in an image whose header does not say it is signed' "MAC without flag"
# ckpt.exclude net and dev: what stands for a TCP connection and a terminal
python3 "$MKIMAGE" --net-dev -o "$TMP/netdev.img"
expect 0 "info net dev" -- "$ASAN" info "$TMP/netdev.img"
grep_in "$TMP/out" '^  exclude: net dev$' "exclude net dev header"
grep_in "$TMP/out" '^  network socket \[30\] TCP, family 2 type 1 protocol 6, state 1, 127.0.0.1:40312 -> 127.0.0.1:5000: left out$' "netsock"
grep_in "$TMP/out" '^  file \[31\] network socket socket:\[4242\] on network socket \[30\], O_RDWR|O_NONBLOCK$' "netsock file"
grep_in "$TMP/out" '^  file \[32\] device left out /dev/pts/3 (rdev 136:3), O_RDWR: /dev/null in its place$' "device left out"
expect 0 "info net dev json" -- "$ASAN" info --json "$TMP/netdev.img"
json_ok "$TMP/out" "info net dev json"
grep_in "$TMP/out" '"peer": "127.0.0.1:5000"' "netsock json"
# the same records in an image that keeps them are refused
python3 "$MKIMAGE" --net-dev -o - | python3 -c '
import sys, struct, zlib
d = bytearray(sys.stdin.buffer.read())
d[24:32] = struct.pack("<Q", 0)
sys.stdout.buffer.write(d)' > "$TMP/netdev-bad.img"
expect 1 "info netsock without net" -- "$ASAN" info "$TMP/netdev-bad.img"
grep_in "$TMP/err" 'network socket 30 in an image that keeps network sockets' "netsock without net"

# Unix sockets: a listener, an accepted connection with a file in flight,
# a datagram socket connected by name
python3 "$MKIMAGE" --unix -o "$TMP/unix.img"
expect 0 "info unix" -- "$ASAN" info "$TMP/unix.img"
grep_in "$TMP/out" '^  unix stream socket: \[20\] bound /run/app.sock 0 queued, listening (backlog 16)$' "unix listener"
grep_in "$TMP/out" '^  unix stream socket pair: \[21\] named /run/app.sock 1 queued, \[22\] 0 queued$' "unix accepted"
grep_in "$TMP/out" '^    queued to end 0: 5 bytes, files \[3\]$' "unix file in flight"
grep_in "$TMP/out" '^  unix dgram socket: \[23\] bound @1a2b3 0 queued, connected to /dev/log$' "unix connect"
expect 0 "info unix json" -- "$ASAN" info --json "$TMP/unix.img"
json_ok "$TMP/out" "info unix json"
grep_in "$TMP/out" '"connect": *"/dev/log"' "unix json connect"
python3 "$MKIMAGE" --unix --unix-bad-fd -o "$TMP/unix-bad.img"
expect 1 "unix file in flight undefined" -- "$ASAN" info "$TMP/unix-bad.img"
grep_in "$TMP/err" 'file 99 in flight is not defined' "unix undefined file in flight"

python3 "$MKIMAGE" --sparse-bad -o "$TMP/sparse-bad.img"
expect 1 "sparse regset past its end" -- "$ASAN" info "$TMP/sparse-bad.img"
grep_in "$TMP/err" 'sparse registers: word 9 of a 64-byte regset' "sparse regset past its end"

# Shared memory, memfd, unlinked file, SysV shm: objects, contents, files
python3 "$MKIMAGE" --shm -o "$TMP/shm.img"
expect 0 "info shm" -- "$ASAN" info "$TMP/shm.img"
grep_in "$TMP/out" '^  shmem \[10\] anon, size 32K$' "shmem anon"
grep_in "$TMP/out" '^  shmem \[12\] memfd "buf", size 4196, seals shrink,grow$' "memfd"
grep_in "$TMP/out" '^  unlinked \[14\] in /tmp/work, mode 0100640, size 12288$' "unlinked"
grep_in "$TMP/out" '^  sysvshm \[16\] shmid 32769 key 0, mode 0600 removed, uid 1000' "sysvshm"
grep_in "$TMP/out" 'file \[13\] memfd /memfd:buf (deleted), .*pos 7, .*object \[12\]' "memfd file"
grep_in "$TMP/out" 'rw- shared,sysv  *8K /SYSV00000000 (deleted) 0' "sysv area"
grep_in "$TMP/out" ', 4 objects with 7 pages stored,' "shm totals"
expect 0 "info shm json" -- "$ASAN" info --json "$TMP/shm.img"
json_ok "$TMP/out" "info shm json"
# contents of an object not defined, a file on the wrong kind of object,
# pages beyond the size of their object
python3 - "$TMP/shm.img" "$TMP/shm-bad" <<'PY'
import struct, sys, zlib
d = bytes(open(sys.argv[1], 'rb').read())

def patch(name, rtype, field_off, value, nth=0):
    b = bytearray(d)
    off, seen = 184, 0
    while off < len(b):
        t, l = struct.unpack_from('<II', b, off)
        if t == rtype:
            if seen == nth:
                struct.pack_into('<I', b, off + field_off, value)
                break
            seen += 1
        off += (l + 7) & ~7
    # fix the CRC so that only the record is wrong
    tl = len(b) - 32
    struct.pack_into('<I', b, tl + 24, zlib.crc32(bytes(b[:tl])) & 0xFFFFFFFF)
    open(sys.argv[2] + '-' + name, 'wb').write(b)

patch('undef', 0x0311, 8, 99)        # SHMEM_PAGES id
patch('kind', 0x0401, 48, 14, 3)     # FILE [11] (shmem) on the unlinked object
patch('beyond', 0x0311, 16, 8)       # SHMEM_PAGES pgoff 8 of an 8-page object
PY
expect 1 "shm pages of an undefined object" -- "$ASAN" info "$TMP/shm-bad-undef"
grep_in "$TMP/err" 'object 99 is not defined before' "shm undefined"
expect 1 "shm file on another kind of object" -- "$ASAN" info "$TMP/shm-bad-kind"
grep_in "$TMP/err" 'object 14 is not a matching object' "shm kind"
expect 1 "shm pages beyond the object" -- "$ASAN" info "$TMP/shm-bad-beyond"
grep_in "$TMP/err" 'beyond the size 32768 of object 10' "shm beyond"
# Regular file contents (ckpt.exclude -files), every exclude class named
python3 "$MKIMAGE" --regfile --exclude 27 -o "$TMP/regfile.img"
expect 0 "info regfile" -- "$ASAN" info --pages "$TMP/regfile.img"
grep_in "$TMP/out" '^  exclude: anon shmem ipc files$' "exclude names"
grep_in "$TMP/out" '^  regfile \[30\] /tmp/data.bin, mode 0100644, size 100000, contents follow$' "regfile"
grep_in "$TMP/out" '^    regfile \[30\] bytes 65536-98304$' "regfile piece"
grep_in "$TMP/out" '^  file \[31\] reg+contents /tmp/data.bin, O_RDWR, .*pos 5000, .*contents \[30\]$' "regfile file"
grep_in "$TMP/out" ', 67232 bytes of file contents,' "regfile totals"
expect 0 "info regfile json" -- "$ASAN" info --json --pages "$TMP/regfile.img"
json_ok "$TMP/out" "info regfile json"
grep_in "$TMP/out" '"file_contents_bytes": *67232' "regfile json totals"
python3 - "$TMP/regfile.img" "$TMP/rf-bad" <<'PY'
import struct, sys, zlib
d = bytes(open(sys.argv[1], 'rb').read())

def patch(name, rtype, field_off, value, nth=0):
    b = bytearray(d)
    off, seen = 184, 0
    while off < len(b):
        t, l = struct.unpack_from('<II', b, off)
        if t == rtype:
            if seen == nth:
                struct.pack_into('<I', b, off + field_off, value)
                break
            seen += 1
        off += (l + 7) & ~7
    tl = len(b) - 32
    struct.pack_into('<I', b, tl + 24, zlib.crc32(bytes(b[:tl])) & 0xFFFFFFFF)
    open(sys.argv[2] + '-' + name, 'wb').write(b)

patch('back', 0x0711, 16, 100, 1)    # second piece at byte 100, before the first ends
patch('beyond', 0x0711, 16, 99000, 2)  # last piece past the size
patch('other', 0x0711, 8, 31, 0)     # a piece of another file
patch('obj', 0x0401, 48, 2, 3)       # FILE [31] on the /dev/null file, not a regfile
PY
expect 1 "regfile piece backwards" -- "$ASAN" info "$TMP/rf-bad-back"
grep_in "$TMP/err" 'contents of regular file 30: 32768 bytes at 100, after 32768' "regfile backwards"
expect 1 "regfile piece beyond" -- "$ASAN" info "$TMP/rf-bad-beyond"
grep_in "$TMP/err" 'in a size of 100000' "regfile beyond"
expect 1 "regfile piece of another file" -- "$ASAN" info "$TMP/rf-bad-other"
grep_in "$TMP/err" 'contents of regular file 31, where none is expected' "regfile other"
expect 1 "reg+contents file without its regfile" -- "$ASAN" info "$TMP/rf-bad-obj"
grep_in "$TMP/err" 'regular file 2 is not defined before' "regfile undefined"
# File locks and SysV IPC: decoded, and damaged records refused
python3 "$MKIMAGE" --ipc -o "$TMP/ipc.img"
expect 0 "info ipc" -- "$ASAN" info "$TMP/ipc.img"
grep_in "$TMP/out" '^  lock posix write fd 0 \[2\] /dev/null, bytes 0-99$' "posix lock"
grep_in "$TMP/out" '^  lock flock read \[3\] .*, bytes 0-EOF$' "flock lock"
grep_in "$TMP/out" '^  lock ofd write \[3\] .*, bytes 100-EOF$' "ofd lock"
grep_in "$TMP/out" '^  sysvsem \[20\] semid 5 key 0x1234, mode 0640, 3 semaphores: 5 0 100 (uid 1000' "sysvsem"
grep_in "$TMP/out" '^  semundo \[20\] semid 5: +1 0 -3$' "semundo"
grep_in "$TMP/out" '^  sysvmsg \[21\] msqid 7 key 0, mode 0600, qbytes 4000, 2 messages' "sysvmsg"
grep_in "$TMP/out" '^  sysvmsg_data \[21\] type 1, 5 bytes$' "sysvmsg data"
grep_in "$TMP/out" '^  mqueue \[22\] /jobs, mode 0640, uid 1000 gid 1000, maxmsg 10, msgsize 8192, 2 messages$' "mqueue"
grep_in "$TMP/out" '^  mqueue_msg \[22\] prio 7, 3 bytes$' "mqueue message"
grep_in "$TMP/out" '^  file \[23\] mqueue /jobs on mqueue \[22\], O_WRONLY|O_NONBLOCK' "mqueue file"
expect 0 "info ipc json" -- "$ASAN" info --json "$TMP/ipc.img"
json_ok "$TMP/out" "info ipc json"
python3 - "$TMP/ipc.img" "$TMP/ipc-bad" <<'PY'
import struct, sys, zlib
d = bytes(open(sys.argv[1], 'rb').read())

def patch(name, rtype, field_off, value, nth=0):
    b = bytearray(d)
    off, seen = 184, 0
    while off < len(b):
        t, l = struct.unpack_from('<II', b, off)
        if t == rtype:
            if seen == nth:
                struct.pack_into('<I', b, off + field_off, value)
                break
            seen += 1
        off += (l + 7) & ~7
    tl = len(b) - 32
    struct.pack_into('<I', b, tl + 24, zlib.crc32(bytes(b[:tl])) & 0xFFFFFFFF)
    open(sys.argv[2] + '-' + name, 'wb').write(b)

patch('flock', 0x0440, 24, 5, 1)     # flock() lock from byte 5
patch('undo', 0x0601, 12, 4)         # SEMUNDO of 4 semaphores for a set of 3
patch('msgs', 0x0610, 48, 3)         # SYSVMSG announces 3 messages, 2 follow
patch('mqmsgs', 0x0620, 28, 3)       # MQUEUE announces 3 messages, 2 follow
patch('mqprio', 0x0621, 12, 32768)   # a priority out of range
PY
expect 1 "flock lock on a range" -- "$ASAN" info "$TMP/ipc-bad-flock"
grep_in "$TMP/err" 'flock() lock on a range' "flock range"
expect 1 "undo of another size" -- "$ASAN" info "$TMP/ipc-bad-undo"
grep_in "$TMP/err" '4 adjustments in 22 bytes for a set of 3' "undo size"
expect 1 "missing message" -- "$ASAN" info "$TMP/ipc-bad-msgs"
grep_in "$TMP/err" 'queue 21 still waits for 1 messages' "missing message"
expect 1 "missing POSIX message" -- "$ASAN" info "$TMP/ipc-bad-mqmsgs"
grep_in "$TMP/err" 'message queue 22 still waits for 1 messages' "missing POSIX message"
expect 1 "POSIX message priority" -- "$ASAN" info "$TMP/ipc-bad-mqprio"
grep_in "$TMP/err" 'message of queue 22: priority 32768, 3 bytes' "POSIX message priority"
crashes=0
for ((n = 0; n < 12000; n += 8)); do
	head -c $n "$TMP/shm.img" | "$ASAN" info - >/dev/null 2>"$TMP/err"
	rc=$?
	if [ $rc -ne 1 ] || ! grep -q -e 'truncated at byte' -e 'bad magic' "$TMP/err"; then
		crashes=$((crashes + 1))
		echo "shm truncated to $n: exit $rc: $(cat "$TMP/err")" >&2
	fi
done
[ $crashes -eq 0 ] && ok || ko "$crashes truncations of the shm image misreported"

# The short forms of an anonymous area and of its pages, malformed
for bad in zero:'an area of 0 pages' shared:'a shared area without a file' \
	   run:'length 8216, expected 16 + 2 pages of 4096' \
	   long:'length 4198416, more than the 4194320 allowed'; do
	python3 "$MKIMAGE" --short-bad "${bad%%:*}" -o "$TMP/short-${bad%%:*}.img"
	expect 1 "short form: ${bad%%:*}" -- "$ASAN" info "$TMP/short-${bad%%:*}.img"
	grep_in "$TMP/err" "${bad#*:}" "short form: ${bad%%:*}"
done

# Precise errors
printf 'NOTANIMAGE-at-all' >"$TMP/magic.img"
expect 1 "bad magic" -- "$ASAN" info "$TMP/magic.img"
grep_in "$TMP/err" 'bad magic' "bad magic"
head -c 5 "$TMP/good.img" >"$TMP/short.img"
expect 1 "5 bytes" -- "$ASAN" info "$TMP/short.img"
grep_in "$TMP/err" 'truncated at byte 5 in the file header' "5 bytes"
: >"$TMP/empty.img"
expect 1 "empty" -- "$ASAN" info "$TMP/empty.img"

# a byte in the middle of page contents: only the CRC can tell
python3 - "$TMP/good.img" "$TMP/crc.img" <<'PY'
import sys
d = bytearray(open(sys.argv[1], 'rb').read())
d[100000] ^= 0x40
open(sys.argv[2], 'wb').write(d)
PY
expect 1 "CRC" -- "$ASAN" info "$TMP/crc.img"
grep_in "$TMP/err" 'CRC mismatch' "CRC"
expect 1 "CRC json" -- "$ASAN" info --json "$TMP/crc.img"
json_ok "$TMP/out" "CRC json"
grep_in "$TMP/out" '"ok": false' "CRC json"

# inside the first PAGES record
size=$(stat -c %s "$TMP/good.img")
head -c 20000 "$TMP/good.img" >"$TMP/trunc.img"
expect 1 "truncated in pages" -- "$ASAN" info "$TMP/trunc.img"
grep_in "$TMP/err" 'truncated at byte 20000 in record type 0x0305' "truncated in pages"
cat "$TMP/good.img" "$TMP/good.img" >"$TMP/double.img"
expect 1 "data after the trailer" -- "$ASAN" info "$TMP/double.img"
grep_in "$TMP/err" "data after the trailer at byte $size" "data after the trailer"

# Truncation at every 8 bytes (FULL=1), or at every 8 bytes of the first
# 16 KiB and the last 4 KiB and every 1000 bytes in between.
crashes=0
for ((n = 0; n < size; n += 8)); do
	if [ "${FULL:-0}" != 1 ] && [ $n -gt 16384 ] && [ $n -lt $((size - 4096)) ]; then
		[ $((n % 1000)) -lt 8 ] || continue
	fi
	head -c $n "$TMP/good.img" | "$ASAN" info - >/dev/null 2>"$TMP/err"
	rc=$?
	if [ $rc -ne 1 ] || ! grep -q -e 'truncated at byte' -e 'bad magic' "$TMP/err"; then
		crashes=$((crashes + 1))
		echo "truncated to $n: exit $rc: $(cat "$TMP/err")" >&2
	fi
done
[ $crashes -eq 0 ] && ok || ko "$crashes truncations misreported"

# Bit flips: exit 1 with a message, never a crash or a sanitizer report.
python3 - "$TMP/good.img" "$TMP/flip" "${FLIPS:-300}" <<'PY'
import random, sys
d = open(sys.argv[1], 'rb').read()
random.seed(1234)
n = int(sys.argv[3])
for i in range(n):
    b = bytearray(d)
    # mostly in the metadata; page contents are just CRC'd
    off = random.randrange(len(b)) if i % 4 == 0 else random.randrange(min(len(b), 16384))
    b[off] ^= 1 << random.randrange(8)
    open('%s.%d' % (sys.argv[2], i), 'wb').write(b)
PY
crashes=0
for f in "$TMP"/flip.*; do
	"$ASAN" info "$f" >/dev/null 2>"$TMP/err"
	rc=$?
	if [ $rc -ne 1 ] || [ ! -s "$TMP/err" ] || grep -q -e Sanitizer -e 'runtime error' "$TMP/err"; then
		crashes=$((crashes + 1))
		echo "$(basename "$f"): exit $rc: $(head -3 "$TMP/err")" >&2
	fi
	"$ASAN" info --json "$f" >"$TMP/out" 2>/dev/null
	python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$TMP/out" 2>/dev/null ||
		{ crashes=$((crashes + 1)); echo "$(basename "$f"): bad JSON" >&2; }
done
[ $crashes -eq 0 ] && ok || ko "$crashes bit flips misreported"

if [ "${VALGRIND:-1}" != 0 ] && command -v valgrind >/dev/null; then
	vg() { valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=all "$@"; }
	expect 0 "valgrind good" -- vg "$CKPT" info --pages "$TMP/good.img"
	expect 0 "valgrind json" -- vg "$CKPT" info --json --pages "$TMP/unknown.img"
	expect 1 "valgrind trunc" -- vg "$CKPT" info "$TMP/trunc.img"
	expect 1 "valgrind crc" -- vg "$CKPT" info --json "$TMP/crc.img"
	for i in 0 1 2 3 4 5 6 7 8 9; do
		expect 1 "valgrind flip $i" -- vg "$CKPT" info --pages "$TMP/flip.$i"
	done
fi

############################################################ format

expect 0 "format --json" -- "$CKPT" format --json
json_ok "$TMP/out" "format --json"
cp "$TMP/out" "$TMP/format.json"
# every CKPT_REC_* define of the header is in the table with its number,
# and nothing else; bounds are sane; the structures scripts patch
if python3 - "$TMP/format.json" ../../include/uapi/ckpt_cgroup.h <<'PY'
import json, re, sys
f = json.load(open(sys.argv[1]))
hdr = open(sys.argv[2]).read()
defs = {m.group(1).lower(): int(m.group(2), 16) for m in
        re.finditer(r'#define CKPT_REC_(\w+)\s+(0x[0-9a-fA-F]+)', hdr)}
recs = {r['name']: r for r in f['records']}
assert len(recs) == len(f['records'])
assert {n: r['type'] for n, r in recs.items()} == defs, set(defs) ^ set(recs)
pages = ('pages', 'pages_run', 'shmem_pages')
for r in f['records']:
    assert 8 <= r['min_len'] <= r['max_len'], r
    assert (r['max_len'] > f['rec_max_len']) == (r['name'] in pages), r
assert recs['task_end']['min_len'] == recs['task_end']['max_len'] == 8
assert recs['trailer']['min_len'] == recs['trailer']['max_len'] == 32
assert recs['creds']['max_len'] == f['rec_max_len']
assert recs['pages']['max_len'] == 24 + f['pages_max'] * f['page_size_max']
assert recs['pages_run']['max_len'] == 16 + f['run_max'] * f['page_size_max']
assert f['magic'] == 'LXCKPT\r\n' and f['version'] == 1 and f['align'] == 8
s = f['structs']
assert s['file_header']['size'] == 184 and s['trailer']['size'] == 32
assert s['file_header']['fields']['page_size'] == {'offset': 20, 'size': 4}
assert s['trailer']['fields']['crc32'] == {'offset': 24, 'size': 4}
assert s['vma_anon']['fields']['prot'] == {'offset': 22, 'size': 1}
PY
then ok; else ko "format --json: the table"; fi
expect 0 "format" -- "$CKPT" format
grep_in "$TMP/out" '^record pages_run  *0x0305 16 67108880$' "format: a record"
grep_in "$TMP/out" '^struct file_header 184$' "format: a struct"
grep_in "$TMP/out" '^field trailer.crc32 24 4$' "format: a field"
grep_in "$TMP/out" '^rec_max_len 65536$' "format: a constant"
[ "$(grep -c '^record ' "$TMP/out")" = "$(grep -c '^#define CKPT_REC_[A-Z_]*[[:space:]]*0x' ../../include/uapi/ckpt_cgroup.h)" ] &&
	ok || ko "format: not one record line per CKPT_REC_ define"
expect 2 "format extra argument" -- "$CKPT" format x
expect 2 "format bad option" -- "$CKPT" format --pages

# info checks lengths by the table: a task_end record of 16 bytes
python3 - "$TMP/good.img" "$TMP/tlen.img" "$TMP/format.json" <<'PY'
import json, struct, sys
img = bytearray(open(sys.argv[1], 'rb').read())
f = json.load(open(sys.argv[3]))
task_end = next(r['type'] for r in f['records'] if r['name'] == 'task_end')
pos = f['structs']['file_header']['size']
while True:
    t, ln = struct.unpack_from('<II', img, pos)
    if t == task_end:
        struct.pack_into('<I', img, pos + 4, 16)
        break
    pos += (ln + 7) & ~7
open(sys.argv[2], 'wb').write(img)
PY
expect 1 "info task_end length" -- "$ASAN" info "$TMP/tlen.img"
grep_in "$TMP/err" 'record type 0x01ff (task_end) at byte [0-9]*: length 16, expected 8' "task_end length"

############################################################ JSON writer

JSONW=$PWD/build/jsonw-test
if [ -x "$JSONW" ]; then
	for mode in pretty compact; do
		expect 0 "json writer $mode" -- "$JSONW" $mode
		json_ok "$TMP/out" "json writer $mode"
		if cmp -s "$TMP/out" "test/jsonw.$mode"; then
			ok
		else
			ko "json writer $mode: output differs from test/jsonw.$mode"
			diff "test/jsonw.$mode" "$TMP/out" | head -20 >&2
		fi
	done
	# escapes decode to the bytes written, nesting to the values
	if python3 - "$TMP/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d['quote'] == 'say "hi" \\ bye'
assert d['control'] == 'tab\there\nnewline\r\x01\x1f\x7f'
assert d['utf8'] == 'caf\u00e9 \u20ac \U0001f600'
# bytes that are not UTF-8 come out as the code point of their value
assert d['not_utf8'] == '\xff \xc3 \xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80 \xe2\x82'
assert d['len'] == 'nul' and d['prefix'] == 'abc' and d['null_string'] == ''
assert d['u64_max'] == 2**64 - 1 and d['s64_min'] == -2**63
assert d['hex'] == '0xdeadbeef' and d['yes'] is True and d['no'] is False
assert d['nothing'] is None and d['empty_object'] == {} and d['empty_array'] == []
assert d['nested'] == [1, {'a': [[], -2, 'x']}, None]
assert d['"odd" name\n'] is True
PY
	then ok; else ko "json writer: values"; fi
else
	ko "no $JSONW (make build/jsonw-test)"
fi

############################################################ usage

expect 2 "no command" -- "$CKPT"
expect 2 "unknown command" -- "$CKPT" frobnicate
expect 0 "--help" -- "$CKPT" --help
grep_in "$TMP/out" 'Exit status' "--help"
grep_in "$TMP/out" 'ssh host ckpt restart b -i -' "--help"
expect 0 "help info" -- "$CKPT" help info
expect 0 "info --help" -- "$CKPT" info --help
grep_in "$TMP/out" 'Usage: ckpt info' "info --help"
expect 2 "help unknown" -- "$CKPT" help frob
expect 0 "--version" -- "$CKPT" --version
expect 2 "info no file" -- "$CKPT" info
expect 2 "info bad option" -- "$CKPT" info --frob x
expect 3 "info missing file" -- "$CKPT" info "$TMP/nonexistent"

############################################################ fake cgroup

export CKPT_CGROUP_ROOT=$TMP/cg
fake_group() {		# fake_group NAME: a cgroup with ckpt enabled
	local g=$CKPT_CGROUP_ROOT/$1
	mkdir -p "$g"
	rm -f "$g"/ckpt.* "$g"/cgroup.procs
	: >"$g/ckpt.exclude"
	: >"$g/ckpt.image_fd"
	: >"$g/ckpt.trigger"
	printf 'state idle\nlast_op checkpoint\nlast_result ok\nerrno 0\ntasks 3\nbytes 205496\nduration_us 12345\nfrozen_us 1234\n' \
		>"$g/ckpt.state"
	printf '4242\n4243\n' >"$g/cgroup.procs"
}
mkdir -p "$CKPT_CGROUP_ROOT"
: >"$CKPT_CGROUP_ROOT/cgroup.subtree_control"
fake_group app
G=$CKPT_CGROUP_ROOT/app

expect 0 "state" -- "$CKPT" state app
grep_in "$TMP/out" '^state idle' "state"
expect 0 "state full path" -- "$CKPT" state "$G"
expect 0 "state /app" -- "$CKPT" state /app
expect 0 "state --json" -- "$CKPT" state app --json
json_ok "$TMP/out" "state --json"
grep_in "$TMP/out" '"duration_us": 12345' "state --json"
grep_in "$TMP/out" '"frozen_us": 1234' "state --json frozen_us"
expect 3 "state missing cgroup" -- "$CKPT" state nope
expect 3 "state root" -- "$CKPT" state /
mkdir -p "$CKPT_CGROUP_ROOT/plain"
expect 3 "state no ckpt" -- "$CKPT" state plain
grep_in "$TMP/err" 'ckpt is not enabled' "state no ckpt"
CKPT_CGROUP_ROOT=$TMP/none expect 3 "no cgroup2" -- "$CKPT" state app

expect 0 "exclude show" -- "$CKPT" exclude app
expect 0 "exclude set" -- "$CKPT" exclude app +anon
grep_in "$G/ckpt.exclude" '^+anon$' "exclude set"
expect 2 "exclude unknown class" -- "$CKPT" exclude app +heap
expect 2 "exclude bad token" -- "$CKPT" exclude app anon
expect 0 "exclude minus" -- "$CKPT" exclude app -anon
grep_in "$G/ckpt.exclude" '^-anon$' "exclude minus"

fake_group app
expect 0 "checkpoint" -- "$CKPT" checkpoint app -o "$TMP/app.img" --kill
grep_in "$G/ckpt.trigger" '^checkpoint kill$' "checkpoint --kill"
grep_in "$G/ckpt.image_fd" '^none' "image fd released"
grep_in "$TMP/err" 'checkpointed app: 3 tasks, 205496 bytes, 12.345 ms, frozen 1.234 ms' "summary"
[ -f "$TMP/app.img" ] && ok || ko "checkpoint: no image file"
[ "$(stat -c %a "$TMP/app.img")" = 600 ] && ok || ko "image mode not 0600"

fake_group app
expect 0 "checkpoint -q --exclude" -- "$CKPT" checkpoint -q app -o - --exclude +anon
[ -s "$TMP/err" ] && ko "-q printed: $(cat "$TMP/err")" || ok
# --exclude is for this checkpoint only: the previous set comes back
grep_in "$G/ckpt.exclude" '^-anon -shmem -net -ipc -files -dev$' "exclude restored"
expect 2 "checkpoint no -o" -- "$CKPT" checkpoint app
expect 2 "checkpoint two modes" -- "$CKPT" checkpoint app -o x --frozen --kill
expect 2 "checkpoint bad exclude" -- "$CKPT" checkpoint app -o x --exclude +frob
expect 2 "checkpoint two groups" -- "$CKPT" checkpoint app app2 -o x
expect 3 "checkpoint missing cgroup" -- "$CKPT" checkpoint nope -o "$TMP/nope.img"
[ -e "$TMP/nope.img" ] && ko "image created for a missing cgroup" || ok
expect 3 "checkpoint unwritable" -- "$CKPT" checkpoint app -o /nonexistent/dir/x.img

# A failing trigger: the error, then the kernel's reason, and no image left.
fake_group app
ln -sf /dev/full "$G/ckpt.trigger"
printf 'state idle\nlast_op checkpoint\nlast_result failed\nerrno 95\ntasks 0\nbytes 0\nduration_us 0\nerror pid 231 fd 5: unsupported file type (pipe)\n' \
	>"$G/ckpt.state"
expect 1 "checkpoint failure" -- "$CKPT" checkpoint app -o "$TMP/fail.img"
grep_in "$TMP/err" '^ckpt: checkpoint of app failed: No space left on device' "failure message"
grep_in "$TMP/err" '^ckpt: pid 231 fd 5: unsupported file type (pipe)' "kernel reason"
[ -e "$TMP/fail.img" ] && ko "partial image left behind" || ok
expect 0 "state after failure" -- "$CKPT" state app --json
grep_in "$TMP/out" '"error": "pid 231 fd 5: unsupported file type (pipe)"' "state error json"

fake_group app
expect 0 "restart" -- "$CKPT" restart app -i "$TMP/good.img" --frozen
grep_in "$G/ckpt.trigger" '^restart frozen$' "restart --frozen"
grep_in "$TMP/out" '^4242$' "restart prints pids"
expect 0 "restart stdin" -- sh -c "'$CKPT' restart app -i - <'$TMP/good.img'"
expect 1 "restart --wait, no children" -- "$CKPT" restart app -i "$TMP/good.img" --wait
expect 3 "restart missing image" -- "$CKPT" restart app -i "$TMP/nonexistent"
# a missing group is created (and +ckpt enabled in the parent); the fake
# one gets no ckpt files, so it is removed again
expect 3 "restart creates group" -- "$CKPT" restart newgrp -i "$TMP/good.img"
grep_in "$CKPT_CGROUP_ROOT/cgroup.subtree_control" '+ckpt' "parent +ckpt"
[ -d "$CKPT_CGROUP_ROOT/newgrp" ] && ko "created group not removed" || ok
expect 3 "restart no parent" -- "$CKPT" restart a/b/c -i "$TMP/good.img"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
