#!/usr/bin/env python3
"""One boot test: boots an entry of the ISO under QEMU and judges it only by
markers on the serial console, never by QEMU's exit status (a triple fault
under -no-reboot also exits 0).

  boot_test.py ISO ENTRY --expect TEXT ... [--forbid TEXT ...] [--allow TEXT] [--timeout S]
               [--qemu-arg ARG ...] [--mem MiB] [--stop TEXT] [--tcg] [--uefi]
               [--exit-within TEXT SECONDS]

--uefi boots the ISO on q35 with OVMF; --exit-within passes only when QEMU
itself ended (a guest power-off) at most SECONDS after the line with TEXT.
"""
import argparse
import os
import re
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
    ap.add_argument("--uefi", action="store_true", help="q35 with Debian's OVMF firmware")
    ap.add_argument("--exit-within", nargs=2, metavar=("TEXT", "SECONDS"))
    a = ap.parse_args()

    if not os.path.exists(a.iso):
        print(f"FAIL: {a.iso} does not exist: run scripts/fetch-kernel, then rebuild")
        return 1
    if a.cpu:
        accel, desc = ["-accel", "tcg", "-cpu", a.cpu], f"QEMU TCG -cpu {a.cpu} (test-specific)"
    else:
        accel, desc = svqemu.pick_accel()
    print(f"accelerator: {desc}")
    log = a.log or os.path.join(os.getcwd(), f"boot-{a.entry}-{os.getpid()}.log")
    extra = list(a.qemu_arg)
    if a.uefi:
        extra = svqemu.uefi_args(log + ".vars.fd") + extra
    cmd = svqemu.qemu_command(a.iso, a.entry, accel, a.mem, extra)
    times = []
    text, secs, reason = svqemu.run(cmd, a.timeout, log, stop_markers=a.stop, line_times=times)
    print(f"QEMU ran {secs:.1f} s, ended by: {reason}; serial log: {log}")
    if a.uefi:
        os.unlink(log + ".vars.fd")

    failed = False
    # The serial port is shared: a VMM line printed on another CPU can land
    # in the middle of a guest line ("SVTEST PASS bv-s[sealvisor] ...\n
    # ample-hello").  The guest's markers are looked for in the text with
    # such spliced VMM lines cut out as well; each must still appear whole.
    spliced = re.sub(r"(?<=[^\n])\[sealvisor\] [^\n]*\n", "", text)
    for m in a.expect:
        if m not in text and m not in spliced:
            print(f"MISSING: {m!r}")
            failed = True
    for m in [f for f in DEFAULT_FORBID if f not in a.allow] + a.forbid:
        for line in text.splitlines():
            if m in line:
                print(f"FORBIDDEN: {line.strip()!r}")
                failed = True
    if a.exit_within:
        marker, limit = a.exit_within[0], float(a.exit_within[1])
        seen = next((t for t, line in times if marker in line), None)
        if seen is None:
            print(f"MISSING: {marker!r} (the line before the power-off)")
            failed = True
        elif reason != "exit":
            print(f"QEMU did not exit after {marker!r} (ended by {reason}): no power-off")
            failed = True
        elif secs - seen > limit:
            print(f"QEMU exited {secs - seen:.1f} s after {marker!r}, more than {limit} s")
            failed = True
        else:
            print(f"power-off: QEMU exited {secs - seen:.1f} s after {marker!r}")
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
