# What the firmware hands Linux through Sealvisor (docs/uefi.md): ACPI on
# every machine (the RSDP in boot_params.acpi_rsdp_addr, the one Linux
# used; the MADT and DSDT visible), and on UEFI the EFI system table and
# memory map (efi_info), runtime services (an EFI variable read back and
# one written) and runtime regions that the E820 map keeps out of RAM.
# Run by test.sh (boot suite) and the firmware scenario (sv.mode=fw).
# Prints SVTEST PASS/FAIL lines, exits 1 on a failure.
fail=0
pass() { echo "SVTEST PASS $1"; }
failed() { echo "SVTEST FAIL $1: $2"; fail=1; }

# le FILE OFFSET LEN: the little-endian number of LEN bytes at OFFSET, in hex.
le() {
    od -An -v -tx1 -j "$2" -N "$3" "$1" | tr -s ' \n' '\n\n' | grep -v '^$' | sed -n '1!G;h;$p' | tr -d '\n'
}

bp=/sys/kernel/boot_params/data
dmesg > /tmp/dmesg.txt

# ACPI: Linux found it, and where Sealvisor said.
if grep -q "RSDP was not found" /tmp/dmesg.txt; then
    failed acpi-rsdp-found "$(grep 'RSDP was not found' /tmp/dmesg.txt)"
else
    pass acpi-rsdp-found
fi
used=$(sed -n 's/.*ACPI: RSDP 0x\([0-9A-Fa-f]*\) .*/\1/p' /tmp/dmesg.txt | head -n 1)
given=$(le $bp 112 8)
if [ -n "$used" ] && [ -n "$given" ] && [ $((0x$given)) != 0 ] && [ $((0x$used)) = $((0x$given)) ]; then
    pass acpi-rsdp-from-sealvisor
else
    failed acpi-rsdp-from-sealvisor "boot_params.acpi_rsdp_addr '$given', Linux used '$used'"
fi
for t in APIC DSDT FACP; do
    if [ -s /sys/firmware/acpi/tables/$t ]; then
        pass acpi-table-$t
    else
        failed acpi-table-$t "/sys/firmware/acpi/tables/$t missing"
    fi
done
if grep -q "ACPI MADT or MP tables are not detected" /tmp/dmesg.txt; then
    failed acpi-madt-used "$(grep 'MADT or MP' /tmp/dmesg.txt)"
else
    pass acpi-madt-used
fi

if [ ! -d /sys/firmware/efi ]; then
    sig=$(le $bp 448 4)
    if [ $((0x$sig)) = 0 ]; then pass bios-no-efi-info; else failed bios-no-efi-info "efi_info signature $sig"; fi
    echo "SVTEST FW firmware=bios fail=$fail"
    exit $fail
fi

# UEFI: efi_info from a 64-bit loader, the system table Linux used.
pass efi-sysfs
sig=$(le $bp 448 4)
[ "$sig" = 34364c45 ] && pass efi-info-el64 || failed efi-info-el64 "efi_loader_signature $sig, not EL64"
if grep -q "efi: EFI v" /tmp/dmesg.txt; then pass efi-systab; else failed efi-systab "no 'efi: EFI v' line"; fi
if grep -q -i "efi.*\(error\|failed\|unexpected\)" /tmp/dmesg.txt; then
    failed efi-no-errors "$(grep -i 'efi.*\(error\|failed\|unexpected\)' /tmp/dmesg.txt | head -n 3)"
else
    pass efi-no-errors
fi

# Runtime services: EFI variables through efivarfs.
[ -f /lib/modules/efivarfs.ko ] && insmod /lib/modules/efivarfs.ko 2>/dev/null
vars=/sys/firmware/efi/efivars
mount -t efivarfs efivarfs $vars 2>/tmp/mount.err
bo=$vars/BootOrder-8be4df61-93ca-11d2-aa0d-00e098032b8c
if [ -f $bo ] && [ "$(wc -c < $bo)" -ge 6 ]; then
    echo "SVTEST efi BootOrder: $(od -An -tx1 $bo | tr -s ' \n' '  ')"
    [ "$(le $bo 0 4)" = 00000007 ] && pass efi-var-bootorder || failed efi-var-bootorder "attributes $(le $bo 0 4)"
else
    failed efi-var-bootorder "$(ls $vars 2>&1 | head -n 3) $(cat /tmp/mount.err)"
fi
tv=$vars/SealvisorTest-5ea1f150-7e57-4c0d-9a5e-5ea1f1507e57
printf '\007\000\000\000sealvisor' > $tv 2>/tmp/var.err
if [ "$(dd if=$tv bs=1 skip=4 2>/dev/null)" = sealvisor ]; then
    pass efi-var-write
else
    failed efi-var-write "$(cat /tmp/var.err)"
fi
chattr -i $tv 2>/dev/null
rm -f $tv

# Runtime services code and data (the kexec runtime map lists them, and
# boot-services regions Linux keeps, which are RAM) lie in no RAM of the
# E820 map.
for m in /sys/firmware/memmap/*; do
    [ "$(cat $m/type)" = "System RAM" ] && echo "$(($(cat $m/start))) $(($(cat $m/end) + 1))"
done > /tmp/ram.txt
bad=0 n=0
for r in /sys/firmware/efi/runtime-map/*; do
    [ -f $r/type ] || continue
    case $(($(cat $r/type))) in 5|6) ;; *) continue ;; esac
    n=$((n + 1))
    s=$(($(cat $r/phys_addr))); e=$((s + $(cat $r/num_pages) * 4096))
    while read -r ms me; do
        if [ $s -lt $me ] && [ $ms -lt $e ]; then
            bad=1
            echo "runtime region $(cat $r/phys_addr) (type $(cat $r/type)) overlaps System RAM at $ms"
        fi
    done < /tmp/ram.txt
done
if [ $n -gt 0 ] && [ $bad = 0 ]; then
    pass efi-runtime-not-ram
else
    failed efi-runtime-not-ram "$n runtime code/data regions, overlap $bad"
fi
echo "SVTEST FW firmware=uefi fail=$fail"
exit $fail
