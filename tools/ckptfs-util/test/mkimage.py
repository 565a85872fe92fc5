#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Write a synthetic ckpt image, valid per include/uapi/ckpt_cgroup.h.

Two tasks (the second with two threads), credentials, registers, an
address space with file and anonymous areas and stored pages, open files,
cwd and signal handlers, then the trailer with the record count and the
CRC-32 of every byte before it.

With --ipc, the first task holds file locks, a SysV semaphore set with
undo adjustments, a message queue with two messages, and a POSIX message
queue with two messages open at fd 9.

With --shm, the first task also has shared memory: anonymous shared
memory, a memfd, an unlinked file and a SysV shm segment, with their
contents, files and shared areas.

With --regfile, the first task also has a regular file with its contents
(ckpt.exclude -files): 100000 bytes, a hole from 32768 to 65536, open at
fd 14.  --exclude N sets the header's exclude bits.

With --unix, the first task also has unix sockets: a listener on a path,
a connection accepted from it with a message queued that passes file 3,
and an autobound datagram socket connected to /dev/log.  --unix-bad-fd
makes that message pass a file that is not defined.

With --mac, the header says the image is signed and a MAC record comes
before the trailer (its value is not a real MAC: the key is the kernel's).

  mkimage.py [-o FILE] [--unknown] [--exclude-anon] [--exclude N] [--shm] [--ipc]
             [--regfile] [--unix] [--unix-bad-fd] [--page-size N] [--mac]
"""
import argparse
import os
import struct
import sys
import zlib

# The layout, from "ckpt format --json" of the tool next to this directory
# (or $CKPT_CLI): record types by name, sizes, bounds.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import ckptfmt  # noqa: E402

FMT = ckptfmt.load()
MAGIC = FMT.magic
REC = {name.upper(): t for name, t in FMT.rec.items()}
# a record type from the future: readers skip it
UNKNOWN = 0x0999
assert UNKNOWN not in FMT.names


def align8(n):
    return (n + 7) & ~7


class Image:
    def __init__(self, page_size, check=True):
        self.check = check      # records within their type's bounds
        self.out = bytearray()
        self.nrec = 0
        self.page_size = page_size

    def header(self, nr_tasks, exclude, flags=0):
        rel = b"6.1.0-ckpt".ljust(65, b"\0")
        mach = b"x86_64".ljust(65, b"\0")
        hdr = struct.pack("<8sIIIIQII Q", MAGIC, FMT.version, FMT.header_len,
                          FMT.raw["arch_x86_64"], self.page_size,
                          exclude, nr_tasks, flags, 1700000000123456789)
        hdr += rel + mach + b"\0" * 6
        assert len(hdr) == FMT.header_len, len(hdr)
        self.out += hdr

    def rec(self, name, payload):
        length = 8 + len(payload)
        lo, hi = FMT.bounds[REC[name]]
        if hi > FMT.rec_max_len:
            hi = lo + (hi - lo) // FMT.raw["page_size_max"] * self.page_size
        assert not self.check or lo <= length <= hi, (name, length, lo, hi)
        self.out += struct.pack("<II", REC[name], length) + payload
        self.out += b"\0" * (align8(length) - length)
        self.nrec += 1

    def trailer(self):
        crc = zlib.crc32(bytes(self.out)) & 0xFFFFFFFF
        self.out += struct.pack("<IIQQII", REC["TRAILER"], FMT.size("trailer"), self.nrec,
                                len(self.out), crc, 0)


def cstr(s):
    return s.encode() + b"\0"


def build(args):
    ps = args.page_size
    img = Image(ps, check=not args.short_bad)
    # pid, tgid, ppid, pgid, sid, flags; 202 is a second thread of 201
    table = [(200, 200, 0, 200, 200, 0),
             (201, 201, 200, 200, 200, 0),
             (202, 201, 200, 200, 200, 0)]
    excl = (args.exclude if args.exclude is not None else (1 if args.exclude_anon else 0)) | \
        ((1 << 2) | (1 << 5) if args.net_dev else 0)
    img.header(len(table), excl, 1 if args.mac else 0)
    img.rec("TASKS", struct.pack("<II", len(table), 0) +
            b"".join(struct.pack("<6I", *e) for e in table))

    # shared file objects, defined before their first use
    def file(fid, kind, flags, mode, pos, size, rdev, path):
        p = path.encode()
        mtime = 1700000000123456789 if kind == 1 else 0
        img.rec("FILE", struct.pack("<IIIIQQQII", fid, kind, flags, mode, pos,
                                    size, mtime, rdev, len(p)) + p + b"\0")

    file(1, 1, 0o100000, 0o100755, 0, 43416, 0, "/usr/bin/sleep")
    file(2, 3, 0o2, 0o20666, 0, 0, (1 << 8) | 3, "/dev/null")
    file(3, 1, 0o2101, 0o100644, 1234, 1234, 0, "/tmp/app log.txt")

    if args.unknown:
        # a record type from the future: readers skip it
        length = 8 + 5
        img.out += struct.pack("<II", UNKNOWN, length) + b"hello" + b"\0" * 3
        img.nrec += 1

    for pid, nthreads, comm in ((200, 1, b"sh"), (201, 2, b"sleep")):
        img.rec("TASK", struct.pack("<II16sIIIIII", pid, nthreads, comm, 0, 17, 0, 1, 0, 0))
        shm = []
        if args.shm and pid == 200:
            def contents(oid, pgoff, n):
                img.rec("SHMEM_PAGES", struct.pack("<IIQ", oid, n, pgoff) +
                        bytes([oid]) * (n * ps))
            # anonymous shared memory, 8 pages, 2 stored
            img.rec("SHMEM", struct.pack("<IIQII", 10, 1, 8 * ps, 0, 0) + b"\0")
            contents(10, 3, 2)
            file(11, 32, 0o2, 0o100777, 0, 8 * ps, 10, "/dev/zero (deleted)")
            # a memfd, sealed shrink and grow, 1 page + 100 bytes, both stored
            name = b"buf"
            img.rec("SHMEM", struct.pack("<IIQII", 12, 2, ps + 100, 6, len(name)) +
                    name + b"\0")
            contents(12, 0, 2)
            file(13, 33, 0o100002, 0o100777, 7, ps + 100, 12, "/memfd:buf (deleted)")
            # a regular file unlinked while open, 3 pages, page 1 a hole
            d = b"/tmp/work"
            img.rec("UNLINKED", struct.pack("<IIQII", 14, 0o100640, 3 * ps, len(d), 0) +
                    d + b"\0")
            contents(14, 0, 1)
            contents(14, 2, 1)
            file(15, 34, 0o2, 0o100640, 777, 3 * ps, 14, "/tmp/work/log (deleted)")
            # a SysV shm segment, removed, attached at 0x7f1000000000
            img.rec("SYSVSHM", struct.pack("<IIII4IQQ", 16, 32769, 0, 0o1600,
                                           1000, 100, 1000, 100, 2 * ps, 0x7f1000000000))
            contents(16, 1, 1)
            file(17, 35, 0o2, 0o100777, 0, 2 * ps, 16, "/SYSV00000000 (deleted)")
            shm = [
                (0x7f0800000000, 0x7f0800000000 + 8 * ps, 0, 3, 8, 11, []),
                (0x7f0900000000, 0x7f0900000000 + 2 * ps, 0, 1, 8, 13, []),
                (0x7f1000000000, 0x7f1000000000 + 2 * ps, 0, 3, 0x18, 17, []),
            ]
        groups = [4, 24, 27]
        img.rec("CREDS", struct.pack("<8I5QII", 1000, 1000, 1000, 1000,
                                     100, 100, 100, 100, 0, 0, 0,
                                     0x1FFFFFFFFFF, 0, 0, len(groups)) +
                struct.pack("<%dI" % len(groups), *groups))
        for t in range(nthreads):
            tid = pid + t
            if t == 0 and pid == 201:
                # in clock_nanosleep, resumed through restart_syscall
                th = struct.pack("<IIQIIQQ", tid, 2, 230, 1, 1, 2500000000, 0x7ffd0000)
            elif t == 1:
                th = struct.pack("<IIQIIQQ", tid, 1, 202, 0, 0, 0, 0)
            else:
                th = struct.pack("<IIQIIQQ", tid, 0, 0, 0, 0, 0, 0)
            th += struct.pack("<QQQQIIQQIIQ", 0x7f0000001000, 0x7f0000002000, 24,
                              0x7f0000003000, 32, 0x53053053, 0, 0, 2, 0, 1 << 9)
            img.rec("THREAD", th)
            img.rec("REGSET", struct.pack("<II", 1, 216) + bytes(range(216)))
            img.rec("REGSET", struct.pack("<II", 2, 512) + b"\x11" * 512)
            img.rec("REGSET", struct.pack("<II", 0x202, 13) + b"x" * 13)  # padding
            # 8 words, words 0 and 5 stored (--sparse-bad: word 9 too)
            bits = (1 << 0) | (1 << 5) | ((1 << 9) if args.sparse_bad else 0)
            img.rec("REGSET_SPARSE", struct.pack("<IIQQQ", 0x200, 64, bits, 7, 9) +
                    (struct.pack("<Q", 11) if args.sparse_bad else b""))
        vmas = [
            # start, end, pgoff, prot, flags, file, pages to store
            (0x400000, 0x400000 + 4 * ps, 0, 5, 0, 1, []),
            (0x600000, 0x600000 + 2 * ps, 4, 3, 0, 1, [(0x600000, 1)]),
            (0x700000, 0x700000 + 8 * ps, 0, 3, 4, 0, [(0x700000, 2), (0x700000 + 5 * ps, 3)]),
            (0x7f0000000000, 0x7f0000000000 + 16 * ps, 0, 3,
             2 if args.exclude_anon else 0, 0,
             [] if args.exclude_anon else [(0x7f0000000000, 16)]),
            (0x7ffd00000000, 0x7ffd00000000 + 4 * ps, 0, 3, 1, 0,
             [(0x7ffd00000000 + 2 * ps, 2)]),
        ]
        img.rec("MM", struct.pack("<12QII Q", 0x400000, 0x404000, 0x600000, 0x602000,
                                  0x700000, 0x708000, 0x7ffd00004000,
                                  0x7ffd00003000, 0x7ffd00003100,
                                  0x7ffd00003100, 0x7ffd00003f00,
                                  0x7ffff7fc1000, 1, len(vmas) + len(shm), 0))
        vmas[3:3] = shm
        for start, end, pgoff, prot, flags, f, pages in vmas:
            # pid 200's private anonymous areas in the short forms the
            # kernel writes, the others in the long ones it still reads
            short = pid == 200 and f == 0 and not flags & 8
            if short:
                bad = args.short_bad if flags & 4 else None  # the heap
                img.rec("VMA_ANON", struct.pack("<QIHBB", start,
                                                0 if bad == "zero" else (end - start) // ps,
                                                flags | (8 if bad == "shared" else 0),
                                                prot, 0))
            else:
                img.rec("VMA", struct.pack("<QQQIIII", start, end, pgoff, prot, flags, f, 0))
            for addr, n in pages:
                if short and bad == "long":
                    n = 1025  # one page more than CKPT_RUN_MAX
                data = bytes([(addr >> 12) & 0xFF]) * (n * ps)
                if short:
                    img.rec("PAGES_RUN", struct.pack("<Q", addr) + data +
                            (b"\0" * 8 if bad == "run" else b""))
                else:
                    img.rec("PAGES", struct.pack("<QII", addr, n, 0) + data)
        fds = [(0, 2, 0), (1, 3, 0), (2, 3, 0), (5, 2, 1)]
        if shm:
            fds += [(7, 13, 0), (8, 15, 0)]
        if args.regfile and pid == 200:
            path = b"/tmp/data.bin"
            img.rec("REGFILE", struct.pack("<IIQQII", 30, 0o100644, 100000,
                                           1700000000123456789, len(path), 0) + path + b"\0")
            for off, n in ((0, 32768), (65536, 32768), (98304, 1696)):
                img.rec("REGFILE_DATA", struct.pack("<IIQ", 30, 0, off) + b"d" * n)
            img.rec("FILE", struct.pack("<IIIIQQQII", 31, 30, 0o2, 0o100644, 5000, 100000, 0,
                                        30, len(path)) + path + b"\0")
            fds += [(14, 31, 0)]
        if args.unix and pid == 200:
            def end(fid, opts, nr_msgs, name):
                return struct.pack("<8I", fid, 2, 0, opts, 212992, 212992, nr_msgs, len(name))

            def usock(typ, flags, backlog, ends, peer=b""):
                names = b"".join(e[3] for e in ends)
                body = b"".join(end(*e) for e in ends) + b"\0" * 32 * (2 - len(ends))
                img.rec("UNIX", struct.pack("<4I", typ, flags, backlog, len(peer)) + body +
                        names + peer)
            path = b"/run/app.sock\0"
            usock(1, 2, 16, [(20, 8, 0, path)])                    # listening
            usock(1, 1, 0, [(21, 0, 1, path), (22, 0, 0, b"")])    # accepted, client
            img.rec("UNIX_DATA", struct.pack("<5I", 0, 5, 1, 0, 99 if args.unix_bad_fd else 3) +
                    b"hello")
            usock(2, 4, 0, [(23, 8, 0, b"\0" + b"1a2b3")], b"/dev/log\0")
            fds += [(10, 20, 0), (11, 21, 0), (12, 22, 0), (13, 23, 0)]
        for fd, fid, fl in fds:
            img.rec("FD", struct.pack("<IIII", fd, fid, fl, 0))
        if args.ipc and pid == 200:
            eof = (1 << 63) - 1
            # POSIX write lock through fd 0 (file 2), flock() read lock on file 3
            img.rec("FLOCK", struct.pack("<IIIIQQ", 2, 1, 2, 0, 0, 99))
            img.rec("FLOCK", struct.pack("<IIIIQQ", 1, 0, 3, 0, 0, eof))
            img.rec("FLOCK", struct.pack("<IIIIQQ", 3, 1, 3, 0, 100, eof))
            img.rec("SYSVSEM", struct.pack("<II6III", 20, 5, 0x1234, 0o640, 1000, 1000,
                                           0, 0, 3, 0) + struct.pack("<3H", 5, 0, 100))
            img.rec("SEMUNDO", struct.pack("<II", 20, 3) + struct.pack("<3h", 1, 0, -3))
            img.rec("SYSVMSG", struct.pack("<II6IQII", 21, 7, 0, 0o600, 0, 0, 0, 0,
                                           4000, 2, 0))
            img.rec("SYSVMSG_DATA", struct.pack("<IIq", 21, 5, 1) + b"hello")
            img.rec("SYSVMSG_DATA", struct.pack("<IIq", 21, 0, 2))
            name = b"jobs"
            img.rec("MQUEUE", struct.pack("<6IQQII", 22, 0, 0o640, 1000, 1000, 2, 10, 8192,
                                          len(name), 0) + name + b"\0")
            img.rec("MQUEUE_MSG", struct.pack("<4I", 22, 7, 3, 0) + b"abc")
            img.rec("MQUEUE_MSG", struct.pack("<4I", 22, 0, 0, 0))
            path = b"/jobs"
            img.rec("FILE", struct.pack("<IIIIQQQII", 23, 26, 0o4001, 0o100640, 0, 80, 0,
                                        22, len(path)) + path + b"\0")
            img.rec("FD", struct.pack("<IIII", 9, 23, 1, 0))
        if args.net_dev and pid == 201:
            # ckpt.exclude net: a TCP connection; dev: a terminal
            img.rec("NETSOCK", struct.pack("<7IHH16s16s", 30, 2, 1, 6, 1, 1, 0, 40312, 5000,
                                           bytes([127, 0, 0, 1]), bytes([127, 0, 0, 1])))
            path = b"socket:[4242]"
            img.rec("FILE", struct.pack("<IIIIQQQII", 31, 27, 0o4002, 0o140777, 0, 0, 0,
                                        30, len(path)) + path + b"\0")
            img.rec("FD", struct.pack("<IIII", 7, 31, 0, 0))
            path = b"/dev/pts/3"
            img.rec("FILE", struct.pack("<IIIIQQQII", 32, 28, 0o2, 0o20620, 0, 0, 0,
                                        (136 << 8) | 3, len(path)) + path + b"\0")
            img.rec("FD", struct.pack("<IIII", 8, 32, 0, 0))
        cwd = b"/home/user"
        img.rec("FS", struct.pack("<II", 0o022, len(cwd)) + cwd + b"\0")
        acts = [(0, 0, 0, 0)] * 64
        acts[1] = (0x401234, 0x14000000, 0x401000, 0)  # SIGINT
        acts[12] = (1, 0, 0, 0)                         # SIGPIPE ignored
        acts[33] = (0x401300, 0x4, 0x401000, 1 << 1)    # SIGRTMIN
        img.rec("SIGHAND", b"".join(struct.pack("<4Q", *a) for a in acts))
        img.rec("TASK_END", b"")
    if args.mac:
        # CKPT_MAC_HMAC_SHA256; the value is not a real MAC (no key here)
        img.rec("MAC", struct.pack("<II", 1, 32) + bytes(range(32)))
    img.trailer()
    return bytes(img.out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", "--output", default="-")
    ap.add_argument("--unknown", action="store_true", help="add a record of an unknown type")
    ap.add_argument("--exclude-anon", action="store_true")
    ap.add_argument("--exclude", type=int, help="the header's exclude bits")
    ap.add_argument("--shm", action="store_true", help="add shared memory objects")
    ap.add_argument("--regfile", action="store_true",
                    help="add a regular file with its contents")
    ap.add_argument("--ipc", action="store_true", help="add file locks and SysV IPC")
    ap.add_argument("--net-dev", action="store_true",
                    help="exclude net and dev: a network socket and a device left out")
    ap.add_argument("--unix", action="store_true", help="add unix sockets")
    ap.add_argument("--unix-bad-fd", action="store_true",
                    help="with --unix: a file in flight that is not defined")
    ap.add_argument("--sparse-bad", action="store_true",
                    help="a sparse regset whose bitmap names a word past its end")
    ap.add_argument("--short-bad", choices=("zero", "shared", "run", "long"),
                    help="a malformed short area record (0 pages, shared) or page run "
                    "(length not whole pages, more than CKPT_RUN_MAX pages)")
    ap.add_argument("--page-size", type=int, default=4096)
    ap.add_argument("--mac", action="store_true",
                    help="a signed image: CKPT_HDR_MAC and a MAC record (not a valid MAC)")
    args = ap.parse_args()
    data = build(args)
    if args.output == "-":
        sys.stdout.buffer.write(data)
    else:
        with open(args.output, "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
