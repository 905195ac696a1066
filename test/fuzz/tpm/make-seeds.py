#!/usr/bin/env python3
"""Writes the TPM fuzzer's seeds (corpus/): one well-formed response per
parser, as swtpm sends them, behind the selector byte fuzz_tpm.c reads,
and the two TPM2 tables QEMU builds."""
import os
import struct

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
os.makedirs(here, exist_ok=True)


def rsp(tag, body, rc=0):
    return struct.pack(">HII", tag, 10 + len(body), rc) + body


def tpm2_table(control, method):
    t = bytearray(b"TPM2" + struct.pack("<I", 76) + bytes([4, 0]) + b"SVTESTUNITTEST" + bytes(12))
    t += struct.pack("<IQI", 0, control, method) + bytes(12) + struct.pack("<IQ", 0x10000, 0x7ffd0000)
    t[9] = (-sum(t)) & 0xff
    return bytes(t)


seeds = {
    "hdr": (0, rsp(0x8001, b"")),
    "cap-pcrs": (1, rsp(0x8001, b"\0" + struct.pack(">II", 5, 2) + bytes([0, 4, 3, 255, 255, 255, 0, 11, 3, 255, 255, 255]))),
    "cap-props": (2, rsp(0x8001, b"\1" + struct.pack(">III", 6, 1, 0x105) + b"IBM ")),
    # PCR 22: selector bits 3.. pick the PCR, 22 * 8 + 3 = 179.
    "pcr-read": (179, rsp(0x8001, struct.pack(">II", 20, 1) + bytes([0, 11, 3, 0, 0, 0x40]) + struct.pack(">IH", 1, 32) + b"\xff" * 32)),
    "pcr-extend": (4, rsp(0x8002, struct.pack(">I", 0) + bytes([0, 0, 1, 0, 0]))),
    "get-random": (5 + 16 * 8, rsp(0x8001, struct.pack(">H", 16) + bytes(range(16)))),
    "startup-init": (6, rsp(0x8001, b"", 0x100)),
    "acpi-tis": (7, tpm2_table(0, 6)),
    "acpi-crb": (7, tpm2_table(0xfed40040, 7)),
}
for name, (sel, data) in seeds.items():
    with open(os.path.join(here, name), "wb") as f:
        f.write(bytes([sel & 0xff]) + data)
