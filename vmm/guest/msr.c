/*
 * What an intercepted MSR gives the guest; see sv/msr.h.  Portable: the
 * hardware is reached only through struct msr_hw, so test/unit/msr runs
 * every decision here with a fake one.  docs/cpu-state.md lists the
 * values; a change here changes that page.
 */
#include <sv/msr.h>

#include "fsstring.h"

#define BIT(n) (1ULL << (n))

/* MTRRcap (SDM 3A 12.11.2.1): VCNT 7:0, FIX 8, WC 10, SMRR 11, PRMRR 12. */
#define MTRRCAP_VCNT 0xffULL
#define MTRRCAP_FIX BIT(8)
#define MTRRCAP_WC BIT(10)
/* MTRRdefType: type 7:0, FE 10, E 11; the rest is reserved (#GP). */
#define MTRRDEF_VALID (0xffULL | BIT(10) | BIT(11))
#define MTRR_MASK_VALID BIT(11)

/*
 * XSS components the guest may enable: HDC (13) and HWP (16), power
 * state only.  The others would let XRSTORS load the MSRs this VMM keeps
 * from the guest: PT (8, the RTIT_* MSRs), PASID (10), CET user and
 * supervisor (11, 12: the shadow-stack pointers), UINTR (14) and arch
 * LBR (15).  guest/cpuid.c hides the same bits in leaf 0xD.1.
 */
#define XSS_GUEST_BITS (BIT(13) | BIT(16))

/*
 * MISC_ENABLE (SDM 4 table 2-2): the guest may change fast strings (0),
 * automatic thermal control (3), EIST (16), MONITOR/MWAIT (18), xTPR
 * messages (23) and turbo disable (38) in its shadow, and clear limit
 * CPUID (22) and XD disable (34); it may not set those two.
 */
#define MISC_EN_PERFMON BIT(7)
#define MISC_EN_BTS_UNAVAIL BIT(11)
#define MISC_EN_PEBS_UNAVAIL BIT(12)
#define MISC_EN_CHANGEABLE (BIT(0) | BIT(3) | BIT(16) | BIT(18) | BIT(23) | BIT(38))
#define MISC_EN_CLEAR_ONLY (BIT(22) | BIT(34))

/*
 * PLATFORM_INFO (SDM 4 table 2-20 and the model tables): the ratios and
 * the "programmable" flags, which describe; not bit 31 (CPUID faulting,
 * whose MSR 0x140 is not the guest's) nor the configurable-TDP levels.
 */
#define PLATFORM_INFO_GUEST (0xff00ULL | BIT(28) | BIT(29) | BIT(30) | (0xffULL << 40) | (0xffULL << 48))

/*
 * ARCH_CAPABILITIES (SDM 4 table 2-2): the bits that say what the CPU is
 * not affected by or already does, which the guest needs for its own
 * mitigations, and TSX_CTRL (its writes are filtered below).  Hidden:
 * SKIP_L1DFL_VMENTRY (3, for a hypervisor the guest is not), and the
 * bits that announce control MSRs the guest does not get:
 * MISC_PACKAGE_CTRLS (10), ENERGY_FILTERING_CTL (11), DOITM (12),
 * FB_CLEAR_CTRL (18), XAPIC_DISABLE (21), OVERCLOCKING_STATUS (23),
 * GDS_CTRL (25).
 */
#define ARCH_CAPS_GUEST                                                                          \
	(BIT(0) | BIT(1) | BIT(2) | BIT(4) | BIT(5) | BIT(6) | BIT(7) | BIT(8) | BIT(13) | BIT(14) | \
	 BIT(15) | BIT(17) | BIT(19) | BIT(20) | BIT(24) | BIT(26) | BIT(27) | BIT(28) | BIT(62))

/*
 * TSX_CTRL: RTM_DISABLE (0) and TSX_CPUID_CLEAR (1) may be set, never
 * cleared; so may TSX_FORCE_ABORT's force-abort (0) and CPUID clear (1).
 */
