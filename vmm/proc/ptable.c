/*
 * Process slots, generations and memory accounting; documented in
 * ptable.h.
 */
#include <sv/nospec.h>

#include "ptable.h"

#include <fsstring.h>

/* See ptable.h. */
void ptable_init(struct proc_table *t, uint64_t pool_pages, uint64_t quota_pages)
{
	memset(t, 0, sizeof(*t));
	for (uint32_t i = 0; i < SV_MAX_PROCESSES; i++)
		t->slot[i].slot = i;
	t->pool_pages = pool_pages;
	t->default_quota_pages = quota_pages;
}

/* "procN" without a formatting library. */
static void default_name(char *dst, uint32_t slot)
{
	char digits[10];
	unsigned int n = 0, o = 0;

	memcpy(dst, "proc", 4);
	o = 4;
	do {
		digits[n++] = (char)('0' + slot % 10);
		slot /= 10;
	} while (slot && n < sizeof(digits));
	while (n)
		dst[o++] = digits[--n];
	dst[o] = '\0';
}

/* See ptable.h. */
int proc_alloc(struct proc_table *t, const char *name, uint32_t elf_class, struct proc **out)
{
	struct proc *p = NULL;

	*out = NULL;
	if (elf_class != 32 && elf_class != 64)
		return -SV_EINVAL;
	for (uint32_t i = 0; i < SV_MAX_PROCESSES; i++) {
		if (t->slot[i].state == PROC_FREE) {
			p = &t->slot[i];
			break;
		}
	}
	if (p == NULL)
		return -SV_ETABLE_FULL;

	p->state = PROC_LOADING;
	p->elf_class = elf_class;
	p->quota_pages = t->default_quota_pages;
	p->used_pages = 0;
	memset(p->handler, 0, sizeof(p->handler));
	desctab_init(&p->descs);
	p->arch = NULL;
	if (name != NULL && name[0] != '\0') {
		size_t n = strnlen(name, PROC_NAME_MAX - 1);

		memcpy(p->name, name, n);
		p->name[n] = '\0';
	} else {
		default_name(p->name, p->slot);
	}
	t->nalive++;
	*out = p;
	return proc_id(p);
}

/* See ptable.h. */
int proc_activate(struct proc *p, uint64_t entry)
{
	if (p->state != PROC_LOADING || entry == 0)
		return -SV_EINVAL;
	p->handler[0].entry = entry;
	p->handler[0].name[0] = '\0';
	p->state = PROC_ALIVE;
	return 0;
}

/* See ptable.h. */
uint64_t proc_free(struct proc_table *t, struct proc *p)
{
	uint64_t pages = p->used_pages;

	if (p->state == PROC_FREE)
		return 0;
	proc_mem_uncharge(t, p, pages);
	/* Wrapping skips nothing: an id only repeats after PROC_GEN_LIMIT
	 * reuses of this one slot. */
	p->gen = (p->gen + 1) % PROC_GEN_LIMIT;
	p->state = PROC_FREE;
	memset(p->handler, 0, sizeof(p->handler));
	desctab_init(&p->descs);
	p->name[0] = '\0';
	p->arch = NULL;
	t->nalive--;
	return pages;
}

/* See ptable.h. */
int proc_id(const struct proc *p)
{
	return (int)(p->slot | p->gen << PROC_SLOT_BITS);
}

/* See ptable.h. */
struct proc *proc_get(struct proc_table *t, int id)
{
	uint32_t slot, gen;

	if (id < 0)
		return NULL;
	slot = (uint32_t)id & ((1u << PROC_SLOT_BITS) - 1);
	gen = (uint32_t)id >> PROC_SLOT_BITS;
	if (slot >= SV_MAX_PROCESSES)
		return NULL;
	slot = (uint32_t)nospec_index(slot, SV_MAX_PROCESSES);
	if (t->slot[slot].state == PROC_FREE || t->slot[slot].gen != gen)
		return NULL;
	return &t->slot[slot];
}

/* See ptable.h. */
int proc_mem_charge(struct proc_table *t, struct proc *p, uint64_t pages)
{
	/* Written as subtractions so that no sum can wrap; the first test
	 * keeps the difference from going negative should a limit ever be
	 * lowered below what is in use. */
	if (p->used_pages > p->quota_pages || pages > p->quota_pages - p->used_pages)
		return -SV_EQUOTA;
	if (t->pool_used > t->pool_pages || pages > t->pool_pages - t->pool_used)
		return -SV_ENOMEM;
	p->used_pages += pages;
	t->pool_used += pages;
	return 0;
}

/* See ptable.h. */
void proc_mem_uncharge(struct proc_table *t, struct proc *p, uint64_t pages)
{
	/* Uncharging more than was charged is a VMM bug; clamp rather than
	 * wrap, so the accounts stay usable. */
	if (pages > p->used_pages)
		pages = p->used_pages;
	p->used_pages -= pages;
	t->pool_used -= pages <= t->pool_used ? pages : t->pool_used;
}
