#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""imglong.py IMAGE

Rewrites a ckpt image in place with the long forms of its memory records,
as checkpoints wrote them before the short ones: every CKPT_REC_VMA_ANON
becomes a CKPT_REC_VMA, every CKPT_REC_PAGES_RUN CKPT_REC_PAGES of at most
256 pages with their count; the trailer's record and byte counts and CRC
are made to match.  Exits 1 if the image has no short record (nothing to
test).
"""
import struct
import sys
import zlib

HDR_LEN = 184
PAGE = 4096
PAGES_MAX = 256
TRAILER, VMA, PAGES, VMA_ANON, PAGES_RUN = 0x00ff, 0x0302, 0x0303, 0x0304, 0x0305


def rec(rtype, payload):
    r = struct.pack('<II', rtype, 8 + len(payload)) + payload
    return r + b'\0' * (-len(r) % 8)


def main():
    path = sys.argv[1]
    img = open(path, 'rb').read()
    out, pos, n, changed = bytearray(img[:HDR_LEN]), HDR_LEN, 0, 0
    while True:
        t, ln = struct.unpack_from('<II', img, pos)
        r = img[pos:pos + ((ln + 7) & ~7)]
        pos += len(r)
        if t == TRAILER:
            r = bytearray(r)
            struct.pack_into('<QQI', r, 8, n, len(out), zlib.crc32(bytes(out)))
            out += r
            break
        if t == VMA_ANON:
            start, nr, flags, prot, _ = struct.unpack_from('<QIHBB', r, 8)
            r = rec(VMA, struct.pack('<QQQIIII', start, start + nr * PAGE, 0,
                                     prot, flags, 0, 0))
            changed += 1
        elif t == PAGES_RUN:
            # CKPT_REC_PAGES holds at most CKPT_PAGES_MAX pages
            addr, = struct.unpack_from('<Q', r, 8)
            data = r[16:ln]
            for off in range(0, len(data), PAGES_MAX * PAGE):
                part = data[off:off + PAGES_MAX * PAGE]
                out += rec(PAGES, struct.pack('<QII', addr + off, len(part) // PAGE, 0) + part)
                n += 1
            changed += 1
            continue
        out += r
        n += 1
    if not changed:
        sys.exit(1)
    open(path, 'wb').write(out)


main()
