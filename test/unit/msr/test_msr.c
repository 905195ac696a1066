/*
 * Unit tests of the MSR allow-lists (arch/x86/svm/svm_msr_table.c,
 * arch/x86/vmx/vmx_msr_table.c), the emulation of intercepted MSRs
 * (guest/msr.c), the CPUID filter (guest/cpuid.c) and the VMX debug
 * controls (vmx_caps.c).  The hardware is a table of recorded values.
 */
#include <stdio.h>
#include <string.h>

#include <sv/cpuid.h>
#include <sv/msr.h>

#include "svm_msr_table.h"
#include "vmcs.h"
#include "vmx_caps.h"
#include "vmx_msr_table.h"

static int failures, checks;

#define CHECK(cond)                                                                          \
	do {                                                                                 \
		checks++;                                                                    \
		if (!(cond)) {                                                               \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			failures++;                                                          \
		}                                                                            \
	} while (0)

#define EQ(a, b)                                                                                \
	do {                                                                                    \
		unsigned long long a_ = (unsigned long long)(a), b_ = (unsigned long long)(b); \
		checks++;                                                                       \
		if (a_ != b_) {                                                                 \
			fprintf(stderr, "%s:%d: %s is %#llx, not %#llx\n", __FILE__, __LINE__, #a, \
				a_, b_);                                                        \
			failures++;                                                             \
		}                                                                               \
	} while (0)

/* ---- the tables and the bitmaps ---- */

struct range {
	uint32_t first, last;
};
static const struct range ranges[3] = {
	{ MSR_RANGE0_FIRST, MSR_RANGE0_LAST },
	{ MSR_RANGE1_FIRST, MSR_RANGE1_LAST },
	{ MSR_RANGE2_FIRST, MSR_RANGE2_LAST },
};

static void table_shape(const char *name, const struct msr_pass *t, unsigned int n, unsigned int nranges)
{
	for (unsigned int i = 0; i < n; i++) {
		bool inside = false;
		for (unsigned int r = 0; r < nranges; r++)
			inside |= t[i].first >= ranges[r].first && t[i].last <= ranges[r].last;
		if (!inside || t[i].first > t[i].last)
			fprintf(stderr, "%s entry %x-%x: outside the ranges the bitmap has\n", name,
				t[i].first, t[i].last);
		CHECK(inside && t[i].first <= t[i].last);
		CHECK(t[i].access != 0 && (t[i].access & ~MSR_PASS_RW) == 0);
		/* A reason an auditor can read: a sentence, not a word. */
		CHECK(t[i].why != NULL && strlen(t[i].why) >= 20 && strchr(t[i].why, ' '));
		for (unsigned int j = i + 1; j < n; j++) {
			bool overlap = t[i].first <= t[j].last && t[j].first <= t[i].last;
			if (overlap)
				fprintf(stderr, "%s entries %x-%x and %x-%x overlap\n", name, t[i].first,
					t[i].last, t[j].first, t[j].last);
			CHECK(!overlap);
		}
	}
}

static unsigned int svm_pm_pass(const uint8_t *pm, uint32_t msr)
{
	uint32_t off, m = msr;

	if (msr <= MSR_RANGE0_LAST)
		off = 0;
	else if (msr >= MSR_RANGE1_FIRST && msr <= MSR_RANGE1_LAST)
		off = 0x800, m -= MSR_RANGE1_FIRST;
	else
		off = 0x1000, m -= MSR_RANGE2_FIRST;
	unsigned int bits = (pm[off + m / 4] >> ((m % 4) * 2)) & 3;
	return ((bits & 1) ? 0 : MSR_PASS_R) | ((bits & 2) ? 0 : MSR_PASS_W);
}

static unsigned int vmx_bm_pass(const uint8_t *bm, uint32_t msr)
{
	uint32_t off, m = msr;

	if (msr <= MSR_RANGE0_LAST)
		off = 0;
	else if (msr >= MSR_RANGE1_FIRST && msr <= MSR_RANGE1_LAST)
		off = 1024, m -= MSR_RANGE1_FIRST;
	else
		return 0; /* no bitmap: always exits */
	bool r = bm[off + m / 8] >> (m % 8) & 1, w = bm[2048 + off + m / 8] >> (m % 8) & 1;
	return (r ? 0 : MSR_PASS_R) | (w ? 0 : MSR_PASS_W);
}

