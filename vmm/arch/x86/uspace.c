/*
 * Process address spaces.  The user window lives in PML4 entry 0; the
 * upper half holds only the entry area (arch/entry.h), supervisor-only:
 * none of the VMM's image, its direct map or guest memory.  The VMM runs
 * on its own tables and reaches user pages through its direct map (here),
 * never through their user addresses (SMEP/SMAP would fault).
 */
#include <arch/entry.h>
#include <arch/paging.h>
#include <arch/uspace.h>
#include <sv/mm.h>

#include <sealvisor/proc_abi.h>

#include "fsstring.h"

/* PTE bit 9 is ignored by the CPU: we mark pages the space does not own. */
#define PTE_SHARED (1ULL << 9)

static uint64_t *tab(uint64_t pa)
{
	return phys_to_virt(pa);
}

int uspace_create(struct uspace *u)
{
	static uint64_t next_id = 1;

	memset(u, 0, sizeof(*u));
	u->pml4 = palloc_page();
	if (!u->pml4)
		return -SV_ENOMEM;
	u->id = __atomic_fetch_add(&next_id, 1, __ATOMIC_RELAXED);
	entry_fill_user_top(tab(u->pml4));
	return 0;
}

/* The entry for va at level lvl (1 = PT), allocating tables on the way. */
static uint64_t *walk(struct uspace *u, uint64_t va, bool alloc)
{
	uint64_t *t = tab(u->pml4);

	for (int lvl = 4; lvl > 1; lvl--) {
		uint64_t *e = &t[(va >> (12 + 9 * (lvl - 1))) & 511];
		if (!(*e & PTE_P)) {
			if (!alloc)
				return NULL;
			uint64_t pa = palloc_page();
			if (!pa)
				return NULL;
			u->tables++;
			/* Intermediate levels allow everything; the leaf decides. */
			*e = pa | PTE_P | PTE_W | PTE_U;
		}
		t = tab(*e & PTE_ADDR);
	}
	return &t[(va >> 12) & 511];
}

int uspace_map(struct uspace *u, uint64_t va, uint64_t pa, uint32_t rights, bool shared)
{
	if (va < PROC_USER_BASE || va >= PROC_USER_END || va % PAGE_SIZE || pa % PAGE_SIZE)
		return -SV_EINVAL;
	uint64_t *e = walk(u, va, true);
	if (!e)
		return -SV_ENOMEM;
	if (*e & PTE_P)
		return -SV_EEXIST;
	uint64_t pte = pa | PTE_P | PTE_U;
	if (rights & PROC_W)
		pte |= PTE_W;
	if (!(rights & PROC_X))
		pte |= PTE_NX;
	if (shared)
		pte |= PTE_SHARED;
	else
		u->pages++;
	*e = pte;
	return 0;
}

uint64_t uspace_translate(const struct uspace *u, uint64_t va, bool write)
{
	if (va < PROC_USER_BASE || va >= PROC_USER_END)
		return 0;
	uint64_t *e = walk((struct uspace *)u, va, false);
	if (!e || !(*e & PTE_P) || !(*e & PTE_U) || (write && !(*e & PTE_W)))
		return 0;
	return (*e & PTE_ADDR) | (va & (PAGE_SIZE - 1));
}

static uint64_t free_level(uint64_t table, int lvl)
{
	uint64_t *t = tab(table), n = 0;

	for (int i = 0; i < 512; i++) {
		if (!(t[i] & PTE_P))
			continue;
		if (lvl > 1) {
			n += free_level(t[i] & PTE_ADDR, lvl - 1);
			pfree_pages(t[i] & PTE_ADDR, 1);
			n++;
		} else if (!(t[i] & PTE_SHARED)) {
			pfree_pages(t[i] & PTE_ADDR, 1);
			n++;
		}
	}
	return n;
}

uint64_t uspace_destroy(struct uspace *u)
{
	uint64_t n = 0;

	if (!u->pml4)
		return 0;
	/* Only the user half: the upper half is the VMM's, shared by all. */
	uint64_t *l4 = tab(u->pml4);
	for (int i = 0; i < 256; i++) {
		if (l4[i] & PTE_P) {
			n += free_level(l4[i] & PTE_ADDR, 3);
			pfree_pages(l4[i] & PTE_ADDR, 1);
			n++;
		}
	}
	pfree_pages(u->pml4, 1);
	u->pml4 = 0;
	return n;
}

static int copy(const struct uspace *u, uint64_t va, uint8_t *buf, size_t len, bool to_user)
{
	if (va + len < va)
		return -SV_EFAULT;
	while (len > 0) {
		size_t chunk = MIN(len, PAGE_SIZE - (va & (PAGE_SIZE - 1)));
		uint64_t pa = uspace_translate(u, va, to_user);
		if (!pa)
			return -SV_EFAULT;
		if (to_user)
			memcpy(phys_to_virt(pa), buf, chunk);
		else
			memcpy(buf, phys_to_virt(pa), chunk);
		va += chunk;
		buf += chunk;
		len -= chunk;
	}
	return 0;
}

int uspace_copy_from(const struct uspace *u, void *dst, uint64_t va, size_t len)
{
	return copy(u, va, dst, len, false);
}

int uspace_copy_to(const struct uspace *u, uint64_t va, const void *src, size_t len)
{
	return copy(u, va, (uint8_t *)(uintptr_t)src, len, true);
}
