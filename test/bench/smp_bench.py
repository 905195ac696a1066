#!/usr/bin/env python3
"""Benchmark: an IPI-heavy parallel workload in a Linux guest with several
CPUs, with and without Sealvisor under the same QEMU, several runs each,
interleaved (alternating which goes first), printed as time ratios; and,
under Sealvisor, the VM exits per second by reason during each workload.
Figures, not a pass/fail test: the machines are shared.

The guest (grub entries 'smp-bench' and 'bare-smp-bench', sv.mode=smp-bench
in boot/guest/init) runs guest-utils/svload, one thread pinned to each CPU,
all in one address space, with three workloads one after the other:

  mmap      mmap, touch, munmap one page (the TLB shootdowns of munmap);
  mprotect  its own page of a shared region read-only, writable, touch;
  madvise   touch its own page of a shared region, MADV_DONTNEED it (only
            the read side of the mm lock: the threads run side by side).

Each workload's time is taken on the host, from its start line to its
result line on the serial console (the guest's own clock is printed too).
The guest also prints the interrupts Linux counted meanwhile
(/proc/interrupts: TLB = TLB shootdowns, CAL = function-call IPIs, of
which the shootdowns are a part, RES = rescheduling IPIs, LOC = local
timer) and, under Sealvisor, the VMM's exit counters before and after.

On AMD SVM Sealvisor intercepts the guest's whole xAPIC page: every EOI and
every ICR write of an IPI exits to the VMM ("apic"), and its own kicks of
other CPUs show as "nmi".  So IPIs are not free there, and this is what it
costs.

  smp_bench.py ISO [RUNS] [--smp N]
"""
import os
import re
import shutil
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "boot"))
import svqemu  # noqa: E402

WORKLOADS = (("mmap", "mmap/munmap"), ("mprotect", "mprotect"), ("madvise", "madvise(DONTNEED)"))
IRQS = ("TLB", "CAL", "RES", "LOC")


def pairs(text):
    """'apic 12 nmi 0' -> {'apic': 12, 'nmi': 0}."""
    return {k: int(v) for k, v in re.findall(r"([A-Za-z][\w-]*) (\d+)(?!\S)", text)}


def one(iso, entry, accel, cpus):
    """One boot: {workload: {'host': s, 'guest': s, 'irq': {...}, 'exits': {...}}}."""
    times = []
    text, _, reason = svqemu.run(
        svqemu.qemu_command(iso, entry, accel, extra=["-smp", str(cpus)]), 900,
        line_times=times)
    out = {}
    for name, _ in WORKLOADS:
        tag = f"SVBENCH load {name} "
        t0 = next((t for t, l in times if tag + "start" in l), None)
        t1 = next((t for t, l in times if tag + "time " in l), None)
        m = next((re.search(r"time ([0-9.]+) s", l) for _, l in times if tag + "time " in l), None)
        if t0 is None or t1 is None or m is None:
            raise SystemExit(f"{entry}: no result of workload {name} ({reason}); last lines:\n" +
                             "\n".join(text.splitlines()[-25:]))
        r = {"host": t1 - t0, "guest": float(m.group(1)), "irq": {}, "exits": None}
        for _, l in times:
            # The VMM writes to the same serial port: cut a message of its that
            # landed in the middle of a guest line.
            l = l.split("[sealvisor]")[0]
            if l.startswith(tag + "irq "):
                r["irq"] = pairs(l[len(tag + "irq "):])
            elif l.startswith(tag + "exits total "):
                r["exits"] = pairs(l[len(tag + "exits "):])
            elif "failed" in l and l.startswith(tag):
                raise SystemExit(f"{entry}: {l}")
        out[name] = r
    return out, text


def fmt_exits(rates, always=("apic", "nmi")):
    keys = [k for k in always] + sorted(k for k in rates if k not in always and k != "total")
    return ", ".join(f"{k} {rates.get(k, 0):.0f}" for k in keys)


