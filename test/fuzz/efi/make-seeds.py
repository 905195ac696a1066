#!/usr/bin/env python3
"""Writes the EFI fuzzer's seeds into corpus/: an OVMF-like EFI memory map
(descriptor sizes 48 and 40) as a bare tag-17 payload (first byte 1) and
inside a multiboot2 information block with a system table and an
E820-style map (first byte 0)."""
import os
import struct

here = os.path.dirname(os.path.abspath(__file__))
RT = (1 << 63) | 0xf
MAP = [(7, 0x0, 0x9f, 0xf), (2, 0x100000, 0x300, 0xf), (4, 0x400000, 0x400, 0xf),
       (10, 0x800000, 0x100, 0), (7, 0x900000, 0x10000, 0xf), (5, 0x1f500000, 0x80, RT),
       (6, 0x1f580000, 0x80, RT), (9, 0x1f600000, 0x12, 0), (0, 0x1f700000, 0x20, 0),
       (11, 0xffc00000, 0x400, (1 << 63) | 1), (3, 0x1e000000, 0x200, 0xf)]


def efi_map(dsize):
    out = b""
    for t, base, pages, attr in MAP:
        d = struct.pack("<IIQQQQ", t, 0, base, 0, pages, attr)
        out += d + b"\0" * (dsize - len(d))
    return struct.pack("<II", dsize, 1) + out


def tag(t, body):
    b = struct.pack("<II", t, 8 + len(body)) + body
    return b + b"\0" * (-len(b) % 8)


def mbi(dsize):
    e820 = struct.pack("<II", 24, 0) + struct.pack("<QQII", 0, 0x1f000000, 1, 0)
    tags = tag(12, struct.pack("<Q", 0x1f5eb018)) + tag(17, efi_map(dsize)) + tag(6, e820) + tag(0, b"")
    return struct.pack("<II", 8 + len(tags), 0) + tags


os.makedirs(os.path.join(here, "corpus"), exist_ok=True)
for name, data in [("map48", b"\x01" + efi_map(48)), ("map40", b"\x01" + efi_map(40)),
                   ("mbi48", b"\x00" + mbi(48)), ("mbi40-truncated", b"\x00" + mbi(40)[:-20])]:
    with open(os.path.join(here, "corpus", name), "wb") as f:
        f.write(data)
