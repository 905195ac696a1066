#!/usr/bin/env python3
"""Signature tests that need the openssl CLI, run at test time.

    test_crypto.py GROUP

Groups: known-answers, negative, vmmsign-cli, key-formats, keygen-policy,
vmm-image, build-policy.  Paths of the built programs come from the
environment (see meson.build).  Every check compares an exact outcome
(result code, printed message, exit status); the script prints each failure
and exits 1 if there was any.
"""
import hashlib
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import tempfile

VMMSIGN = os.environ.get("SV_VMMSIGN", "")
TOOL = os.environ.get("SV_CRYPTOTOOL", "")
KEYGEN = os.environ.get("SV_KEYGEN", "")
VMM_LIB = os.environ.get("SV_VMM_LIB", "")
TRUSTED_C = os.environ.get("SV_TRUSTED_KEYS_C", "")
DEV_KEY = os.environ.get("SV_DEV_KEY", "")
SRC = os.environ.get("SV_SOURCE_ROOT", "")

failures = []
checks = 0


def check(cond, what, detail=""):
    global checks
    checks += 1
    if not cond:
        failures.append(what)
        print("FAIL:", what)
        if detail:
            print("      " + str(detail).replace("\n", "\n      "))


def run(args, **kw):
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.PIPE)
    kw.setdefault("stdin", subprocess.DEVNULL)
    return subprocess.run([str(a) for a in args], **kw)


def openssl(*args):
    p = run(["openssl"] + list(args))
    if p.returncode != 0:
        raise RuntimeError("openssl %s failed: %s" % (" ".join(map(str, args)), p.stderr.decode()))
    return p.stdout


class Keys:
    """Keys made with the openssl CLI in a temporary folder, on demand."""

    def __init__(self, tmp):
        self.tmp = tmp

    def rsa(self, name, bits, e=65537):
        path = os.path.join(self.tmp, name + ".pem")
        if not os.path.exists(path):
            openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:%d" % bits,
                    "-pkeyopt", "rsa_keygen_pubexp:%d" % e, "-out", path)
        return path

    def pub(self, priv):
        path = priv[:-4] + ".pub.pem"
        if not os.path.exists(path):
            openssl("pkey", "-in", priv, "-pubout", "-out", path)
        return path


def key_id(pem_path, public=False):
    der = openssl("pkey", *(["-pubin"] if public else []), "-in", pem_path, "-pubout", "-outform", "DER")
    return hashlib.sha256(der).hexdigest()


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)
    return path


def read(path):
    with open(path, "rb") as f:
        return f.read()


def sign_openssl(tmp, key, binary, name, digest="sha256"):
    out = os.path.join(tmp, name)
    openssl("dgst", "-" + digest, "-sign", key, "-out", out, binary)
    return out


def tool_verify(binary, sig, *keys, portable=False):
    p = run([TOOL] + (["--portable"] if portable else []) + ["verify", binary, sig] + list(keys))
    return p.stdout.decode().strip()


def vmmsign(*args, **kw):
    p = run([VMMSIGN] + list(args), **kw)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def rsa_numbers(priv):
    """n, e, d, p, q of a private key, from `openssl rsa -text`."""
    text = openssl("rsa", "-in", priv, "-noout", "-text").decode()
    out = {}
    for field, name in (("modulus", "n"), ("privateExponent", "d"), ("prime1", "p"), ("prime2", "q")):
        m = re.search(field + r":\s*\n((?:\s+[0-9a-f:]+\n)+)", text)
        out[name] = int(re.sub(r"[\s:]", "", m.group(1)), 16)
    m = re.search(r"publicExponent: (\d+)", text)
    out["e"] = int(m.group(1))
    return out


def to_bytes(x, n=None):
    n = n or (x.bit_length() + 7) // 8
    return x.to_bytes(n, "big")


# ---------------------------------------------------------------------------


