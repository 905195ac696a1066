/* Built-in processes (proc/builtin.c). */
#ifndef SV_BUILTIN_H
#define SV_BUILTIN_H

#include <sv/types.h>

/*
 * Creates the built-in process called name and runs its _start once with
 * (MSG_INT, value).  Returns the process id (the process may have died in
 * _start: *result says how the call ended), or a negative code:
 * -SV_ENOENT for an unknown name, or what process_create refused.
 */
int builtin_start(const char *name, int32_t value, int64_t *result);
/* True when a built-in has this name (names of built-ins are reserved). */
bool builtin_exists(const char *name);
void builtin_list(void (*fn)(const char *name, size_t size, void *ctx), void *ctx);

#endif
