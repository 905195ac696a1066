/*
 * Access to the calling guest's memory by guest-virtual address
 * (mm/guest_mem.c).  Every pointer a guest hands the VMM goes through
 * here: the VMM walks the guest's own page tables, honours user/supervisor
 * for ring-3 callers and read-only pages for writes, and fails cleanly on
 * anything not present or not guest RAM.  Portable: unit tests run it
 * over a fake guest memory array.
 */
#ifndef SV_GUEST_MEM_H
#define SV_GUEST_MEM_H

#include <sv/vcpu.h>

struct gm_phys {
	/*
	 * Returns a pointer to len bytes of guest RAM at gpa, or NULL when
	 * any of them is not guest RAM (VMM memory, MMIO, beyond RAM).
	 * len never crosses a 4 KiB boundary.
	 */
	void *(*map)(void *ctx, uint64_t gpa, size_t len);
	void *ctx;
};

/* gva -> gpa. -SV_EFAULT: not present / not writable; -SV_EPERM: supervisor page, ring-3 caller. */
int gm_translate(const struct gm_phys *ph, const struct sv_guest_paging *pg, uint64_t gva,
		 bool write, uint64_t *gpa);
int gm_copy_from(const struct gm_phys *ph, const struct sv_guest_paging *pg, void *dst,
		 uint64_t gva, size_t len);
int gm_copy_to(const struct gm_phys *ph, const struct sv_guest_paging *pg, uint64_t gva,
	       const void *src, size_t len);
/* Copies a NUL-terminated string of at most max-1 characters; -SV_E2BIG if longer. */
int gm_read_string(const struct gm_phys *ph, const struct sv_guest_paging *pg, uint64_t gva,
		   char *dst, size_t max);

#endif
