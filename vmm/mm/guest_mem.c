/*
 * Guest page-table walker (SDM 3A 4.3-4.5; APM 2 5.2-5.3).  It handles the
 * four paging modes a guest can be in when it makes a hypercall: paging
 * off, 32-bit (with 4 MiB pages under CR4.PSE), PAE, and 4- or 5-level
 * long mode.  Accessed/dirty bits are not set: the VMM reads and writes
 * through the direct map, which the guest's own TLB never sees.
 */
#include <arch/cpu.h>
#include <sv/guest_mem.h>

#include "fsstring.h"

#define P (1ULL << 0)
#define RW (1ULL << 1)
#define US (1ULL << 2)
#define PS (1ULL << 7)
#define ADDR_MASK 0x000ffffffffff000ULL

static int read_entry(const struct gm_phys *ph, uint64_t gpa, bool wide, uint64_t *e)
{
	void *p = ph->map(ph->ctx, gpa, wide ? 8 : 4);

	if (!p)
		return -SV_EFAULT;
	if (wide) {
		memcpy(e, p, 8);
	} else {
		uint32_t v;
		memcpy(&v, p, 4);
		*e = v;
	}
	return 0;
}

/* Checks one level's rights; accumulates user and writable along the walk. */
static int check(uint64_t e, bool user, bool write, bool wp)
{
	if (!(e & P))
		return -SV_EFAULT;
	if (user && !(e & US))
		return -SV_EPERM;
	if (write && !(e & RW) && (user || wp))
		return -SV_EFAULT;
	return 0;
}

int gm_translate(const struct gm_phys *ph, const struct sv_guest_paging *pg, uint64_t gva,
		 bool write, uint64_t *gpa)
{
	bool user = pg->cpl == 3;
	bool wp = pg->cr0 & CR0_WP;
	uint64_t e;
	int rc;

	if (!(pg->cr0 & CR0_PG)) {
		*gpa = (pg->efer & EFER_LMA) ? gva : (gva & 0xffffffffULL);
		return 0;
	}

	if (pg->efer & EFER_LMA) {
		unsigned int levels = (pg->cr4 & CR4_LA57) ? 5 : 4;
		unsigned int vbits = levels == 5 ? 57 : 48;
		/* Non-canonical addresses fault (#GP) on the CPU too. */
		uint64_t top = gva >> (vbits - 1);
		if (top != 0 && top != (~0ULL >> (vbits - 1)))
			return -SV_EFAULT;
		uint64_t table = pg->cr3 & ADDR_MASK;
		for (unsigned int lvl = levels; lvl >= 1; lvl--) {
			unsigned int shift = 12 + 9 * (lvl - 1);
			uint64_t idx = (gva >> shift) & 511;
			if ((rc = read_entry(ph, table + idx * 8, true, &e)))
				return rc;
			if ((rc = check(e, user, write, wp)))
				return rc;
			if (lvl == 1 || ((lvl == 2 || lvl == 3) && (e & PS))) {
				uint64_t mask = (1ULL << shift) - 1;
				*gpa = ((e & ADDR_MASK) & ~mask) | (gva & mask);
				return 0;
			}
			table = e & ADDR_MASK;
		}
		return -SV_EFAULT;
	}

	gva &= 0xffffffffULL;
	if (pg->cr4 & CR4_PAE) {
		/* PDPTE: no U/S or R/W bits at this level in PAE mode. */
		uint64_t pdpt = pg->cr3 & 0xffffffe0ULL;
		if ((rc = read_entry(ph, pdpt + ((gva >> 30) & 3) * 8, true, &e)))
			return rc;
		if (!(e & P))
			return -SV_EFAULT;
		uint64_t table = e & ADDR_MASK;
		if ((rc = read_entry(ph, table + ((gva >> 21) & 511) * 8, true, &e)))
			return rc;
		if ((rc = check(e, user, write, wp)))
			return rc;
		if (e & PS) {
			*gpa = (e & ADDR_MASK & ~((1ULL << 21) - 1)) | (gva & ((1ULL << 21) - 1));
			return 0;
		}
		table = e & ADDR_MASK;
		if ((rc = read_entry(ph, table + ((gva >> 12) & 511) * 8, true, &e)))
			return rc;
		if ((rc = check(e, user, write, wp)))
			return rc;
		*gpa = (e & ADDR_MASK) | (gva & 0xfff);
		return 0;
	}

	/* Legacy 32-bit paging. */
	uint64_t pd = pg->cr3 & 0xfffff000ULL;
	if ((rc = read_entry(ph, pd + (gva >> 22) * 4, false, &e)))
		return rc;
	if ((rc = check(e, user, write, wp)))
		return rc;
	if ((e & PS) && (pg->cr4 & CR4_PSE)) {
		/* 4 MiB page; bits 13.. of the entry extend the address (PSE-36). */
		uint64_t base = (e & 0xffc00000ULL) | ((e >> 13) & 0xffULL) << 32;
		*gpa = base | (gva & 0x3fffff);
		return 0;
	}
	if ((rc = read_entry(ph, (e & 0xfffff000ULL) + ((gva >> 12) & 1023) * 4, false, &e)))
		return rc;
	if ((rc = check(e, user, write, wp)))
		return rc;
	*gpa = (e & 0xfffff000ULL) | (gva & 0xfff);
	return 0;
}

