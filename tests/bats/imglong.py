#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""imglong.py IMAGE

Rewrites a ckpt image in place with the long forms of its memory records,
as checkpoints wrote them before the short ones: every CKPT_REC_VMA_ANON
becomes a CKPT_REC_VMA, every CKPT_REC_PAGES_RUN CKPT_REC_PAGES of at most
CKPT_PAGES_MAX pages with their count; the trailer's record and byte counts
and CRC are made to match.  Exits 1 if the image has no short record
(nothing to test).  The layout comes from "ckpt format --json".
"""
import os
import struct
import sys
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', '..', 'tools', 'ckptfs-util'))
import ckptfmt  # noqa: E402

FMT = ckptfmt.load()
TRAILER, VMA, PAGES = FMT.rec['trailer'], FMT.rec['vma'], FMT.rec['pages']
VMA_ANON, PAGES_RUN = FMT.rec['vma_anon'], FMT.rec['pages_run']


def main():
    path = sys.argv[1]
    img = open(path, 'rb').read()
    hlen = FMT.header_len
    page = FMT.get(img, 'file_header', 'page_size')
    out, pos, n, changed = bytearray(img[:hlen]), hlen, 0, 0
    while True:
        t, ln = struct.unpack_from('<II', img, pos)
        r = img[pos:pos + FMT.aligned(ln)]
        pos += len(r)
        if t == TRAILER:
            r = bytearray(r)
            FMT.put(r, 'trailer', 'nr_records', n)
            FMT.put(r, 'trailer', 'bytes', len(out))
            FMT.put(r, 'trailer', 'crc32', zlib.crc32(bytes(out)))
            out += r
            break
        if t == VMA_ANON:
            start = FMT.get(r, 'vma_anon', 'start')
            nr = FMT.get(r, 'vma_anon', 'nr_pages')
            r = FMT.record('vma', VMA, {
                'start': start, 'end': start + nr * page,
                'prot': FMT.get(r, 'vma_anon', 'prot'),
                'flags': FMT.get(r, 'vma_anon', 'flags')})
            changed += 1
        elif t == PAGES_RUN:
            # CKPT_REC_PAGES holds at most CKPT_PAGES_MAX pages
            addr = FMT.get(r, 'pages_run', 'addr')
            data = r[FMT.size('pages_run'):ln]
            step = FMT.pages_max * page
            for off in range(0, len(data), step):
                part = data[off:off + step]
                out += FMT.record('pages', PAGES, {
                    'addr': addr + off, 'nr_pages': len(part) // page}, part)
                n += 1
            changed += 1
            continue
        out += r
        n += 1
    if not changed:
        sys.exit(1)
    open(path, 'wb').write(out)


main()
