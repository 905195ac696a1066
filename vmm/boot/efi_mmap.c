/*
 * The EFI memory map (documented in sv/efi.h): checked once, then turned
 * into the VMM's own E820-style map and into the guest's EFI map.  Both
 * of the guest's maps come from the same descriptors, so that the E820
 * table and the EFI map Linux gets say the same about every byte.
 */
#include <sv/bytes.h>
#include <sv/efi.h>
#include <sv/memmap.h>

#include "fsstring.h"

static int bad(const char **why, int code, const char *msg)
{
	if (why)
		*why = msg;
	return code;
}

/* Documented in sv/efi.h. */
int efi_mmap_parse(const uint8_t *p, size_t len, uint32_t desc_size, uint32_t desc_version,
		   struct efi_md *out, unsigned int max, const char **why)
{
	unsigned int n = 0;

	if (desc_version != EFI_MD_VERSION)
		return bad(why, -SV_EINVAL, "EFI memory map descriptor version is not 1");
	if (desc_size < EFI_MD_MIN_SIZE || desc_size % 8 || desc_size > EFI_MD_MAX_SIZE)
		return bad(why, -SV_EINVAL,
			   "EFI memory map descriptor size is not a multiple of 8 between 40 and 1024");
	if (len % desc_size)
		return bad(why, -SV_EINVAL, "EFI memory map truncated: its size is not a whole number of descriptors");
	for (size_t off = 0; off < len; off += desc_size) {
		const uint8_t *d = p + off;
		uint64_t base = rd64(d + 8), pages = rd64(d + 24);
		if (pages == 0)
			continue;
		if (base % EFI_PAGE_SIZE)
			return bad(why, -SV_EINVAL, "EFI memory descriptor not 4 KiB-aligned");
		if (pages > (UINT64_MAX - base) / EFI_PAGE_SIZE)
			return bad(why, -SV_EINVAL, "EFI memory descriptor wraps around");
		if (n == max)
			return bad(why, -SV_E2BIG, "EFI memory map has more descriptors than the VMM keeps");
		out[n].type = rd32(d);
		out[n].base = base;
		out[n].pages = pages;
		out[n].attr = rd64(d + 32);
		n++;
	}
	return (int)n;
}

/* Documented in sv/efi.h. */
uint32_t efi_e820_type(uint32_t efi_type)
{
	switch (efi_type) {
	case EFI_LOADER_CODE:
	case EFI_LOADER_DATA:
	case EFI_BOOT_SERVICES_CODE:
	case EFI_BOOT_SERVICES_DATA:
	case EFI_CONVENTIONAL_MEMORY:
		return MEM_USABLE;
	case EFI_ACPI_RECLAIM_MEMORY:
		return MEM_ACPI;
	case EFI_ACPI_MEMORY_NVS:
		return MEM_NVS;
	case EFI_UNUSABLE_MEMORY:
		return MEM_BAD;
	case EFI_PERSISTENT_MEMORY:
		return MEM_PMEM;
	default:
		return MEM_RESERVED;
	}
}

static uint64_t md_end(const struct efi_md *m)
{
	return m->base + m->pages * EFI_PAGE_SIZE;
}

/* Documented in sv/efi.h. */
int efi_mmap_to_e820(const struct efi_md *md, unsigned int n, bool for_vmm,
		     struct mem_range *out, unsigned int max)
{
	static struct mem_range tmp[EFI_MMAP_MAX];
	unsigned int nout = 0;

	if (n > EFI_MMAP_MAX)
		return -SV_E2BIG;
	for (unsigned int i = 0; i < n; i++) {
		struct mem_range r = { md[i].base, md[i].pages * EFI_PAGE_SIZE,
				       efi_e820_type(md[i].type) };
		if (for_vmm && (md[i].type == EFI_BOOT_SERVICES_CODE ||
				md[i].type == EFI_BOOT_SERVICES_DATA))
			r.type = MEM_EFI_BOOT;
		unsigned int j = i;
		while (j > 0 && tmp[j - 1].base > r.base) {
			tmp[j] = tmp[j - 1];
			j--;
		}
		tmp[j] = r;
	}
	for (unsigned int i = 0; i < n; i++) {
		if (nout > 0 && out[nout - 1].type == tmp[i].type &&
		    out[nout - 1].base + out[nout - 1].size == tmp[i].base) {
			out[nout - 1].size += tmp[i].size;
			continue;
		}
		if (nout == max)
			return -SV_E2BIG;
		out[nout++] = tmp[i];
	}
	return (int)nout;
}

/*
 * How restrictive a descriptor is: as its E820 type (memmap_strength),
 * runtime services one step above the other reserved kinds, since the
 * firmware needs them mapped.
 */