def group_known_answers(tmp):
    keys = Keys(tmp)
    data = os.urandom(70001)
    binaries = {
        "bin": write(os.path.join(tmp, "bin"), data),
        "one": write(os.path.join(tmp, "one"), b"\x7f"),
        "block": write(os.path.join(tmp, "block"), bytes(range(64))),
    }
    pubs = []
    for bits in (2048, 3072, 4096):
        pubs.append(keys.pub(keys.rsa("k%d" % bits, bits)))
    for idx, bits in enumerate((2048, 3072, 4096)):
        priv = keys.rsa("k%d" % bits, bits)
        pub = pubs[idx]
        for bname, b in binaries.items():
            ref = sign_openssl(tmp, priv, b, "%s.%d.openssl.sig" % (bname, bits))
            mine = os.path.join(tmp, "%s.%d.vmmsign.sig" % (bname, bits))
            rc, out, err = vmmsign(b, priv, mine)
            check(rc == 0 and out == "" and err == "", "vmmsign %d-bit %s: silent success" % (bits, bname), (rc, out, err))
            check(read(ref) == read(mine), "vmmsign %d-bit %s: byte-identical to openssl dgst -sha256 -sign" % (bits, bname))
            check(len(read(mine)) == bits // 8, "signature length %d bytes" % (bits // 8))
            rc, out, err = vmmsign("verify", b, pub, ref)
            check((rc, out, err) == (0, "OK\n", ""), "vmmsign verify %d-bit %s: OK" % (bits, bname), (rc, out, err))
            rc, out, err = vmmsign("verify", b, priv, ref)
            check((rc, out) == (0, "OK\n"), "vmmsign verify with the private key file's public half", (rc, out, err))
            got = tool_verify(b, ref, *pubs)
            check(got == "result=0 OK key=%d" % idx, "sv_verify_keys %d-bit %s, three trusted keys" % (bits, bname), got)
            got = tool_verify(b, ref, *pubs, portable=True)
            check(got == "result=0 OK key=%d" % idx, "same with BearSSL's portable SHA-256", got)
            p = run(["openssl", "dgst", "-sha256", "-verify", pub, "-signature", mine, b])
            check(p.stdout == b"Verified OK\n", "openssl verifies vmmsign's %d-bit signature" % bits, p.stdout)
    # The build's own keys: the self-test blob verifies.
    out = run([TOOL, "selftest"]).stdout.decode().strip()
    if DEV_KEY:
        check(out == "selftest=0 OK key=0", "sv_crypto_selftest with the development key", out)
        sig = os.path.join(tmp, "dev.sig")
        rc, _, err = vmmsign(binaries["bin"], DEV_KEY, sig)
        got = run([TOOL, "verify-trusted", binaries["bin"], sig]).stdout.decode().strip()
        check(got == "result=0 OK key=0", "sv_verify() with the compiled-in development key", got)
    else:
        check(re.match(r"selftest=(0 OK key=\d+|-45 SV_ENOENT key=-1)$", out), "sv_crypto_selftest", out)


def forge_e3(n_bytes, digest):
    """Bleichenbacher 2006: 00 01 FF 00 DigestInfo digest GARBAGE, as a cube."""
    prefix = bytes.fromhex("0001ff00" "3031300d060960864801650304020105000420") + digest
    garbage_bits = 8 * (n_bytes - len(prefix))
    target = int.from_bytes(prefix, "big") << garbage_bits
    # Integer cube root, rounded up, by Newton's method.
    s = 1 << ((target.bit_length() + 2) // 3)
    while True:
        t = (2 * s + target // (s * s)) // 3
        if t >= s:
            break
        s = t
    while s ** 3 < target:
        s += 1
    cube = to_bytes(s ** 3, n_bytes)
    return to_bytes(s, n_bytes), cube[: len(prefix)] == prefix


def group_negative(tmp):
    keys = Keys(tmp)
    a = keys.rsa("a2048", 2048)
    b = keys.rsa("b3072", 3072)
    c = keys.rsa("c4096", 4096)
    d = keys.rsa("d2048", 2048)
    e3 = keys.rsa("e3_2048", 2048, e=3)
    trusted = [keys.pub(a), keys.pub(c), keys.pub(e3)]
    data = os.urandom(100000)
    binp = write(os.path.join(tmp, "bin"), data)
    good = sign_openssl(tmp, a, binp, "good.sig")
    sig = read(good)

    def expect(name, binary, sigpath, want, msg):
        got = tool_verify(binary, sigpath, *trusted)
        check(got == want, "%s: sv_verify_keys" % name, got)
        got = tool_verify(binary, sigpath, *trusted, portable=True)
        check(got == want, "%s: sv_verify_keys (portable SHA-256)" % name, got)
        if msg is not None:
            rc, out, err = vmmsign("verify", binary, trusted[0], sigpath)
            check((rc, out, err) == (1, msg + "\n", ""), "%s: vmmsign verify prints the reason" % name, (rc, out, err))

    MISMATCH = "result=-12 SV_ESIG_MISMATCH"
    NOKEY = "result=-11 SV_ESIG_NOKEY"
    MALFORMED = "result=-10 SV_ESIG_MALFORMED"
    MSG_MISMATCH = "FAILED: signature does not verify with any trusted key"
    MSG_MALFORMED = "FAILED: malformed signature"

    expect("good signature", binp, good, "result=0 OK key=0", None)
    expect("e=3 key's genuine signature", binp, sign_openssl(tmp, e3, binp, "e3.sig"), "result=0 OK key=2", None)

    flipped = bytearray(data)
    flipped[12345] ^= 0x10
    expect("one bit flipped in the binary", write(os.path.join(tmp, "flipped"), bytes(flipped)), good, MISMATCH, MSG_MISMATCH)
    s = bytearray(sig)
    s[-1] ^= 0x01
    expect("one bit flipped in the signature (low byte)", binp, write(os.path.join(tmp, "s1"), bytes(s)), MISMATCH, MSG_MISMATCH)
    s = bytearray(sig)
    s[100] ^= 0x80
    expect("one bit flipped in the signature (middle)", binp, write(os.path.join(tmp, "s2"), bytes(s)), MISMATCH, MSG_MISMATCH)
    expect("truncated signature (255 bytes)", binp, write(os.path.join(tmp, "s3"), sig[:-1]), NOKEY,
           "FAILED: no trusted key of that size (signature: 255 bytes; key: 2048-bit, 256-byte signatures)")
    expect("over-long signature (257 bytes)", binp, write(os.path.join(tmp, "s4"), sig + b"\0"), NOKEY,
           "FAILED: no trusted key of that size (signature: 257 bytes; key: 2048-bit, 256-byte signatures)")
    expect("leading zero added (257 bytes)", binp, write(os.path.join(tmp, "s4b"), b"\0" + sig), NOKEY, None)
    expect("empty signature", binp, write(os.path.join(tmp, "s5"), b""), MALFORMED, MSG_MALFORMED)
    expect("signature longer than any RSA size (600 bytes)", binp, write(os.path.join(tmp, "s6"), os.urandom(600)), MALFORMED, MSG_MALFORMED)
    expect("signature not below the modulus", binp, write(os.path.join(tmp, "s7"), b"\xff" * 256), MALFORMED, MSG_MALFORMED)
    # Another key's signature is a number below *its* modulus; when it is
    # not below any trusted 2048-bit modulus either it is malformed for
    # every key that could have made it (as the 0xff..ff case above), and
    # which one happens depends on the randomly made keys.
    dsig = sign_openssl(tmp, d, binp, "d.sig")
    dval = int.from_bytes(read(dsig), "big")
    below = any(dval < rsa_numbers(k)["n"] for k in (a, e3))
    below_a = dval < rsa_numbers(a)["n"]  # vmmsign verify is given key a alone
    expect("signature by a key that is not trusted", binp, dsig,
           MISMATCH if below else MALFORMED, MSG_MISMATCH if below_a else MSG_MALFORMED)
    expect("PKCS#1 signature over SHA-1", binp, sign_openssl(tmp, a, binp, "sha1.sig", "sha1"), MISMATCH, MSG_MISMATCH)
    expect("PKCS#1 signature over SHA-512", binp, sign_openssl(tmp, a, binp, "sha512.sig", "sha512"), MISMATCH, MSG_MISMATCH)
    expect("PKCS#1 signature over SHA-224", binp, sign_openssl(tmp, a, binp, "sha224.sig", "sha224"), MISMATCH, MSG_MISMATCH)
    # The bare digest with PKCS#1 type-1 padding but no DigestInfo.
    dig = write(os.path.join(tmp, "digest"), hashlib.sha256(data).digest())
    raw = os.path.join(tmp, "raw.sig")
    openssl("pkeyutl", "-sign", "-inkey", a, "-in", dig, "-out", raw)
    expect("signature without DigestInfo", binp, raw, MISMATCH, MSG_MISMATCH)
    # A 3072-bit signature when only 2048- and 4096-bit keys are trusted.
    expect("signature of the wrong length for every trusted key", binp, sign_openssl(tmp, b, binp, "b.sig"), NOKEY,
           "FAILED: no trusted key of that size (signature: 384 bytes; key: 2048-bit, 256-byte signatures)")

    # Bleichenbacher's e=3 forgery against the trusted e=3 key.
    forged, fools_sloppy = forge_e3(256, hashlib.sha256(data).digest())
    check(fools_sloppy, "the forged signature's cube starts with 00 01 FF 00 DigestInfo digest (a real forgery)")
    fpath = write(os.path.join(tmp, "forged.sig"), forged)
    expect("Bleichenbacher e=3 forgery", binp, fpath, MISMATCH, None)
    rc, out, err = vmmsign("verify", binp, keys.pub(e3), fpath)
    check((rc, out) == (1, MSG_MISMATCH + "\n"), "Bleichenbacher e=3 forgery: vmmsign verify", (rc, out, err))

    # Every signature length from 1 to 520 bytes gets a defined answer.
    seen = set()
    for n in range(0, 521, 7):
        got = tool_verify(binp, write(os.path.join(tmp, "len.sig"), b"\x01" * n), *trusted)
        seen.add(got.split()[1])
        want = MALFORMED if n == 0 or n > 512 else (MISMATCH if n in (256, 512) else NOKEY)
        check(got == want, "signature of %d bytes" % n, got)


def group_vmmsign_cli(tmp):
    keys = Keys(tmp)
    k = keys.rsa("k", 2048)
    pub = keys.pub(k)
    binp = write(os.path.join(tmp, "bin"), os.urandom(5000))
    sig = os.path.join(tmp, "out.sig")

    rc, out, err = vmmsign("--help")
    check(rc == 0 and out.startswith("usage: vmmsign BINARY PRIVATE_KEY SIGNATURE\n") and "vmmsign verify BINARY PUBLIC_KEY SIGNATURE" in out and err == "",
          "--help", (rc, out, err))
    rc, out, err = vmmsign("--version")
    check(rc == 0 and re.match(r"vmmsign \(Sealvisor\) \d+\.\d+\.\d+\n$", out), "--version", (rc, out, err))
    rc, out, err = vmmsign()
    check(rc == 2 and out == "" and err.startswith("usage: vmmsign BINARY"), "no arguments: usage, exit 2", (rc, out, err))
    rc, out, err = vmmsign(binp, k)
    check(rc == 2 and err.startswith("usage:"), "two arguments: usage, exit 2", (rc, out, err))
    rc, out, err = vmmsign("verify", binp, pub)
    check(rc == 2 and err.startswith("vmmsign: verify needs BINARY PUBLIC_KEY SIGNATURE\n"), "verify with two arguments", (rc, out, err))
    rc, out, err = vmmsign("-x", binp, k, sig)
    check(rc == 2 and err.startswith("vmmsign: unknown option\n"), "unknown option", (rc, out, err))

    rc, out, err = vmmsign(os.path.join(tmp, "nope"), k, sig)
    check((rc, out, err) == (1, "", "vmmsign: cannot read '%s/nope': No such file or directory\n" % tmp), "missing binary", (rc, out, err))
    rc, out, err = vmmsign(binp, os.path.join(tmp, "nokey.pem"), sig)
    check((rc, err) == (1, "vmmsign: cannot read '%s/nokey.pem': No such file or directory\n" % tmp), "missing key", (rc, out, err))
    rc, out, err = vmmsign(binp, tmp, sig)
    check((rc, err) == (1, "vmmsign: cannot read '%s': Is a directory\n" % tmp), "key is a directory", (rc, out, err))
    rc, out, err = vmmsign("verify", binp, pub, os.path.join(tmp, "nosig"))
    check((rc, err) == (1, "vmmsign: cannot read '%s/nosig': No such file or directory\n" % tmp), "verify: missing signature", (rc, out, err))
    check(not os.path.exists(sig), "no signature written on failure")

    empty = write(os.path.join(tmp, "empty"), b"")
    rc, out, err = vmmsign(empty, k, sig)
    check((rc, err) == (1, "vmmsign: '%s' is empty; refusing an empty binary\n" % empty), "empty binary (sign)", (rc, out, err))
    rc, out, err = vmmsign("verify", empty, pub, sig)
    check((rc, err) == (1, "vmmsign: '%s' is empty; refusing an empty binary\n" % empty), "empty binary (verify)", (rc, out, err))
    check(not os.path.exists(sig), "no signature written for an empty binary")

    ec = os.path.join(tmp, "ec.pem")
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", ec)
    ecpub = keys.pub(ec)
    rc, out, err = vmmsign(binp, ec, sig)
    check((rc, err) == (1, "vmmsign: '%s': not an RSA key (it is an EC key)\n" % ec), "EC private key", (rc, out, err))
    rc, out, err = vmmsign("verify", binp, ecpub, sig)
    check((rc, err) == (1, "vmmsign: '%s': not an RSA key (it is an EC key)\n" % ecpub), "EC public key", (rc, out, err))
    ec_trad = os.path.join(tmp, "ec-trad.pem")
    openssl("ecparam", "-genkey", "-name", "prime256v1", "-out", ec_trad)
    rc, out, err = vmmsign(binp, ec_trad, sig)
    check((rc, err) == (1, "vmmsign: '%s': not an RSA key (it is an EC key)\n" % ec_trad), "EC PARAMETERS + EC PRIVATE KEY", (rc, out, err))
    ed = os.path.join(tmp, "ed.pem")
    openssl("genpkey", "-algorithm", "ED25519", "-out", ed)
    rc, out, err = vmmsign(binp, ed, sig)
    check((rc, err) == (1, "vmmsign: '%s': not an RSA key (it is an Ed25519 key)\n" % ed), "Ed25519 key", (rc, out, err))

    text = read(k)
    trunc = write(os.path.join(tmp, "trunc.pem"), text[: len(text) // 2])
    msg = "vmmsign: '%s': truncated PEM (key data cut short or -----END line missing)\n" % trunc
    rc, out, err = vmmsign(binp, trunc, sig)
    check((rc, err) == (1, msg), "truncated private key", (rc, out, err))
    ptext = read(pub)
    lines = ptext.splitlines(keepends=True)
    trunc2 = write(os.path.join(tmp, "trunc2.pem"), b"".join(lines[:2] + lines[-1:]))
    rc, out, err = vmmsign("verify", binp, trunc2, sig)
    check((rc, err) == (1, "vmmsign: '%s': truncated PEM (key data cut short or -----END line missing)\n" % trunc2),
          "public key with body lines missing", (rc, out, err))
    garbage = write(os.path.join(tmp, "garbage.pem"), b"hello\n")
    rc, out, err = vmmsign(binp, garbage, sig)
    check((rc, err) == (1, "vmmsign: '%s': no PEM data (no -----BEGIN line)\n" % garbage), "not PEM at all", (rc, out, err))
    rc, out, err = vmmsign(binp, pub, sig)
    check((rc, err) == (1, "vmmsign: '%s' is a public key; signing needs the private key\n" % pub), "public key to sign", (rc, out, err))

    # Encrypted keys: PKCS#8 and the traditional Proc-Type form.
    enc = os.path.join(tmp, "enc.pem")
    openssl("pkey", "-in", k, "-aes256", "-passout", "pass:s3cret", "-out", enc)
    enc_trad = os.path.join(tmp, "enc-trad.pem")
    openssl("rsa", "-in", k, "-aes128", "-traditional", "-passout", "pass:s3cret", "-out", enc_trad)
    check(b"Proc-Type: 4,ENCRYPTED" in read(enc_trad), "traditional encrypted key has Proc-Type")
    for e in (enc, enc_trad):
        rc, out, err = vmmsign(binp, e, sig, start_new_session=True)
        check((rc, err) == (1, "vmmsign: '%s' is an encrypted private key and there is no terminal to ask for its passphrase\n" % e),
              "encrypted key without a terminal (%s)" % os.path.basename(e), (rc, out, err))
        rc, out, err = vmmsign("verify", binp, e, sig)
        check((rc, err) == (1, "vmmsign: '%s' is an encrypted private key; give its public key (openssl pkey -in %s -pubout)\n" % (e, e)),
              "encrypted key to verify", (rc, out, err))
        ref = os.path.join(tmp, "ref.sig")
        openssl("dgst", "-sha256", "-sign", e, "-passin", "pass:s3cret", "-out", ref, binp)
        for passphrase, want_rc in (("s3cret", 0), ("wrong", 1)):
            if os.path.exists(sig):
                os.unlink(sig)
            rc, transcript = run_on_tty([VMMSIGN, binp, e, sig], passphrase)
            check(rc == want_rc and ("Passphrase for %s: " % e) in transcript,
                  "encrypted key, passphrase %s on a terminal (%s)" % (passphrase, os.path.basename(e)), (rc, transcript))
            if want_rc == 0:
                check(os.path.exists(sig) and read(sig) == read(ref), "signature with a decrypted key equals openssl's")
                check("s3cret" not in transcript, "passphrase not echoed", transcript)
            else:
                check("vmmsign: '%s': cannot load the private key (wrong passphrase?)" % e in transcript and not os.path.exists(sig),
                      "wrong passphrase refused", transcript)

    key_before = read(k)
    rc, out, err = vmmsign(binp, k, k)
    check((rc, err) == (1, "vmmsign: '%s' is the private key; refusing to overwrite it with the signature\n" % k)
          and read(k) == key_before, "signature path = key path refused", (rc, out, err))
    rc, out, err = vmmsign(binp, k, binp)
    check((rc, err) == (1, "vmmsign: '%s' is the binary; refusing to overwrite it with the signature\n" % binp),
          "signature path = binary path refused", (rc, out, err))
    rc, out, err = vmmsign(binp, k, os.path.join(tmp, "nodir", "x.sig"))
    check((rc, err) == (1, "vmmsign: cannot write '%s/nodir/x.sig': No such file or directory\n" % tmp), "unwritable signature path", (rc, out, err))
    old = os.umask(0o022)
    rc, out, err = vmmsign(binp, k, sig)
    os.umask(old)
    check(rc == 0 and (os.stat(sig).st_mode & 0o777) == 0o644, "signature file mode 0644 under umask 022", oct(os.stat(sig).st_mode))
    leftovers = [f for f in os.listdir(tmp) if ".vmmsign-" in f]
    check(leftovers == [], "no temporary files left", leftovers)
    # A file named 'verify' can be signed as ./verify.
    vfile = write(os.path.join(tmp, "verify"), b"x")
    rc, out, err = vmmsign("--", vfile, k, sig)
    check(rc == 0, "sign after --", (rc, out, err))
    rc, out, err = vmmsign("keyid", pub)
    check((rc, out) == (0, "sha256:%s 2048-bit RSA public key\n" % key_id(pub, public=True)), "keyid", (rc, out, err))


def run_on_tty(argv, passphrase):
    """Runs ARGV with a pseudo-terminal as its controlling terminal."""
    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.execv(argv[0], argv)
        finally:
            os._exit(127)
    transcript = b""
    sent = False
    while True:
        r, _, _ = select.select([fd], [], [], 30)
        if not r:
            break
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            break
        if not chunk:
            break
        transcript += chunk
        if not sent and b"Passphrase for" in transcript:
            os.write(fd, passphrase.encode() + b"\n")
            sent = True
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), transcript.decode(errors="replace")


def group_key_formats(tmp):
    keys = Keys(tmp)
    k = keys.rsa("k3072", 3072)
    binp = write(os.path.join(tmp, "bin"), os.urandom(3000))
    sig = sign_openssl(tmp, k, binp, "s")
    want_id = key_id(k)
    forms = {
        "PKCS#8 private (genpkey)": (k, 4, 1),
        "SubjectPublicKeyInfo": (keys.pub(k), 1, 0),
    }
    p1 = os.path.join(tmp, "pkcs1.pem")
    openssl("rsa", "-in", k, "-traditional", "-out", p1)
    forms["PKCS#1 RSAPrivateKey"] = (p1, 3, 1)
    rp = os.path.join(tmp, "rsapub.pem")
    openssl("rsa", "-in", k, "-RSAPublicKey_out", "-out", rp)
    forms["PKCS#1 RSAPublicKey"] = (rp, 2, 0)
    crlf = write(os.path.join(tmp, "crlf.pem"), read(keys.pub(k)).replace(b"\n", b"\r\n"))
    forms["SubjectPublicKeyInfo with CRLF"] = (crlf, 1, 0)
    for name, (path, fmt, private) in forms.items():
        got = run([TOOL, "parse", path]).stdout.decode().strip()
        check(got == "ok bits=3072 format=%d private=%d id=%s" % (fmt, private, want_id), "parse " + name, got)
        rc, out, err = vmmsign("verify", binp, path, sig)
        check((rc, out) == (0, "OK\n"), "vmmsign verify with " + name, (rc, out, err))
        rc, out, err = vmmsign("keyid", path)
        check(rc == 0 and out.startswith("sha256:%s 3072-bit RSA " % want_id), "keyid of " + name, out)
    head = read(p1).splitlines(keepends=True)[0]
    check(head == b"-----BEGIN RSA PRIVATE KEY-----\n", "traditional key really is PKCS#1", head)
    # Other sizes and shapes openssl makes.
    for bits in (512, 1024, 4096):
        kk = keys.rsa("s%d" % bits, bits)
        got = run([TOOL, "parse", kk]).stdout.decode().strip()
        check(got == "ok bits=%d format=4 private=1 id=%s" % (bits, key_id(kk)), "%d-bit key" % bits, got)
    mp = os.path.join(tmp, "multiprime.pem")
    openssl("genrsa", "-primes", "3", "-out", mp, "2048")
    got = run([TOOL, "parse", mp]).stdout.decode().strip()
    check(got == "ok bits=2048 format=4 private=1 id=%s" % key_id(mp), "three-prime key", got)
    msig = sign_openssl(tmp, mp, binp, "mp.sig")
    rc, out, err = vmmsign("verify", binp, mp, msig)
    check((rc, out) == (0, "OK\n"), "three-prime key's signature", (rc, out, err))
    mp1 = os.path.join(tmp, "multiprime-pkcs1.pem")
    openssl("rsa", "-in", mp, "-traditional", "-out", mp1)
    got = run([TOOL, "parse", mp1]).stdout.decode().strip()
    check(got.startswith("ok bits=2048 format=3 private=1"), "three-prime PKCS#1 key (version 1)", got)
    pss = os.path.join(tmp, "pss.pem")
    openssl("genpkey", "-algorithm", "RSA-PSS", "-pkeyopt", "rsa_keygen_bits:2048", "-out", pss)
    got = run([TOOL, "parse", pss]).stdout.decode().strip()
    check(got == "error=8 unsupported key type (it is an RSA-PSS key)", "RSA-PSS key", got)
    e3 = keys.rsa("e3", 2048, e=3)
    got = run([TOOL, "parse", e3]).stdout.decode().strip()
    check(got.startswith("ok bits=2048 format=4"), "e=3 key", got)


def group_keygen_policy(tmp):
    keys = Keys(tmp)
    out_c = os.path.join(tmp, "keys.c")

    def gen(*args):
        if os.path.exists(out_c):
            os.unlink(out_c)
        p = run([KEYGEN, "--output", out_c] + list(args))
        return p.returncode, p.stdout.decode(), p.stderr.decode()

    k1024 = keys.rsa("k1024", 1024)
    rc, out, err = gen("--min-bits", "2048", k1024)
    check((rc, err) == (1, "sv-trusted-keys: error: trusted key '%s' is a 1024-bit RSA key, below min_rsa_bits (2048); use a larger key, or allow it with -Dmin_rsa_bits=1024\n" % k1024),
          "1024-bit key refused by the default policy", (rc, out, err))
    check(not os.path.exists(out_c), "no output when refused")
    rc, out, err = gen("--min-bits", "1024", k1024)
    check(rc == 0 and "key 0: 1024-bit RSA, id sha256:%s" % key_id(k1024) in out, "1024-bit key allowed with min_rsa_bits=1024", (rc, out, err))

    k2 = keys.rsa("k2048", 2048)
    k3 = keys.rsa("k3072", 3072)
    blob = write(os.path.join(tmp, "blob"), b"self-test blob\n" * 10)
    bsig = sign_openssl(tmp, k3, blob, "blob.sig")
    rc, out, err = gen("--min-bits", "2048", "--selftest", blob, bsig, keys.pub(k2), k3)
    check(rc == 0, "two keys and a self-test blob", (rc, out, err))
    check(out == "Sealvisor trusts 2 keys:\n  key 0: 2048-bit RSA, id sha256:%s, from %s\n  key 1: 3072-bit RSA, id sha256:%s, from %s\n  self-test blob signed with key 1\n"
          % (key_id(k2), keys.pub(k2), key_id(k3), k3), "generator's summary", out)
    ctext = open(out_c).read() if os.path.exists(out_c) else ""
    check("sv_trusted_keys_count = 2;" in ctext and "sv_selftest_sig_len = 384;" in ctext, "generated table", ctext[:300])
    # The generated file compiles cleanly with the project's warnings.
    glue = os.path.join(SRC, "bearssl-glue")
    p = run(["cc", "-std=gnu11", "-Wall", "-Wextra", "-Werror", "-Wmissing-prototypes", "-I", glue, "-c", out_c, "-o", os.path.join(tmp, "keys.o")])
    check(p.returncode == 0, "generated C compiles", p.stderr.decode())
    # No private material in it: d, p and q of the private key given.
    blob_bytes = bytes(int(x, 16) for x in re.findall(r"0x([0-9a-f]{2})", ctext))
    nums = rsa_numbers(k3)
    check(to_bytes(nums["n"])[:32] in blob_bytes, "modulus is in the generated C (sanity of the search)")
    for name in ("d", "p", "q"):
        check(to_bytes(nums[name])[:16] not in blob_bytes, "private %s is not in the generated C" % name)

    nosig = write(os.path.join(tmp, "empty.sig"), b"")
    rc, out, err = gen("--min-bits", "2048", "--selftest", blob, nosig, keys.pub(k2))
    ctext = open(out_c).read() if os.path.exists(out_c) else ""
    check(rc == 0 and out.endswith("  no self-test blob: no unencrypted private key among the trusted keys\n")
          and "sv_selftest_sig_len = 0;" in ctext, "empty self-test signature: no blob embedded", (rc, out, err))
    rc, out, err = gen("--min-bits", "2048", "--selftest", blob, bsig, keys.pub(k2))
    check((rc, err) == (1, "sv-trusted-keys: error: the self-test signature '%s' does not verify: no trusted key of that size\n" % bsig),
          "self-test signature by a key not in the list", (rc, out, err))
    ec = os.path.join(tmp, "ec.pem")
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", ec)
    rc, out, err = gen("--min-bits", "2048", ec)
    check((rc, err) == (1, "sv-trusted-keys: error: trusted key '%s': not an RSA key (it is an EC key)\n" % ec), "EC key refused", (rc, out, err))
    enc = os.path.join(tmp, "enc.pem")
    openssl("pkey", "-in", k2, "-aes256", "-passout", "pass:x", "-out", enc)
    rc, out, err = gen("--min-bits", "2048", enc)
    check((rc, err) == (1, "sv-trusted-keys: error: trusted key '%s' is an encrypted private key; give its public half instead (openssl pkey -in %s -pubout)\n" % (enc, enc)),
          "encrypted key refused", (rc, out, err))
    rc, out, err = gen("--min-bits", "2048", k2, keys.pub(k2))
    check((rc, err) == (1, "sv-trusted-keys: error: trusted key '%s' is the same key as '%s'\n" % (keys.pub(k2), k2)), "duplicate key refused", (rc, out, err))
    missing = os.path.join(tmp, "missing.pem")
    rc, out, err = gen("--min-bits", "2048", missing)
    check((rc, err) == (1, "sv-trusted-keys: error: cannot open '%s': No such file or directory\n" % missing), "missing key file", (rc, out, err))
    # An 8192-bit public key (made up: only its size matters here).
    n = (1 << 8191) | int.from_bytes(os.urandom(1023), "big") | 1
    big = write(os.path.join(tmp, "big.pem"), spki_pem(n, 65537))
    rc, out, err = gen("--min-bits", "2048", big)
    check((rc, err) == (1, "sv-trusted-keys: error: trusted key '%s': 8192-bit RSA key; 512 to 4096 bits are supported\n" % big),
          "8192-bit key refused", (rc, out, err))
    got = run(["openssl", "pkey", "-pubin", "-in", big, "-noout", "-text"]).stdout.decode()
    check("8192 bit" in got, "the made-up key is valid for openssl", got[:80])


def der_len(n):
    if n < 0x80:
        return bytes([n])
    b = to_bytes(n)
    return bytes([0x80 | len(b)]) + b


def der(tag, body):
    return bytes([tag]) + der_len(len(body)) + body


def der_int(x):
    b = to_bytes(x) if x else b"\0"
    if b[0] & 0x80:
        b = b"\0" + b
    return der(0x02, b)


def spki_pem(n, e):
    import base64
    rsapub = der(0x30, der_int(n) + der_int(e))
    alg = der(0x30, der(0x06, bytes.fromhex("2a864886f70d010101")) + b"\x05\x00")
    spki = der(0x30, alg + der(0x03, b"\0" + rsapub))
    b64 = base64.b64encode(spki).decode()
    body = "\n".join(b64[i:i + 64] for i in range(0, len(b64), 64))
    return ("-----BEGIN PUBLIC KEY-----\n%s\n-----END PUBLIC KEY-----\n" % body).encode()


def archive_bytes(lib):
    """The members' contents (Meson makes thin archives: the .a has none)."""
    p = run(["ar", "p", lib])
    check(p.returncode == 0 and len(p.stdout) > 10000, "ar p " + lib, p.stderr.decode())
    return p.stdout


def group_vmm_image(tmp):
    # 1. Only the SHA-NI object may contain SSE instructions.
    p = run(["objdump", "-d", "--no-show-raw-insn", VMM_LIB])
    check(p.returncode == 0, "objdump of the VMM library", p.stderr.decode())
    member, offenders, sse_in_ni = None, [], 0
    for line in p.stdout.decode().splitlines():
        m = re.match(r"^In archive .*|^(\S+\.o):\s+file format", line)
        if m and m.group(1):
            member = m.group(1)
            continue
        if re.search(r"%[xyz]mm\d|%mm\d|\bst\(\d\)", line):
            if member and member.endswith("sv_sha256_x86ni.c.o"):
                sse_in_ni += 1
            else:
                offenders.append("%s: %s" % (member, line.strip()))
    check(offenders == [], "no SSE/x87 register outside sv_sha256_x86ni.c", "\n".join(offenders[:10]))
    check(sse_in_ni > 50, "the SHA-NI object does use SSE (sanity of the search)", sse_in_ni)
    # 2. Nothing from the C library: only fsstring's functions are external.
    p = run(["nm", "-A", VMM_LIB])
    defined, undefined = set(), set()
    for line in p.stdout.decode().splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[-2] in "TDRBCW" and parts[-2] != "U":
            defined.add(parts[-1])
        elif len(parts) >= 2 and parts[-2] == "U":
            undefined.add(parts[-1])
    external = undefined - defined
    check(external <= {"memcpy", "memmove", "memset", "memcmp", "strlen"}, "external symbols only mem*/strlen", sorted(external))
    for sym in ("sv_verify", "sv_sha256", "sv_crypto_selftest", "sv_trusted_key_count", "sv_trusted_key_id",
                "sv_trusted_key_bits", "br_rsa_i62_pkcs1_vrfy", "br_sha256_vtable", "sv_sha256_shani_vtable"):
        check(sym in defined, "VMM library defines " + sym)
    # 3. The development private key never enters the image.
    if DEV_KEY and os.path.exists(DEV_KEY):
        image = archive_bytes(VMM_LIB)
        nums = rsa_numbers(DEV_KEY)
        check(to_bytes(nums["n"])[:32] in image, "the dev key's modulus is in the VMM library (sanity)")
        for name in ("d", "p", "q"):
            check(to_bytes(nums[name])[:16] not in image, "the dev key's private %s is not in the VMM library" % name)
        ctext = read(TRUSTED_C)
        check(b"PRIVATE" not in ctext, "generated keys file has no PEM text")
    else:
        print("no development key in this build: private-key check skipped")


def group_build_policy(tmp):
    meson = shutil.which("meson")
    keys = Keys(tmp)
    admin = os.path.join(tmp, "admin.pem")
    openssl("genrsa", "-out", admin, "3072")
    admin_pub = keys.pub(admin)
    bdir = os.path.join(tmp, "build")
    p = run([meson, "setup", bdir, SRC, "-Dtrusted_keys=" + admin])
    check(p.returncode == 0, "meson setup -Dtrusted_keys=admin.pem", p.stdout.decode()[-2000:] + p.stderr.decode())
    if p.returncode != 0:
        return
    check(b"DEVELOPMENT" not in p.stdout, "no development-key warning with trusted_keys set")
    tool = "test/unit/crypto/sv-cryptotool"
    p = run(["ninja", "-C", bdir, tool, "bearssl-glue/libsv_crypto_vmm.a"])
    check(p.returncode == 0, "build with the admin key", p.stdout.decode()[-3000:])
    out = run([os.path.join(bdir, tool), "trusted"]).stdout.decode()
    check(out == "keys=1\nkey 0 bits=3072 id=%s\n" % key_id(admin), "exactly the admin key is embedded", out)
    out = run([os.path.join(bdir, tool), "selftest"]).stdout.decode().strip()
    check(out == "selftest=0 OK key=0", "self-test blob signed with the admin key", out)
    check(not os.path.exists(os.path.join(bdir, "bearssl-glue", "sealvisor-dev-key.pem")), "no development key made")
    image = archive_bytes(os.path.join(bdir, "bearssl-glue", "libsv_crypto_vmm.a"))
    nums = rsa_numbers(admin)
    check(to_bytes(nums["n"])[:32] in image, "admin modulus in the VMM library")
    for name in ("d", "p", "q"):
        check(to_bytes(nums[name])[:16] not in image, "admin private %s not in the VMM library" % name)

    # Only the public half configured: no self-test blob can be signed.
    p = run([meson, "configure", bdir, "-Dtrusted_keys=" + admin_pub])
    p = run(["ninja", "-C", bdir, tool])
    check(p.returncode == 0, "rebuild with the public key only", p.stdout.decode()[-3000:])
    out = run([os.path.join(bdir, tool), "selftest"]).stdout.decode().strip()
    check(out == "selftest=-45 SV_ENOENT key=-1", "self-test reports SV_ENOENT with public keys only", out)
    out = run([os.path.join(bdir, tool), "trusted"]).stdout.decode()
    check(out == "keys=1\nkey 0 bits=3072 id=%s\n" % key_id(admin), "same key from its public half", out)

    # A 1024-bit key fails the build under the default min_rsa_bits.
    k1024 = os.path.join(tmp, "old.pem")
    openssl("genrsa", "-out", k1024, "1024")
    p = run([meson, "configure", bdir, "-Dtrusted_keys=" + k1024])
    p = run(["ninja", "-C", bdir, tool])
    text = p.stdout.decode() + p.stderr.decode()
    check(p.returncode != 0 and "trusted key '%s' is a 1024-bit RSA key, below min_rsa_bits (2048)" % k1024 in text,
          "a 1024-bit key fails the build", text[-2000:])
    p = run([meson, "configure", bdir, "-Dmin_rsa_bits=1024"])
    p = run(["ninja", "-C", bdir, tool])
    check(p.returncode == 0, "the 1024-bit key builds with -Dmin_rsa_bits=1024", p.stdout.decode()[-2000:])
    out = run([os.path.join(bdir, tool), "trusted"]).stdout.decode()
    check(out == "keys=1\nkey 0 bits=1024 id=%s\n" % key_id(k1024), "the 1024-bit key embedded", out)
    # A missing key file is refused at setup.
    p = run([meson, "setup", os.path.join(tmp, "b2"), SRC, "-Dtrusted_keys=" + os.path.join(tmp, "nope.pem")])
    check(p.returncode != 0 and "trusted_keys: cannot find" in p.stdout.decode() + p.stderr.decode(),
          "missing trusted key file refused at setup", p.stdout.decode()[-1000:])


GROUPS = {
    "known-answers": group_known_answers,
    "negative": group_negative,
    "vmmsign-cli": group_vmmsign_cli,
    "key-formats": group_key_formats,
    "keygen-policy": group_keygen_policy,
    "vmm-image": group_vmm_image,
    "build-policy": group_build_policy,
}


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in GROUPS:
        print("usage: test_crypto.py " + "|".join(GROUPS))
        return 2
    with tempfile.TemporaryDirectory(prefix="sv-crypto-test-") as tmp:
        GROUPS[sys.argv[1]](tmp)
    if failures:
        print("%d of %d checks failed" % (len(failures), checks))
        return 1
    print("all %d checks passed" % checks)
    return 0


if __name__ == "__main__":
    sys.exit(main())
