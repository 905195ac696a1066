/*
 * Descriptor tables: documented in ptable.h.
 *
 * A descriptor is index | entry generation << PROC_DESC_BITS.  The entry
 * generation moves on every close, so a closed descriptor kept by a
 * careless (or hostile) owner never reaches whatever the entry points to
 * next; the target's process id inside the entry goes stale when the
 * target dies.  Both checks happen on every resolve.
 */
#include <sv/nospec.h>

#include "ptable.h"

/* The descriptor naming entry i (its index and generation). */
static int desc_of(const struct proc_desctab *dt, uint32_t i)
{
	return (int)(i | dt->d[i].gen << PROC_DESC_BITS);
}

/* See ptable.h. */
void desctab_init(struct proc_desctab *dt)
{
	/* Generations may restart at 0: a table is only initialised when its
	 * owner is created or has died, and then nobody holds its old
	 * descriptors any more (they were only ever meaningful to it). */
	for (uint32_t i = 0; i < PROC_MAX_DESCS; i++) {
		dt->d[i].gen = 0;
		dt->d[i].target = 0;
		dt->d[i].handler = 0;
		dt->d[i].used = 0;
	}
}

/* See ptable.h. */
int desc_open(struct proc_desctab *dt, const struct proc *target, uint32_t handler)
{
	if (target->state != PROC_ALIVE)
		return -SV_EBADDESC;
	if (handler >= PROC_MAX_HANDLERS || target->handler[handler].entry == 0)
		return -SV_EINVAL;
	for (uint32_t i = 0; i < PROC_MAX_DESCS; i++) {
		struct proc_desc *d = &dt->d[i];

		if (d->used)
			continue;
		d->used = 1;
		d->target = (uint32_t)proc_id(target);
		d->handler = (uint8_t)handler;
		return desc_of(dt, i);
	}
	return -SV_ENOMEM;
}

/* The index of the open entry desc names, or -1. */
static int lookup(const struct proc_desctab *dt, int desc)
{
	uint32_t idx, gen;

	if (desc < 0)
		return -1;
	idx = (uint32_t)desc & (PROC_MAX_DESCS - 1);
	gen = (uint32_t)desc >> PROC_DESC_BITS;
	if (!dt->d[idx].used || dt->d[idx].gen != gen)
		return -1;
	return (int)idx;
}

/* See ptable.h. */
int desc_close(struct proc_desctab *dt, int desc)
{
	int idx = lookup(dt, desc);

	if (idx < 0)
		return -SV_EBADDESC;
	dt->d[idx].used = 0;
	dt->d[idx].gen = (dt->d[idx].gen + 1) % DESC_GEN_LIMIT;
	return 0;
}

/* See ptable.h. */
int desc_resolve(struct proc_table *t, const struct proc_desctab *dt, int desc,
		 struct proc **target, uint32_t *handler)
{
	int idx = lookup(dt, desc);
	const struct proc_desc *d;
	struct proc *p;

	*target = NULL;
	*handler = 0;
	if (idx < 0)
		return -SV_EBADDESC;
	d = &dt->d[idx];
	p = proc_get(t, (int)d->target);
	if (p == NULL || p->state != PROC_ALIVE || d->handler >= PROC_MAX_HANDLERS)
		return -SV_EBADDESC;
	uint32_t h = (uint32_t)nospec_index(d->handler, PROC_MAX_HANDLERS);
	if (p->handler[h].entry == 0)
		return -SV_EBADDESC;
	*target = p;
	*handler = h;
	return 0;
}

/* See ptable.h. */
unsigned int desc_sweep(struct proc_table *t, struct proc_desctab *dt)
{
	unsigned int n = 0;
	struct proc *p;
	uint32_t h;

	for (uint32_t i = 0; i < PROC_MAX_DESCS; i++) {
		int desc = desc_of(dt, i);

		if (dt->d[i].used && desc_resolve(t, dt, desc, &p, &h) == -SV_EBADDESC) {
			desc_close(dt, desc);
			n++;
		}
	}
	return n;
}

/* See ptable.h. */
int desc_find(const struct proc_desctab *dt, const struct proc *target, uint32_t handler)
{
	for (uint32_t i = 0; i < PROC_MAX_DESCS; i++) {
		const struct proc_desc *d = &dt->d[i];

		if (d->used && d->target == (uint32_t)proc_id(target) && d->handler == handler)
			return desc_of(dt, i);
	}
	return -1;
}
