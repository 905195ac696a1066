/*
 * The VMM's way to the ACPI tables (drivers/acpi_boot.c): the RSDP from
 * the multiboot2 tags (the new one first) or the BIOS area, the root
 * table, read through the direct map but never inside the VMM's memory.
 * For the readers that run at boot (MADT in cpu/smp.c, DMAR and IVRS in
 * drivers/iommu.c); the tables are the guest's and stay where they are.
 */
#ifndef SV_ACPI_BOOT_H
#define SV_ACPI_BOOT_H

#include <sv/acpi.h>
#include <sv/mb2.h>

/*
 * Firmware tables (ACPI, EFI) read through the direct map, never the
 * VMM's own memory: an acpi_map_fn (sv/acpi.h) for the VMM's readers.
 */
const void *acpi_dmap(void *ctx, uint64_t pa, uint64_t len);

/*
 * Opens the root table.  *from names where the RSDP came from.  Returns
 * 0, or a negative code with *why set (the reader's reasons, sv/acpi.h).
 */
int acpi_boot_root(const struct mb2_boot *mb, struct acpi_root *root, const char **from,
		   const char **why);

#endif
