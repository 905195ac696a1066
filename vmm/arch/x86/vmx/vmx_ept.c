/*
 * EPT identity map (Intel SDM vol. 3C 29.3 "The extended page table
 * mechanism").  mm/nested_map.c plans the map; this file only encodes
 * entries.  Leaves are write-back with "ignore PAT" clear, so the guest's
 * own PAT still makes its device mappings uncacheable (SDM 3C 29.3.7.2:
 * with EPT the guest's MTRRs are not consulted, EPT memory type and guest
 * PAT are combined).  Every entry grants read, write and execute: the
 * guest owns all memory EPT maps, and the VMM's memory maps to the sink.
 */
#include <sv/nested_map.h>

#include "vmx.h"

uint64_t vmx_eptp;

static uint64_t ept_table(uint64_t pa, unsigned int level)
{
	(void)level;
	return pa | EPT_R | EPT_W | EPT_X;
}

static uint64_t ept_leaf(uint64_t pa, unsigned int level)
{
	return pa | EPT_R | EPT_W | EPT_X | EPT_MT_WB | (level > 1 ? EPT_LARGE : 0);
}

int vmx_build_ept(uint64_t span, const struct sv_range *hidden, unsigned int nhidden, uint64_t sink)
{
	struct nested_format f = { ept_table, ept_leaf, vmx_cfg.ept_1g, false };
	uint64_t root;
	int rc = nested_map_build(&f, span, hidden, nhidden, sink, &root);

	if (rc)
		return rc;
	/* EPTP: write-back paging structures, 4-level walk (SDM 3C 25.6.11). */
	vmx_eptp = root | EPTP_WALK4 | EPTP_WB;
	return 0;
}

int vmx_ept_trap(uint64_t gpa)
{
	struct nested_format f = { ept_table, ept_leaf, vmx_cfg.ept_1g, false };

	return nested_map_trap(&f, vmx_eptp & ~0xfffULL, gpa);
}
