/*
 * The firmware's hand-over to the guest (boot/guest_firmware.c): ACPI's
 * RSDP on every machine, the EFI system table and memory map on UEFI.
 */
#ifndef SV_GUEST_FIRMWARE_H
#define SV_GUEST_FIRMWARE_H

#include <sv/linux_boot.h>
#include <sv/mb2.h>

/*
 * On a UEFI boot with a usable EFI memory map and system table: builds
 * the guest's EFI map (hidden ranges reserved, the boot data the VMM
 * writes as loader data) and writes the matching E820 map to e820.
 * Returns its entry count, or 0 when the guest gets no EFI (not a UEFI
 * boot, or a map too large, said on the console): the caller then makes
 * the E820 map as on a BIOS machine.
 */
int guest_fw_memmap(const struct mb2_boot *mb, const struct sv_range *hidden,
		    unsigned int nhidden, struct mem_range *e820, unsigned int max);

/*
 * Fills boot_params' firmware fields: acpi_rsdp_addr (a checked RSDP),
 * and efi_info with the map guest_fw_memmap built, which it writes to
 * GUEST_EFI_MMAP_ADDR.  Each piece that is missing or refused is left
 * out and said on the console.
 */
void guest_fw_boot_params(const struct mb2_boot *mb, uint8_t *zp, const struct linux_image *k);

#endif
