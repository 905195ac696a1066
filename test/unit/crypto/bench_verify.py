#!/usr/bin/env python3
"""Benchmark: sv_verify against `openssl dgst -sha256 -verify` (issue 3).

For files of 64 KiB, 1 MiB and 16 MiB and keys of 2048, 3072 and 4096 bits,
signed by the openssl CLI, it times on the same machine in the same run:

  openssl   `openssl dgst -sha256 -verify PUB -signature SIG FILE`, whole
            process (start-up, key loading, reading, hashing, verifying)
  vmmsign   `vmmsign verify FILE PUB SIG`, the same job with our code, whole
            process: the like-for-like comparison
  sv_verify sv_verify_keys() alone on the file in memory (SHA extensions
            when the CPU has them), and with BearSSL's portable SHA-256
  libcrypto OpenSSL's EVP_DigestVerify (what `openssl dgst` runs) alone on
            the same buffer: the like-for-like in-process comparison

Each figure is the best of REPEAT runs (default 15; env SV_BENCH_REPEAT).
Ratios are ours / OpenSSL's: below 1 is faster than OpenSSL.
"""
import os
import subprocess
import sys
import tempfile
import time

VMMSIGN = os.environ["SV_VMMSIGN"]
TOOL = os.environ["SV_CRYPTOTOOL"]
OSSL = os.environ["SV_BENCH_OPENSSL"]
REPEAT = int(os.environ.get("SV_BENCH_REPEAT", "15"))


def best_wall(argv, expect):
    best = None
    for _ in range(REPEAT):
        t = time.perf_counter()
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        t = time.perf_counter() - t
        if p.stdout != expect:
            sys.exit("unexpected output from %s: %r %r" % (argv[0], p.stdout, p.stderr))
        best = t if best is None else min(best, t)
    return best


def in_process(args, tool=None):
    p = subprocess.run([tool or TOOL] + args, stdout=subprocess.PIPE, check=True)
    out = p.stdout.decode().strip()
    secs, impl = out.split(" impl=", 1)
    return float(secs.split("=", 1)[1]), impl


def main():
    cpu = "unknown CPU"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ver = subprocess.run(["openssl", "version"], stdout=subprocess.PIPE).stdout.decode().strip()
    print("CPU: %s; %s; best of %d runs" % (cpu, ver, REPEAT))
    with tempfile.TemporaryDirectory(prefix="sv-bench-") as tmp:
        files = {}
        for name, size in (("64KiB", 64 << 10), ("1MiB", 1 << 20), ("16MiB", 16 << 20)):
            path = os.path.join(tmp, name)
            with open(path, "wb") as f:
                f.write(os.urandom(size))
            files[name] = path
        keys = {}
        for bits in (2048, 3072, 4096):
            priv = os.path.join(tmp, "k%d.pem" % bits)
            pub = os.path.join(tmp, "k%d.pub" % bits)
            subprocess.run(["openssl", "genrsa", "-out", priv, str(bits)], check=True, stderr=subprocess.DEVNULL)
            subprocess.run(["openssl", "pkey", "-in", priv, "-pubout", "-out", pub], check=True)
            keys[bits] = (priv, pub)

        hdr = "%-6s %5s | %9s %9s %6s | %9s %9s %6s | %9s %6s" % (
            "file", "key", "openssl", "vmmsign", "ratio", "libcrypto", "sv_verify", "ratio",
            "portable", "slower")
        print(hdr)
        print("-" * len(hdr))
        r_cli, r_inproc = [], []
        for name, path in files.items():
            for bits, (priv, pub) in keys.items():
                sig = path + ".%d.sig" % bits
                subprocess.run(["openssl", "dgst", "-sha256", "-sign", priv, "-out", sig, path], check=True)
                t_ossl = best_wall(["openssl", "dgst", "-sha256", "-verify", pub, "-signature", sig, path], b"Verified OK\n")
                t_vmm = best_wall([VMMSIGN, "verify", path, pub, sig], b"OK\n")
                t_lib, _ = in_process([path, sig, pub, str(REPEAT)], tool=OSSL)
                t_sv, impl = in_process(["bench", path, sig, pub, str(REPEAT)])
                t_port, _ = in_process(["--portable", "bench", path, sig, pub, str(max(3, REPEAT // 3))])
                print("%-6s %5d | %7.2fms %7.2fms %5.2fx | %7.2fms %7.2fms %5.2fx | %7.2fms %5.2fx" % (
                    name, bits, t_ossl * 1e3, t_vmm * 1e3, t_vmm / t_ossl, t_lib * 1e3, t_sv * 1e3,
                    t_sv / t_lib, t_port * 1e3, t_port / t_sv))
                if name == "16MiB":
                    r_cli.append(t_vmm / t_ossl)
                    r_inproc.append(t_sv / t_lib)
        print()
        print("sv_verify hashes with: %s" % impl)
        print("ratio (first)  = vmmsign verify / openssl dgst -sha256 -verify, whole processes")
        print("ratio (second) = sv_verify / OpenSSL EVP_DigestVerify, in process, same buffer")
        print("slower         = sv_verify with BearSSL's portable SHA-256 / sv_verify")
        print("16 MiB: processes %.2fx-%.2fx, in process %.2fx-%.2fx of OpenSSL's time (goal: within 1.25x)" % (
            min(r_cli), max(r_cli), min(r_inproc), max(r_inproc)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
