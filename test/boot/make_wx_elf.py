#!/usr/bin/env python3
"""make_wx_elf.py IN OUT: a copy of an ELF64 process image whose first
PT_LOAD segment claims to be writable and executable, so that the loader
must refuse it (the W^X rule) even though it is signed."""
import struct
import sys

data = bytearray(open(sys.argv[1], "rb").read())
if data[:4] != b"\x7fELF" or data[4] != 2:
    sys.exit("make_wx_elf.py: not an ELF64 file")
phoff, = struct.unpack_from("<Q", data, 0x20)
phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
for i in range(phnum):
    off = phoff + i * phentsize
    p_type, = struct.unpack_from("<I", data, off)
    if p_type == 1:  # PT_LOAD
        struct.pack_into("<I", data, off + 4, 7)  # PF_R | PF_W | PF_X
        break
else:
    sys.exit("make_wx_elf.py: no PT_LOAD")
open(sys.argv[2], "wb").write(data)
