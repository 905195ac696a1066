#!/usr/bin/env bash
# mkiso.sh OUT VMM VMM_CMDLINE MODULE CMDLINE [MODULE CMDLINE]...
# A GRUB ISO with one entry, selected at once: the VMM with the given
# modules (the mini guest alone, or a Linux kernel and its initrd).
# boot/mkiso.sh builds the project's menu ISO; the Bochs runs need a
# single default entry, since Bochs cannot pick one the way QEMU's SMBIOS
# string does.  GRUB's log stays outside the staged tree, so xorriso never
# sees a file that is still being written.
set -euo pipefail
out=$1 vmm=$2 vmm_cmdline=$3
shift 3
stage=$(mktemp -d)
log=$(mktemp)
trap 'rm -rf "$stage" "$log"' EXIT
mkdir -p "$stage/boot/grub"
cp "$vmm" "$stage/boot/sealvisor.elf"
mods=""
i=0
while [ $# -ge 2 ]; do
    cp "$1" "$stage/boot/module$i"
    mods="$mods	module2 /boot/module$i $2
"
    i=$((i + 1))
    shift 2
done
cat > "$stage/boot/grub/grub.cfg" <<CFG
# Sealvisor test ISO (test/miniguest/mkiso.sh).
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
set timeout=0
set default=0
menuentry "Sealvisor test" {
	multiboot2 /boot/sealvisor.elf $vmm_cmdline
$mods}
CFG
grub-mkrescue -o "$out.tmp" "$stage" >"$log" 2>&1 || {
    cat "$log" >&2
    exit 1
}
mv "$out.tmp" "$out"
