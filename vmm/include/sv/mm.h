/*
 * The VMM's view of memory.
 *
 * Physical memory is reached through a direct map at DIRECT_MAP_BASE; the
 * VMM image runs at KERNEL_BASE.  The whole lower half of the address space
 * belongs to processes.  Pages come from one pool the VMM reserves at boot
 * (option vmm_pool_mib), hidden from the guest.
 */
#ifndef SV_MM_H
#define SV_MM_H

#include <sv/types.h>

#define DIRECT_MAP_BASE 0xFFFF800000000000ULL
#define KERNEL_BASE 0xFFFFFFFF80000000ULL

static inline void *phys_to_virt(uint64_t pa)
{
	return (void *)(uintptr_t)(pa + DIRECT_MAP_BASE);
}

static inline uint64_t virt_to_phys(const void *va)
{
	uint64_t v = (uint64_t)(uintptr_t)va;

	return v >= KERNEL_BASE ? v - KERNEL_BASE : v - DIRECT_MAP_BASE;
}

/* Physical page allocator over the VMM pool (mm/palloc.c). */
void palloc_init(uint64_t base, uint64_t npages);
/* n contiguous zeroed pages, aligned to align pages; 0 when exhausted. */
uint64_t palloc_pages(uint64_t n, uint64_t align);
/*
 * The same without zeroing, for callers that overwrite every byte at once
 * (and must: pool pages hold whatever their last user left).
 */
uint64_t palloc_pages_raw(uint64_t n, uint64_t align);
static inline uint64_t palloc_page(void)
{
	return palloc_pages(1, 1);
}
void pfree_pages(uint64_t pa, uint64_t n);
uint64_t palloc_free_count(void);
uint64_t palloc_total(void);

/* Where the VMM lives (boot/main.c fills it at boot). */
struct vmm_layout {
	uint64_t image_start, image_end; /* 2 MiB-aligned, hidden */
	uint64_t pool_start, pool_end;   /* 2 MiB-aligned, hidden */
	uint64_t max_phys;               /* end of the highest RAM range */
	uint64_t sink_page;              /* what hidden ranges show the guest */
};
extern struct vmm_layout vmm_layout;

/* The VMM's own page tables (arch/x86/paging.c). */
int paging_init(uint64_t max_phys);
uint64_t paging_kernel_root(void);
/* An uncached mapping of the 4 KiB device page at pa; NULL when out of slots. */
void *paging_map_uc(uint64_t pa);

#endif
