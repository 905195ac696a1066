#!/usr/bin/env bash
# mkiso.sh OUT VMM MINIGUEST [VMM_OPTIONS...]
# A GRUB ISO that boots the VMM with the mini guest as its only module
# (boot/mkiso.sh wants a Linux kernel and an initrd).  GRUB's log stays
# outside the staged tree, so xorriso never sees a file that is still
# being written.
set -euo pipefail
out=$1 vmm=$2 guest=$3
shift 3
opts=${*:-console=com1}
stage=$(mktemp -d)
log=$(mktemp)
trap 'rm -rf "$stage" "$log"' EXIT
mkdir -p "$stage/boot/grub"
cp "$vmm" "$stage/boot/sealvisor.elf"
cp "$guest" "$stage/boot/miniguest"
cat > "$stage/boot/grub/grub.cfg" <<CFG
# Sealvisor with the mini test guest (test/miniguest) in place of Linux.
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
set timeout=0
set default=0
menuentry "Sealvisor: mini test guest" {
	multiboot2 /boot/sealvisor.elf $opts
	module2 /boot/miniguest miniguest
}
CFG
grub-mkrescue -o "$out.tmp" "$stage" >"$log" 2>&1 || {
    cat "$log" >&2
    exit 1
}
mv "$out.tmp" "$out"
