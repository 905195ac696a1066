#!/usr/bin/env bash
# build-module.sh OUT.ko HEADERS WORKDIR SV_LIMITS_H SHARED_INCLUDE SRC...
# Builds a guest module (OUT.ko's name: sealvisor.ko, or the test
# module svcpu.ko) with Kbuild against the guest kernel's
# headers (scripts/fetch-kernel) in a copy of its sources (Kbuild writes
# its objects beside them), with W=1 and -Werror, and fails on any warning Kbuild
# itself prints (modpost's are not compiler warnings).
set -euo pipefail
out=$1 headers=$2 work=$3 limits=$4 shared=$5
shift 5
rm -rf "$work"
mkdir -p "$work/include/sealvisor"
cp "$@" "$work/"
cp "$limits" "$work/sv_limits.h"
cp "$shared"/sealvisor/{errors.h,hypercall.h,ioctl.h} "$work/include/sealvisor/"
log="$work/build.log"
if ! make -C "$headers" M="$work" W=1 KCFLAGS=-Werror CC=gcc-12 modules >"$log" 2>&1; then
    cat "$log" >&2
    echo "build-module.sh: the module did not build against $headers" >&2
    exit 1
fi
if grep -iE 'warning|error:' "$log" >&2; then
    echo "build-module.sh: the module build printed the warnings above" >&2
    exit 1
fi
cp "$work/$(basename "$out")" "$out"
