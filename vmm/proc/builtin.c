/*
 * Built-in processes: ELF images linked into the VMM at build time
 * (vmm/builtin), started by name.  They go through the same validator and
 * loader as anything the guest hands in; being built in only saves the
 * signature check, since they are part of the signed-off VMM image itself.
 */
#include <sv/builtin.h>
#include <sv/console.h>
#include <sv/process.h>

#include "fsstring.h"

struct builtin_image {
	const char *name;
	const uint8_t *start, *end;
};

extern const struct builtin_image builtin_table[];

bool builtin_exists(const char *name)
{
	for (const struct builtin_image *b = builtin_table; b->name; b++) {
		if (!strcmp(b->name, name))
			return true;
	}
	return false;
}

int builtin_start(const char *name, int32_t value, int64_t *result)
{
	for (const struct builtin_image *b = builtin_table; b->name; b++) {
		if (strcmp(b->name, name))
			continue;
		int id = process_create(b->start, (size_t)(b->end - b->start), name, NULL);
		if (id < 0) {
			sv_printf("built-in %s: not loaded: %s (%d)\n", name, sv_strerror(id), id);
			return id;
		}
		struct proc *p = proc_get(&proc_table, id);
		int64_t r = process_call(p, 0, MSG_INT, value, NULL, 0);
		if (result)
			*result = r;
		return id;
	}
	return -SV_ENOENT;
}

void builtin_list(void (*fn)(const char *name, size_t size, void *ctx), void *ctx)
{
	for (const struct builtin_image *b = builtin_table; b->name; b++)
		fn(b->name, (size_t)(b->end - b->start), ctx);
}
