/*
 * Queries on a mapping plan and its invariant check; documented in elf.h.
 *
 * Kept apart from the validator on purpose: elf_plan_check() restates the
 * guarantees from the plan's side without sharing code with elf.c, so a
 * mistake in one is caught by the other (the fuzzer runs both).
 */
#include "elf.h"

/* See elf.h. */
const struct elf_region *elf_plan_find(const struct elf_plan *plan, uint64_t addr)
{
	for (uint32_t i = 0; i < plan->nregions && i < ELF_PLAN_MAX_REGIONS; i++) {
		const struct elf_region *r = &plan->region[i];

		if (addr >= r->vaddr && addr - r->vaddr < r->size)
			return r;
	}
	return NULL;
}

/* See elf.h. */
bool elf_plan_in_guard(const struct elf_plan *plan, uint64_t addr)
{
	return plan->guard_size != 0 && addr >= plan->guard_base &&
	       addr - plan->guard_base < plan->guard_size;
}

static bool page_aligned(uint64_t x)
{
	return (x & (PAGE_SIZE - 1)) == 0;
}

/* One region by itself. */
static bool region_ok(const struct elf_region *r, size_t image_size)
{
	uint64_t r_end = r->vaddr + r->size;

	if (!page_aligned(r->vaddr) || !page_aligned(r->size) || r->size == 0)
		return false;
	if (r->vaddr < PROC_USER_BASE || r_end < r->vaddr || r_end > PROC_USER_END)
		return false;
	if (!(r->rights & PROC_R) || (r->rights & ~(PROC_R | PROC_W | PROC_X)))
		return false;
	if ((r->rights & PROC_W) && (r->rights & PROC_X))
		return false;
	/* The copy: inside the region and inside the image, no wrapping. */
	if (r->copy_to < r->vaddr || r->file_len > r->size ||
	    r->copy_to - r->vaddr > r->size - r->file_len)
		return false;
	if (r->file_off > image_size || r->file_len > image_size - r->file_off)
		return false;
	switch (r->kind) {
	case ELF_REGION_IMAGE:
		return r_end <= PROC_IMAGE_END;
	case ELF_REGION_TRAMPOLINE:
		return r->vaddr == PROC_TRAMPOLINE_ADDR && r->size == PAGE_SIZE &&
		       r->rights == (PROC_R | PROC_X) && r->file_len == 0;
	case ELF_REGION_STACK:
		return r->vaddr == PROC_STACK_BASE && r->size == PROC_STACK_SIZE &&
		       r->rights == (PROC_R | PROC_W) && r->file_len == 0;
	default:
		return false;
	}
}

/* See elf.h. */
int elf_plan_check(const struct elf_plan *plan, size_t image_size)
{
	uint64_t image_pages = 0;
	bool entry_ok = false;
	unsigned int n_tramp = 0, n_stack = 0;

	if (plan->elf_class != 32 && plan->elf_class != 64)
		return -SV_EINVAL;
	if (plan->nregions < 3 || plan->nregions > ELF_PLAN_MAX_REGIONS)
		return -SV_EINVAL;
	for (uint32_t i = 0; i < plan->nregions; i++) {
		const struct elf_region *r = &plan->region[i];

		if (!region_ok(r, image_size))
			return -SV_EINVAL;
		/* Sorted and disjoint: each starts at or after the last end. */
		if (i > 0 && r->vaddr < plan->region[i - 1].vaddr + plan->region[i - 1].size)
			return -SV_EINVAL;
		if (r->kind == ELF_REGION_IMAGE) {
			/* Image regions come first, then the VMM's. */
			if (n_tramp || n_stack)
				return -SV_EINVAL;
			image_pages += r->size / PAGE_SIZE;
			if ((r->rights & PROC_X) && plan->entry >= r->vaddr &&
			    plan->entry - r->vaddr < r->size)
				entry_ok = true;
		}
		n_tramp += r->kind == ELF_REGION_TRAMPOLINE;
		n_stack += r->kind == ELF_REGION_STACK;
	}
	if (!entry_ok || n_tramp != 1 || n_stack != 1)
		return -SV_EINVAL;
	if (plan->elf_class == 32 && plan->entry > UINT32_MAX)
		return -SV_EINVAL;
	if (image_pages != plan->image_pages ||
	    plan->total_pages != image_pages + PROC_STACK_SIZE / PAGE_SIZE)
		return -SV_EINVAL;
	if (plan->stack_base != PROC_STACK_BASE || plan->stack_top != PROC_STACK_TOP ||
	    plan->guard_base != PROC_STACK_GUARD || plan->guard_size != PAGE_SIZE)
		return -SV_EINVAL;
	/* The guard page stays unmapped: no region may cover it. */
	if (elf_plan_find(plan, plan->guard_base) != NULL)
		return -SV_EINVAL;
	return 0;
}