#define TSX_CTRL_SET_ONLY (BIT(0) | BIT(1))
#define TSX_FORCE_ABORT_SET_ONLY (BIT(0) | BIT(1))
/* NB_CFG: EnableCf8ExtCfg (46), which Linux sets on families 10h-16h; the guest owns port CF8 anyway. */
#define NB_CFG_SET_ONLY BIT(46)
/* DE_CFG: LFENCE dispatch serializing (1) and the Zen2 FP backup fix (9) may be set. */
#define DE_CFG_SET_ONLY (BIT(1) | BIT(9))

uint64_t msr_mtrr_cap_guest(uint64_t real_cap)
{
	uint64_t vcnt = real_cap & MTRRCAP_VCNT;

	if (vcnt > MSR_MTRR_VAR_MAX)
		vcnt = MSR_MTRR_VAR_MAX;
	return vcnt | (real_cap & (MTRRCAP_FIX | MTRRCAP_WC));
}

uint64_t msr_xss_allowed(uint32_t d1_ecx, uint32_t d1_edx)
{
	return (((uint64_t)d1_edx << 32) | d1_ecx) & XSS_GUEST_BITS;
}

uint64_t msr_misc_enable_guest(uint64_t real)
{
	return (real & ~MISC_EN_PERFMON) | MISC_EN_BTS_UNAVAIL | MISC_EN_PEBS_UNAVAIL;
}

bool msr_debugctl_ok(uint64_t value)
{
	return (value & ~MSR_DEBUGCTL_GUEST_BITS) == 0;
}

bool msr_pat_ok(uint64_t value)
{
	for (unsigned int i = 0; i < 8; i++) {
		uint64_t t = (value >> (i * 8)) & 0xff;
		if (t == 2 || t == 3 || t > 7)
			return false;
	}
	return true;
}

/* UC, WC, WT, WP, WB (SDM 3A table 12-8). */
static bool mtrr_type_ok(uint64_t t)
{
	return t == 0 || t == 1 || t == 4 || t == 5 || t == 6;
}

/*
 * A fixed-range MTRR holds 8 types.  AMD adds RdMem/WrMem (bits 3 and 4
 * of each byte, APM 2 7.9.1) where SYSCFG.MtrrFixDramModEn allows: the
 * shadow keeps them as written, since they never reach the hardware.
 */
static bool fixed_ok(const struct msr_cpu_info *ci, uint64_t v)
{
	for (unsigned int i = 0; i < 8; i++) {
		uint64_t b = (v >> (i * 8)) & 0xff;
		if (ci->amd)
			b &= ~0x18ULL;
		if (!mtrr_type_ok(b))
			return false;
	}
	return true;
}

static int fixed_index(uint32_t msr)
{
	if (msr == MSR_MTRR_FIX64K)
		return 0;
	if (msr == MSR_MTRR_FIX16K_80000)
		return 1;
	if (msr == MSR_MTRR_FIX16K_A0000)
		return 2;
	if (msr >= MSR_MTRR_FIX4K_C0000 && msr <= MSR_MTRR_FIX4K_F8000)
		return 3 + (int)(msr - MSR_MTRR_FIX4K_C0000);
	return -1;
}

static uint32_t fixed_msr(unsigned int i)
{
	static const uint32_t msrs[3] = { MSR_MTRR_FIX64K, MSR_MTRR_FIX16K_80000, MSR_MTRR_FIX16K_A0000 };

	return i < 3 ? msrs[i] : MSR_MTRR_FIX4K_C0000 + (i - 3);
}

static unsigned int var_count(const struct msr_cpu_info *ci)
{
	return (unsigned int)(ci->mtrr_cap & MTRRCAP_VCNT);
}