/* Walks [gva, gva+len) a page at a time; to_guest picks the direction. */
static int copy(const struct gm_phys *ph, const struct sv_guest_paging *pg, uint64_t gva,
		uint8_t *buf, size_t len, bool to_guest)
{
	if (gva + len < gva)
		return -SV_EFAULT;
	while (len > 0) {
		size_t chunk = MIN(len, PAGE_SIZE - (gva & (PAGE_SIZE - 1)));
		uint64_t gpa;
		int rc = gm_translate(ph, pg, gva, to_guest, &gpa);
		if (rc)
			return rc;
		void *p = ph->map(ph->ctx, gpa, chunk);
		if (!p)
			return -SV_EFAULT;
		if (to_guest)
			memcpy(p, buf, chunk);
		else
			memcpy(buf, p, chunk);
		gva += chunk;
		buf += chunk;
		len -= chunk;
	}
	return 0;
}

int gm_copy_from(const struct gm_phys *ph, const struct sv_guest_paging *pg, void *dst,
		 uint64_t gva, size_t len)
{
	return copy(ph, pg, gva, dst, len, false);
}

int gm_copy_to(const struct gm_phys *ph, const struct sv_guest_paging *pg, uint64_t gva,
	       const void *src, size_t len)
{
	/*
	 * All or nothing: every page is checked writable before the first
	 * byte is written, so a failed copy-out leaves the guest's memory as
	 * it was (a buffer whose second page is read-only gets no half write).
	 */
	if (gva + len < gva)
		return -SV_EFAULT;
	for (uint64_t a = gva, left = len; left > 0;) {
		size_t chunk = MIN(left, PAGE_SIZE - (a & (PAGE_SIZE - 1)));
		uint64_t gpa;
		int rc = gm_translate(ph, pg, a, true, &gpa);
		if (rc)
			return rc;
		if (!ph->map(ph->ctx, gpa, chunk))
			return -SV_EFAULT;
		a += chunk;
		left -= chunk;
	}
	return copy(ph, pg, gva, (uint8_t *)(uintptr_t)src, len, true);
}

int gm_read_string(const struct gm_phys *ph, const struct sv_guest_paging *pg, uint64_t gva,
		   char *dst, size_t max)
{
	for (size_t i = 0; i < max; i++) {
		int rc = copy(ph, pg, gva + i, (uint8_t *)&dst[i], 1, false);
		if (rc)
			return rc;
		if (dst[i] == '\0')
			return (int)i;
	}
	if (max > 0)
		dst[max - 1] = '\0';
	return -SV_E2BIG;
}
