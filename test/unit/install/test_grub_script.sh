#!/bin/sh
# Runs the generated 20_linux_sealvisor against a fake /boot-like tree and
# a stub grub-mkconfig_lib, and checks the exact menu entry it prints.
set -eu
script=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/lib"
cat > "$tmp/lib/grub-mkconfig_lib" <<'STUB'
make_system_path_relative_to_its_root() { echo "$1"; }
STUB
# The script looks at /boot/vmlinuz-*; run it with / remapped is not
# possible without root tricks, so point it at a copy with sed.
vmm="$tmp/sealvisor.elf"
touch "$vmm" "$tmp/vmlinuz-6.1.0-test" "$tmp/initrd.img-6.1.0-test"
sed -e "s|^SEALVISOR=.*|SEALVISOR=\"$vmm\"|" \
    -e "s|for linux in /boot/vmlinuz-\* /vmlinuz-\*; do|for linux in $tmp/vmlinuz-*; do|" "$script" > "$tmp/20_test"
out=$(pkgdatadir="$tmp/lib" GRUB_DEVICE=/dev/sda1 GRUB_DEVICE_UUID=1234-abcd \
      GRUB_CMDLINE_LINUX="quiet" GRUB_CMDLINE_LINUX_DEFAULT="" SEALVISOR_CMDLINE="console=com1" \
      sh "$tmp/20_test" 2>/dev/null)
expected="menuentry 'Linux 6.1.0-test under Sealvisor' --class sealvisor --class gnu-linux {
	if [ \"\$grub_platform\" = efi ]; then insmod tpm; fi
	multiboot2 $vmm console=com1
	module2 $tmp/vmlinuz-6.1.0-test root=UUID=1234-abcd ro quiet 
	module2 --nounzip $tmp/initrd.img-6.1.0-test
}"
if [ "$out" != "$expected" ]; then
    echo "FAIL: got:"; echo "$out"; echo "expected:"; echo "$expected"
    exit 1
fi
# Without the VMM image: no entries, exit 0.
rm "$vmm"
out=$(pkgdatadir="$tmp/lib" sh "$tmp/20_test" 2>/dev/null)
[ -z "$out" ] || { echo "FAIL: entries without the VMM image: $out"; exit 1; }
echo PASS
