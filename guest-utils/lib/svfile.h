/* Reading a whole file into locked memory for a hypercall (svfile.c). */
#ifndef SV_SVFILE_H
#define SV_SVFILE_H

#include <stddef.h>

/*
 * Reads path into a page-aligned buffer that is locked in memory (mlock),
 * so every page is present when the VMM walks the page tables.  Returns
 * NULL with a message on stderr (prefixed by prog) on any error,
 * including an empty file.
 */
void *sv_read_locked(const char *prog, const char *path, size_t *size);

#endif
