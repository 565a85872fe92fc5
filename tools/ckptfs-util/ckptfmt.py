# SPDX-License-Identifier: GPL-2.0-only
"""The ckpt image layout, as "ckpt format --json" prints it.

For the scripts that build, patch or mutate images (tests, fuzzer), so
that the record types and the offsets they patch come from the tool, built
from include/uapi/ckpt_cgroup.h, rather than from copies of their own.

    import ckptfmt
    fmt = ckptfmt.load()
    fmt.rec['pages_run']        # 0x0305, the number of a record type
    fmt.names[0x0305]           # 'pages_run'
    fmt.size('trailer')         # 32
    fmt.off('trailer', 'crc32') # 24
    fmt.get(img, 'file_header', 'page_size')

The tool is $CKPT_CLI, else tools/ckptfs-util/ckpt next to this file.
"""
import json
import os
import subprocess


class Format:
    def __init__(self, d):
        self.raw = d
        self.magic = d['magic'].encode('latin-1')
        self.version = d['version']
        self.align = d['align']
        self.rec_max_len = d['rec_max_len']
        self.pages_max = d['pages_max']
        self.run_max = d['run_max']
        self.records = d['records']
        self.rec = {r['name']: r['type'] for r in self.records}
        self.names = {r['type']: r['name'] for r in self.records}
        self.bounds = {r['type']: (r['min_len'], r['max_len'])
                       for r in self.records}
        self.structs = d['structs']
        self.header_len = self.size('file_header')

    def aligned(self, n):
        """n rounded up to the record alignment."""
        return (n + self.align - 1) & ~(self.align - 1)

    def size(self, struct):
        return self.structs[struct]['size']

    def off(self, struct, field):
        return self.structs[struct]['fields'][field]['offset']

    def get(self, buf, struct, field, base=0):
        """The integer field of struct at buf[base:]."""
        f = self.structs[struct]['fields'][field]
        o = base + f['offset']
        return int.from_bytes(buf[o:o + f['size']], 'little')

    def put(self, buf, struct, field, value, base=0):
        """Stores the integer value in the field of struct at buf[base:]."""
        f = self.structs[struct]['fields'][field]
        o = base + f['offset']
        buf[o:o + f['size']] = value.to_bytes(f['size'], 'little')

    def record(self, struct, rtype, fields, tail=b''):
        """A record: the fixed part of struct with fields, then tail and
        the padding."""
        r = bytearray(self.size(struct))
        for k, v in fields.items():
            self.put(r, struct, k, v)
        self.put(r, 'rec', 'type', rtype)
        self.put(r, 'rec', 'len', len(r) + len(tail))
        r += tail
        return bytes(r + b'\0' * (self.aligned(len(r)) - len(r)))

    def type_of(self, s):
        """A record type given as a number (0x0410) or a name (pipe)."""
        try:
            return int(s, 0)
        except ValueError:
            return self.rec[s]


def tool():
    here = os.path.dirname(os.path.abspath(__file__))
    return os.environ.get('CKPT_CLI') or os.path.join(here, 'ckpt')


def load():
    out = subprocess.run([tool(), 'format', '--json'], check=True,
                         stdout=subprocess.PIPE).stdout
    return Format(json.loads(out))
