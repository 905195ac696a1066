/*
 * Memory-map arithmetic.  Firmware maps may be unsorted and overlapping
 * (ACPI 6.x, "E820" discussion; Linux's e820__update_table does the same
 * clean-up), so everything is first cut into elementary intervals between
 * all boundaries and each interval takes the most restrictive type that
 * covers it.
 */
#include <sv/memmap.h>

#define HIDDEN_TYPE 0xffffffffu /* internal marker, reported as reserved */

/* Documented in sv/memmap.h. */
unsigned int memmap_strength(uint32_t type)
{
	switch (type) {
	case MEM_USABLE:
		return 0;
	case MEM_ACPI:
		return 1;
	case MEM_NVS:
		return 2;
	case HIDDEN_TYPE:
		return 4;
	default:
		return 3;
	}
}

static void sort_u64(uint64_t *v, unsigned int n)
{
	for (unsigned int i = 1; i < n; i++) {
		uint64_t x = v[i];
		unsigned int j = i;
		while (j > 0 && v[j - 1] > x) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = x;
	}
}

/*
 * Overlays the ranges of a (and, as hidden, of h) and writes the merged
 * result.  Entries of a must not wrap (mb2_parse refuses those).
 */
static int overlay(const struct mem_range *a, unsigned int na, const struct sv_range *h,
		   unsigned int nh, struct mem_range *out, unsigned int max)
{
	uint64_t pts[2 * (MB2_MAX_MMAP + MEMMAP_MAX + MEMMAP_MAX_HIDDEN)];
	unsigned int np = 0;

	if (na > MB2_MAX_MMAP + MEMMAP_MAX || nh > MEMMAP_MAX_HIDDEN)
		return -SV_E2BIG;
	for (unsigned int i = 0; i < na; i++) {
		/* Firmware claiming memory above what the VMM can map: cut off there. */
		if (a[i].base >= MEMMAP_PHYS_LIMIT)
			continue;
		pts[np++] = a[i].base;
		pts[np++] = MIN(a[i].base + a[i].size, MEMMAP_PHYS_LIMIT);
	}
	for (unsigned int i = 0; i < nh; i++) {
		pts[np++] = h[i].base;
		pts[np++] = h[i].base + h[i].size;
	}
	sort_u64(pts, np);

	int nout = 0;
	for (unsigned int p = 0; p + 1 < np; p++) {
		uint64_t lo = pts[p], hi = pts[p + 1];
		if (lo == hi)
			continue;
		bool covered = false;
		uint32_t type = 0;
		for (unsigned int i = 0; i < na; i++) {
			if (a[i].base <= lo && hi <= a[i].base + a[i].size &&
			    (!covered || memmap_strength(a[i].type) > memmap_strength(type))) {
				type = a[i].type;
				covered = true;
			}
		}
		if (!covered)
			continue; /* a hole stays a hole, hidden or not */
		for (unsigned int i = 0; i < nh; i++) {
			if (h[i].base <= lo && hi <= h[i].base + h[i].size)
				type = MEM_RESERVED;
		}
		if (nout > 0 && out[nout - 1].type == type &&
		    out[nout - 1].base + out[nout - 1].size == lo) {
			out[nout - 1].size += hi - lo;
			continue;
		}
		if ((unsigned int)nout == max)
			return -SV_E2BIG;
		out[nout].base = lo;
		out[nout].size = hi - lo;
		out[nout].type = type;
		nout++;
	}
	return nout;
}

int memmap_normalize(const struct mem_range *in, unsigned int n, struct mem_range *out,
		     unsigned int max)
{
	return overlay(in, n, NULL, 0, out, max);
}

int memmap_guest(const struct mem_range *map, unsigned int n, const struct sv_range *hidden,
		 unsigned int nhidden, struct mem_range *out, unsigned int max)
{
	return overlay(map, n, hidden, nhidden, out, max);
}

int memmap_pick_pool(const struct mem_range *map, unsigned int n, uint64_t size, uint64_t limit,
		     const struct sv_range *avoid, unsigned int navoid, uint64_t *base)
{
	bool found = false;
	uint64_t best = 0;

	if (size == 0 || size % LARGE_PAGE_SIZE)
		return -SV_EINVAL;
	for (unsigned int i = 0; i < n; i++) {
		if (map[i].type != MEM_USABLE)
			continue;
		uint64_t lo = ALIGN_UP(map[i].base, LARGE_PAGE_SIZE);
		uint64_t hi = map[i].base + map[i].size;
		if (hi > limit)
			hi = limit;
		hi = ALIGN_DOWN(hi, LARGE_PAGE_SIZE);
		/* Walk down from the top, jumping below anything to avoid. */
		while (hi >= lo + size && hi - size >= (1ULL << 20)) {
			uint64_t cand = hi - size;
			bool clash = false;
			uint64_t clash_base = hi;
			for (unsigned int k = 0; k < navoid; k++) {
				if (avoid[k].size &&
				    ranges_overlap(cand, size, avoid[k].base, avoid[k].size)) {
					clash = true;
					clash_base = MIN(clash_base, avoid[k].base);
				}
			}
			if (!clash) {
				if (!found || cand > best) {
					best = cand;
					found = true;
				}
				break;
			}
			uint64_t next = ALIGN_DOWN(clash_base, LARGE_PAGE_SIZE);
			hi = next < hi ? next : hi - LARGE_PAGE_SIZE;
		}
	}
	if (!found)
		return -SV_ENOMEM;
	*base = best;
	return 0;
}

bool memmap_is_usable(const struct mem_range *map, unsigned int n, uint64_t base, uint64_t len)
{
	if (len == 0 || base + len < base)
		return false;
	for (unsigned int i = 0; i < n; i++) {
		if (map[i].type == MEM_USABLE && map[i].base <= base &&
		    base + len <= map[i].base + map[i].size)
			return true;
	}
	return false;
}

uint64_t memmap_top(const struct mem_range *map, unsigned int n)
{
	uint64_t top = 0;

	for (unsigned int i = 0; i < n; i++) {
		/* Boot-services memory is RAM too: the guest's, and in the direct map. */
		bool ram = map[i].type == MEM_USABLE || map[i].type == MEM_EFI_BOOT;
		if (ram && map[i].base + map[i].size > top)
			top = map[i].base + map[i].size;
	}
	return top;
}

bool memmap_clear_of(uint64_t base, uint64_t size, const struct sv_range *r, unsigned int nr)
{
	for (unsigned int i = 0; i < nr; i++) {
		if (r[i].size && ranges_overlap(base, size, r[i].base, r[i].size))
			return false;
	}
	return true;
}
