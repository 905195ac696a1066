/*
 * The MSR allow-list from the mini guest (issue 19): what the VMM keeps is
 * #GP or its documented emulated value (docs/cpu-state.md), on VMX under
 * Bochs as on SVM, and the guest goes on.
 */
#include "mg.h"

#define VEC_GP 13

static int rd(uint32_t msr, uint64_t *v)
{
	uint32_t lo = 0, hi = 0;

	mg_expect_fault(2);
	__asm__ volatile("rdmsr" : "+a"(lo), "+d"(hi) : "c"(msr));
	*v = ((uint64_t)hi << 32) | lo;
	return mg_fault_vector;
}

static int wr(uint32_t msr, uint64_t v)
{
	mg_expect_fault(2);
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
	return mg_fault_vector;
}

/* MSRs of tracing, branch records and counters: #GP both ways. */
static int denied(void)
{
	static const uint32_t msrs[] = { 0x570, 0x560, 0x38f, 0x600, 0x3f1, 0x14ce, 0xc1, 0x186,
					 0xc0010000, 0xc0010201, 0xc0011030 };
	uint64_t v;

	for (unsigned int i = 0; i < sizeof(msrs) / sizeof(msrs[0]); i++) {
		int r = rd(msrs[i], &v), w = wr(msrs[i], 1);
		if (r != VEC_GP || w != VEC_GP)
			return mg_fail("MSR %x: rdmsr vector %d, wrmsr vector %d, not #GP", msrs[i], r, w);
	}
	return 0;
}

static int mtrr_shadow(void)
{
	uint64_t def = 0, v = 0;

	if (rd(0x2ff, &def) != -1)
		return mg_fail("rdmsr MTRRdefType: vector %d", mg_fault_vector);
	mg_printf("MINIGUEST note: MTRRdefType %x\n", (uint32_t)def);
	/* Off in the shadow only: the VMM and the guest keep running cached. */
	if (wr(0x2ff, def & ~0x800ULL) != -1 || rd(0x2ff, &v) != -1 || v != (def & ~0x800ULL))
		return mg_fail("MTRRdefType with E clear reads back %x", (uint32_t)v);
	if (wr(0x2ff, def) != -1 || rd(0x2ff, &v) != -1 || v != def)
		return mg_fail("MTRRdefType restored reads back %x", (uint32_t)v);
	if (wr(0x2ff, def | 0x1000) != VEC_GP)
		return mg_fail("MTRRdefType with reserved bit 12: vector %d, not #GP", mg_fault_vector);
	if (rd(0xfe, &v) != -1 || (v & 0x1800))
		return mg_fail("MTRRcap %x: SMRR or PRMRR shown", (uint32_t)v);
	return 0;
}

static int debugctl_pat(void)
{
	uint64_t v = 0;

	if (wr(0x1d9, 2) != -1 || rd(0x1d9, &v) != -1 || v != 2)
		return mg_fail("DEBUGCTL.BTF: vector %d, reads %x", mg_fault_vector, (uint32_t)v);
	if (wr(0x1d9, 1) != VEC_GP)
		return mg_fail("DEBUGCTL.LBR: vector %d, not #GP", mg_fault_vector);
	if (wr(0x1d9, 0) != -1)
		return mg_fail("DEBUGCTL 0: vector %d", mg_fault_vector);
	if (wr(0x277, 0x0007040600070402ULL) != VEC_GP)
		return mg_fail("PAT with type 2: vector %d, not #GP", mg_fault_vector);
	return 0;
}

static int vendor_msrs(void)
{
	uint64_t v = 0;

	if (mg_is_intel()) {
		/* MISC_ENABLE: no perfmon, BTS and PEBS unavailable; XD disable cannot be set. */
		if (rd(0x1a0, &v) != -1)
			return mg_fail("rdmsr MISC_ENABLE: vector %d", mg_fault_vector);
		if ((v & 0x1880) != 0x1800)
			return mg_fail("MISC_ENABLE %x: perfmon shown or BTS/PEBS available", (uint32_t)v);
		if (wr(0x1a0, v) != -1)
			return mg_fail("MISC_ENABLE unchanged: vector %d", mg_fault_vector);
		if (wr(0x1a0, v | (1ULL << 34)) != VEC_GP)
			return mg_fail("MISC_ENABLE XD disable: vector %d, not #GP", mg_fault_vector);
		if (wr(0x79, 0x1000) != -1)
			return mg_fail("microcode trigger: vector %d, not swallowed", mg_fault_vector);
		return 0;
	}
	/* HWCR: the real value; INVD-as-WBINVD (bit 4) cannot be flipped. */
	if (rd(0xc0010015, &v) != -1)
		return mg_fail("rdmsr HWCR: vector %d", mg_fault_vector);
	if (wr(0xc0010015, v) != -1)
		return mg_fail("HWCR unchanged: vector %d", mg_fault_vector);
	if (wr(0xc0010015, v ^ 0x10) != VEC_GP)
		return mg_fail("HWCR bit 4 flipped: vector %d, not #GP", mg_fault_vector);
	if (wr(0xc0010020, 0x1000) != -1)
		return mg_fail("patch loader: vector %d, not swallowed", mg_fault_vector);
	return 0;
}

static int cpuid_hidden(void)
{
	uint32_t r[4];

	mg_cpuid(0, 0, r);
	uint32_t max = r[0];
	mg_cpuid(1, 0, r);
	if (r[2] & ((1u << 15) | (1u << 4) | (1u << 2)) || (r[3] & (1u << 21)))
		return mg_fail("CPUID 1: PDCM, DS-CPL, DTES64 or DS shown (ecx %x edx %x)", r[2], r[3]);
	if (max >= 7) {
		mg_cpuid(7, 0, r);
		if (r[1] & (1u << 25) || r[3] & (1u << 19))
			return mg_fail("CPUID 7: PT or arch LBR shown (ebx %x edx %x)", r[1], r[3]);
	}
	if (max >= 0xa) {
		mg_cpuid(0xa, 0, r);
		if (r[0] | r[1] | r[2] | r[3])
			return mg_fail("CPUID 0xA: performance monitoring shown (eax %x)", r[0]);
	}
	mg_cpuid(0x80000001u, 0, r);
	if (r[2] & ((1u << 10) | (1u << 23)))
		return mg_fail("CPUID 0x80000001: IBS or PerfCtrExtCore shown (ecx %x)", r[2]);
	return 0;
}

int mg_msr_allow_list(void)
{
	int rc = denied();

	if (!rc)
		rc = mtrr_shadow();
	if (!rc)
		rc = debugctl_pat();
	if (!rc)
		rc = vendor_msrs();
	if (!rc)
		rc = cpuid_hidden();
	return rc;
}
