#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""imgpatch.py IMAGE TYPE NTH OFFSET SIZE VALUE

Writes VALUE (an integer, little-endian, SIZE bytes) at byte OFFSET of the
NTH (from 0) record of type TYPE (a number, 0x0410..., or a name as "ckpt
format" prints it, pipe...) of a ckpt image, then fixes the trailer's CRC,
so that restart meets the change itself rather than a bad CRC.  Exits 1 if
there is no such record.  The layout comes from "ckpt format --json".
"""
import os
import struct
import sys
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', '..', 'tools', 'ckptfs-util'))
import ckptfmt  # noqa: E402

FMT = ckptfmt.load()
TRAILER = FMT.rec['trailer']


def main():
    path, rtype, nth, off, size, value = sys.argv[1:7]
    rtype, nth, off, size = FMT.type_of(rtype), int(nth), int(off), int(size)
    value = int(value, 0) & ((1 << (8 * size)) - 1)
    img = bytearray(open(path, 'rb').read())
    pos, seen = FMT.header_len, 0
    while True:
        t, ln = struct.unpack_from('<II', img, pos)
        if t == TRAILER:
            break
        if t == rtype:
            if seen == nth:
                img[pos + off:pos + off + size] = value.to_bytes(size, 'little')
                break
            seen += 1
        pos += FMT.aligned(ln)
    if t == TRAILER:
        sys.exit(1)
    while t != TRAILER:
        pos += FMT.aligned(ln)
        t, ln = struct.unpack_from('<II', img, pos)
    struct.pack_into('<I', img, pos + FMT.off('trailer', 'crc32'),
                     zlib.crc32(bytes(img[:pos])))
    open(path, 'wb').write(img)


main()
