#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""mutate.py [-s SEED] [-c CRC_PERCENT] IMAGE OUTDIR N

Writes N mutated copies of the ckpt image IMAGE as OUTDIR/0 .. OUTDIR/N-1,
and OUTDIR/list with one line per copy: "I KIND DETAIL".  Mutations:

  trunc     truncated at a record boundary: the first min(R + 1, N / 4)
            copies cut at evenly spaced boundaries of the R records (every
            boundary once, the end of the header and the trailer included,
            when N / 4 > R)
  cut       truncated inside a record (its header or its payload)
  flip      1 to 4 bit flips in one record, header or payload
  reclen    a record's length field becomes hostile (0, 7, 8, off by one,
            one padding unit more or less, 64 KiB and around, 2^31, ~0...)
  dup       a record duplicated (right after itself or somewhere later)
  swap      two records swapped (neighbours or any two)
  drop      a record removed
  count     a small non-zero 32-bit payload field (1 .. 65536: counts,
            lengths, ids, fds) becomes huge, zero, or one off
  field64   a 64-bit payload field (addresses, sizes) becomes hostile
  header    a field of the file header becomes hostile
  type      a record's type becomes another known or unknown type

The record to change is chosen by type first, then among the records of
that type, so that rare records are hit as often as page records.  Except
for truncations, CRC_PERCENT (default 85) of the copies get a trailer whose
record count, byte count and CRC match the mutated stream, so that restart
meets the mutation itself, not just a checksum error at the end.
"""
import os
import random
import struct
import sys
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', '..', 'tools', 'ckptfs-util'))
import ckptfmt  # noqa: E402

# The layout, from "ckpt format --json"
FMT = ckptfmt.load()
HDR_LEN = FMT.header_len
TRAILER = FMT.rec['trailer']
REC_MAX = FMT.rec_max_len
REC_LEN = FMT.size('rec')
# numbers no record type has: the last but one of each range
UNKNOWN = sorted({(t | 0xff) - 1 for t in FMT.names} - set(FMT.names))
HOSTILE32 = [0, 1, 2, 7, 0xff, 0xfff, 0xffff, 0x10000, 0x10001, 0x7fffffff,
             0x80000000, 0xfffffff8, 0xfffffffe, 0xffffffff]
HOSTILE64 = [0, 1, 0xfff, 0x1000, 1 << 32, 1 << 47, (1 << 47) - 4096,
             1 << 63, (1 << 64) - 4096, (1 << 64) - 1]


def header_fields():
    """(offset, size) of the fields of the file header to damage: the
    integers, and the first and last byte of the strings and the padding."""
    out = []
    for name, f in FMT.structs['file_header']['fields'].items():
        o, size = f['offset'], f['size']
        if name == 'magic':
            continue
        if size in (4, 8):
            out.append((o, size))
        else:
            out += [(o, 1), (o + size - 1, 1)]
    return out


HEADER_FIELDS = header_fields()


def split(img):
    """The records of img after the header, as (type, bytes) with padding."""
    recs, pos = [], HDR_LEN
    while pos + 8 <= len(img):
        t, ln = struct.unpack_from('<II', img, pos)
        end = pos + ((ln + 7) & ~7)
        if ln < REC_LEN or end > len(img):
            break
        recs.append((t, bytes(img[pos:end])))
        pos = end
        if t == TRAILER:
            break
    return recs


def join(hdr, recs, fix):
    """Header + records; with fix, the trailer is made to match."""
    out = bytearray(hdr)
    n = 0
    for t, r in recs:
        # a record whose type a mutation made TRAILER may be too short
        if t == TRAILER and fix and len(r) >= FMT.size('trailer'):
            r = bytearray(r)
            FMT.put(r, 'trailer', 'nr_records', n)
            FMT.put(r, 'trailer', 'bytes', len(out))
            FMT.put(r, 'trailer', 'crc32', zlib.crc32(bytes(out)))
            r = bytes(r)
        out += r
        n += 1
    return bytes(out)


def pick(rng, recs, payload=0):
    """Index of a non-trailer record with at least payload bytes after its
    header, chosen by type first."""
    by_type = {}
    for i, (t, r) in enumerate(recs):
        if t != TRAILER and len(r) >= 8 + payload:
            by_type.setdefault(t, []).append(i)
    if not by_type:
        return None
    return rng.choice(by_type[rng.choice(sorted(by_type))])


def mutate(rng, kind, hdr, recs, types):
    """Mutates recs (a list) or hdr (a bytearray) in place; returns a
    description or None if the mutation does not apply."""
    if kind == 'flip':
        i = pick(rng, recs)
        r = bytearray(recs[i][1])
        n = rng.randint(1, 4)
        bits = []
        for _ in range(n):
            # mostly in the first 64 bytes: headers and fixed fields
            lim = len(r) if rng.random() < 0.3 else min(len(r), 64)
            p = rng.randrange(lim)
            b = rng.randrange(8)
            r[p] ^= 1 << b
            bits.append('%d.%d' % (p, b))
        recs[i] = (recs[i][0], bytes(r))
        return 'rec %d type %#x bits %s' % (i, recs[i][0], ','.join(bits))
    if kind == 'reclen':
        i = pick(rng, recs)
        r = bytearray(recs[i][1])
        ln = struct.unpack_from('<I', r, 4)[0]
        v = rng.choice([0, 4, 7, 8, 9, ln - 1, ln + 1, ln - 8, ln + 8,
                        ln * 2, REC_MAX - 1, REC_MAX, REC_MAX + 1,
                        1 << 31, 0xffffffff, rng.getrandbits(32),
                        rng.randrange(8, max(9, ln * 4))]) & 0xffffffff
        struct.pack_into('<I', r, 4, v)
        recs[i] = (recs[i][0], bytes(r))
        return 'rec %d type %#x len %d -> %d' % (i, recs[i][0], ln, v)
    if kind == 'dup':
        i = pick(rng, recs)
        j = i + 1 if rng.random() < 0.5 else rng.randrange(i + 1, len(recs))
        recs.insert(j, recs[i])
        return 'rec %d type %#x copied to %d' % (i, recs[i][0], j)
    if kind == 'swap':
        i = pick(rng, recs)
        if rng.random() < 0.5:
            j = i + 1 if i + 1 < len(recs) - 1 else i - 1
        else:
            j = rng.randrange(len(recs) - 1)
        if j < 0 or j == i:
            return None
        recs[i], recs[j] = recs[j], recs[i]
        return 'recs %d type %#x and %d type %#x' % (i, recs[j][0], j,
                                                     recs[i][0])
    if kind == 'drop':
        i = pick(rng, recs)
        t = recs[i][0]
        del recs[i]
        return 'rec %d type %#x' % (i, t)
    if kind == 'count':
        i = pick(rng, recs, 4)
        r = bytearray(recs[i][1])
        offs = [o for o in range(8, min(len(r), 512) - 3, 4)
                if 1 <= struct.unpack_from('<I', r, o)[0] <= 65536]
        if not offs:
            return None
        o = rng.choice(offs)
        v = struct.unpack_from('<I', r, o)[0]
        nv = rng.choice(HOSTILE32 + [v - 1, v + 1, v * 2, v << 16,
                                      rng.getrandbits(32)]) & 0xffffffff
        struct.pack_into('<I', r, o, nv)
        recs[i] = (recs[i][0], bytes(r))
        return 'rec %d type %#x @%d %d -> %#x' % (i, recs[i][0], o, v, nv)
    if kind == 'field64':
        i = pick(rng, recs, 8)
        r = bytearray(recs[i][1])
        o = rng.randrange(8, min(len(r), 256) - 7, 8) if len(r) >= 16 else 8
        if o + 8 > len(r):
            return None
        old = struct.unpack_from('<Q', r, o)[0]
        v = rng.choice(HOSTILE64 + [old + 4096, old - 1, old ^ (1 << 46),
                                    rng.getrandbits(64)]) & ((1 << 64) - 1)
        struct.pack_into('<Q', r, o, v)
        recs[i] = (recs[i][0], bytes(r))
        return 'rec %d type %#x @%d %#x -> %#x' % (i, recs[i][0], o, old, v)
    if kind == 'header':
        o, size = rng.choice(HEADER_FIELDS)
        old = int.from_bytes(hdr[o:o + size], 'little')
        v = rng.choice(HOSTILE64 + [old + 1, old - 1, old * 2]) \
            & ((1 << (8 * size)) - 1)
        hdr[o:o + size] = v.to_bytes(size, 'little')
        return 'header @%d %#x -> %#x' % (o, old, v)
    if kind == 'type':
        i = pick(rng, recs)
        r = bytearray(recs[i][1])
        old = recs[i][0]
        v = rng.choice(types + [0] + UNKNOWN + [0xffffffff])
        struct.pack_into('<I', r, 0, v)
        recs[i] = (v, bytes(r))
        return 'rec %d type %#x -> %#x' % (i, old, v)
    raise ValueError(kind)


KINDS = ['cut', 'flip', 'reclen', 'dup', 'swap', 'drop', 'count', 'count',
         'field64', 'header', 'type']


def main():
    args = sys.argv[1:]
    seed, crc_pct = 1234, 85
    while args and args[0].startswith('-'):
        if args[0] == '-s':
            seed = int(args[1])
        elif args[0] == '-c':
            crc_pct = int(args[1])
        else:
            sys.exit(__doc__)
        args = args[2:]
    if len(args) != 3:
        sys.exit(__doc__)
    path, outdir, n = args[0], args[1], int(args[2])
    img = open(path, 'rb').read()
    rng = random.Random(seed)
    hdr0, recs0 = img[:HDR_LEN], split(img)
    if len(recs0) < 2 or recs0[-1][0] != TRAILER:
        sys.exit('mutate.py: %s: no trailer found' % path)
    types = sorted({t for t, _ in recs0})
    # record boundaries: the end of the header, then the end of each record
    bounds = [HDR_LEN]
    for _, r in recs0:
        bounds.append(bounds[-1] + len(r))
    bounds = bounds[:-1]		# the whole image is not a truncation
    ntrunc = min(len(bounds), n // 4)
    lst = open('%s/list' % outdir, 'w')
    for i in range(n):
        if i < ntrunc:
            k = i * len(bounds) // ntrunc
            out, kind, desc = img[:bounds[k]], 'trunc', 'at record %d, byte %d' % (k, bounds[k])
        else:
            desc = None
            while desc is None:
                kind = rng.choice(KINDS)
                hdr, recs = bytearray(hdr0), list(recs0)
                if kind == 'cut':
                    k = rng.randrange(len(recs0))
                    cut = bounds[k] + rng.choice([1, 4, 7, 8, 9, 12, 16]) \
                        if k < len(bounds) else len(img) - 8
                    if rng.random() < 0.3 and k + 1 < len(bounds):
                        cut = rng.randrange(bounds[k] + 1, bounds[k + 1])
                    out, desc = img[:cut], 'in record %d, byte %d' % (k, cut)
                    break
                desc = mutate(rng, kind, hdr, recs, types)
            if kind != 'cut':
                fix = rng.randrange(100) < crc_pct
                out = join(hdr, recs, fix)
                desc += ' (crc fixed)' if fix else ''
        open('%s/%d' % (outdir, i), 'wb').write(out)
        lst.write('%d %s %s\n' % (i, kind, desc))
    lst.close()
    print('mutate: %d images from %d records (%d types), %d truncations at '
          '%d of %d record boundaries' % (n, len(recs0), len(types), ntrunc,
                                          len({i * len(bounds) // ntrunc for i in range(ntrunc)}) if ntrunc else 0,
                                          len(bounds)))


main()
