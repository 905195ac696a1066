/*
 * The VMM's own page tables: a direct map of all physical memory in the
 * upper half (no execute), and the image at KERNEL_BASE.  The lower half
 * stays empty, so a NULL or small-integer pointer faults at once, and
 * processes can have it for their user windows.
 *
 * No page is global (PTE_G): a global TLB entry would survive the switch
 * to a process's tables, which must not translate any VMM address
 * (arch/entry.h).
 */
#include <arch/cpu.h>
#include <arch/paging.h>
#include <sv/console.h>
#include <sv/mm.h>

static uint64_t kernel_pml4;

/* Section boundaries of the image (boot/vmm.ld), page-aligned. */
extern char _text_start[], _rodata_start[], _data_start[], _vmm_end[];

static uint64_t *table(uint64_t pa)
{
	return phys_to_virt(pa);
}

static bool has_1g_pages(void)
{
	struct cpuid_regs r;

	cpuid_count(0x80000001, 0, &r);
	return r.edx & (1u << 26);
}

int paging_init(uint64_t max_phys)
{
	uint64_t pml4 = palloc_page();
	if (!pml4)
		return -SV_ENOMEM;
	uint64_t *l4 = table(pml4);
	bool big = has_1g_pages();
	uint64_t nx = (rdmsr(MSR_EFER) & EFER_NXE) ? PTE_NX : 0;
	uint64_t span = ALIGN_UP(MAX(max_phys, 4ULL << 30), 1ULL << 30);

	if (span > (256ULL << 39))
		span = 256ULL << 39; /* 128 TiB: the whole upper half minus the image */
	/* Direct map: PML4[256 + i] covers 512 GiB each. */
	for (uint64_t pa = 0; pa < span; pa += 1ULL << 30) {
		unsigned int i4 = 256 + (unsigned int)(pa >> 39);
		unsigned int i3 = (pa >> 30) & 511;
		if (!(l4[i4] & PTE_P)) {
			uint64_t p = palloc_page();
			if (!p)
				return -SV_ENOMEM;
			l4[i4] = p | PTE_P | PTE_W;
		}
		uint64_t *l3 = table(l4[i4] & PTE_ADDR);
		if (big) {
			l3[i3] = pa | PTE_P | PTE_W | PTE_PS | nx;
			continue;
		}
		uint64_t pd = palloc_page();
		if (!pd)
			return -SV_ENOMEM;
		uint64_t *l2 = table(pd);
		for (unsigned int i2 = 0; i2 < 512; i2++)
			l2[i2] = (pa + ((uint64_t)i2 << 21)) | PTE_P | PTE_W | PTE_PS | nx;
		l3[i3] = pd | PTE_P | PTE_W;
	}

	/*
	 * Image: PML4[511] -> PDPT[510] -> 4 KiB pages with each section's
	 * rights: code read-only and executable, read-only data and the
	 * built-in images neither writable nor executable, data and stacks
	 * writable but never executable.  Nothing else is mapped there.
	 */
	uint64_t pdpt = palloc_page(), pd = palloc_page();
	if (!pdpt || !pd)
		return -SV_ENOMEM;
	uint64_t *l2 = table(pd);
	uint64_t text = (uint64_t)(uintptr_t)_text_start, rodata = (uint64_t)(uintptr_t)_rodata_start;
	uint64_t data = (uint64_t)(uintptr_t)_data_start, end = (uint64_t)(uintptr_t)_vmm_end;
	for (uint64_t va = text; va < end; va += PAGE_SIZE) {
		unsigned int i2 = (va >> 21) & 511;
		if (!(l2[i2] & PTE_P)) {
			uint64_t pt = palloc_page();
			if (!pt)
				return -SV_ENOMEM;
			l2[i2] = pt | PTE_P | PTE_W;
		}
		uint64_t rights = va < rodata ? 0 : va < data ? nx : PTE_W | nx;
		table(l2[i2] & PTE_ADDR)[(va >> 12) & 511] =
			(va - KERNEL_BASE) | PTE_P | rights;
	}
	table(pdpt)[510] = pd | PTE_P | PTE_W;
	l4[511] = pdpt | PTE_P | PTE_W;

	write_cr4(read_cr4() | CR4_PGE);
	write_cr3(pml4);
	kernel_pml4 = pml4;
	return 0;
}

uint64_t paging_kernel_root(void)
{
	return kernel_pml4;
}

/*
 * Uncached 4 KiB windows for device registers, in the last GiB of the
 * address space (PML4[511] -> PDPT[511] -> one PD -> one PT).
 */
#define MMIO_BASE 0xFFFFFFFFC0000000ULL
#define MMIO_SLOTS 512

static uint64_t *mmio_pt;
static unsigned int mmio_used;

void *paging_map_uc(uint64_t pa)
{
	pa = ALIGN_DOWN(pa, PAGE_SIZE);
	if (!mmio_pt) {
		uint64_t *l4 = table(kernel_pml4);
		uint64_t *l3 = table(l4[511] & PTE_ADDR);
		uint64_t pd = palloc_page(), pt = palloc_page();
		if (!pd || !pt)
			return NULL;
		table(pd)[0] = pt | PTE_P | PTE_W;
		l3[511] = pd | PTE_P | PTE_W;
		mmio_pt = table(pt);
	}
	for (unsigned int i = 0; i < mmio_used; i++) {
		if ((mmio_pt[i] & PTE_ADDR) == pa)
			return (void *)(uintptr_t)(MMIO_BASE + i * PAGE_SIZE);
	}
	if (mmio_used == MMIO_SLOTS)
		return NULL;
	mmio_pt[mmio_used] = pa | PTE_P | PTE_W | PTE_PCD | PTE_PWT | PTE_NX;
	return (void *)(uintptr_t)(MMIO_BASE + mmio_used++ * PAGE_SIZE);
}
