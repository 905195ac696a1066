"""Running Sealvisor's ISO under QEMU, shared by ./demo, the boot tests and
the benchmarks.

The accelerator: where /dev/kvm can run a guest and the host CPU offers SVM
or VMX to it (nested virtualization), use `-enable-kvm -cpu host`, the way
users on real machines run it; otherwise QEMU's TCG with `-cpu max` (AMD
SVM with nested paging).  Either way the choice and the reason are said.
"""
import os
import re
import subprocess
import time

ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Za-z0-9]")


def _nested_enabled():
    for mod in ("kvm_amd", "kvm_intel"):
        p = f"/sys/module/{mod}/parameters/nested"
        try:
            with open(p) as f:
                if f.read().strip() in ("1", "Y", "y"):
                    return mod
        except OSError:
            pass
    return None


def _kvm_trial(qemu):
    """A KVM guest that stays up for a second can run (kvm_pvm cannot)."""
    try:
        p = subprocess.Popen([qemu, "-enable-kvm", "-cpu", "host", "-display", "none",
                              "-nodefaults", "-m", "64", "-S"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    except OSError:
        return False
    try:
        p.wait(timeout=1.5)
        return False  # exited at once: KVM refused
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        return True


def pick_accel(qemu="qemu-system-x86_64", force=None):
    """Returns (qemu arguments, one-line description)."""
    force = force or os.environ.get("SV_ACCEL")
    if force == "tcg":
        return ["-accel", "tcg", "-cpu", "max"], "QEMU TCG -cpu max (forced by SV_ACCEL=tcg)"
    why = None
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        why = "no usable /dev/kvm"
    else:
        flags = open("/proc/cpuinfo").read()
        if not re.search(r"^flags\s*:.*\b(svm|vmx)\b", flags, re.M):
            why = "the host CPU offers no SVM/VMX"
        elif not _nested_enabled():
            why = "nested virtualization is off (kvm_amd/kvm_intel nested=0 or not loaded)"
        elif not _kvm_trial(qemu):
            why = "/dev/kvm cannot run an ordinary guest"
    if why is None:
        return ["-enable-kvm", "-cpu", "host"], "KVM -enable-kvm -cpu host (nested virtualization)"
    if force == "kvm":
        raise SystemExit(f"SV_ACCEL=kvm but {why}")
    return ["-accel", "tcg", "-cpu", "max"], f"QEMU TCG -cpu max (software emulation: {why})"


def multi_thread_tcg(accel_args):
    """The same arguments, TCG asked for one host thread per guest CPU."""
    return ["tcg,thread=multi" if a == "tcg" and i and accel_args[i - 1] == "-accel" else a
            for i, a in enumerate(accel_args)]


OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"


def uefi_args(vars_copy):
    """QEMU arguments for a UEFI machine: q35 with Debian's OVMF (package
    ovmf), its code read-only and vars_copy, a fresh copy of the variable
    store made here, as the writable second flash (EFI variables persist
    there for one run only)."""
    import shutil
    for f in (OVMF_CODE, OVMF_VARS):
        if not os.path.exists(f):
            raise SystemExit(f"{f} missing: install Debian's ovmf package (scripts/setup-deps)")
    shutil.copyfile(OVMF_VARS, vars_copy)
    return ["-machine", "q35",
            "-drive", f"if=pflash,format=raw,unit=0,readonly=on,file={OVMF_CODE}",
            "-drive", f"if=pflash,format=raw,unit=1,file={vars_copy}"]


def qemu_command(iso, entry=None, accel_args=None, mem=512, extra=()):
    cmd = ["qemu-system-x86_64"] + list(accel_args or []) + [
        "-m", str(mem), "-no-reboot", "-display", "none", "-nodefaults",
        "-cdrom", iso, "-boot", "d", "-serial", "stdio",
    ]
    if entry:
        cmd += ["-smbios", f"type=11,value=sealvisor-entry={entry}"]
    return cmd + list(extra)


def run(cmd, timeout, log_path=None, stop_markers=(), echo=False, stdin=subprocess.DEVNULL,
        line_times=None):
    """Runs QEMU, collecting its serial output (ANSI escapes removed).

    Stops at the first of: QEMU exits, timeout, or a stop marker is seen
    (then QEMU is killed).  Returns (text, seconds, reason) where reason is
    'exit', 'timeout' or the marker.  Each line gets a timestamp in the log,
    and (seconds, line) pairs are appended to line_times when given.
    """
    start = time.monotonic()
    p = subprocess.Popen(cmd, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    os.set_blocking(p.stdout.fileno(), False)
    buf = b""
    reason = "exit"
    log = open(log_path, "w") if log_path else None
    pending = b""
    try:
        while True:
            chunk = None
            try:
                chunk = p.stdout.read()
            except BlockingIOError:
                chunk = None
            if chunk:
                buf += chunk
                pending += chunk
                if echo:
                    os.write(1, chunk)
                *lines, pending = pending.split(b"\n")
                for line in lines:
                    text = ANSI.sub(b"", line).replace(b"\r", b"").decode("utf-8", "replace")
                    if line_times is not None:
                        line_times.append((time.monotonic() - start, text))
                    if log:
                        log.write(f"[{time.monotonic() - start:8.3f}] {text}\n")
                        log.flush()
                    hit = next((m for m in stop_markers if m in text), None)
                    if hit:
                        reason = hit
                        break
                if reason != "exit":
                    break
            elif p.poll() is not None:
                break
            else:
                time.sleep(0.02)
            if time.monotonic() - start > timeout:
                reason = "timeout"
                break
    finally:
        if p.poll() is None:
            p.kill()
        p.wait()
        if log:
            log.close()
    text = ANSI.sub(b"", buf).replace(b"\r", b"").decode("utf-8", "replace")
    return text, time.monotonic() - start, reason
