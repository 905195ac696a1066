/*
 * The MSRs a guest may touch natively: one allow-list per vendor
 * (arch/x86/svm/svm_msr_table.c, arch/x86/vmx/vmx_msr_table.c), each
 * entry with the reason it is safe.  The permission bitmaps start with
 * every MSR intercepted and only the table's entries are cleared; what is
 * intercepted is emulated where the guest needs a value (guest/msr.c and
 * the backends' svm_msr.c/vmx_msr.c) and #GP otherwise.  Portable: the
 * host unit test (test/unit/msr) builds the tables and the bitmaps.
 */
#ifndef SV_MSR_TABLE_H
#define SV_MSR_TABLE_H

#include <sv/types.h>

#define MSR_PASS_R 1u /* RDMSR runs natively */
#define MSR_PASS_W 2u /* WRMSR runs natively */
#define MSR_PASS_RW (MSR_PASS_R | MSR_PASS_W)

struct msr_pass {
	uint32_t first, last; /* inclusive */
	unsigned int access;  /* MSR_PASS_R, MSR_PASS_W or both */
	const char *why;      /* one line for the auditor: why the guest may own it */
};

/* The three MSR ranges a permission bitmap can express (APM 2 15.11; SDM 3C 25.6.9). */
#define MSR_RANGE0_FIRST 0x00000000u
#define MSR_RANGE0_LAST 0x00001fffu
#define MSR_RANGE1_FIRST 0xc0000000u
#define MSR_RANGE1_LAST 0xc0001fffu
#define MSR_RANGE2_FIRST 0xc0010000u
#define MSR_RANGE2_LAST 0xc0011fffu

/* The access bits of msr in a table (0 when it is not listed: intercepted). */
static inline unsigned int msr_table_access(const struct msr_pass *t, unsigned int n, uint32_t msr)
{
	for (unsigned int i = 0; i < n; i++) {
		if (msr >= t[i].first && msr <= t[i].last)
			return t[i].access;
	}
	return 0;
}

#endif