static unsigned int strength(uint32_t efi_type)
{
	bool runtime = efi_type == EFI_RUNTIME_SERVICES_CODE || efi_type == EFI_RUNTIME_SERVICES_DATA;

	return memmap_strength(efi_e820_type(efi_type)) + (runtime ? 1 : 0);
}

static bool inside(const struct sv_range *r, unsigned int nr, uint64_t lo, uint64_t hi)
{
	for (unsigned int i = 0; i < nr; i++) {
		if (r[i].size && r[i].base <= lo && hi <= r[i].base + r[i].size)
			return true;
	}
	return false;
}

static void add_point(uint64_t *pts, unsigned int *np, uint64_t v)
{
	/* Sorted insertion without duplicates: the list stays short. */
	unsigned int j = *np;
	while (j > 0 && pts[j - 1] > v)
		j--;
	if (j > 0 && pts[j - 1] == v)
		return;
	memmove(&pts[j + 1], &pts[j], (*np - j) * sizeof(pts[0]));
	pts[j] = v;
	(*np)++;
}

#define GUEST_SPLITS 16 /* hidden plus loader ranges */

/* Documented in sv/efi.h. */
int efi_mmap_guest(const struct efi_md *md, unsigned int n, const struct sv_range *hidden,
		   unsigned int nhidden, const struct sv_range *loader, unsigned int nloader,
		   struct efi_md *out, unsigned int max)
{
	static uint64_t pts[2 * (EFI_MMAP_MAX + GUEST_SPLITS)];
	static int src_of[EFI_GUEST_MAX];
	unsigned int np = 0, nout = 0;

	if (n > EFI_MMAP_MAX || nhidden + nloader > GUEST_SPLITS || max > EFI_GUEST_MAX)
		return -SV_E2BIG;
	for (unsigned int i = 0; i < n; i++) {
		add_point(pts, &np, md[i].base);
		add_point(pts, &np, md_end(&md[i]));
	}
	for (unsigned int i = 0; i < nhidden; i++) {
		if (hidden[i].size) {
			add_point(pts, &np, hidden[i].base);
			add_point(pts, &np, hidden[i].base + hidden[i].size);
		}
	}
	for (unsigned int i = 0; i < nloader; i++) {
		if (loader[i].size) {
			add_point(pts, &np, loader[i].base);
			add_point(pts, &np, loader[i].base + loader[i].size);
		}
	}

	for (unsigned int p = 0; p + 1 < np; p++) {
		uint64_t lo = pts[p], hi = pts[p + 1];
		int src = -1;
		for (unsigned int i = 0; i < n; i++) {
			if (md[i].base <= lo && hi <= md_end(&md[i]) &&
			    (src < 0 || strength(md[i].type) > strength(md[src].type)))
				src = (int)i;
		}
		if (src < 0)
			continue; /* a hole stays a hole */
		struct efi_md m = { md[src].type, lo, (hi - lo) / EFI_PAGE_SIZE, md[src].attr };
		if (efi_e820_type(m.type) == MEM_USABLE) {
			if (inside(hidden, nhidden, lo, hi)) {
				m.type = EFI_RESERVED_MEMORY;
				m.attr = 0;
				src = -1;
			} else if (inside(loader, nloader, lo, hi)) {
				m.type = EFI_LOADER_DATA;
			}
		}
		bool runtime = (m.attr & EFI_MEMORY_RUNTIME) != 0;
		if (nout > 0) {
			struct efi_md *prev = &out[nout - 1];
			bool same = prev->type == m.type && prev->attr == m.attr && md_end(prev) == lo;
			if (same && (!runtime || src_of[nout - 1] == src)) {
				prev->pages += m.pages;
				continue;
			}
		}
		if (nout == max)
			return -SV_E2BIG;
		src_of[nout] = src;
		out[nout++] = m;
	}
	return (int)nout;
}

static void wr32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void wr64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

/* Documented in sv/efi.h. */
int efi_mmap_write(const struct efi_md *md, unsigned int n, uint32_t desc_size, uint8_t *buf,
		   size_t size)
{
	if (desc_size < EFI_MD_MIN_SIZE || (size_t)n * desc_size > size)
		return -SV_E2BIG;
	memset(buf, 0, (size_t)n * desc_size);
	for (unsigned int i = 0; i < n; i++) {
		uint8_t *d = buf + (size_t)i * desc_size;
		wr32(d, md[i].type);
		wr64(d + 8, md[i].base);
		wr64(d + 16, 0); /* VirtualStart: the OS sets it for SetVirtualAddressMap */
		wr64(d + 24, md[i].pages);
		wr64(d + 32, md[i].attr);
	}
	return (int)((size_t)n * desc_size);
}
