#!/usr/bin/env bash
# mkiso.sh OUT VMM VMLINUZ INITRD MODE DEFAULT_ENTRY [TIMEOUT]
# Builds a BIOS-bootable GRUB ISO.  Entry 0 boots Linux under Sealvisor,
# entry 1 the same Linux without it (for comparison); MODE goes on the
# guest's command line as sv.mode=.
set -euo pipefail
out=$1 vmm=$2 vmlinuz=$3 initrd=$4 mode=$5 default=$6 timeout=${7:-0}
here=$(cd "$(dirname "$0")" && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/boot/grub"
cp "$vmm" "$stage/boot/sealvisor.elf"
cp "$vmlinuz" "$stage/boot/vmlinuz"
cp "$initrd" "$stage/boot/initrd.img"
sed -e "s/@MODE@/$mode/g" -e "s/@DEFAULT@/$default/g" -e "s/@TIMEOUT@/$timeout/g" \
    "$here/grub.cfg.in" > "$stage/boot/grub/grub.cfg"
grub-mkrescue -o "$out.tmp" "$stage" >"$stage/log" 2>&1 || {
    cat "$stage/log" >&2
    exit 1
}
mv "$out.tmp" "$out"