/* MSRs no table may pass: tracing, branch records, counters, chicken bits, VMM state. */
static const struct range never_native[] = {
	{ 0x33, 0x33 },             /* TEST_CTRL (split-lock #AC would hit the VMM) */
	{ 0x3a, 0x3a },             /* FEATURE_CONTROL */
	{ 0x79, 0x79 },             /* microcode update trigger */
	{ 0xc1, 0xc8 },             /* PMC0-7 */
	{ 0xce, 0xce },             /* PLATFORM_INFO */
	{ 0xfe, 0xfe },             /* MTRRcap */
	{ 0xcf, 0xcf },             /* CORE_CAPABILITIES */
	{ 0x10a, 0x10a },           /* ARCH_CAPABILITIES */
	{ 0x10f, 0x10f },           /* TSX_FORCE_ABORT */
	{ 0x982, 0x982 },           /* TME_ACTIVATE */
	{ 0x122, 0x123 },           /* TSX_CTRL, MCU_OPT_CTRL */
	{ 0x140, 0x140 },           /* MISC_FEATURES_ENABLES (CPUID faulting) */
	{ 0x186, 0x18d },           /* PERFEVTSEL */
	{ 0x1a0, 0x1a0 },           /* MISC_ENABLE */
	{ 0x1a6, 0x1a7 },           /* OFFCORE_RSP */
	{ 0x1c4, 0x1c5 },           /* XFD */
	{ 0x1c8, 0x1c9 },           /* LBR_SELECT, LBR TOS */
	{ 0x1d9, 0x1de },           /* DEBUGCTL, legacy LBR from/to */
	{ 0x200, 0x21f },           /* variable MTRRs */
	{ 0x250, 0x250 }, { 0x258, 0x259 }, { 0x268, 0x26f }, { 0x2ff, 0x2ff }, /* MTRRs */
	{ 0x309, 0x30c },           /* fixed counters */
	{ 0x329, 0x329 },           /* PERF_METRICS */
	{ 0x345, 0x345 },           /* PERF_CAPABILITIES */
	{ 0x38d, 0x390 },           /* FIXED_CTR_CTRL, PERF_GLOBAL_STATUS/CTRL/OVF_CTRL */
	{ 0x3f1, 0x3f7 },           /* PEBS_ENABLE, PEBS_LD_LAT, PEBS_FRONTEND */
	{ 0x4c1, 0x4c8 },           /* full-width PMCs */
	{ 0x560, 0x561 },           /* RTIT_OUTPUT_BASE, RTIT_OUTPUT_MASK_PTRS */
	{ 0x570, 0x572 },           /* RTIT_CTL, RTIT_STATUS, RTIT_CR3_MATCH */
	{ 0x580, 0x587 },           /* RTIT_ADDRn */
	{ 0x600, 0x600 },           /* DS_AREA */
	{ 0x606, 0x606 }, { 0x610, 0x61f }, { 0x639, 0x641 }, /* RAPL: energy is a side channel */
	{ 0x680, 0x69f }, { 0x6c0, 0x6df }, /* LBR from/to */
	{ 0x6a0, 0x6a8 },           /* CET */
	{ 0x6e1, 0x6e1 },           /* PKRS */
	{ 0xd90, 0xd90 },           /* BNDCFGS */
	{ 0xd93, 0xd93 },           /* PASID */
	{ 0xda0, 0xda0 },           /* XSS */
	{ 0xdc0, 0xddf },           /* LBR_INFO */
	{ 0x14ce, 0x14cf },         /* LBR_CTL, LBR_DEPTH */
	{ 0x1200, 0x12ff }, { 0x1500, 0x16ff }, /* arch LBR records */
	{ 0xc0000104, 0xc0000104 }, /* TSC_RATIO */
	{ 0xc0010000, 0xc0010007 }, /* K7 PERF_CTL/CTR */
	{ 0xc0010010, 0xc0010010 }, /* SYSCFG */
	{ 0xc0010015, 0xc0010015 }, /* HWCR */
	{ 0xc001001a, 0xc001001a }, { 0xc001001d, 0xc001001f }, /* TOP_MEM, TOP_MEM2, NB_CFG */
	{ 0xc0010020, 0xc0010020 }, /* patch loader */
	{ 0xc0010055, 0xc0010055 }, /* INT_PENDING_MSG */
	{ 0xc0010058, 0xc0010058 }, /* MMIO_CONF_BASE */
	{ 0xc0010111, 0xc0010117 }, /* SMM, VM_CR, IGNNE, VM_HSAVE_PA */
	{ 0xc0010131, 0xc0010131 }, /* SEV_STATUS */
	{ 0xc0010200, 0xc001020b }, /* core PERF_CTL/CTR */
	{ 0xc0010230, 0xc001023f }, /* L3 counters */
	{ 0xc0010240, 0xc0010247 }, /* data-fabric counters */
	{ 0xc0010299, 0xc001029b }, /* RAPL */
	{ 0xc0011004, 0xc0011005 }, /* CPUID overrides */
	{ 0xc0011020, 0xc001102f }, /* LS_CFG, DC_CFG, DE_CFG, BU_CFG ... */
	{ 0xc0011030, 0xc001103f }, /* IBS */
};

/* MSRs the guest must reach natively for speed, on both vendors. */
static const struct { uint32_t msr; unsigned int access; } must_pass[] = {
	{ 0x10, MSR_PASS_R },       /* TSC */
	{ 0x48, MSR_PASS_RW },      /* SPEC_CTRL: spec*.c restores the VMM's after exit */
	{ 0x49, MSR_PASS_W },       /* PRED_CMD */
	{ 0x174, MSR_PASS_RW }, { 0x175, MSR_PASS_RW }, { 0x176, MSR_PASS_RW },
	{ 0x6e0, MSR_PASS_RW },     /* TSC_DEADLINE */
	{ 0x808, MSR_PASS_RW }, { 0x80b, MSR_PASS_RW }, /* x2APIC TPR, EOI */
	{ 0x838, MSR_PASS_RW },     /* x2APIC initial count */
	{ 0xc0000081, MSR_PASS_RW }, { 0xc0000082, MSR_PASS_RW }, { 0xc0000084, MSR_PASS_RW },
	{ 0xc0000100, MSR_PASS_RW }, { 0xc0000101, MSR_PASS_RW }, { 0xc0000102, MSR_PASS_RW },
	{ 0xc0000103, MSR_PASS_RW }, /* TSC_AUX */
};

