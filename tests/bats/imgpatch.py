#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""imgpatch.py IMAGE TYPE NTH OFFSET SIZE VALUE

Writes VALUE (an integer, little-endian, SIZE bytes) at byte OFFSET of the
NTH (from 0) record of type TYPE (0x0410...) of a ckpt image, then fixes the
trailer's CRC, so that restart meets the change itself rather than a bad
CRC.  Exits 1 if there is no such record.
"""
import struct
import sys
import zlib

HDR_LEN = 184
TRAILER = 0x00ff


def main():
    path, rtype, nth, off, size, value = sys.argv[1:7]
    rtype, nth, off, size = int(rtype, 0), int(nth), int(off), int(size)
    value = int(value, 0) & ((1 << (8 * size)) - 1)
    img = bytearray(open(path, 'rb').read())
    pos, seen = HDR_LEN, 0
    while True:
        t, ln = struct.unpack_from('<II', img, pos)
        if t == TRAILER:
            break
        if t == rtype:
            if seen == nth:
                img[pos + off:pos + off + size] = value.to_bytes(size, 'little')
                break
            seen += 1
        pos += (ln + 7) & ~7
    else:
        pass
    if t == TRAILER:
        sys.exit(1)
    while t != TRAILER:
        pos += (ln + 7) & ~7
        t, ln = struct.unpack_from('<II', img, pos)
    struct.pack_into('<I', img, pos + 24, zlib.crc32(bytes(img[:pos])))
    open(path, 'wb').write(img)


main()
