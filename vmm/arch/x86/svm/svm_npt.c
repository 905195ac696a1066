/*
 * Nested page tables (APM 2 15.25).  NPT entries use the ordinary long-mode
 * format; the U bit must be set because every guest access counts as a
 * user access at the nested level (APM 2 15.25.5).
 */
#include <arch/cpu.h>
#include <arch/paging.h>
#include <sv/nested_map.h>

#include "svm.h"

uint64_t svm_npt_root;

static uint64_t npt_table(uint64_t pa, unsigned int level)
{
	(void)level;
	return pa | PTE_P | PTE_W | PTE_U;
}

static uint64_t npt_leaf(uint64_t pa, unsigned int level)
{
	return pa | PTE_P | PTE_W | PTE_U | (level > 1 ? PTE_PS : 0);
}

int svm_build_npt(uint64_t span, const struct sv_range *hidden, unsigned int nhidden, uint64_t sink)
{
	struct cpuid_regs r;

	cpuid_count(0x80000001, 0, &r);
	struct nested_format f = { npt_table, npt_leaf, (r.edx & (1u << 26)) != 0, false };
	return nested_map_build(&f, span, hidden, nhidden, sink, &svm_npt_root);
}

int svm_npt_trap(uint64_t gpa)
{
	struct nested_format f = { npt_table, npt_leaf, true, false };

	return nested_map_trap(&f, svm_npt_root, gpa);
}
