/*
 * Physical page allocator: a bitmap over the VMM pool.  First fit is enough:
 * the pool is small (tens of MiB) and allocations happen at boot, at
 * process creation and at process exit, never on the guest's fast paths.
 * Freeing a page that is not allocated is an invariant violation of the
 * VMM's own, so it panics rather than corrupting the pool.
 */
#include <sv/console.h>
#include <sv/lock.h>
#include <sv/mm.h>
#include <sv/panic.h>

#include "fsstring.h"

#define MAX_POOL_PAGES (4096ULL * 256) /* 4 GiB */

static uint64_t pool_base;
static uint64_t pool_pages;
static uint64_t free_pages;
static uint64_t first_free; /* no free page below this index */
static uint64_t bitmap[MAX_POOL_PAGES / 64];

static bool used(uint64_t i)
{
	return bitmap[i / 64] & (1ULL << (i % 64));
}

static void mark(uint64_t i, bool on)
{
	if (on)
		bitmap[i / 64] |= 1ULL << (i % 64);
	else
		bitmap[i / 64] &= ~(1ULL << (i % 64));
}

void palloc_init(uint64_t base, uint64_t npages)
{
	if (npages > MAX_POOL_PAGES)
		npages = MAX_POOL_PAGES;
	pool_base = base;
	pool_pages = npages;
	free_pages = npages;
	first_free = 0;
	memset(bitmap, 0, sizeof(bitmap));
}

/* Every CPU allocates (AP start-up, processes, tables): one lock, never held long. */
static struct spinlock pool_lock = SPINLOCK_INIT;

static uint64_t alloc_locked(uint64_t n, uint64_t align)
{
	if (n == 0 || n > free_pages || align == 0)
		return 0;
	/* Skip whole words of used pages below the search start. */
	uint64_t start = first_free;
	while (start < pool_pages && bitmap[start / 64] == ~0ULL)
		start = ALIGN_DOWN(start, 64) + 64;
	if (start > first_free)
		first_free = start;
	/* Alignment is of the physical address, and pool_base is 2 MiB-aligned. */
	for (uint64_t i = ALIGN_UP(start, align); i + n <= pool_pages; i += align) {
		uint64_t j = 0;
		while (j < n && !used(i + j))
			j++;
		if (j == n) {
			for (j = 0; j < n; j++)
				mark(i + j, true);
			free_pages -= n;
			if (i == first_free)
				first_free = i + n;
			return pool_base + i * PAGE_SIZE;
		}
		/* Skip past the used page, keeping the alignment. */
		i = ALIGN_DOWN(i + j, align);
	}
	return 0;
}

uint64_t palloc_pages_raw(uint64_t n, uint64_t align)
{
	spin_lock(&pool_lock);
	uint64_t pa = alloc_locked(n, align);
	spin_unlock(&pool_lock);
	return pa;
}

uint64_t palloc_pages(uint64_t n, uint64_t align)
{
	uint64_t pa = palloc_pages_raw(n, align);

	if (pa)
		memset(phys_to_virt(pa), 0, n * PAGE_SIZE);
	return pa;
}

void pfree_pages(uint64_t pa, uint64_t n)
{
	if (pa < pool_base || pa % PAGE_SIZE)
		panic("pfree_pages: %lx is not a pool page", (unsigned long)pa);
	uint64_t first = (pa - pool_base) / PAGE_SIZE;
	if (first >= pool_pages || n > pool_pages - first)
		panic("pfree_pages: %lx+%lu outside the pool", (unsigned long)pa, (unsigned long)n);
	spin_lock(&pool_lock);
	for (uint64_t i = first; i < first + n; i++) {
		if (!used(i))
			panic("pfree_pages: double free of %lx",
			      (unsigned long)(pool_base + i * PAGE_SIZE));
		mark(i, false);
	}
	free_pages += n;
	if (first < first_free)
		first_free = first;
	spin_unlock(&pool_lock);
}

uint64_t palloc_free_count(void)
{
	return free_pages;
}

uint64_t palloc_total(void)
{
	return pool_pages;
}
