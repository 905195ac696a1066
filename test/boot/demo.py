#!/usr/bin/env python3
"""Runs the demo ISO for ./demo: shows the serial console as it comes and
exits with the guest's status ("SVDEMO exit status N"), or 1 when the
guest never got that far.  In shell mode QEMU gets the terminal."""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import svqemu  # noqa: E402


def main():
    iso, entry = sys.argv[1], sys.argv[2]
    accel, desc = svqemu.pick_accel()
    print(f"demo: accelerator: {desc}", flush=True)
    cmd = svqemu.qemu_command(iso, entry, accel)
    if entry == "shell":
        cmd = [c if c != "stdio" else "mon:stdio" for c in cmd]
        print("demo: interactive shell; QEMU quits with Ctrl-A X", flush=True)
        return subprocess.call(cmd)
    text, secs, reason = svqemu.run(cmd, timeout=600, echo=True)
    m = re.search(r"SVDEMO exit status (\d+)", text)
    print(f"\ndemo: QEMU ran {secs:.1f} s", flush=True)
    if not m:
        print("demo: the guest did not finish the demo (no 'SVDEMO exit status' line)")
        return 1
    return int(m.group(1))


if __name__ == "__main__":
    sys.exit(main())