static void bitmaps(void)
{
	static uint8_t pm[SVM_MSRPM_SIZE], bm[VMX_MSR_BITMAP_SIZE];

	table_shape("svm", svm_msr_pass, svm_msr_npass, 3);
	table_shape("vmx", vmx_msr_pass, vmx_msr_npass, 2); /* nothing of the AMD range */
	memset(pm, 0, sizeof(pm));
	memset(bm, 0, sizeof(bm));
	svm_msrpm_build(pm);
	vmx_msr_bitmap_build(bm);

	/* Every MSR of the three ranges: the map says exactly what the table says. */
	unsigned long svm_native = 0, vmx_native = 0;
	for (unsigned int r = 0; r < 3; r++) {
		for (uint32_t m = ranges[r].first;; m++) {
			unsigned int s = msr_table_access(svm_msr_pass, svm_msr_npass, m);
			unsigned int x = msr_table_access(vmx_msr_pass, vmx_msr_npass, m);
			if (svm_pm_pass(pm, m) != s || vmx_bm_pass(bm, m) != x) {
				fprintf(stderr, "MSR %x: svm map %u table %u, vmx bitmap %u table %u\n", m,
					svm_pm_pass(pm, m), s, vmx_bm_pass(bm, m), x);
				failures++;
			}
			checks++;
			svm_native += s != 0;
			vmx_native += x != 0;
			if (m == ranges[r].last)
				break;
		}
	}
	/* The map's reserved tail (0x1800-0x1fff) stays set, as does the rest of the bitmap. */
	for (unsigned int i = 0x1800; i < SVM_MSRPM_SIZE; i++)
		CHECK(pm[i] == 0xff);
	printf("native MSRs: svm %lu, vmx %lu of %u in the bitmaps' ranges\n", svm_native, vmx_native,
	       3 * 0x2000);

	for (unsigned int i = 0; i < sizeof(never_native) / sizeof(never_native[0]); i++) {
		for (uint32_t m = never_native[i].first; m <= never_native[i].last; m++) {
			if (svm_pm_pass(pm, m) || vmx_bm_pass(bm, m))
				fprintf(stderr, "MSR %x passes through\n", m);
			CHECK(svm_pm_pass(pm, m) == 0 && vmx_bm_pass(bm, m) == 0);
		}
	}
	for (unsigned int i = 0; i < sizeof(must_pass) / sizeof(must_pass[0]); i++) {
		EQ(svm_pm_pass(pm, must_pass[i].msr) & must_pass[i].access, must_pass[i].access);
		EQ(vmx_bm_pass(bm, must_pass[i].msr) & must_pass[i].access, must_pass[i].access);
	}
	/* AMD's extended x2APIC registers (ECTRL, IER, extended LVTs) always exit on SVM. */
	for (uint32_t m = 0x840; m <= 0x8ff; m++)
		EQ(svm_pm_pass(pm, m), 0);
	EQ(svm_pm_pass(pm, 0x83f), MSR_PASS_RW);
	/* Vendor differences: SVM keeps EFER and PAT (VMCB fields) and the APIC writes. */
	EQ(svm_pm_pass(pm, 0xc0000080), 0);
	EQ(vmx_bm_pass(bm, 0xc0000080), MSR_PASS_RW);
	EQ(svm_pm_pass(pm, 0x277), 0);
	EQ(vmx_bm_pass(bm, 0x277), MSR_PASS_RW);
	EQ(svm_pm_pass(pm, 0x830), MSR_PASS_R);
	EQ(svm_pm_pass(pm, 0x82f), MSR_PASS_R);
	EQ(svm_pm_pass(pm, 0x835), MSR_PASS_R);
	EQ(svm_pm_pass(pm, 0x832), MSR_PASS_RW);
	EQ(vmx_bm_pass(bm, 0x830), MSR_PASS_RW);
	EQ(svm_pm_pass(pm, 0x1b), MSR_PASS_R);
	EQ(vmx_bm_pass(bm, 0x1b), MSR_PASS_R);
	/* VMX filter mode: the ICR write exits again, nothing else changes. */
	vmx_msr_bitmap_intercept(bm, 0x830, MSR_PASS_W);
	EQ(vmx_bm_pass(bm, 0x830), MSR_PASS_R);
	EQ(vmx_bm_pass(bm, 0x831), MSR_PASS_RW);
	EQ(vmx_bm_pass(bm, 0x82f), MSR_PASS_RW);
	svm_msrpm_intercept(pm, 0x832, MSR_PASS_W);
	EQ(svm_pm_pass(pm, 0x832), MSR_PASS_R);
	EQ(svm_pm_pass(pm, 0x833), MSR_PASS_R);
	EQ(svm_pm_pass(pm, 0x831), MSR_PASS_RW);
}

/* ---- the emulation, over a fake CPU ---- */

#define FAKE_MAX 64
static struct {
	uint32_t msr;
	uint64_t value;
} fake[FAKE_MAX];
static unsigned int nfake, hw_writes;

static void fake_set(uint32_t msr, uint64_t value)
{
	for (unsigned int i = 0; i < nfake; i++) {
		if (fake[i].msr == msr) {
			fake[i].value = value;
			return;
		}
	}
	fake[nfake].msr = msr;
	fake[nfake++].value = value;
}

static int fake_read(uint32_t msr, uint64_t *value)
{
	for (unsigned int i = 0; i < nfake; i++) {
		if (fake[i].msr == msr) {
			*value = fake[i].value;
			return 0;
		}
	}
	return -1; /* the CPU has no such MSR: #GP */
}

static int fake_write(uint32_t msr, uint64_t value)
{
	for (unsigned int i = 0; i < nfake; i++) {
		if (fake[i].msr == msr) {
			fake[i].value = value;
			hw_writes++;
			return 0;
		}
	}
	return -1;
}

static uint64_t fake_get(uint32_t msr)
{
	uint64_t v = ~0ULL;

	fake_read(msr, &v);
	return v;
}

static const struct msr_hw hw = { .read = fake_read, .write = fake_write };

