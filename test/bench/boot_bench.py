#!/usr/bin/env python3
"""Benchmark: boot-to-init time of the same Linux guest with and without
Sealvisor under the same QEMU, several runs each, interleaved, printed as a
ratio; and the VM exits by reason during boot and during 5 idle seconds
after it (the VMM counts them, the guest reads them through the stats
hypercall).  Figures, not a pass/fail test: the machines are shared.

Two spans are timed on the host, by when serial lines arrive:
  kernel: from Linux's first message to the guest's /init printing its
          first line: the kernel's own boot, where a pass-through
          hypervisor could cost time (exits, nested paging);
  entry:  from GRUB starting the menu entry to the same /init line: also
          counts the loader path, which differs (GRUB's `linux` runs the
          real-mode setup with its BIOS calls; Sealvisor enters the
          kernel's 32-bit entry directly).

With --smp N the guest gets N CPUs (QEMU's multi-threaded TCG under
TCG), each run stops after the 5 idle seconds (the newprocess timings are
the 1-CPU benchmark's), and a summary line gives the median ratio.

  boot_bench.py ISO [RUNS] [--smp N]
"""
import os
import re
import shutil
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "boot"))
import svqemu  # noqa: E402


def one(iso, entry, accel, cpus=None):
    times = []
    extra, stop = (["-smp", str(cpus)], ("SVBENCH idle end",)) if cpus else ((), ())
    text, secs, reason = svqemu.run(svqemu.qemu_command(iso, entry, accel, extra=extra), 300,
                                    line_times=times, stop_markers=stop)
    t0 = next((t for t, l in times if "Booting `" in l), None)
    tk = next((t for t, l in times if "] Linux version" in l), None)
    t1 = next((t for t, l in times if "SVGUEST init reached" in l), None)
    if t0 is None or tk is None or t1 is None:
        raise SystemExit(f"{entry}: no boot/init markers ({reason}); last lines:\n" +
                         "\n".join(text.splitlines()[-20:]))
    return (t1 - tk, t1 - t0), text


def exits(text):
    """Exit counters of each SVSTATS block: list of {reason: count}."""
    blocks, cur = [], None
    for line in text.splitlines():
        m = re.search(r"SVSTATS backend=\S+ exits=(\d+)", line)
        if m:
            cur = {"total": int(m.group(1))}
            blocks.append(cur)
            continue
        m = re.search(r"SVSTATS exit (\S+) (\d+)", line)
        if m and cur is not None:
            cur[m.group(1)] = int(m.group(2))
    return blocks


def main():
    args = sys.argv[1:]
    cpus = None
    if "--smp" in args:
        i = args.index("--smp")
        cpus = int(args[i + 1])
        del args[i:i + 2]
    iso = args[0]
    runs = int(args[1]) if len(args) > 1 else 3
    accel, desc = svqemu.pick_accel()
    if cpus:
        # One host thread per guest CPU under TCG, said explicitly.
        accel = svqemu.multi_thread_tcg(accel)
        desc += f"; -smp {cpus} ({' '.join(accel)})"
    print(f"accelerator: {desc}; {runs} runs each, interleaved")
    # The same image for every run, even if the build tree is rebuilt meanwhile.
    tmp = tempfile.mkdtemp(prefix="svbench-")
    private = os.path.join(tmp, "sealvisor.iso")
    shutil.copyfile(iso, private)
    iso = private
    label = f"SVBENCH smp{cpus} " if cpus else ""
    sv, bare, last = [], [], ""
    for i in range(runs):
        t, _ = one(iso, "bare-bench", accel, cpus)
        bare.append(t)
        t, last = one(iso, "bench", accel, cpus)
        sv.append(t)
        print(f"{label}run {i + 1}: kernel-to-init without {bare[-1][0]:.2f} s, under Sealvisor "
              f"{sv[-1][0]:.2f} s; entry-to-init without {bare[-1][1]:.2f} s, under "
              f"Sealvisor {sv[-1][1]:.2f} s")
    shutil.rmtree(tmp, ignore_errors=True)
    for k, name in ((0, "kernel start to init"), (1, "GRUB entry to init")):
        mb = statistics.median(t[k] for t in bare)
        ms = statistics.median(t[k] for t in sv)
        print(f"{label}{name}, median: without Sealvisor {mb:.2f} s, under Sealvisor {ms:.2f} s, "
              f"ratio {ms / mb:.3f}")
    blocks = exits(last)
    if len(blocks) >= 2:
        boot, after = blocks[0], blocks[1]
        print(f"{label}VM exits during boot to init: {boot['total']} "
              + ", ".join(f"{k} {v}" for k, v in boot.items() if k != "total"))
        idle = {k: after.get(k, 0) - boot.get(k, 0) for k in after}
        print(f"{label}VM exits during 5 idle seconds after boot (minus the stats call itself): "
              f"{idle['total']} " + ", ".join(f"{k} {v}" for k, v in idle.items()
                                               if k != "total" and v))
    else:
        print("exit counters: not found in the guest output")
    if cpus:
        for k, name in ((0, "boot-to-init"), (1, "GRUB-entry-to-init")):
            runs_txt = ", ".join(f"{s[k]:.2f}/{b[k]:.2f} s" for s, b in zip(sv, bare))
            ratio = statistics.median(t[k] for t in sv) / statistics.median(t[k] for t in bare)
            what = "kernel start to init" if k == 0 else "GRUB entry to init"
            print(f"smp {name} ratio ({cpus} CPUs): {ratio:.2f} (median of {runs}, {what}; "
                  f"runs under/without Sealvisor {runs_txt})")
        return 0
    for line in last.splitlines():
        if "SVBENCH" in line and ("cycles" in line or "newprocess" in line):
            print(line[line.index("SVBENCH") + 8:].replace("\r", ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
