/*
 * Process address spaces (arch/x86/uspace.c): a PML4 whose lower half
 * holds the process's user window, 4 KiB pages with exactly the rights
 * asked for, and whose upper half holds only the entry area
 * (arch/entry.h), supervisor-only.
 */
#ifndef ARCH_USPACE_H
#define ARCH_USPACE_H

#include <sv/types.h>

struct uspace {
	uint64_t pml4;     /* physical */
	uint64_t id;       /* unique for the VMM's lifetime: tells spaces apart for PCID */
	uint64_t tables;   /* page-table pages below the PML4 */
	uint64_t pages;    /* data pages mapped (not counting shared ones) */
};

/* rights: PROC_R | PROC_W | PROC_X from <sealvisor/proc_abi.h>. */
int uspace_create(struct uspace *u);
/*
 * Maps one 4 KiB page at user address va to pa.  shared pages (the
 * trampoline) are not freed with the space.  -SV_ENOMEM when a table
 * cannot be allocated, -SV_EEXIST when va is already mapped.
 */
int uspace_map(struct uspace *u, uint64_t va, uint64_t pa, uint32_t rights, bool shared);
/*
 * Physical address behind user address va if the page is mapped
 * user-accessible (and writable when write is set); 0 otherwise.
 */
uint64_t uspace_translate(const struct uspace *u, uint64_t va, bool write);
/* Frees every table and every non-shared page; returns the pages freed (data + tables). */
uint64_t uspace_destroy(struct uspace *u);

/* Copies between VMM memory and a process's user window, page by page. */
int uspace_copy_from(const struct uspace *u, void *dst, uint64_t va, size_t len);
int uspace_copy_to(const struct uspace *u, uint64_t va, const void *src, size_t len);

#endif