/* A recorded-style CPU: QEMU's SeaBIOS MTRRs (def 0xc06, 8 variable ranges). */
static void fake_cpu(struct msr_cpu_info *ci, bool amd)
{
	nfake = 0;
	hw_writes = 0;
	fake_set(MSR_MTRRCAP, 0xd08);               /* VCNT 8, FIX, WC, SMRR */
	fake_set(MSR_MTRR_DEF_TYPE, 0xc06);
	fake_set(MSR_MTRR_FIX64K, 0x0606060606060606ULL);
	fake_set(MSR_MTRR_FIX16K_80000, 0x0606060606060606ULL);
	fake_set(MSR_MTRR_FIX16K_A0000, 0);
	for (uint32_t m = MSR_MTRR_FIX4K_C0000; m <= MSR_MTRR_FIX4K_F8000; m++)
		fake_set(m, 0x0505050505050505ULL);
	for (uint32_t m = MSR_MTRR_PHYSBASE0; m < MSR_MTRR_PHYSBASE0 + 16; m++)
		fake_set(m, 0);
	fake_set(MSR_MTRR_PHYSBASE0, 0x80000000ULL);      /* UC from 2 GiB */
	fake_set(MSR_MTRR_PHYSBASE0 + 1, 0xf80000800ULL); /* 2 GiB long, valid */
	fake_set(MSR_XSS, 0);
	if (amd) {
		fake_set(MSR_AMD_HWCR, 0x1000010);
		fake_set(MSR_AMD_SYSCFG, 0x740000);
		fake_set(MSR_AMD_TOP_MEM, 0x80000000);
		fake_set(MSR_AMD_DE_CFG, 0);
		fake_set(MSR_AMD_LS_CFG, 0x400);
		fake_set(MSR_AMD_MMIO_CONF_BASE, 0xb0000021);
		fake_set(0xc0002001, 0x1234); /* an SMCA bank's status */
		fake_set(0xc0002011, 0x5678); /* bank 1's */
		fake_set(0xc0002021, 0x9abc); /* bank 2's: beyond MCG_CAP's count */
		fake_set(MSR_MCG_CAP, 0x102); /* two banks */
		fake_set(0x840, 0x40004); /* EFEAT */
		fake_set(0x841, 0);
		fake_set(0x848, 0xff);
		fake_set(0x850, 0x10000);
		fake_set(0x853, 0x10000);
		fake_set(MSR_AMD_INT_PENDING, 0);
	} else {
		fake_set(MSR_MISC_ENABLE, 0x400450089ULL); /* fast strings, TCC, perfmon, EIST, MONITOR, limit CPUID, XD disable */
		fake_set(MSR_PLATFORM_INFO, ~0ULL);
		fake_set(MSR_ARCH_CAPABILITIES, ~0ULL);
		fake_set(MSR_TSX_CTRL, 0);
		fake_set(MSR_MCU_OPT_CTRL, 1);
	}
	memset(ci, 0, sizeof(*ci));
	ci->amd = amd;
	ci->mtrr = true;
	ci->xsaves = true;
	ci->arch_caps = !amd;
	ci->phys_bits = 40;
	ci->mtrr_cap = msr_mtrr_cap_guest(fake_get(MSR_MTRRCAP));
	ci->xss_allowed = msr_xss_allowed(0x11900, 0); /* PT, CET_U, CET_S, HWP */
}

static enum msr_result rd(const struct msr_cpu_info *ci, struct msr_shadow *sh, uint32_t msr, uint64_t *v)
{
	*v = 0xdeadbeef;
	return msr_emulate(ci, sh, &hw, msr, false, v);
}

static enum msr_result wr(const struct msr_cpu_info *ci, struct msr_shadow *sh, uint32_t msr, uint64_t v)
{
	return msr_emulate(ci, sh, &hw, msr, true, &v);
}

