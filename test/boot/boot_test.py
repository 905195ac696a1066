#!/usr/bin/env python3
"""One boot test: boots an entry of the ISO under QEMU and judges it only by
markers on the serial console, never by QEMU's exit status (a triple fault
under -no-reboot also exits 0).

  boot_test.py ISO ENTRY --expect TEXT ... [--forbid TEXT ...] [--allow TEXT] [--timeout S]
               [--qemu-arg ARG ...] [--mem MiB] [--stop TEXT] [--tcg]
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import svqemu  # noqa: E402

DEFAULT_FORBID = ["SVTEST FAIL", "MINIGUEST FAIL", "Kernel panic", "[sealvisor] EXCEPTION",
                  "[sealvisor] PANIC"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("iso")
    ap.add_argument("entry")
    ap.add_argument("--expect", action="append", default=[])
    ap.add_argument("--forbid", action="append", default=[])
    ap.add_argument("--allow", action="append", default=[],
                    help="drop this text from the default forbidden lines")
    ap.add_argument("--stop", action="append", default=[],
                    help="stop QEMU once this text appears (after checking)")
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--mem", type=int, default=512)
    ap.add_argument("--qemu-arg", action="append", default=[])
    ap.add_argument("--cpu", help="TCG with this -cpu model instead of the usual choice")
    ap.add_argument("--log")
    a = ap.parse_args()

    if not os.path.exists(a.iso):
        print(f"FAIL: {a.iso} does not exist: run scripts/fetch-kernel, then rebuild")
        return 1
    if a.cpu:
        accel, desc = ["-accel", "tcg", "-cpu", a.cpu], f"QEMU TCG -cpu {a.cpu} (test-specific)"
    else:
        accel, desc = svqemu.pick_accel()
    print(f"accelerator: {desc}")
    cmd = svqemu.qemu_command(a.iso, a.entry, accel, a.mem, a.qemu_arg)
    log = a.log or os.path.join(os.getcwd(), f"boot-{a.entry}-{os.getpid()}.log")
    text, secs, reason = svqemu.run(cmd, a.timeout, log, stop_markers=a.stop)
    print(f"QEMU ran {secs:.1f} s, ended by: {reason}; serial log: {log}")

    failed = False
    for m in a.expect:
        if m not in text:
            print(f"MISSING: {m!r}")
            failed = True
    for m in [f for f in DEFAULT_FORBID if f not in a.allow] + a.forbid:
        for line in text.splitlines():
            if m in line:
                print(f"FORBIDDEN: {line.strip()!r}")
                failed = True
    if reason == "timeout" and not a.stop:
        print(f"TIMEOUT after {a.timeout} s")
        failed = True
    if failed:
        print("---- last 40 lines of the serial console ----")
        print("\n".join(text.splitlines()[-40:]))
        print("FAIL")
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