static uint64_t phys_addr_mask(const struct msr_cpu_info *ci)
{
	unsigned int bits = ci->phys_bits >= 32 && ci->phys_bits <= 52 ? ci->phys_bits : 36;

	return ((1ULL << bits) - 1) & ~0xfffULL;
}

void msr_shadow_init(const struct msr_cpu_info *ci, struct msr_shadow *sh, const struct msr_hw *hw)
{
	uint64_t v;

	memset(sh, 0, sizeof(*sh));
	if (ci->mtrr) {
		if (hw->read(MSR_MTRR_DEF_TYPE, &v) == 0)
			sh->mtrr_def = v & MTRRDEF_VALID;
		for (unsigned int i = 0; (ci->mtrr_cap & MTRRCAP_FIX) && i < MSR_MTRR_FIXED_COUNT; i++) {
			if (hw->read(fixed_msr(i), &v) == 0)
				sh->mtrr_fixed[i] = v;
		}
		for (unsigned int i = 0; i < var_count(ci) * 2; i++) {
			if (hw->read(MSR_MTRR_PHYSBASE0 + i, &v) == 0)
				sh->mtrr_var[i] = v;
		}
	}
	if (!ci->amd && hw->read(MSR_MISC_ENABLE, &v) == 0) {
		sh->misc_enable = msr_misc_enable_guest(v);
		sh->has_misc_enable = true;
	}
	sh->ready = true;
}

/* The MTRRs: a shadow the guest reads and writes; the hardware keeps the firmware's. */
static enum msr_result mtrr(const struct msr_cpu_info *ci, struct msr_shadow *sh, uint32_t msr,
			    bool write, uint64_t *value)
{
	uint64_t *slot;
	int fi = fixed_index(msr);

	if (msr == MSR_MTRRCAP) {
		if (write)
			return MSR_GP;
		*value = ci->mtrr_cap;
		return MSR_EMULATED;
	}
	if (msr == MSR_MTRR_DEF_TYPE) {
		if (write && ((*value & ~MTRRDEF_VALID) || !mtrr_type_ok(*value & 0xff)))
			return MSR_GP;
		slot = &sh->mtrr_def;
	} else if (fi >= 0) {
		if (!(ci->mtrr_cap & MTRRCAP_FIX) || (write && !fixed_ok(ci, *value)))
			return MSR_GP;
		slot = &sh->mtrr_fixed[fi];
	} else if (msr >= MSR_MTRR_PHYSBASE0 && msr < MSR_MTRR_PHYSBASE0 + var_count(ci) * 2) {
		unsigned int i = msr - MSR_MTRR_PHYSBASE0;
		if (write) {
			uint64_t addr = phys_addr_mask(ci);
			bool ok = (i % 2 == 0) ? !(*value & ~(addr | 0xff)) && mtrr_type_ok(*value & 0xff)
					       : !(*value & ~(addr | MTRR_MASK_VALID));
			if (!ok)
				return MSR_GP;
		}
		slot = &sh->mtrr_var[i];
	} else {
		return MSR_GP;
	}
	if (write)
		*slot = *value;
	else
		*value = *slot;
	return MSR_EMULATED;
}

static bool is_mtrr(uint32_t msr)
{
	return msr == MSR_MTRRCAP || msr == MSR_MTRR_DEF_TYPE || fixed_index(msr) >= 0 ||
	       (msr >= MSR_MTRR_PHYSBASE0 && msr < MSR_MTRR_PHYSBASE0 + MSR_MTRR_VAR_MAX * 2);
}

/* Reads give the real value; a write is taken only when it changes nothing. */
static enum msr_result real_unchanged(const struct msr_hw *hw, uint32_t msr, bool write, uint64_t *value)
{
	uint64_t cur;

	if (hw->read(msr, &cur))
		return MSR_GP;
	if (!write) {
		*value = cur;
		return MSR_EMULATED;
	}
	return *value == cur ? MSR_EMULATED : MSR_GP;
}

