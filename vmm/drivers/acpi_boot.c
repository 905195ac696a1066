/* The VMM's way to the ACPI root table (documented in sv/acpi_boot.h). */
#include <sv/acpi_boot.h>
#include <sv/mm.h>

/* Documented in sv/acpi_boot.h. */
const void *acpi_dmap(void *ctx, uint64_t pa, uint64_t len)
{
	uint64_t limit = ALIGN_UP(MAX(vmm_layout.max_phys, 4ULL << 30), 1ULL << 30);

	(void)ctx;
	if (pa >= limit || len > limit - pa)
		return NULL;
	if (ranges_overlap(pa, len, vmm_layout.image_start, vmm_layout.image_end - vmm_layout.image_start) ||
	    ranges_overlap(pa, len, vmm_layout.pool_start, vmm_layout.pool_end - vmm_layout.pool_start))
		return NULL;
	return phys_to_virt(pa);
}

int acpi_boot_root(const struct mb2_boot *mb, struct acpi_root *root, const char **from,
		   const char **why)
{
	struct acpi_mem mem = { .map = acpi_dmap, .ctx = NULL };
	struct acpi_rsdp rsdp;
	int r = -SV_ENOENT;

	*why = "no RSDP";
	*from = "multiboot2 (ACPI 2.0+)";
	if (mb->acpi_new.present)
		r = acpi_rsdp_check(mb->acpi_new.bytes, mb->acpi_new.len, &rsdp, why);
	if (r < 0 && mb->acpi_old.present) {
		*from = "multiboot2 (ACPI 1.0)";
		r = acpi_rsdp_check(mb->acpi_old.bytes, mb->acpi_old.len, &rsdp, why);
	}
	if (r < 0) {
		*from = "BIOS area";
		r = acpi_rsdp_scan(&mem, &rsdp, why);
	}
	if (r == 0)
		r = acpi_root_open(&mem, &rsdp, root, why);
	return r;
}
