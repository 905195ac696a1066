#!/usr/bin/env python3
"""The measurement register against Python's hashlib, and the replay tools.

test_measure.py TEST_POLICY VMMSIGN SVREPLAY

1. TEST_POLICY events prints 40 events (the image, the keys, the
   command line, then loads and lists) and the register the VMM's code (vmm/policy/measure.c)
   gave; here each digest must be hashlib.sha256(le32 type || data) and
   the register sha256(register || digest) from 32 zero bytes.
2. The same events written as a `vmmctl measure` log must replay to
   "match" with both `vmmsign replay` and `svreplay`; a changed data
   byte, a changed digest, a changed type, an unknown type, a wrong
   length for its type, a log not starting with the image, the keys and
   the command line,
   a changed register, a missing event and a malformed line must each be
   caught with its exit status.
3. `vmmsign cmdline LINE` prints the command-line event's data as the
   VMM builds it (hashlib over LINE, its length, its first 80 bytes).
"""
import hashlib
import os
import subprocess
import sys
import tempfile

test_policy, vmmsign, svreplay = sys.argv[1:4]
fails = 0


def check(cond, what):
    global fails
    if not cond:
        print("FAIL:", what)
        fails += 1


out = subprocess.run([test_policy, "events"], check=True, capture_output=True, text=True).stdout
events, register = [], None
for line in out.splitlines():
    f = line.split()
    if f[0] == "event":
        events.append((int(f[2]), bytes.fromhex(f[3]), bytes.fromhex(f[4]) if len(f) > 4 else b""))
    elif f[0] == "register":
        register = bytes.fromhex(f[1])
check(len(events) == 40, "40 events")
reg = bytes(32)


def ev_digest(t, data):
    return hashlib.sha256(t.to_bytes(4, "little") + data).digest()


for i, (t, digest, data) in enumerate(events):
    check(ev_digest(t, data) == digest, f"event {i}: digest is sha256(le32 type || data)")
    reg = hashlib.sha256(reg + digest).digest()
check(reg == register, f"register {register.hex()} == hashlib's {reg.hex()}")
# An independent spot check: the first event by hand.
t0, d0, data0 = events[0]
check(t0 == 1 and len(data0) == 112, "event 0 is the image")
check(events[2][0] == 6 and len(events[2][2]) == 120, "event 2 is the command line")
check(hashlib.sha256(bytes(32) + hashlib.sha256(b"\x01\x00\x00\x00" + data0).digest()).digest() ==
      hashlib.sha256(bytes(32) + d0).digest(), "first extend")


def log_text(evs, reg_hex, count=None):
    lines = ["# Sealvisor measurement log", "register " + reg_hex,
             "count %d" % (len(evs) if count is None else count)]
    for i, (t, d, data) in enumerate(evs):
        lines.append(("event %d %d %s %s" % (i, t, d.hex(), data.hex())).rstrip())
        lines.append("#   decoded line, ignored")
    return "\n".join(lines) + "\n"


def replay(text):
    with tempfile.NamedTemporaryFile("w", suffix=".log", delete=False) as f:
        f.write(text)
        path = f.name
    try:
        r = [subprocess.run([tool, *args, path], capture_output=True, text=True)
             for tool, args in ((vmmsign, ["replay"]), (svreplay, []))]
    finally:
        os.unlink(path)
    return r


for r in replay(log_text(events, reg.hex())):
    check(r.returncode == 0 and r.stdout.startswith("match: 40 events replay to register " + reg.hex()),
          f"good log matches: {r.stdout}{r.stderr}")

bad_data = list(events)
t, d, data = bad_data[5]
bad_data[5] = (t, d, bytes([data[0] ^ 1]) + data[1:])
for r in replay(log_text(bad_data, reg.hex())):
    check(r.returncode == 1 and r.stdout.startswith("MISMATCH: event 5:"), f"changed data: {r.stdout}")

