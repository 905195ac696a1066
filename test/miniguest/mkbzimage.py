#!/usr/bin/env python3
"""mkbzimage.py PM_BIN OUT: puts a Linux setup header in front of a 32-bit image.

The VMM loads a guest through the Linux x86 boot protocol
(Documentation/arch/x86/boot.rst).  This writes the smallest header it
accepts: boot sector signature, "HdrS", protocol 2.15, LOADED_HIGH, a
relocatable image with 2 MiB kernel_alignment and pref_address 16 MiB,
init_size = the image (whose .bss is already inside it), followed by the
protected-mode bytes at (setup_sects + 1) * 512.
"""
import struct
import sys

SETUP_SECTS = 1
HDR_END = 0x268  # through kernel_info_offset (protocol 2.15)


def main():
    pm = open(sys.argv[1], "rb").read()
    h = bytearray((SETUP_SECTS + 1) * 512)
    h[0x1F1] = SETUP_SECTS
    struct.pack_into("<H", h, 0x1FE, 0xAA55)
    h[0x200] = 0xEB                       # jmp over the header
    h[0x201] = HDR_END - 0x202
    h[0x202:0x206] = b"HdrS"
    struct.pack_into("<H", h, 0x206, 0x020F)
    h[0x210] = 0xFF                       # type_of_loader: the loader fills it
    h[0x211] = 0x01                       # loadflags: LOADED_HIGH
    struct.pack_into("<I", h, 0x214, 0x1000000)   # code32_start
    struct.pack_into("<I", h, 0x22C, 0x7FFFFFFF)  # initrd_addr_max
    struct.pack_into("<I", h, 0x230, 0x200000)    # kernel_alignment
    h[0x234] = 1                          # relocatable_kernel
    h[0x235] = 21                         # min_alignment (2 MiB)
    struct.pack_into("<I", h, 0x238, 255)         # cmdline_size
    struct.pack_into("<Q", h, 0x258, 0x1000000)   # pref_address
    init_size = (len(pm) + 4095) & ~4095
    struct.pack_into("<I", h, 0x260, init_size)
    with open(sys.argv[2], "wb") as f:
        f.write(bytes(h) + pm)


if __name__ == "__main__":
    main()
