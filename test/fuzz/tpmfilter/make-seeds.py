#!/usr/bin/env python3
"""Writes the TPM filter fuzzer's seeds into corpus/: byte 0 is the VMM's
PCR (23), the rest a guest command as Linux or tpm2-tools send it."""
import os
import struct

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'corpus')
os.makedirs(here, exist_ok=True)
pw = struct.pack('>IIHBH', 9, 0x40000009, 0, 0, 0)


def cmd(tag, cc, body):
    return struct.pack('>HII', tag, 10 + len(body), cc) + body


seeds = {
    'extend-23': cmd(0x8002, 0x182, struct.pack('>I', 23) + pw + struct.pack('>IH', 1, 0xb) + b'\xab' * 32),
    'extend-16': cmd(0x8002, 0x182, struct.pack('>I', 16) + pw + struct.pack('>IH', 1, 0xb) + b'\xab' * 32),
    'reset-23': cmd(0x8002, 0x13d, struct.pack('>I', 23) + pw),
    'event-23': cmd(0x8002, 0x13c, struct.pack('>I', 23) + pw + struct.pack('>H', 4) + b'abcd'),
    'seqcomplete-23': cmd(0x8002, 0x185, struct.pack('>II', 23, 0x80000001) + pw + pw + struct.pack('>H', 0)),
    'setauthvalue-23': cmd(0x8002, 0x183, struct.pack('>I', 23) + pw + struct.pack('>H', 0)),
    'setauthpolicy-23': cmd(0x8002, 0x16c, struct.pack('>I', 0x4000000c) + pw + struct.pack('>H', 32) + b'\x11' * 32 + struct.pack('>HI', 0xb, 23)),
    'allocate': cmd(0x8002, 0x12b, struct.pack('>I', 0x4000000c) + pw + struct.pack('>I', 1) + struct.pack('>HB', 0xb, 3) + b'\xff\xff\xff'),
    'getrandom': cmd(0x8001, 0x17b, struct.pack('>H', 16)),
    'pcrread-23': cmd(0x8001, 0x17e, struct.pack('>IHB', 1, 0xb, 3) + b'\x00\x00\x80'),
}
for name, body in seeds.items():
    with open(os.path.join(here, name), 'wb') as f:
        f.write(bytes([23]) + body)