/* Reads give the real value; a write may only set bits of set_only, which go to the hardware. */
static enum msr_result real_set_only(const struct msr_hw *hw, uint32_t msr, uint64_t set_only,
				     bool write, uint64_t *value)
{
	uint64_t cur;

	if (hw->read(msr, &cur))
		return MSR_GP;
	if (!write) {
		*value = cur;
		return MSR_EMULATED;
	}
	if ((cur & ~*value) || (*value & ~cur & ~set_only))
		return MSR_GP;
	if (*value != cur && hw->write(msr, *value))
		return MSR_GP;
	return MSR_EMULATED;
}

static enum msr_result real_masked(const struct msr_hw *hw, uint32_t msr, uint64_t mask, bool write,
				   uint64_t *value)
{
	uint64_t cur;

	if (write || hw->read(msr, &cur))
		return MSR_GP;
	*value = cur & mask;
	return MSR_EMULATED;
}

static enum msr_result misc_enable(struct msr_shadow *sh, bool write, uint64_t *value)
{
	if (!sh->has_misc_enable)
		return MSR_GP;
	if (!write) {
		*value = sh->misc_enable;
		return MSR_EMULATED;
	}
	uint64_t diff = *value ^ sh->misc_enable;
	if (diff & ~(MISC_EN_CHANGEABLE | MISC_EN_CLEAR_ONLY))
		return MSR_GP;
	if (*value & ~sh->misc_enable & MISC_EN_CLEAR_ONLY)
		return MSR_GP;
	sh->misc_enable = *value;
	return MSR_EMULATED;
}

static enum msr_result intel(const struct msr_cpu_info *ci, struct msr_shadow *sh,
			     const struct msr_hw *hw, uint32_t msr, bool write, uint64_t *value)
{
	switch (msr) {
	case MSR_BIOS_UPDT_TRIG:
		/* A microcode update from the guest is swallowed: the VMM's CPU stays as booted. */
		return write ? MSR_EMULATED : MSR_GP;
	case MSR_PLATFORM_INFO:
		return real_masked(hw, msr, PLATFORM_INFO_GUEST, write, value);
	case MSR_ARCH_CAPABILITIES:
		if (!ci->arch_caps)
			return MSR_GP;
		return real_masked(hw, msr, ARCH_CAPS_GUEST, write, value);
	case MSR_CORE_CAPABILITIES:
		/* Reads 0: split-lock detection (TEST_CTRL) and the rest are not the guest's. */
		return real_masked(hw, msr, 0, write, value);
	case MSR_TSX_CTRL:
		return real_set_only(hw, msr, TSX_CTRL_SET_ONLY, write, value);
	case MSR_TSX_FORCE_ABORT:
		return real_set_only(hw, msr, TSX_FORCE_ABORT_SET_ONLY, write, value);
	case MSR_TME_ACTIVATE: /* memory encryption keys: Linux reads it where CPUID shows TME */
	case MSR_MCU_OPT_CTRL:
		return real_unchanged(hw, msr, write, value);
	case MSR_MISC_ENABLE:
		return misc_enable(sh, write, value);
	default:
		return MSR_GP;
	}
}

