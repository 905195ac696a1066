#!/bin/sh
# test_install.sh BUILDDIR VERSION HEADERS: `meson install` into a scratch
# DESTDIR puts the sealvisor module's DKMS source tree, the udev rule and
# the modules-load.d and sysusers.d entries where an installed system needs them
# (docs/access.md); the installed tree then builds on its own, as DKMS
# would build it (make -C HEADERS M=...), without a warning.
set -eu
build=$1 version=$2 headers=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
meson install -C "$build" --no-rebuild --quiet --destdir "$tmp/root" >"$tmp/install.log" 2>&1 \
    || { cat "$tmp/install.log"; echo "FAIL: meson install"; exit 1; }
prefix=$(meson introspect "$build" --buildoptions | python3 -c \
    'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"][0])')
dkms="$tmp/root$prefix/src/sealvisor-$version"
for f in dkms.conf Kbuild sv_main.c sv_calls.c sv_module.h sv_limits.h \
         include/sealvisor/errors.h include/sealvisor/hypercall.h include/sealvisor/ioctl.h; do
    [ -f "$dkms/$f" ] || { echo "FAIL: $prefix/src/sealvisor-$version/$f not installed"; exit 1; }
done
grep -qx 'PACKAGE_NAME="sealvisor"' "$dkms/dkms.conf" &&
    grep -qx "PACKAGE_VERSION=\"$version\"" "$dkms/dkms.conf" &&
    grep -qx 'BUILT_MODULE_NAME\[0\]="sealvisor"' "$dkms/dkms.conf" ||
    { echo "FAIL: dkms.conf:"; cat "$dkms/dkms.conf"; exit 1; }
rule="$tmp/root$prefix/lib/udev/rules.d/60-sealvisor.rules"
grep -qx 'KERNEL=="sealvisor", SUBSYSTEM=="misc", OWNER="root", GROUP="sealvisor", MODE="0660"' "$rule" ||
    { echo "FAIL: udev rule missing or changed"; exit 1; }
load="$tmp/root$prefix/lib/modules-load.d/sealvisor.conf"
[ "$(grep -v '^#' "$load")" = sealvisor ] || { echo "FAIL: modules-load.d entry"; exit 1; }
users="$tmp/root$prefix/lib/sysusers.d/sealvisor.conf"
[ "$(grep -v '^#' "$users")" = "g sealvisor - -" ] || { echo "FAIL: sysusers.d entry"; exit 1; }
# The headers the ioctls need are installed for user programs too.
[ -f "$tmp/root$prefix/include/sealvisor/ioctl.h" ] || { echo "FAIL: sealvisor/ioctl.h not installed"; exit 1; }
# DKMS copies the tree to its own build folder and runs Kbuild there.
if [ -d "$headers" ]; then
    cp -r "$dkms" "$tmp/dkms-build"
    make -C "$headers" M="$tmp/dkms-build" KCFLAGS=-Werror CC=gcc-12 modules >"$tmp/make.log" 2>&1 ||
        { cat "$tmp/make.log"; echo "FAIL: the installed source does not build"; exit 1; }
    if grep -iE 'warning|error:' "$tmp/make.log"; then echo "FAIL: warnings"; exit 1; fi
    [ -f "$tmp/dkms-build/sealvisor.ko" ] || { echo "FAIL: no sealvisor.ko"; exit 1; }
else
    echo "guest kernel headers missing ($headers): the installed tree was not built"
    exit 77
fi
echo PASS
