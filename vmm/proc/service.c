/*
 * Named services: documented in ptable.h.
 *
 * A service is a handler of the process that registered it, so it dies
 * with that process without any bookkeeping elsewhere; lookup scans the
 * table (at most SV_MAX_PROCESSES * PROC_MAX_HANDLERS short names), which
 * is cheap next to the message it precedes.
 */
#include "ptable.h"

#include <fsstring.h>

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

/* See ptable.h. */
int proc_name_check(const char *name, size_t max)
{
	size_t n;

	if (name == NULL || max == 0)
		return -SV_EINVAL;
	if (max > PROC_NAME_MAX)
		max = PROC_NAME_MAX;
	n = strnlen(name, max);
	if (n == 0 || n == max)
		return -SV_EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!name_char(name[i]))
			return -SV_EINVAL;
	return 0;
}

/* See ptable.h. */
int service_lookup(struct proc_table *t, const char *name, struct proc **target,
		   uint32_t *handler)
{
	*target = NULL;
	*handler = 0;
	if (proc_name_check(name, PROC_NAME_MAX))
		return -SV_EINVAL;
	for (uint32_t i = 0; i < SV_MAX_PROCESSES; i++) {
		struct proc *p = &t->slot[i];

		if (p->state != PROC_ALIVE)
			continue;
		for (uint32_t h = 1; h < PROC_MAX_HANDLERS; h++) {
			if (p->handler[h].entry != 0 && strcmp(p->handler[h].name, name) == 0) {
				*target = p;
				*handler = h;
				return 0;
			}
		}
	}
	return -SV_ENOENT;
}

/* See ptable.h. */
int service_register(struct proc_table *t, struct proc *p, const char *name, uint64_t entry)
{
	struct proc *other;
	uint32_t h;

	if (p->state != PROC_ALIVE || entry == 0 || proc_name_check(name, PROC_NAME_MAX))
		return -SV_EINVAL;
	if (service_lookup(t, name, &other, &h) == 0)
		return -SV_EEXIST;
	for (h = 1; h < PROC_MAX_HANDLERS; h++) {
		if (p->handler[h].entry == 0) {
			size_t n = strlen(name);

			p->handler[h].entry = entry;
			memcpy(p->handler[h].name, name, n + 1);
			return (int)h;
		}
	}
	return -SV_ENOMEM;
}
