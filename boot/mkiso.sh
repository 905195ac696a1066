#!/usr/bin/env bash
# mkiso.sh OUT VMM VMLINUZ INITRD [TIMEOUT]
# Builds a GRUB ISO that boots on BIOS (grub-pc-bin) and UEFI
# (grub-efi-amd64-bin) with the same entries, those of grub.cfg.in: Linux
# under Sealvisor (demo, shell, test, bench), the same Linux without it
# (for comparison), and the VMM's bad-input cases.
set -euo pipefail
out=$1 vmm=$2 vmlinuz=$3 initrd=$4 timeout=${5:-3}
here=$(cd "$(dirname "$0")" && pwd)
# grub-mkrescue leaves out a platform that is not installed, silently.
for p in i386-pc x86_64-efi; do
    if [ ! -d "/usr/lib/grub/$p" ]; then
        echo "mkiso.sh: /usr/lib/grub/$p missing (grub-pc-bin, grub-efi-amd64-bin): run scripts/setup-deps" >&2
        exit 1
    fi
done
stage=$(mktemp -d)
log=$(mktemp)
trap 'rm -rf "$stage" "$log"' EXIT
mkdir -p "$stage/boot/grub"
cp "$vmm" "$stage/boot/sealvisor.elf"
cp "$vmlinuz" "$stage/boot/vmlinuz"
cp "$initrd" "$stage/boot/initrd.img"
sed -e "s/@TIMEOUT@/$timeout/g" "$here/grub.cfg.in" > "$stage/boot/grub/grub.cfg"
grub-mkrescue -o "$out.tmp" "$stage" >"$log" 2>&1 || {
    cat "$log" >&2
    exit 1
}
mv "$out.tmp" "$out"