def main():
    args = sys.argv[1:]
    cpus = 2
    if "--smp" in args:
        i = args.index("--smp")
        cpus = int(args[i + 1])
        del args[i:i + 2]
    iso = args[0]
    runs = int(args[1]) if len(args) > 1 else 3
    accel, desc = svqemu.pick_accel()
    accel = svqemu.multi_thread_tcg(accel)
    print(f"accelerator: {desc}; -smp {cpus} ({' '.join(accel)}); {runs} runs each, "
          f"interleaved, alternating which goes first")
    print(f"host: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at the start")
    if (os.cpu_count() or 1) < 2 * cpus:
        print(f"note: {cpus} guest CPUs on {os.cpu_count()} host CPUs: whenever other work "
              f"preempts a vCPU thread, an IPI's sender waits for it, so single runs vary a "
              f"lot; the median and best-of-{runs} figures are both given")
    # The same image for every run, even if the build tree is rebuilt meanwhile.
    tmp = tempfile.mkdtemp(prefix="svbench-")
    try:
        private = os.path.join(tmp, "sealvisor.iso")
        shutil.copyfile(iso, private)
        sv, bare = [], []
        for i in range(runs):
            order = (("bare-smp-bench", bare), ("smp-bench", sv))
            for entry, into in (order if i % 2 == 0 else order[::-1]):
                into.append(one(private, entry, accel, cpus)[0])
            for name, label in WORKLOADS:
                b, s = bare[-1][name], sv[-1][name]
                ex = s["exits"] or {}
                print(f"SVBENCH smp run {i + 1} {label}: without Sealvisor {b['host']:.2f} s "
                      f"(guest clock {b['guest']:.2f} s), under Sealvisor {s['host']:.2f} s "
                      f"(guest clock {s['guest']:.2f} s), ratio {s['host'] / b['host']:.3f}; "
                      f"IPIs without/under: " +
                      " ".join(f"{k} {b['irq'].get(k, -1)}/{s['irq'].get(k, -1)}" for k in IRQS) +
                      f"; VM exits {ex.get('total', 0)} (" + fmt_exits(ex) + ")")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"host load average {os.getloadavg()[0]:.2f} at the end")
    summary = []
    for name, label in WORKLOADS:
        hb = [r[name]["host"] for r in bare]
        hs = [r[name]["host"] for r in sv]
        gb = [r[name]["guest"] for r in bare]
        gs = [r[name]["guest"] for r in sv]
        ratio = statistics.median(hs) / statistics.median(hb)
        best = min(hs) / min(hb)
        gratio = statistics.median(gs) / statistics.median(gb)
        pairs = ", ".join(f"{s / b:.2f}" for b, s in zip(hb, hs))
        # Exits per second of each Sealvisor run, by the guest's clock over the same window.
        rates = [{k: v / r[name]["guest"] for k, v in (r[name]["exits"] or {}).items()} for r in sv]
        keys = sorted({k for r in rates for k in r})
        med = {k: statistics.median(r.get(k, 0) for r in rates) for k in keys}
        ipis = [r[name]["irq"].get("CAL", 0) + r[name]["irq"].get("RES", 0) for r in sv]
        tlb = [r[name]["irq"].get("TLB", 0) for r in sv]
        bipis = [r[name]["irq"].get("CAL", 0) + r[name]["irq"].get("RES", 0) for r in bare]
        loc = [r[name]["irq"].get("LOC", 0) for r in sv]
        apic = [(r[name]["exits"] or {}).get("apic", 0) for r in sv]
        irqs = [p + t for p, t in zip(ipis, loc)]
        per_irq = statistics.median(a / n for a, n in zip(apic, irqs) if n) if any(irqs) else 0
        print(f"{label}, median: without Sealvisor {statistics.median(hb):.2f} s, under "
              f"Sealvisor {statistics.median(hs):.2f} s, ratio {ratio:.3f} (guest clock: "
              f"{statistics.median(gb):.2f} s, {statistics.median(gs):.2f} s, ratio "
              f"{gratio:.3f}); per-run ratios {pairs}; best of {runs}: {min(hb):.2f} s, "
              f"{min(hs):.2f} s, ratio {best:.3f}")
        print(f"{label}, IPIs received during the workload (CAL+RES, median): without "
              f"Sealvisor {statistics.median(bipis):.0f}, under Sealvisor "
              f"{statistics.median(ipis):.0f}, of them TLB shootdowns "
              f"{statistics.median(tlb):.0f}; local timer interrupts {statistics.median(loc):.0f}")
        extra = statistics.median(hs) - statistics.median(hb)
        cost = f"{extra / statistics.median(apic) * 1e6:.1f} us" if any(apic) else "n/a"
        print(f"{label}, VM exits/s under Sealvisor (median): total "
              f"{med.get('total', 0):.0f}: {fmt_exits(med)}; apic exits per interrupt received "
              f"(IPIs and local timer) {per_irq:.1f}; extra time per apic exit (median time "
              f"difference / median apic exits) {cost}")
        summary.append(f"smp {label} workload ratio ({cpus} CPUs): {ratio:.2f} (median of {runs}; "
                       f"runs {pairs}; best of {runs} {best:.2f}); VM exits/s under Sealvisor: "
                       f"{fmt_exits(med)}; "
                       f"IPIs/s {statistics.median(p / r[name]['guest'] for p, r in zip(ipis, sv)):.0f}")
    for line in summary:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
