/*
 * Memory-map arithmetic (boot/memmap.c): normalizing the firmware's map,
 * choosing where the VMM pool goes, and the map the guest gets.  Portable:
 * the host unit tests run it over recorded and hostile maps.
 */
#ifndef SV_MEMMAP_H
#define SV_MEMMAP_H

#include <sv/mb2.h>
#include <sv/vcpu.h>

#define MEMMAP_MAX 128

/*
 * Sorts, clips overlaps (the more restrictive type wins) and merges
 * neighbours of the same type.  Returns the number of entries written,
 * or -SV_E2BIG when more than max are needed.
 */
int memmap_normalize(const struct mem_range *in, unsigned int n, struct mem_range *out,
		     unsigned int max);

/*
 * Picks the highest 2 MiB-aligned base of size bytes inside one usable
 * range, below limit, that overlaps none of the avoid ranges.  Returns 0
 * and sets *base, or -SV_ENOMEM.
 */
int memmap_pick_pool(const struct mem_range *map, unsigned int n, uint64_t size, uint64_t limit,
		     const struct sv_range *avoid, unsigned int navoid, uint64_t *base);

/*
 * The guest's map: the normalized map with every hidden range turned into
 * reserved memory.  Returns the entry count or -SV_E2BIG.
 */
int memmap_guest(const struct mem_range *map, unsigned int n, const struct sv_range *hidden,
		 unsigned int nhidden, struct mem_range *out, unsigned int max);

/*
 * Physical memory the VMM can map (its direct map spans 128 TiB); a map
 * entry above it is dropped, one across it cut there, so that no address
 * arithmetic on the map's top can overflow.
 */
#define MEMMAP_PHYS_LIMIT (1ULL << 47)
/* Hidden ranges memmap_guest takes at most. */
#define MEMMAP_MAX_HIDDEN 16

/* True when [base, base+size) overlaps none of r[0, nr) (empty ones ignored). */
bool memmap_clear_of(uint64_t base, uint64_t size, const struct sv_range *r, unsigned int nr);

/* True when [base, base+len) lies wholly inside one usable range. */
bool memmap_is_usable(const struct mem_range *map, unsigned int n, uint64_t base, uint64_t len);

/*
 * How restrictive an E820 type is where ranges overlap: usable < ACPI
 * reclaimable < NVS < the rest; the more restrictive one wins.
 */
unsigned int memmap_strength(uint32_t type);

/* End of the highest usable range (MEM_EFI_BOOT counts: it is RAM). */
uint64_t memmap_top(const struct mem_range *map, unsigned int n);

#endif