# A digest changed together with its data still changes the register.
newdata = bytes([data[0] ^ 1]) + data[1:]
bad_both = list(events)
bad_both[5] = (t, ev_digest(t, newdata), newdata)
for r in replay(log_text(bad_both, reg.hex())):
    check(r.returncode == 1 and r.stdout.startswith("MISMATCH: 40 events replay to"), f"changed event: {r.stdout}")



def refused(evs, idx, why, what):
    """A log whose register fits its events but whose event idx may not stand."""
    r2 = bytes(32)
    for _, d, _ in evs:
        r2 = hashlib.sha256(r2 + d).digest()
    for r in replay(log_text(evs, r2.hex())):
        check(r.returncode == 1 and r.stdout.startswith("MISMATCH: event %d: %s" % (idx, why)),
              f"{what}: {r.stdout}{r.stderr}")


# The type is measured: the same data under another type no longer fits.
t, d, data = events[5]
assert t == 3
retyped = list(events)
retyped[5] = (4, d, data)
refused(retyped, 5, "wrong data length for its type", "changed type")
retyped[5] = (4, d, data[:80])
refused(retyped, 5, "its digest is not SHA-256 of its type and data", "changed type and length")
# Unknown types and wrong lengths are refused even with a fitting digest.
for bad_type in (0, 7, 99):
    odd = list(events)
    odd[5] = (bad_type, ev_digest(bad_type, data), data)
    refused(odd, 5, "unknown event type", f"type {bad_type}")
short = list(events)
short[5] = (3, ev_digest(3, data[:103]), data[:103])
refused(short, 5, "wrong data length for its type", "short load")
# The first two are the image and the keys; neither comes again.
refused(events[1:], 0, "the first event is not the VMM image", "no image event")
swapped = [events[0], events[2], events[1]] + events[3:]
refused(swapped, 1, "the second event is not the trusted keys", "keys not second")
again = events[:3] + [events[0]] + events[4:]
refused(again, 3, "an image, key-set or command-line event after the first three", "a second image")
no_cmdline = events[:2] + events[3:]
refused(no_cmdline, 2, "the third event is not the command line", "no command line")
again = events[:4] + [events[2]] + events[5:]
refused(again, 4, "an image, key-set or command-line event after the first three", "a second command line")
# An overflow marker anywhere but the last slot of a full log.
marker = events[:5] + [(5, ev_digest(5, b""), b"")]
refused(marker, 5, "an overflow marker that is not the log's last slot", "early marker")

# `vmmsign cmdline LINE`: the third event's data for a VMM started with LINE.
for line in ("/boot/sealvisor.elf console=com1", "x" * 200, ""):
    b = line.encode()
    want = hashlib.sha256(b).digest() + len(b).to_bytes(4, "little") + bytes(4) + b[:80]
    want += bytes(120 - len(want))
    r = subprocess.run([vmmsign, "cmdline", line], capture_output=True, text=True)
    check(r.returncode == 0 and r.stdout.strip() == want.hex(), f"vmmsign cmdline {line[:20]!r}: {r.stdout}{r.stderr}")
r = subprocess.run([vmmsign, "cmdline", "y" * 1025], capture_output=True, text=True)
check(r.returncode == 2 and "1024" in r.stderr, f"vmmsign cmdline over 1024 bytes: {r.stderr}")

for r in replay(log_text(events, "00" * 32)):
    check(r.returncode == 1 and "MISMATCH" in r.stdout, f"changed register: {r.stdout}")
for r in replay(log_text(events[:-1], reg.hex(), count=39)):
    check(r.returncode == 1 and "MISMATCH" in r.stdout, f"dropped event: {r.stdout}")
for r in replay(log_text(events[:-1], reg.hex(), count=40)):
    check(r.returncode == 2 and "count does not match" in r.stderr, f"count mismatch: {r.stderr}")
for r in replay(log_text(events, reg.hex()) + "garbage\n"):
    check(r.returncode == 2 and "not a measurement log line" in r.stderr, f"malformed: {r.stderr}")
for r in replay("register zz\ncount 0\n"):
    check(r.returncode == 2, f"bad register hex: {r.stderr}")

print("test_measure.py: %d failed" % fails)
sys.exit(1 if fails else 0)
