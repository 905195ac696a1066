#!/bin/sh
# revocation_keys_option.sh SRC: -Drevocation_keys as `meson setup` sees
# it (docs/signatures.md, "Revocation").  A key that is not among
# trusted_keys, a missing file, or the option without trusted_keys stop
# the setup with the option's message; good keys become their indexes in
# trusted_keys' order (found by contents, not by path) in sv_config.h's
# SV_REVOCATION_KEYS, and the default is the empty set (every key).
set -u
src=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
for k in k1 k2 k3; do
    openssl genrsa -out "$tmp/$k.pem" 2048 2> /dev/null || { echo "FAIL: openssl genrsa"; exit 1; }
done
cp "$tmp/k2.pem" "$tmp/k2-copy.pem"
refused() { # WHAT WANT ARGS...
    what=$1 want=$2
    shift 2
    if meson setup "$tmp/bad" "$src" "$@" > "$tmp/out" 2>&1; then
        echo "FAIL: $what was accepted"; fail=1
    elif ! grep -qF "$want" "$tmp/out"; then
        echo "FAIL: $what: no '$want'"; tail -n 3 "$tmp/out"; fail=1
    else
        echo "ok: $what refused: $(grep -oF "$want" "$tmp/out" | head -n 1)"
    fi
    rm -rf "$tmp/bad"
}
refused "without trusted_keys" "revocation_keys: needs -Dtrusted_keys" "-Drevocation_keys=$tmp/k1.pem"
refused "an untrusted key" "is not one of trusted_keys" \
    "-Dtrusted_keys=$tmp/k1.pem,$tmp/k2.pem" "-Drevocation_keys=$tmp/k3.pem"
refused "a missing file" "revocation_keys: cannot find" \
    "-Dtrusted_keys=$tmp/k1.pem,$tmp/k2.pem" "-Drevocation_keys=$tmp/nope.pem"
if meson setup "$tmp/good" "$src" "-Dtrusted_keys=$tmp/k1.pem,$tmp/k2.pem,$tmp/k3.pem" \
        "-Drevocation_keys=$tmp/k3.pem,$tmp/k2-copy.pem" > "$tmp/out" 2>&1; then
    if grep -qx '#define SV_REVOCATION_KEYS 2, 1, ' "$tmp/good/sv_config.h"; then
        echo "ok: keys 2 and 1 in sv_config.h"
    else
        echo "FAIL: sv_config.h has: $(grep REVOCATION "$tmp/good/sv_config.h")"; fail=1
    fi
else
    echo "FAIL: good revocation keys were refused"; tail -n 5 "$tmp/out"; fail=1
fi
rm -rf "$tmp/good"
if meson setup "$tmp/good" "$src" > "$tmp/out" 2>&1 &&
   grep -qx '#define SV_REVOCATION_KEYS ' "$tmp/good/sv_config.h"; then
    echo "ok: the default is the empty set"
else
    echo "FAIL: default: $(grep REVOCATION "$tmp/good/sv_config.h" 2>&1)"; tail -n 3 "$tmp/out"; fail=1
fi
exit $fail
