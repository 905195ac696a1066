#!/usr/bin/env python3
"""Writes the ACPI fuzzer's seed corpus (corpus/).  Run by hand, results
committed: make-seeds.py.

Seeds come from the tables recorded from QEMU and Bochs
(test/unit/acpi/recorded_tables.h), in each of fuzz_acpi.c's modes: the
MADTs alone (mode 0); memory with an RSDP at address 0 and an RSDT
(ACPI 1.0) or XSDT (ACPI 2.0) listing the recorded tables (mode 1); the
XSDT image at the top of the address space (mode 2); a BIOS area with
the RSDP at 0xe0000 (mode 3).  Fuzzing starts from valid walks so that
mutations reach the MADT entries rather than dying at a checksum.
"""
import os
import re
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'corpus')
HEADER = os.path.join(HERE, '..', '..', 'unit', 'acpi', 'recorded_tables.h')
IOMMU_HEADER = os.path.join(HERE, '..', '..', 'unit', 'acpi', 'recorded_iommu_tables.h')


def recorded():
    """{machine: {SIG: bytes}} from the header's arrays."""
    text = open(HEADER).read()
    out = {}
    for m in re.finditer(r'static const uint8_t (\w+?)_(rsdp|[a-z]{4})\[\] = \{[^\n]*\n(.*?)\n\};',
                         text, re.S):
        data = bytes(int(x, 16) for x in re.findall(r'0x([0-9a-f]{2})', m.group(3)))
        out.setdefault(m.group(1), {})[m.group(2).upper()] = data
    return out


def fix(t, at=9, length=None):
    t = bytearray(t)
    n = len(t) if length is None else length
    t[at] = 0
    t[at] = (-sum(t[:n])) & 0xff
    return bytes(t)


def header(sig, length, rev=1):
    return sig + struct.pack('<IBB6s8sI4sI', length, rev, 0, b'SVFUZZ', b'SEEDTBLS', 1, b'SVFZ', 1)


def rsdp(rsdt, xsdt=None):
    if xsdt is None:
        return fix(b'RSD PTR ' + b'\0' + b'SVFUZZ' + b'\0' + struct.pack('<I', rsdt), 8)
    b = b'RSD PTR ' + b'\0' + b'SVFUZZ' + b'\2' + struct.pack('<IIQ', rsdt, 36, xsdt) + b'\0' * 4
    b = fix(b, 8, 20)
    return fix(b, 32, 36)


def image(tables, base, wide):
    """RSDP at base, then the root table, then the tables (16-aligned)."""
    n = len(tables)
    esize = 8 if wide else 4
    root_at = base + 48
    root_len = 36 + esize * n
    at = root_at + root_len
    body, addrs = b'', []
    for t in tables:
        pad = (-at) % 16
        body += b'\0' * pad
        at += pad
        addrs.append(at)
        body += t
        at += len(t)
    sig = b'XSDT' if wide else b'RSDT'
    root = header(sig, root_len) + b''.join(struct.pack('<Q' if wide else '<I', a) for a in addrs)
    root = fix(root)
    r = rsdp(root_at if not wide else 0, root_at if wide else None)
    return r + b'\0' * (48 - len(r)) + root + body


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, t in sorted(recorded().items()):
        tables = [t[s] for s in ('FACP', 'APIC', 'HPET', 'MCFG', 'SSDT', 'WAET') if s in t]
        seeds = {
            'madt': b'\x1c' + t['APIC'],
            'rsdt': b'\x01' + image(tables, 0, False),
            'xsdt': b'\x01' + image(tables, 0, True),
            'bios': b'\x03' + b'\xc0\x9f' + image(tables, 0xe0000, False),
        }
        # Ending exactly at 2^64, from a 16-aligned base (same padding as at 0).
        size = (len(image(tables, 0, True)) + 15) & ~15
        top = image(tables, 2**64 - size, True)
        seeds['top'] = b'\x02' + top + b'\0' * (size - len(top))
        for kind, data in seeds.items():
            with open(os.path.join(OUT, f'{name}-{kind}'), 'wb') as f:
                f.write(data)
    # DMAR and IVRS (recorded_iommu_tables.h): parsed directly (mode 0 with
    # bits 5-6 = 1, 2), hidden (3), and in a q35 walk with the other tables.
    text = open(IOMMU_HEADER).read()
    q35 = recorded()['qemu_q35_smp4']
    for m in re.finditer(r'static const uint8_t (\w+?)_(dmar|ivrs)\[\] = \{[^\n]*\n(.*?)\n\};', text, re.S):
        data = bytes(int(x, 16) for x in re.findall(r'0x([0-9a-f]{2})', m.group(3)))
        mode = b'\x20' if m.group(2) == 'dmar' else b'\x40'
        tables = [q35[s] for s in ('FACP', 'APIC', 'HPET', 'MCFG', 'WAET')] + [data]
        for kind, seed in {m.group(2): mode + data, 'hide': b'\x60' + data,
                           'xsdt': b'\x01' + image(tables, 0, True)}.items():
            with open(os.path.join(OUT, f'{m.group(1)}-{kind}'), 'wb') as f:
                f.write(seed)


if __name__ == '__main__':
    main()
