#!/usr/bin/env python3
"""Writes the ELF fuzzer's seed corpus (corpus/).  Run by hand, results
committed: make-seeds.py BUILD-DIR.

Seeds: the real libproc images (hello, hello32, t-echo, t-echo32, and
two with a manifest note: sv-manifest64, sv-manifest32),
stripped of everything the loader does not read, and small synthetic
images of both classes that exercise the rules (BSS-only segment, a
segment not at a page start, ignored program-header types, an image at
the very top of the window).  Fuzzing starts from valid images so that
mutations reach the deep rules rather than dying at the magic.
"""
import os
import shutil
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'corpus')

PT_LOAD, PT_NOTE, PT_GNU_STACK = 1, 4, 0x6474e551
R, W, X = 4, 2, 1


def image(cls, entry, segs, size, phoff=None):
    """segs: (type, flags, offset, vaddr, filesz, memsz)."""
    ehsize, phentsize = (64, 56) if cls == 64 else (52, 32)
    phoff = ehsize if phoff is None else phoff
    b = bytearray(size)
    for i in range(ehsize, size):
        b[i] = (i * 7 + 1) & 0xff
    ident = b'\x7fELF' + bytes([2 if cls == 64 else 1, 1, 1, 0, 0]) + bytes(7)
    if cls == 64:
        hdr = ident + struct.pack('<HHIQQQIHHHHHH', 2, 62, 1, entry, phoff, 0, 0,
                                  ehsize, phentsize, len(segs), 0, 0, 0)
    else:
        hdr = ident + struct.pack('<HHIIIIIHHHHHH', 2, 3, 1, entry, phoff, 0, 0,
                                  ehsize, phentsize, len(segs), 0, 0, 0)
    b[0:len(hdr)] = hdr
    for i, (t, f, off, va, fs, ms) in enumerate(segs):
        if cls == 64:
            ph = struct.pack('<IIQQQQQQ', t, f, off, va, va, fs, ms, 0x1000)
        else:
            ph = struct.pack('<IIIIIIII', t, off, va, va, fs, ms, f, 0x1000)
        at = phoff + i * phentsize
        b[at:at + phentsize] = ph
    return bytes(b)


def synthetic():
    for cls in (64, 32):
        yield 'syn%d-three' % cls, image(cls, 0x400010, [
            (PT_LOAD, R | X, 0x1000, 0x400000, 0x100, 0x100),
            (PT_LOAD, R, 0x2000, 0x401000, 0x80, 0x80),
            (PT_LOAD, R | W, 0x3000, 0x402000, 0x10, 0x2000),
            (PT_GNU_STACK, R | W, 0, 0, 0, 0)], 0x3010)
        yield 'syn%d-bss-unaligned' % cls, image(cls, 0x400234, [
            (PT_NOTE, R, 0x100, 0, 0x20, 0x20),
            (PT_LOAD, R | X, 0x234, 0x400234, 0x40, 0x40),
            (PT_LOAD, R | W, 0, 0x500000, 0, 0x3000),
            (PT_LOAD, R | W | X, 0, 0, 0, 0)], 0x300)
        yield 'syn%d-top' % cls, image(cls, 0x3effff00, [
            (PT_LOAD, R | X, 0xf00, 0x3effff00, 0x100, 0x100)], 0x1000)


def main():
    build = sys.argv[1]
    os.makedirs(OUT, exist_ok=True)
    for name in ('hello', 'hello32', 't-echo', 't-echo32'):
        dst = os.path.join(OUT, name)
        shutil.copyfile(os.path.join(build, 'libproc', name), dst)
        subprocess.run(['strip', '--strip-all', '--remove-section=.comment', dst], check=True)
    # Issue 15: real images with a manifest note (libproc/meson.build).
    for name, src in (('sv-manifest64', 'sv-rb1'), ('sv-manifest32', 'sv-fl5')):
        dst = os.path.join(OUT, name)
        shutil.copyfile(os.path.join(build, 'libproc', src), dst)
        subprocess.run(['strip', '--strip-all', '--remove-section=.comment', dst], check=True)
    for name, data in synthetic():
        with open(os.path.join(OUT, name), 'wb') as f:
            f.write(data)


if __name__ == '__main__':
    main()
