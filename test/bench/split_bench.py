#!/usr/bin/env python3
"""Benchmark: what the process address-space split costs (issue 10).

Boots the same ISO with the split (default) and without it (VMM option
pti=off: process page tables keep the VMM mapped, as before the split),
interleaved, and reads the VMM's own cycle counts from the bench
hypercall (svtest bench, three times per boot): a null syscall, a message
round trip between two processes, an empty handler call.  Prints each
figure's median per configuration and the ratio split / no split.
Figures, not a pass/fail test.

  split_bench.py ISO [RUNS]
"""
import os
import re
import shutil
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "boot"))
import svqemu  # noqa: E402

FIGURES = (("null syscall", r"SVBENCH null syscall: (\d+) cycles"),
           ("message round trip", r"SVBENCH message round trip between two processes: (\d+) cycles"),
           ("empty handler call", r"SVBENCH empty handler call from the VMM: (\d+) cycles"))


def one(iso, entry, accel):
    text, _, reason = svqemu.run(svqemu.qemu_command(iso, entry, accel), 300,
                                 stop_markers=("SVBENCH procbench done",))
    got = {}
    for name, rx in FIGURES:
        vals = [int(v) for v in re.findall(rx, text)]
        if not vals:
            raise SystemExit(f"{entry}: no '{name}' figure ({reason}); last lines:\n" +
                             "\n".join(text.splitlines()[-20:]))
        got[name] = vals
    m = re.search(r"processes: .*; starting built-ins", text)
    return got, (m.group(0) if m else "?")


def main():
    iso = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    accel, desc = svqemu.pick_accel()
    print(f"accelerator: {desc}; {runs} boots each, interleaved, 3 bench calls per boot")
    tmp = tempfile.mkdtemp(prefix="svbench-")
    private = os.path.join(tmp, "sealvisor.iso")
    shutil.copyfile(iso, private)
    res = {"procbench": {n: [] for n, _ in FIGURES}, "procbench-nopti": {n: [] for n, _ in FIGURES}}
    lines = {}
    for _ in range(runs):
        for entry in ("procbench-nopti", "procbench"):
            got, line = one(private, entry, accel)
            lines[entry] = line
            for n in got:
                res[entry][n] += got[n]
    shutil.rmtree(tmp, ignore_errors=True)
    for entry, line in lines.items():
        print(f"{entry}: {line}")
    for name, _ in FIGURES:
        split = statistics.median(res["procbench"][name])
        flat = statistics.median(res["procbench-nopti"][name])
        print(f"SVBENCH split {name}: {split:.0f} cycles with the split, {flat:.0f} without, "
              f"ratio {split / flat:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
