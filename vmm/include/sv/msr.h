/*
 * Intercepted MSRs the guest needs a value from (guest/msr.c decides,
 * guest/msr_hw.c reaches the hardware).  What the vendor tables
 * (sv/msr_table.h) do not pass through and no backend handles ends here:
 * MTRRs become a shadow, a few configuration MSRs read their real value
 * and accept only writes that change nothing, microcode loads are
 * swallowed, and everything else is #GP.  The full list with values is in
 * docs/cpu-state.md.  The decisions are portable: test/unit/msr runs them
 * with recorded values and a fake hardware.
 */
#ifndef SV_MSR_H
#define SV_MSR_H

#include <sv/types.h>

#define MSR_MTRR_VAR_MAX 16   /* variable ranges the shadow holds */
#define MSR_MTRR_FIXED_COUNT 11

/* MSR numbers the emulation knows (SDM 4 / APM 2 appendix A). */
#define MSR_BIOS_UPDT_TRIG 0x79
#define MSR_PLATFORM_INFO 0xce
#define MSR_CORE_CAPABILITIES 0xcf
#define MSR_MTRRCAP 0xfe
#define MSR_ARCH_CAPABILITIES 0x10a
#define MSR_TSX_FORCE_ABORT 0x10f
#define MSR_TSX_CTRL 0x122
#define MSR_MCU_OPT_CTRL 0x123
#define MSR_MISC_ENABLE 0x1a0
#define MSR_DEBUGCTL 0x1d9
#define MSR_MTRR_PHYSBASE0 0x200
#define MSR_MTRR_FIX64K 0x250
#define MSR_MTRR_FIX16K_80000 0x258
#define MSR_MTRR_FIX16K_A0000 0x259
#define MSR_MTRR_FIX4K_C0000 0x268
#define MSR_MTRR_FIX4K_F8000 0x26f
#define MSR_MTRR_DEF_TYPE 0x2ff
#define MSR_TME_ACTIVATE 0x982
#define MSR_XSS 0xda0
#define MSR_AMD_SYSCFG 0xc0010010
#define MSR_AMD_HWCR 0xc0010015
#define MSR_AMD_TOP_MEM 0xc001001a
#define MSR_AMD_TOP_MEM2 0xc001001d
#define MSR_AMD_NB_CFG 0xc001001f
#define MSR_AMD_PATCH_LOADER 0xc0010020
#define MSR_AMD_INT_PENDING 0xc0010055
#define MSR_AMD_MMIO_CONF_BASE 0xc0010058
#define MSR_AMD_SMM_ADDR 0xc0010112
#define MSR_AMD_SMM_MASK 0xc0010113
#define MSR_AMD_SEV_STATUS 0xc0010131
#define MSR_AMD_LS_CFG 0xc0011020
#define MSR_AMD_DE_CFG 0xc0011029
/* Scalable MCA (APM 2 9.3.2.1): 16 registers per bank, at most 64 banks. */
#define MSR_AMD_SMCA_FIRST 0xc0002000
#define MSR_AMD_SMCA_LAST 0xc00023ff
#define MSR_MCG_CAP 0x179
/*
 * AMD's extended APIC registers in x2APIC mode (APM 2 16.4.5, MSR
 * 0x800 + offset/16): EFEAT 0x840, ECTRL 0x841, IER 0x848-0x84f, the
 * extended LVTs 0x850-0x853.  Intel defines nothing there.
 */
#define MSR_AMD_X2APIC_EXT_FIRST 0x840
#define MSR_AMD_X2APIC_EXT_LAST 0x8ff
#define MSR_AMD_X2APIC_EILVT_FIRST 0x850
#define MSR_AMD_X2APIC_EILVT_LAST 0x853

/* DEBUGCTL: BTF only (single-step on branches); LBR, BTS and the rest are not offered. */
#define MSR_DEBUGCTL_GUEST_BITS (1ULL << 1)

/* What the emulation knows of the CPU: from CPUID and the real MTRRcap. */
struct msr_cpu_info {
	bool amd;                 /* AMD or Hygon; else Intel rules */
	bool mtrr;                /* CPUID 1.EDX[12] */
	bool xsaves;              /* CPUID 0xD.1 EAX[3] */
	bool arch_caps;           /* CPUID 7.EDX[29] */
	unsigned int phys_bits;   /* CPUID 0x80000008 EAX[7:0] */
	uint64_t mtrr_cap;        /* as the guest reads it (msr_mtrr_cap_guest) */
	uint64_t xss_allowed;     /* XSS bits the guest may set (msr_xss_allowed) */
};

/* One vCPU's shadows, filled from its own CPU at the guest's first access. */
struct msr_shadow {
	bool ready;
	uint64_t mtrr_def;
	uint64_t mtrr_fixed[MSR_MTRR_FIXED_COUNT];
	uint64_t mtrr_var[MSR_MTRR_VAR_MAX * 2]; /* PHYSBASEn, PHYSMASKn */
	uint64_t misc_enable;
	bool has_misc_enable;     /* the CPU answered RDMSR of MISC_ENABLE */
};

/* The hardware side: rdmsr_safe/wrmsr_safe in the VMM, a fake in tests (0 or -1). */
struct msr_hw {
	int (*read)(uint32_t msr, uint64_t *value);
	int (*write)(uint32_t msr, uint64_t value);
};

enum msr_result {
	MSR_EMULATED, /* done; a read's value is in *value */
	MSR_GP,       /* the guest gets #GP, as a CPU without the MSR would give it */
};

/*
 * MTRRcap as the guest sees it: the real count of variable ranges (at
 * most MSR_MTRR_VAR_MAX), fixed ranges and write-combining as the CPU has
 * them, no SMRR and no PRMRR (their MSRs are not the guest's).
 */
uint64_t msr_mtrr_cap_guest(uint64_t real_cap);
/* XSS bits the guest may set: what CPUID 0xD.1 ECX/EDX offers that guest/cpuid.c does not hide. */
uint64_t msr_xss_allowed(uint32_t d1_ecx, uint32_t d1_edx);
/* MISC_ENABLE as the guest reads it: no performance monitoring, BTS or PEBS. */
uint64_t msr_misc_enable_guest(uint64_t real);
/* Whether a guest write of DEBUGCTL is one the VMM takes. */
bool msr_debugctl_ok(uint64_t value);
/* Whether a PAT value holds only valid memory types (SDM 3A 12.12.2); #GP otherwise. */
bool msr_pat_ok(uint64_t value);

/* Fills sh from the hardware (the firmware's MTRRs, MISC_ENABLE). */
void msr_shadow_init(const struct msr_cpu_info *ci, struct msr_shadow *sh, const struct msr_hw *hw);
/* One intercepted RDMSR/WRMSR: the value read or written is *value. */
enum msr_result msr_emulate(const struct msr_cpu_info *ci, struct msr_shadow *sh,
			    const struct msr_hw *hw, uint32_t msr, bool write, uint64_t *value);

#ifdef SV_VMM
#include <sv/vcpu.h>
/* guest/msr_hw.c: SV_EXIT_RDMSR/WRMSR that no backend and no APIC code took. */
void msr_exit(const struct sv_vcpu_ops *ops, struct sv_vcpu *v, const struct sv_exit *e);
#endif

#endif