static void mtrrs(bool amd)
{
	struct msr_cpu_info ci;
	struct msr_shadow sh;
	uint64_t v;

	fake_cpu(&ci, amd);
	EQ(ci.mtrr_cap, 0x508); /* SMRR hidden */
	EQ(msr_mtrr_cap_guest(0x1ff), 0x110); /* VCNT clamped to the shadow's 16 */
	msr_shadow_init(&ci, &sh, &hw);
	CHECK(sh.ready);
	EQ(rd(&ci, &sh, MSR_MTRRCAP, &v), MSR_EMULATED);
	EQ(v, 0x508);
	EQ(wr(&ci, &sh, MSR_MTRRCAP, 0x508), MSR_GP);
	EQ(rd(&ci, &sh, MSR_MTRR_DEF_TYPE, &v), MSR_EMULATED);
	EQ(v, 0xc06);
	/* Disabling the MTRRs changes the shadow only. */
	EQ(wr(&ci, &sh, MSR_MTRR_DEF_TYPE, 0x406), MSR_EMULATED);
	EQ(rd(&ci, &sh, MSR_MTRR_DEF_TYPE, &v), MSR_EMULATED);
	EQ(v, 0x406);
	EQ(fake_get(MSR_MTRR_DEF_TYPE), 0xc06);
	EQ(wr(&ci, &sh, MSR_MTRR_DEF_TYPE, 0x1c06), MSR_GP); /* reserved bit 12 */
	EQ(wr(&ci, &sh, MSR_MTRR_DEF_TYPE, 0xc02), MSR_GP);  /* type 2 */
	EQ(wr(&ci, &sh, MSR_MTRR_DEF_TYPE, 0xd06), MSR_GP);  /* reserved bit 8 */
	EQ(rd(&ci, &sh, MSR_MTRR_DEF_TYPE, &v), MSR_EMULATED);
	EQ(v, 0x406);
	/* Variable ranges: 8 of them, address bits up to 40. */
	EQ(rd(&ci, &sh, MSR_MTRR_PHYSBASE0 + 1, &v), MSR_EMULATED);
	EQ(v, 0xf80000800ULL);
	EQ(wr(&ci, &sh, MSR_MTRR_PHYSBASE0 + 4, 0xfe000001ULL), MSR_EMULATED); /* WC */
	EQ(rd(&ci, &sh, MSR_MTRR_PHYSBASE0 + 4, &v), MSR_EMULATED);
	EQ(v, 0xfe000001ULL);
	EQ(wr(&ci, &sh, MSR_MTRR_PHYSBASE0 + 4, 0xfe000101ULL), MSR_GP);  /* bit 8 */
	EQ(wr(&ci, &sh, MSR_MTRR_PHYSBASE0 + 4, 0x10000000006ULL), MSR_GP); /* above 40 bits */
	EQ(wr(&ci, &sh, MSR_MTRR_PHYSBASE0 + 5, 0xfff000800ULL), MSR_EMULATED);
	EQ(wr(&ci, &sh, MSR_MTRR_PHYSBASE0 + 5, 0xfff000801ULL), MSR_GP); /* mask bit 0 */
	EQ(wr(&ci, &sh, MSR_MTRR_PHYSBASE0 + 5, 0xff000000800ULL), MSR_GP);
	EQ(rd(&ci, &sh, MSR_MTRR_PHYSBASE0 + 15, &v), MSR_EMULATED);
	EQ(rd(&ci, &sh, MSR_MTRR_PHYSBASE0 + 16, &v), MSR_GP); /* the 9th range: none */
	EQ(wr(&ci, &sh, MSR_MTRR_PHYSBASE0 + 16, 0), MSR_GP);
	/* Fixed ranges. */
	EQ(rd(&ci, &sh, MSR_MTRR_FIX4K_F8000, &v), MSR_EMULATED);
	EQ(v, 0x0505050505050505ULL);
	EQ(wr(&ci, &sh, MSR_MTRR_FIX64K, 0x0001040506060606ULL), MSR_EMULATED);
	EQ(rd(&ci, &sh, MSR_MTRR_FIX64K, &v), MSR_EMULATED);
	EQ(v, 0x0001040506060606ULL);
	EQ(wr(&ci, &sh, MSR_MTRR_FIX16K_A0000, 0x0200000000000000ULL), MSR_GP);
	/* RdMem/WrMem (bits 3, 4 of a byte): AMD's, reserved on Intel. */
	EQ(wr(&ci, &sh, MSR_MTRR_FIX16K_A0000, 0x1e), amd ? MSR_EMULATED : MSR_GP);
	EQ(wr(&ci, &sh, MSR_MTRR_FIX16K_A0000, 0x26), MSR_GP);
	EQ(hw_writes, 0); /* nothing of this reached the hardware */
	/* A CPU without fixed ranges, and one without MTRRs. */
	ci.mtrr_cap = 0x8;
	EQ(rd(&ci, &sh, MSR_MTRR_FIX64K, &v), MSR_GP);
	ci.mtrr = false;
	EQ(rd(&ci, &sh, MSR_MTRR_DEF_TYPE, &v), MSR_GP);
	EQ(rd(&ci, &sh, MSR_MTRRCAP, &v), MSR_GP);
}

static void intel_msrs(void)
{
	struct msr_cpu_info ci;
	struct msr_shadow sh;
	uint64_t v;

	fake_cpu(&ci, false);
	msr_shadow_init(&ci, &sh, &hw);
	/* MISC_ENABLE: no perfmon (7), BTS and PEBS unavailable (11, 12). */
	EQ(rd(&ci, &sh, MSR_MISC_ENABLE, &v), MSR_EMULATED);
	EQ(v, 0x400451809ULL);
	EQ(wr(&ci, &sh, MSR_MISC_ENABLE, 0x400451808ULL), MSR_EMULATED); /* fast strings off */
	EQ(wr(&ci, &sh, MSR_MISC_ENABLE, 0x000051808ULL), MSR_EMULATED); /* XD, limit CPUID cleared */
	EQ(rd(&ci, &sh, MSR_MISC_ENABLE, &v), MSR_EMULATED);
	EQ(v, 0x000051808ULL);
	EQ(wr(&ci, &sh, MSR_MISC_ENABLE, 0x400051808ULL), MSR_GP); /* XD disable cannot be set */
	EQ(wr(&ci, &sh, MSR_MISC_ENABLE, 0x000451808ULL), MSR_GP); /* nor limit CPUID */
	EQ(wr(&ci, &sh, MSR_MISC_ENABLE, 0x000051888ULL), MSR_GP); /* perfmon (7) is read-only */
	EQ(wr(&ci, &sh, MSR_MISC_ENABLE, 0x000051008ULL), MSR_GP); /* BTS unavailable stays */
	EQ(wr(&ci, &sh, MSR_MISC_ENABLE, 0x4000051808ULL), MSR_EMULATED); /* turbo disable (38) */
	EQ(fake_get(MSR_MISC_ENABLE), 0x400450089ULL);
	EQ(hw_writes, 0);
	/* PLATFORM_INFO and ARCH_CAPABILITIES read masked, never written. */
	EQ(rd(&ci, &sh, MSR_PLATFORM_INFO, &v), MSR_EMULATED);
	EQ(v, 0x00ffff007000ff00ULL);
	EQ(wr(&ci, &sh, MSR_PLATFORM_INFO, 0), MSR_GP);
	EQ(rd(&ci, &sh, MSR_ARCH_CAPABILITIES, &v), MSR_EMULATED);
	EQ(v, 0x400000001d1ae1f7ULL);
	EQ(wr(&ci, &sh, MSR_ARCH_CAPABILITIES, v), MSR_GP);
	ci.arch_caps = false;
	EQ(rd(&ci, &sh, MSR_ARCH_CAPABILITIES, &v), MSR_GP);
	/* TSX_CTRL: the disable bits may be set, not cleared. */
	EQ(wr(&ci, &sh, MSR_TSX_CTRL, 3), MSR_EMULATED);
	EQ(fake_get(MSR_TSX_CTRL), 3);
	EQ(wr(&ci, &sh, MSR_TSX_CTRL, 1), MSR_GP);
	EQ(wr(&ci, &sh, MSR_TSX_CTRL, 7), MSR_GP);
	EQ(fake_get(MSR_TSX_CTRL), 3);
	/* MCU_OPT_CTRL: unchanged only. */
	EQ(wr(&ci, &sh, MSR_MCU_OPT_CTRL, 1), MSR_EMULATED);
	EQ(wr(&ci, &sh, MSR_MCU_OPT_CTRL, 0), MSR_GP);
	EQ(rd(&ci, &sh, MSR_MCU_OPT_CTRL, &v), MSR_EMULATED);
	EQ(v, 1);
	/* CORE_CAPABILITIES reads 0 where it exists; TSX_FORCE_ABORT, TME_ACTIVATE. */
	EQ(rd(&ci, &sh, MSR_CORE_CAPABILITIES, &v), MSR_GP);
	fake_set(MSR_CORE_CAPABILITIES, 0x24);
	EQ(rd(&ci, &sh, MSR_CORE_CAPABILITIES, &v), MSR_EMULATED);
	EQ(v, 0);
	EQ(wr(&ci, &sh, MSR_CORE_CAPABILITIES, 0), MSR_GP);
	fake_set(MSR_TSX_FORCE_ABORT, 0);
	EQ(wr(&ci, &sh, MSR_TSX_FORCE_ABORT, 2), MSR_EMULATED);
	EQ(fake_get(MSR_TSX_FORCE_ABORT), 2);
	EQ(wr(&ci, &sh, MSR_TSX_FORCE_ABORT, 4), MSR_GP);
	fake_set(MSR_TME_ACTIVATE, 0x100000003ULL);
	EQ(rd(&ci, &sh, MSR_TME_ACTIVATE, &v), MSR_EMULATED);
	EQ(v, 0x100000003ULL);
	EQ(wr(&ci, &sh, MSR_TME_ACTIVATE, 0), MSR_GP);
	EQ(rd(&ci, &sh, MSR_AMD_SEV_STATUS, &v), MSR_GP);
	/* A microcode update is swallowed; the trigger cannot be read. */
	unsigned int before = hw_writes;
	EQ(wr(&ci, &sh, MSR_BIOS_UPDT_TRIG, 0x12345000), MSR_EMULATED);
	EQ(hw_writes, before);
	EQ(rd(&ci, &sh, MSR_BIOS_UPDT_TRIG, &v), MSR_GP);
	/* AMD's MSRs do not exist on Intel. */
	EQ(rd(&ci, &sh, MSR_AMD_HWCR, &v), MSR_GP);
	EQ(wr(&ci, &sh, MSR_AMD_PATCH_LOADER, 0), MSR_GP);
	EQ(rd(&ci, &sh, 0xc0002001, &v), MSR_GP);
}