static enum msr_result amd(const struct msr_hw *hw, uint32_t msr, bool write, uint64_t *value)
{
	/*
	 * The scalable MCA banks (APM 2 9.3.2.1) lie outside the MSR
	 * permission map, so they always exit: machine checks are the
	 * guest's, as the legacy banks it reaches natively.
	 */
	if (msr >= MSR_AMD_SMCA_FIRST && msr <= MSR_AMD_SMCA_LAST) {
		/* Only the banks MCG_CAP[7:0] counts exist; nothing else gets guest values. */
		uint64_t cap;
		if (hw->read(MSR_MCG_CAP, &cap) || (msr - MSR_AMD_SMCA_FIRST) / 16 >= (cap & 0xff))
			return MSR_GP;
		if (write)
			return hw->write(msr, *value) ? MSR_GP : MSR_EMULATED;
		return hw->read(msr, value) ? MSR_GP : MSR_EMULATED;
	}
	if (msr >= MSR_AMD_X2APIC_EXT_FIRST && msr <= MSR_AMD_X2APIC_EXT_LAST) {
		/*
		 * The extended APIC space in x2APIC mode.  Reads are the
		 * guest's own LAPIC.  The extended LVTs may deliver fixed
		 * vectors or NMI only: SMI and ExtINT would reach the VMM
		 * while a process runs, past TPR (as apic_lvt_filter does for
		 * the architectural LVTs).  ECTRL and the interrupt enable
		 * registers could mask the VMM's own budget timer vector:
		 * never written.  A CPU not in x2APIC mode refuses it all.
		 */
		if (!write)
			return hw->read(msr, value) ? MSR_GP : MSR_EMULATED;
		if (msr < MSR_AMD_X2APIC_EILVT_FIRST || msr > MSR_AMD_X2APIC_EILVT_LAST || (*value >> 32))
			return MSR_GP;
		uint64_t lvt = *value & 0x107ffULL; /* mask, message type, vector */
		uint64_t type = (lvt >> 8) & 7;
		if (type != 0 && type != 4)
			lvt = (lvt & ~0x700ULL) | 0x10000ULL; /* masked, fixed */
		return hw->write(msr, lvt) ? MSR_GP : MSR_EMULATED;
	}
	switch (msr) {
	case MSR_AMD_PATCH_LOADER:
		return write ? MSR_EMULATED : MSR_GP; /* swallowed, as on Intel */
	case MSR_AMD_SYSCFG:        /* SME, MTRR extensions, TOP_MEM2 enable */
	case MSR_AMD_HWCR:          /* INVD as WBINVD, SMM lock, MCA status writes */
	case MSR_AMD_TOP_MEM:
	case MSR_AMD_TOP_MEM2:
	case MSR_AMD_MMIO_CONF_BASE: /* where ECAM decodes: never over VMM memory */
	case MSR_AMD_SMM_ADDR:
	case MSR_AMD_SMM_MASK:
	case MSR_AMD_INT_PENDING:   /* C1E on halt: Linux reads it for erratum 400 */
	case MSR_AMD_LS_CFG:        /* load-store chicken bits */
		return real_unchanged(hw, msr, write, value);
	case MSR_AMD_DE_CFG:
		return real_set_only(hw, msr, DE_CFG_SET_ONLY, write, value);
	case MSR_AMD_NB_CFG:
		return real_set_only(hw, msr, NB_CFG_SET_ONLY, write, value);
	case MSR_AMD_SEV_STATUS:
		/*
		 * The guest is no SEV guest: 0, as the CPU answers outside
		 * one.  Linux reads it with no fault handler this early
		 * (sme_enable) wherever CPUID 0x8000001F shows SME or SEV.
		 */
		if (write)
			return MSR_GP;
		*value = 0;
		return MSR_EMULATED;
	default:
		return MSR_GP;
	}
}

enum msr_result msr_emulate(const struct msr_cpu_info *ci, struct msr_shadow *sh,
			    const struct msr_hw *hw, uint32_t msr, bool write, uint64_t *value)
{
	if (is_mtrr(msr))
		return ci->mtrr ? mtrr(ci, sh, msr, write, value) : MSR_GP;
	if (msr == MSR_XSS) {
		/* XSS is not switched: a value the filter passed goes to the hardware. */
		if (!ci->xsaves || (write && (*value & ~ci->xss_allowed)))
			return MSR_GP;
		if (write)
			return hw->write(msr, *value) ? MSR_GP : MSR_EMULATED;
		return hw->read(msr, value) ? MSR_GP : MSR_EMULATED;
	}
	return ci->amd ? amd(hw, msr, write, value) : intel(ci, sh, hw, msr, write, value);
}
