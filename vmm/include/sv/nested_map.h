/*
 * Building the guest's identity map for nested paging (mm/nested_map.c).
 * AMD NPT and Intel EPT share the 4-level radix layout but not the entry
 * bits, so the backend passes its entry encoders and this file does the
 * planning: largest pages where possible, and the VMM's hidden ranges
 * mapped, 4 KiB by 4 KiB, to a single sink page.  The IOMMU drivers
 * (drivers/iommu_vtd.c, iommu_amdvi.c) build their DMA domain with it too.
 */
#ifndef SV_NESTED_MAP_H
#define SV_NESTED_MAP_H

#include <sv/vcpu.h>

struct nested_format {
	/* An entry at level (2..4) pointing at a table of level - 1. */
	uint64_t (*table)(uint64_t pa, unsigned int level);
	uint64_t (*leaf)(uint64_t pa, unsigned int level); /* 1: 4 KiB, 2: 2 MiB, 3: 1 GiB */
	bool has_1g;
	bool no_2m; /* 4 KiB leaves only (a VT-d unit without 2 MiB pages) */
};

/*
 * Maps [0, span); returns 0 and the root's physical address, or
 * -SV_ENOMEM.  Hidden pages point at sink, or stay absent when sink is 0
 * (the IOMMU's domain: a device access there faults and is reported).
 */
int nested_map_build(const struct nested_format *f, uint64_t span, const struct sv_range *hidden,
		     unsigned int nhidden, uint64_t sink, uint64_t *root);

/*
 * Makes the 4 KiB page at gpa absent in the map at root, splitting large
 * pages on the way, so that every guest access to it exits.  Only before
 * any CPU runs the guest: no TLB of a guest can hold the old entry.
 */
int nested_map_trap(const struct nested_format *f, uint64_t root, uint64_t gpa);

/*
 * Bumped by every change to the shared nested tables after the first
 * vCPU exists (nested_map_trap does it).  Each backend compares it with
 * the value its vCPU last flushed at and flushes the guest's TLB (ASID /
 * EPT context) before the next entry, so a change reaches every CPU
 * before any of them runs guest code with it.
 */
extern volatile uint32_t nested_map_gen;

#endif
