#!/usr/bin/env python3
"""One tpm-suite boot: a fresh software TPM behind QEMU.

  swtpm_boot.py DEVICE BOOT_TEST_ARGS...

DEVICE is tpm-tis or tpm-crb (QEMU's TPM front ends), or
table:CONTROL:METHOD for a machine without a TPM whose firmware adds an
ACPI TPM2 table naming that control area address and start method
(QEMU's -acpitable): a table that lies.

--kill-tpm-at TEXT (before BOOT_TEST_ARGS) stops swtpm once TEXT is on
the serial console: a TPM that the firmware used and that then dies
before the VMM talks to it.  Starts swtpm with
a new state directory in a temporary folder (a machine whose TPM was
never used), runs test/boot/boot_test.py with BOOT_TEST_ARGS plus the
-chardev/-tpmdev/-device arguments that attach it, stops swtpm after,
and exits with boot_test.py's status.  The commands are the ones
../shared/EMULATORS.md measured.
"""
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time

here = os.path.dirname(os.path.abspath(__file__))
boot_test = os.path.join(here, "..", "boot", "boot_test.py")


def lying_table(device, rest):
    """A TPM2 table without a TPM behind it (TCG ACPI 1.3, 8.3)."""
    _, control, method = device.split(":")
    with tempfile.TemporaryDirectory(prefix="sv-tpm2-") as tmp:
        body = os.path.join(tmp, "tpm2.bin")
        # After the 36-byte header QEMU writes: flags, control area, start method, parameters.
        with open(body, "wb") as f:
            f.write(struct.pack("<IQI", 0, int(control, 0), int(method, 0)) + bytes(12))
        args = [sys.executable, boot_test] + rest + [
            "--qemu-arg=-acpitable", f"--qemu-arg=sig=TPM2,rev=4,data={body}"]
        return subprocess.call(args)


def main():
    if len(sys.argv) < 2:
        print("usage: swtpm_boot.py tpm-tis|tpm-crb|table:CONTROL:METHOD BOOT_TEST_ARGS...")
        return 2
    device, rest = sys.argv[1], sys.argv[2:]
    if device.startswith("table:"):
        return lying_table(device, rest)
    if device not in ("tpm-tis", "tpm-crb"):
        print(f"swtpm_boot.py: unknown device {device!r}")
        return 2
    kill_at = None
    if len(rest) >= 2 and rest[0] == "--kill-tpm-at":
        kill_at, rest = rest[1], rest[2:]
    swtpm = shutil.which("swtpm")
    if not swtpm:
        print("FAIL: swtpm is not installed (scripts/setup-deps installs swtpm and swtpm-tools)")
        return 1
    tmp = tempfile.mkdtemp(prefix="sv-swtpm-")
    sock = os.path.join(tmp, "swtpm.sock")
    state = os.path.join(tmp, "state")
    os.mkdir(state)
    tpm = subprocess.Popen([swtpm, "socket", "--tpm2", "--tpmstate", f"dir={state}",
                            "--ctrl", f"type=unixio,path={sock}", "--flags", "startup-clear",
                            "--log", f"file={os.path.join(tmp, 'swtpm.log')}"])
    try:
        # QEMU connects once at start: the socket must be there first.
        for _ in range(100):
            if os.path.exists(sock) or tpm.poll() is not None:
                break
            time.sleep(0.05)
        if not os.path.exists(sock):
            print(f"FAIL: swtpm did not create {sock} (exit status {tpm.poll()})")
            return 1
        qemu = ["-chardev", f"socket,id=chrtpm,path={sock}",
                "-tpmdev", "emulator,id=tpm0,chardev=chrtpm",
                "-device", f"{device},tpmdev=tpm0"]
        args = [sys.executable, boot_test] + rest + [f"--qemu-arg={a}" for a in qemu]
        if not kill_at:
            return subprocess.call(args)
        # Watch boot_test.py's serial log (it writes each line as it comes).
        log = os.path.join(tmp, "serial.log")
        run = subprocess.Popen(args + ["--log", log])
        while run.poll() is None:
            try:
                with open(log, errors="replace") as f:
                    if kill_at in f.read():
                        break
            except FileNotFoundError:
                pass
            time.sleep(0.05)
        if tpm.poll() is None:
            tpm.kill()
            tpm.wait()
            print(f"swtpm_boot.py: swtpm stopped at {kill_at!r}")
        status = run.wait()
        with open(log, errors="replace") as f:
            sys.stdout.write(f.read())
        return status
    finally:
        if tpm.poll() is None:
            tpm.send_signal(signal.SIGTERM)
            try:
                tpm.wait(5)
            except subprocess.TimeoutExpired:
                tpm.kill()
                tpm.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