static void amd_msrs(void)
{
	struct msr_cpu_info ci;
	struct msr_shadow sh;
	uint64_t v;

	fake_cpu(&ci, true);
	msr_shadow_init(&ci, &sh, &hw);
	/* HWCR and friends: the real value; only a write that changes nothing. */
	EQ(rd(&ci, &sh, MSR_AMD_HWCR, &v), MSR_EMULATED);
	EQ(v, 0x1000010);
	EQ(wr(&ci, &sh, MSR_AMD_HWCR, 0x1000010), MSR_EMULATED);
	EQ(wr(&ci, &sh, MSR_AMD_HWCR, 0x1000000), MSR_GP); /* INVD would drop dirty lines */
	EQ(wr(&ci, &sh, MSR_AMD_SYSCFG, 0x740000), MSR_EMULATED);
	EQ(wr(&ci, &sh, MSR_AMD_SYSCFG, 0x7c0000), MSR_GP);
	EQ(wr(&ci, &sh, MSR_AMD_TOP_MEM, 0x40000000), MSR_GP);
	EQ(wr(&ci, &sh, MSR_AMD_LS_CFG, 0), MSR_GP);
	EQ(wr(&ci, &sh, MSR_AMD_MMIO_CONF_BASE, 0x10000021), MSR_GP);
	EQ(rd(&ci, &sh, MSR_AMD_TOP_MEM2, &v), MSR_GP); /* not on this CPU */
	EQ(rd(&ci, &sh, MSR_AMD_INT_PENDING, &v), MSR_EMULATED);
	EQ(v, 0);
	EQ(wr(&ci, &sh, MSR_AMD_INT_PENDING, 0x18000000), MSR_GP);
	EQ(hw_writes, 0);
	/* DE_CFG: bits 1 and 9 may be set (they go to the hardware), nothing else. */
	EQ(wr(&ci, &sh, MSR_AMD_DE_CFG, 2), MSR_EMULATED);
	EQ(fake_get(MSR_AMD_DE_CFG), 2);
	EQ(wr(&ci, &sh, MSR_AMD_DE_CFG, 0x202), MSR_EMULATED);
	EQ(fake_get(MSR_AMD_DE_CFG), 0x202);
	EQ(wr(&ci, &sh, MSR_AMD_DE_CFG, 0x206), MSR_GP);
	EQ(wr(&ci, &sh, MSR_AMD_DE_CFG, 0x200), MSR_GP); /* clearing is not allowed */
	EQ(wr(&ci, &sh, MSR_AMD_DE_CFG, 0x202), MSR_EMULATED);
	EQ(hw_writes, 2);
	EQ(rd(&ci, &sh, MSR_AMD_DE_CFG, &v), MSR_EMULATED);
	EQ(v, 0x202);
	/* NB_CFG: EnableCf8ExtCfg (46) may be set; SEV_STATUS reads 0. */
	fake_set(MSR_AMD_NB_CFG, 0);
	EQ(wr(&ci, &sh, MSR_AMD_NB_CFG, 1ULL << 46), MSR_EMULATED);
	EQ(fake_get(MSR_AMD_NB_CFG), 1ULL << 46);
	EQ(wr(&ci, &sh, MSR_AMD_NB_CFG, 0), MSR_GP);
	EQ(wr(&ci, &sh, MSR_AMD_NB_CFG, (1ULL << 46) | 1), MSR_GP);
	EQ(rd(&ci, &sh, MSR_AMD_SEV_STATUS, &v), MSR_EMULATED);
	EQ(v, 0);
	EQ(wr(&ci, &sh, MSR_AMD_SEV_STATUS, 0), MSR_GP);
	EQ(hw_writes, 3);
	/* Patch loads are swallowed. */
	EQ(wr(&ci, &sh, MSR_AMD_PATCH_LOADER, 0x5000), MSR_EMULATED);
	EQ(rd(&ci, &sh, MSR_AMD_PATCH_LOADER, &v), MSR_GP);
	EQ(hw_writes, 3);
	/* The scalable MCA banks reach the hardware. */
	EQ(rd(&ci, &sh, 0xc0002001, &v), MSR_EMULATED);
	EQ(v, 0x1234);
	EQ(wr(&ci, &sh, 0xc0002001, 0), MSR_EMULATED);
	EQ(fake_get(0xc0002001), 0);
	EQ(rd(&ci, &sh, 0xc0002002, &v), MSR_GP);
	EQ(rd(&ci, &sh, 0xc0002011, &v), MSR_EMULATED);
	EQ(v, 0x5678);
	/* A bank MCG_CAP does not count, and the undefined rest, never reach it. */
	EQ(rd(&ci, &sh, 0xc0002021, &v), MSR_GP);
	EQ(wr(&ci, &sh, 0xc0002021, 0), MSR_GP);
	EQ(fake_get(0xc0002021), 0x9abc);
	EQ(wr(&ci, &sh, 0xc0002400, 0), MSR_GP);
	EQ(wr(&ci, &sh, 0xc0002fff, 0), MSR_GP);
	/* The extended x2APIC registers: reads real, extended LVTs filtered, the rest refused. */
	EQ(rd(&ci, &sh, 0x840, &v), MSR_EMULATED);
	EQ(v, 0x40004);
	EQ(wr(&ci, &sh, 0x841, 1), MSR_GP);
	EQ(fake_get(0x841), 0);
	EQ(wr(&ci, &sh, 0x848, 0), MSR_GP);
	EQ(fake_get(0x848), 0xff);
	EQ(wr(&ci, &sh, 0x850, 0x4fa), MSR_EMULATED); /* NMI */
	EQ(fake_get(0x850), 0x4fa);
	EQ(wr(&ci, &sh, 0x850, 0x0f9), MSR_EMULATED); /* fixed */
	EQ(fake_get(0x850), 0x0f9);
	EQ(wr(&ci, &sh, 0x853, 0x2f9), MSR_EMULATED); /* SMI: masked, made fixed */
	EQ(fake_get(0x853), 0x100f9);
	EQ(wr(&ci, &sh, 0x853, 0x7f9 | 0xfff00000ULL), MSR_EMULATED); /* ExtINT, junk bits */
	EQ(fake_get(0x853), 0x100f9);
	EQ(wr(&ci, &sh, 0x853, 1ULL << 32), MSR_GP);
	EQ(wr(&ci, &sh, 0x860, 0), MSR_GP);
	/* Intel's do not exist here. */
	EQ(rd(&ci, &sh, MSR_MISC_ENABLE, &v), MSR_GP);
	EQ(rd(&ci, &sh, MSR_PLATFORM_INFO, &v), MSR_GP);
	EQ(wr(&ci, &sh, MSR_BIOS_UPDT_TRIG, 0), MSR_GP);
}

