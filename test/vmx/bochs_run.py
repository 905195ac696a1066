#!/usr/bin/env python3
"""Runs a Sealvisor ISO under Bochs (or QEMU), headless, judged by serial markers.

Bochs in Debian has no "nogui" display: it runs with the "term" display
library and TERM=dumb, its debugger reads "c" and "quit" from an rc file,
and COM1 (the VMM's console and the guest's) goes to a file that this
script watches.  The run passes only when every --require pattern has been
seen, the --done marker has arrived and no --fail pattern has; Bochs's exit
status alone means nothing (a triple fault ends in a PANIC, a halted CPU
never ends).  Bochs ignores SIGTERM, so a run past its time is SIGKILLed.
With --qemu the same ISO runs under qemu-system-x86_64 -accel tcg -cpu max
(SVM without NRIPS), with the same markers.

  bochs_run.py --iso X.iso --model corei7_haswell_4770 --megs 128 \
      --timeout 120 --require 'virtualization: Intel VMX' \
      --done 'MINIGUEST DONE' --fail 'MINIGUEST FAIL' --log out.log
"""
import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

BOCHSRC = """\
megs: {megs}
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
cpu: model={model}, count={cpus}, ips={ips}, reset_on_triple_fault=0
ata0: enabled=1, ioaddr1=0x1f0, ioaddr2=0x3f0, irq=14
ata0-slave: type=cdrom, path={iso}, status=inserted
boot: cdrom
com1: enabled=1, mode=file, dev={com1}
display_library: term
log: {log}
panic: action=fatal
error: action=report
info: action=report
debug: action=ignore
clock: sync=none, time0=local
port_e9_hack: enabled=1
magic_break: enabled=1
speaker: enabled=0
sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy
"""

ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")


def clean(data):
    """Serial bytes as text lines: GRUB's escape sequences and CRs removed."""
    return ANSI.sub(b"", data).replace(b"\r", b"").decode("utf-8", "replace")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--iso", required=True)
    ap.add_argument("--model", default="corei7_haswell_4770")
    ap.add_argument("--megs", type=int, default=128)
    ap.add_argument("--ips", type=int, default=50000000)
    ap.add_argument("--cpus", type=int, default=1, help="CPUs (Bochs cpu: count=, QEMU -smp)")
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--require", action="append", default=[],
                    help="regular expression that must appear in the serial log")
    ap.add_argument("--done", required=True, help="marker that ends a run")
    ap.add_argument("--fail", action="append", default=[],
                    help="regular expression that fails the run at once")
    ap.add_argument("--allow-reset", action="store_true",
                    help="do not fail on the VMM's fatal messages (triple fault, FATAL ...)")
    ap.add_argument("--log", help="where to keep the serial log")
    ap.add_argument("--bochs", default="bochs")
    ap.add_argument("--qemu", action="store_true", help="run under QEMU TCG instead")
    args = ap.parse_args()
    if not args.allow_reset:
        args.fail += [r"\[sealvisor\] (FATAL|PANIC|EXCEPTION)", r"guest shut down",
                      r"the guest has stopped", r"VMX: VM entry failed", r"VMLAUNCH failed",
                      r"VMRESUME failed"]

    emu = "qemu-system-x86_64" if args.qemu else args.bochs
    if not shutil.which(emu):
        print(f"{emu} not found: run scripts/setup-deps (bochs, bochsbios, vgabios, bochs-term, qemu)")
        return 77  # meson: skipped
    if not os.path.isfile(args.iso):
        print(f"{args.iso} missing (run scripts/fetch-kernel, then ninja)")
        return 1

    work = tempfile.mkdtemp(prefix="sv-bochs-")
    com1 = os.path.join(work, "com1.log")
    rc_path = os.path.join(work, "bochsrc")
    with open(rc_path, "w") as f:
        f.write(BOCHSRC.format(megs=args.megs, model=args.model, ips=args.ips, cpus=args.cpus,
                               iso=os.path.abspath(args.iso), com1=com1,
                               log=os.path.join(work, "bochs.log")))
    dbg = os.path.join(work, "dbg.rc")
    with open(dbg, "w") as f:
        f.write("c\nquit\n")
    env = dict(os.environ, TERM="dumb")
    if args.qemu:
        cmd = [emu, "-accel", "tcg", "-cpu", "max", "-m", str(args.megs), "-no-reboot",
               "-display", "none", "-monitor", "none", "-serial", "file:" + com1,
               "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
               "-smp", str(args.cpus), "-cdrom", os.path.abspath(args.iso)]
        args.model = "qemu tcg -cpu max"
    else:
        cmd = [args.bochs, "-q", "-f", rc_path, "-rc", dbg]
    start = time.monotonic()
    proc = subprocess.Popen(cmd,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, cwd=work, env=env,
                            start_new_session=True)
    verdict = None
    text = ""
    while True:
        time.sleep(0.25)
        try:
            with open(com1, "rb") as f:
                text = clean(f.read())
        except FileNotFoundError:
            text = ""
        fails = [m.group(0) for p in args.fail for m in re.finditer(p + ".*", text)]
        if fails:
            verdict = "FAIL: " + fails[0]
            break
        if args.done in text:
            break
        if proc.poll() is not None:
            time.sleep(0.1)
            try:
                with open(com1, "rb") as f:
                    text = clean(f.read())
            except FileNotFoundError:
                pass
            if args.done in text and not any(re.search(p, text) for p in args.fail):
                break
            verdict = f"FAIL: the emulator ended (status {proc.returncode}) before '{args.done}'"
            break
        if time.monotonic() - start > args.timeout:
            verdict = f"FAIL: no '{args.done}' within {args.timeout:.0f} s"
            break
    elapsed = time.monotonic() - start
    if proc.poll() is None:
        # Give the magic-break "quit" a moment, then make sure.
        try:
            proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    try:
        with open(com1, "rb") as f:
            text = clean(f.read())
    except FileNotFoundError:
        pass
    if verdict is None:
        missing = [p for p in args.require if not re.search(p, text)]
        if missing:
            verdict = "FAIL: missing " + ", ".join(repr(m) for m in missing)
    if args.log:
        with open(args.log, "w") as f:
            f.write(text)
    for line in text.splitlines():
        if "[sealvisor]" in line or re.search(r"MINIGUEST|SVTEST|PROC ", line):
            print(line)
    print(f"{'' if args.qemu else 'bochs '}{args.model}: {elapsed:.1f} s, {verdict or 'PASS'}")
    if os.environ.get("SV_KEEP_BOCHS"):
        print(f"work folder (bochsrc, bochs.log): {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if verdict is None else 1


if __name__ == "__main__":
    sys.exit(main())
