#!/usr/bin/env python3
"""mkdisk.py OUT MIB: a raw disk image for the iommu suite.

Block 0 (4 KiB) is a header line, "SVDISK <blocks> <sha256>\\n", then
zeros; the blocks after it are MIB MiB of pseudo-random bytes (a fixed
seed, so every build makes the same image) whose SHA-256 the header
names.  The guest reads the header, then the blocks, and compares: a disk
read that went wrong anywhere shows (boot/guest/iommu-test.sh).
"""
import hashlib
import os
import random
import sys


def main():
    out, mib = sys.argv[1], int(sys.argv[2])
    body = random.Random(12).randbytes(mib << 20)
    digest = hashlib.sha256(body).hexdigest()
    header = f"SVDISK {len(body) // 4096} {digest}\n".encode()
    with open(out + ".tmp", "wb") as f:
        f.write(header + b"\0" * (4096 - len(header)))
        f.write(body)
    os.replace(out + ".tmp", out)


if __name__ == "__main__":
    main()