static void common_msrs(void)
{
	struct msr_cpu_info ci;
	struct msr_shadow sh;
	uint64_t v;

	for (int amd = 0; amd < 2; amd++) {
		fake_cpu(&ci, amd);
		msr_shadow_init(&ci, &sh, &hw);
		/* XSS: HWP (16) is offered; PT (8) and CET (11, 12) are not. */
		EQ(ci.xss_allowed, 0x10000);
		EQ(wr(&ci, &sh, MSR_XSS, 0x100), MSR_GP);
		EQ(wr(&ci, &sh, MSR_XSS, 0x1800), MSR_GP);
		EQ(wr(&ci, &sh, MSR_XSS, 0x2000), MSR_GP); /* HDC: not offered by this CPU */
		EQ(wr(&ci, &sh, MSR_XSS, 0x10000), MSR_EMULATED);
		EQ(fake_get(MSR_XSS), 0x10000);
		EQ(rd(&ci, &sh, MSR_XSS, &v), MSR_EMULATED);
		EQ(v, 0x10000);
		ci.xsaves = false;
		EQ(rd(&ci, &sh, MSR_XSS, &v), MSR_GP);
		EQ(wr(&ci, &sh, MSR_XSS, 0), MSR_GP);
		/* Tracing, branch records and counters: #GP, reads and writes. */
		static const uint32_t denied[] = { 0x570, 0x560, 0x600, 0x3f1, 0x38f, 0xc1, 0x186,
						   0x14ce, 0x1500, 0xc0010000, 0xc0010200, 0xc0011030,
						   0xc0010117, 0x1d9, 0x277, 0x40000000 };
		for (unsigned int i = 0; i < sizeof(denied) / sizeof(denied[0]); i++) {
			EQ(rd(&ci, &sh, denied[i], &v), MSR_GP);
			EQ(wr(&ci, &sh, denied[i], 0), MSR_GP);
		}
	}
	CHECK(msr_pat_ok(0x0007040600070406ULL));
	CHECK(msr_pat_ok(0x0707070707070707ULL));
	CHECK(!msr_pat_ok(0x0007040600070402ULL));
	CHECK(!msr_pat_ok(0x0007040600070403ULL));
	CHECK(!msr_pat_ok(0x0807040600070406ULL));
	CHECK(msr_debugctl_ok(0));
	CHECK(msr_debugctl_ok(2));          /* BTF */
	CHECK(!msr_debugctl_ok(1));         /* LBR */
	CHECK(!msr_debugctl_ok(0xc0));      /* BTS */
	CHECK(!msr_debugctl_ok(1ULL << 32));
}

