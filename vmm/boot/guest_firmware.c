/*
 * What the firmware would have told Linux, handed on by the VMM
 * (docs/uefi.md): the RSDP's address in boot_params.acpi_rsdp_addr on
 * BIOS and UEFI machines, and on UEFI the system table and an EFI memory
 * map in boot_params.efi_info.  The guest's E820 table is made from the
 * same EFI map, so both say the same about every byte, the VMM's own
 * memory reserved in each.
 */
#include <sv/acpi.h>
#include <sv/acpi_boot.h>
#include <sv/console.h>
#include <sv/efi.h>
#include <sv/guest_firmware.h>
#include <sv/linux_boot.h>
#include <sv/memmap.h>
#include <sv/mm.h>
#include <sv/vmm.h>

#include "fsstring.h"

_Static_assert(EFI_GUEST_MAX * EFI_GUEST_MD_SIZE <= GUEST_EFI_MMAP_MAX,
	       "the guest's EFI map must fit its place in low memory");

static struct efi_md guest_efi[EFI_GUEST_MAX];
static unsigned int guest_efi_n;
static bool guest_efi_ok;

/* Documented in sv/guest_firmware.h. */
int guest_fw_memmap(const struct mb2_boot *mb, const struct sv_range *hidden,
		    unsigned int nhidden, struct mem_range *e820, unsigned int max)
{
	struct sv_range loader = { GUEST_BOOT_DATA_START, GUEST_BOOT_DATA_END - GUEST_BOOT_DATA_START };

	guest_efi_ok = false;
	if (mb->efi.nmd == 0)
		return 0;
	int n = -SV_ENOENT;
	if (mb->efi.systab_present)
		n = efi_mmap_guest(mb->efi.md, mb->efi.nmd, hidden, nhidden, &loader, 1, guest_efi,
				   EFI_GUEST_MAX);
	int ne = n > 0 ? efi_mmap_to_e820(guest_efi, (unsigned int)n, false, e820, max) : -SV_E2BIG;
	if (ne > 0) {
		guest_efi_n = (unsigned int)n;
		guest_efi_ok = true;
		return ne;
	}
	if (!mb->efi.systab_present)
		sv_printf("UEFI: an EFI memory map but no EFI system table; Linux gets no EFI\n");
	else
		sv_printf("UEFI: the guest's EFI memory map would need more than %u descriptors or its "
			  "E820 map more than %u entries; Linux gets no EFI (no runtime services)\n",
			  EFI_GUEST_MAX, max);
	/* Still the E820 map from the EFI map, boot-services memory usable again. */
	static struct mem_range conv[MB2_MAX_MMAP], norm[MEMMAP_MAX];
	ne = efi_mmap_to_e820(mb->efi.md, mb->efi.nmd, false, conv, MB2_MAX_MMAP);
	int nn = ne > 0 ? memmap_normalize(conv, (unsigned int)ne, norm, MEMMAP_MAX) : ne;
	return nn > 0 ? memmap_guest(norm, (unsigned int)nn, hidden, nhidden, e820, max) : nn;
}

/*
 * Where the guest finds the RSDP: the address the EFI configuration
 * table gives, or on a BIOS machine where the BIOS-area scan finds it;
 * failing both, a copy of the boot loader's (multiboot2 tag 15 or 14)
 * put into the guest's boot data.  Each is checked (signature,
 * checksums, length) before it is handed on; 0 when none passes.
 */
static uint64_t guest_rsdp(const struct mb2_boot *mb)
{
	struct acpi_mem mem = { .map = acpi_dmap, .ctx = NULL };
	struct acpi_rsdp rsdp;
	const char *why = NULL;
	uint64_t pa = 0;
	bool acpi20 = false;

	if (mb->efi.systab_present) {
		int r = efi_systab_find_rsdp(&mem, mb->efi.systab, &pa, &acpi20, &why);
		if (r == 0 && acpi_rsdp_read(&mem, pa, &rsdp, &why) == 0) {
			sv_printf("ACPI: RSDP at %lx (EFI configuration table, ACPI %s entry) for the guest\n",
				  (unsigned long)pa, acpi20 ? "2.0" : "1.0");
			return pa;
		}
		if (r == 0)
			sv_printf("ACPI: the RSDP at %lx that the EFI configuration table names is refused: %s\n",
				  (unsigned long)pa, why);
		else
			sv_printf("ACPI: no RSDP from the EFI system table: %s\n", why);
	} else if (acpi_rsdp_scan(&mem, &rsdp, &why) == 0) {
		sv_printf("ACPI: RSDP at %lx (BIOS area) for the guest\n", (unsigned long)rsdp.pa);
		return rsdp.pa;
	}

	const struct mb2_acpi_rsdp *tags[2] = { &mb->acpi_new, &mb->acpi_old };
	for (unsigned int i = 0; i < 2; i++) {
		if (!tags[i]->present)
			continue;
		if (acpi_rsdp_check(tags[i]->bytes, tags[i]->len, &rsdp, &why) < 0) {
			sv_printf("ACPI: the boot loader's copy of the RSDP (multiboot2 tag %u) is refused: %s\n",
				  i == 0 ? 15u : 14u, why);
			continue;
		}
		memcpy(phys_to_virt(GUEST_RSDP_ADDR), tags[i]->bytes, rsdp.length);
		sv_printf("ACPI: RSDP copied from multiboot2 tag %u to %lx for the guest\n",
			  i == 0 ? 15u : 14u, (unsigned long)GUEST_RSDP_ADDR);
		return GUEST_RSDP_ADDR;
	}
	sv_printf("ACPI: no valid RSDP for the guest; Linux will search for one itself\n");
	return 0;
}

/* Documented in sv/guest_firmware.h. */
void guest_fw_boot_params(const struct mb2_boot *mb, uint8_t *zp, const struct linux_image *k)
{
	uint64_t rsdp = guest_rsdp(mb);

	if (rsdp && !linux_set_acpi_rsdp(zp, k, rsdp))
		sv_printf("ACPI: the kernel's boot protocol is older than 2.14: it searches for the RSDP itself\n");
	if (!guest_efi_ok)
		return;
	int len = efi_mmap_write(guest_efi, guest_efi_n, EFI_GUEST_MD_SIZE,
				 phys_to_virt(GUEST_EFI_MMAP_ADDR), GUEST_EFI_MMAP_MAX);
	if (len < 0) {
		sv_printf("UEFI: the guest's EFI memory map does not fit at %lx; Linux gets no EFI\n",
			  (unsigned long)GUEST_EFI_MMAP_ADDR);
		return;
	}
	struct linux_efi_info e = {
		.systab = mb->efi.systab,
		.memmap = GUEST_EFI_MMAP_ADDR,
		.memmap_size = (uint32_t)len,
		.desc_size = EFI_GUEST_MD_SIZE,
		.desc_version = EFI_MD_VERSION,
	};
	linux_set_efi_info(zp, &e);
	sv_printf("UEFI: system table at %lx and an EFI memory map of %u descriptors at %lx for the guest "
		  "(the VMM's memory reserved, as in its E820 map)\n",
		  (unsigned long)mb->efi.systab, guest_efi_n, (unsigned long)GUEST_EFI_MMAP_ADDR);
}
