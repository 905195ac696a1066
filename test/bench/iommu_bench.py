#!/usr/bin/env python3
"""Benchmark: the guest's disk read throughput with and without DMA
remapping, under the same QEMU (TCG, q35 with intel-iommu, a virtio disk
whose DMA goes through the IOMMU), printed as a ratio.  Figures, not a
pass/fail test: the machines are shared.

Both runs boot the same ISO, kernel and initrd; "with" is the iommu-bench
entry (iommu=auto: the VMM programs the unit), "without" is
iommu-bench-off (iommu=off: the unit stays off, so every DMA is
untranslated).  In each, the guest drops its page cache and reads 64 MiB
from /dev/vda with dd, three times, timing each read with /proc/uptime
(boot/guest/init, sv.mode=iommu-bench).

  iommu_bench.py ISO DISK [RUNS]
"""
import os
import re
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "boot"))
import svqemu  # noqa: E402

LINE = re.compile(r"SVBENCH disk-read (\d+) MiB from ([0-9.]+) to ([0-9.]+)")


def one(iso, disk, entry, accel):
    extra = ["-machine", "q35", "-device", "intel-iommu",
             "-drive", f"file={disk},if=none,id=d0,format=raw,readonly=on",
             "-device", "virtio-blk-pci,drive=d0,iommu_platform=on,disable-legacy=on"]
    text, secs, reason = svqemu.run(svqemu.qemu_command(iso, entry, accel, extra=extra), 400,
                                    stop_markers=("SVGUEST done",))
    rates = []
    for m in LINE.finditer(text):
        mib, t0, t1 = int(m.group(1)), float(m.group(2)), float(m.group(3))
        if t1 > t0:
            rates.append(mib / (t1 - t0))
    state = "on" if "DMA protection: on" in text else "off" if "DMA protection: off" in text else "?"
    if len(rates) != 3:
        raise SystemExit(f"{entry}: {len(rates)} timed reads ({reason}); last lines:\n" +
                         "\n".join(text.splitlines()[-20:]))
    return rates, state


def main():
    iso, disk = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    accel, desc = svqemu.pick_accel()
    print(f"accelerator: {desc}")
    with_r, without_r = [], []
    for i in range(runs):
        for entry, acc in (("iommu-bench", with_r), ("iommu-bench-off", without_r)):
            rates, state = one(iso, disk, entry, accel)
            acc.extend(rates)
            print(f"run {i + 1} {entry} (DMA protection {state}): " +
                  ", ".join(f"{r:.1f}" for r in rates) + " MiB/s")
    w, wo = statistics.median(with_r), statistics.median(without_r)
    print(f"disk read, median of {len(with_r)} reads of 64 MiB: with remapping {w:.1f} MiB/s, "
          f"without {wo:.1f} MiB/s; time ratio with/without {wo / w:.2f}")


if __name__ == "__main__":
    main()