/* ---- CPUID ---- */

static void cpuid(void)
{
	struct cpuid_regs r;

	r = (struct cpuid_regs){ ~0u, ~0u, ~0u, ~0u };
	cpuid_filter(1, 0, &r);
	EQ(r.ecx, ~0x8034u);
	EQ(r.edx, ~(1u << 21));
	r = (struct cpuid_regs){ ~0u, ~0u, ~0u, ~0u };
	cpuid_filter(7, 0, &r);
	EQ(r.ebx, ~(1u << 25));
	EQ(r.ecx, 0x5effff7fu);
	EQ(r.edx, ~((1u << 5) | (1u << 19) | (1u << 20)));
	EQ(r.eax, ~0u);
	r = (struct cpuid_regs){ ~0u, ~0u, ~0u, ~0u };
	cpuid_filter(7, 1, &r); /* other subleaves untouched */
	EQ(r.ebx, ~0u);
	static const uint32_t zeroed[] = { 0xa, 0x14, 0x1c, 0x23, 0x8000000au, 0x8000001bu, 0x80000022u };
	for (unsigned int i = 0; i < sizeof(zeroed) / sizeof(zeroed[0]); i++) {
		r = (struct cpuid_regs){ ~0u, ~0u, ~0u, ~0u };
		cpuid_filter(zeroed[i], 0, &r);
		EQ(r.eax | r.ebx | r.ecx | r.edx, 0);
	}
	r = (struct cpuid_regs){ 0x1f, 0x240, 0x11900, 0 };
	cpuid_filter(0xd, 1, &r);
	EQ(r.eax, 0xf); /* XSAVES stays, XFD goes */
	EQ(r.ecx, 0x10000);
	EQ(r.edx, 0);
	r = (struct cpuid_regs){ 0x80, 0, 1, 0 }; /* PT's component: supervisor */
	cpuid_filter(0xd, 8, &r);
	EQ(r.eax | r.ebx | r.ecx | r.edx, 0);
	r = (struct cpuid_regs){ 0x100, 0x240, 0, 0 }; /* AVX: user state, untouched */
	cpuid_filter(0xd, 2, &r);
	EQ(r.eax, 0x100);
	r = (struct cpuid_regs){ 8, 0, 1, 0 }; /* HWP's: offered */
	cpuid_filter(0xd, 16, &r);
	EQ(r.eax, 8);
	r = (struct cpuid_regs){ ~0u, ~0u, ~0u, ~0u };
	cpuid_filter(0x80000001u, 0, &r);
	EQ(r.ecx, ~((1u << 2) | (1u << 10) | (1u << 23) | (1u << 24) | (1u << 28)));
	EQ(r.edx, ~0u);
	r = (struct cpuid_regs){ ~0u, ~0u, ~0u, ~0u };
	cpuid_filter(0x80000008u, 0, &r);
	EQ(r.ebx, ~(2u | (1u << 25)));
}

/* ---- VMX debug controls (vmx_caps.c) ---- */

static void vmx_debug_controls(void)
{
	/* Bochs 2.7 corei7_haswell_4770, as test/unit/vmx records it. */
	struct vmx_cap_msrs m = {
		.basic = 0xd810000000002bULL,
		.pin = 0x7f00000016ULL,
		.proc = 0xf7f9fffe04006172ULL,
		.exit = 0x7fffff00036dfbULL,
		.entry = 0xffff000011fbULL,
		.proc2 = 0x47fff00000000ULL,
		.ept_vpid = 0xf0106334141ULL,
		.cr0_fixed0 = 0x80000021ULL,
		.cr0_fixed1 = 0xffffffffULL,
		.cr4_fixed0 = 0x2000ULL,
		.cr4_fixed1 = 0x1727ffULL,
	};
	struct vmx_config c;
	const char *why = NULL;

	EQ(vmx_config_choose(&m, &c, &why), 0);
	CHECK(c.debugctl_switched);
	CHECK((c.entry & ENTRY_LOAD_DEBUG) && (c.exit & EXIT_SAVE_DEBUG));
	CHECK(!c.clear_rtit_ctl && !c.clear_lbr_ctl);
	/* A CPU that offers the clear controls (Ice Lake and newer have them). */
	m.exit |= (uint64_t)(EXIT_CLEAR_RTIT_CTL | EXIT_CLEAR_LBR_CTL) << 32;
	EQ(vmx_config_choose(&m, &c, &why), 0);
	CHECK(c.clear_rtit_ctl && c.clear_lbr_ctl);
	CHECK((c.exit & (EXIT_CLEAR_RTIT_CTL | EXIT_CLEAR_LBR_CTL)) == (EXIT_CLEAR_RTIT_CTL | EXIT_CLEAR_LBR_CTL));
	/* TRUE controls that let the debug controls be 0 and a CPU without them. */
	m.exit &= ~((uint64_t)EXIT_SAVE_DEBUG << 32 | EXIT_SAVE_DEBUG);
	EQ(vmx_config_choose(&m, &c, &why), 0);
	CHECK(!c.debugctl_switched);
}

int main(void)
{
	bitmaps();
	mtrrs(false);
	mtrrs(true);
	intel_msrs();
	amd_msrs();
	common_msrs();
	cpuid();
	vmx_debug_controls();
	printf("%d of %d checks failed\n", failures, checks);
	return failures ? 1 : 0;
}
