#!/usr/bin/env bash
# The classic 1024-bit flow: a build with -Dmin_rsa_bits=1024 and
# -Dtrusted_keys= a key from `openssl genrsa 1024` loads a binary signed
# with vmmsign by that key.  Configures a second build of its own, with
# guest_access=any as old tools need: there, after rmmod sealvisor, the
# tools and svtest ring3 make their hypercalls directly from ring 3.
#   classic1024.sh SOURCE_ROOT WORK_DIR
set -euo pipefail
src=$1 work=$2
rm -rf "$work"
mkdir -p "$work/extra/root"
openssl genrsa -out "$work/old.pem" 1024 2>/dev/null
meson setup "$work/build" "$src" -Dmin_rsa_bits=1024 -Dtrusted_keys="$work/old.pem" \
    -Dguest_access=any -Dtests=false >"$work/setup.log" 2>&1 || { cat "$work/setup.log"; exit 1; }
meson compile -C "$work/build" boot/sealvisor.iso guest-utils/vmmsign/vmmsign >"$work/compile.log" 2>&1 \
    || { tail -30 "$work/compile.log"; exit 1; }
b="$work/build"
cp "$b/libproc/hello" "$work/extra/root/hello"
"$b/guest-utils/vmmsign/vmmsign" "$work/extra/root/hello" "$work/old.pem" "$work/extra/root/hello.sig"
[ "$(stat -c %s "$work/extra/root/hello.sig")" = 128 ] || { echo "FAIL: not a 1024-bit signature"; exit 1; }
printf 'rmmod sealvisor\nsvinfo\nvmmload hello hello.sig\nsvtest ring3\n' \
    > "$work/extra/root/sv-cmds.sh"
(cd "$work/extra" && find . | cpio -o -H newc --quiet -R 0:0 | gzip -1) > "$work/extra.cpio.gz"
cat "$b/boot/initrd.img" "$work/extra.cpio.gz" > "$work/initrd.img"
"$src/boot/mkiso.sh" "$work/classic.iso" "$b/vmm/sealvisor.elf" "$src/.cache/guest/vmlinuz" "$work/initrd.img"
exec python3 "$src/test/boot/boot_test.py" "$work/classic.iso" demo --timeout 200 \
    --log "$work/serial.log" \
    --expect "[sealvisor] signatures: 1 trusted key(s)" \
    --expect "is descriptor 0" \
    --expect "] Hello, World!" \
    --expect "desc = 0" \
    --expect "svinfo: access: direct hypercalls (guest_access=any)" \
    --expect "desc = 2" \
    --expect "SVTEST PASS ring3-get-number-answers" \
    --expect "SVTEST PASS ring3-version-answers" \
    --expect "SVTEST PASS ring3-stats-taken" \
    --expect "SVTEST PASS ring3-ps-taken" \
    --expect "SVTEST PASS ring3-builtin-taken" \
    --expect "SVTEST PASS ring3-kill-taken" \
    --expect "SVDEMO exit status 0"
