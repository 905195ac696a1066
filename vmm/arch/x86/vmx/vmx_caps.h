/*
 * VMX capability arithmetic (Intel SDM vol. 3D appendix A, vol. 3C 27.2).
 *
 * The VMX capability MSRs say, for every control bit, whether it may be 0
 * ("allowed-0 settings", the low 32 bits: a 1 there means the control must
 * be 1) and whether it may be 1 ("allowed-1 settings", the high 32 bits).
 * This file turns recorded MSR values into the controls Sealvisor runs
 * with, or into a sentence saying why this CPU cannot run it.  It executes
 * no instruction, so the host unit tests (test/unit/vmx) run it over MSR
 * values recorded on real and emulated CPUs.
 */
#ifndef VMX_CAPS_H
#define VMX_CAPS_H

#include <sv/types.h>

/* The capability MSRs as read at boot; see vmx_init.c for which are read when. */
struct vmx_cap_msrs {
	uint64_t basic;                   /* IA32_VMX_BASIC */
	uint64_t pin, proc, exit, entry;  /* the TRUE_* MSRs when basic bit 55 is set */
	uint64_t proc2;                   /* 0 when proc cannot activate secondary controls */
	uint64_t ept_vpid;                /* 0 when proc2 offers neither EPT nor VPID */
	uint64_t cr0_fixed0, cr0_fixed1;
	uint64_t cr4_fixed0, cr4_fixed1;
};

/* What Sealvisor runs with: the values written to the VMCS and the extras. */
struct vmx_config {
	uint32_t revision;                /* VMCS revision identifier */
	uint32_t pin, proc, proc2, exit, entry;
	bool vpid;                        /* PROC2_VPID set, and INVVPID can flush */
	bool invvpid_single;              /* else all-context */
	bool ept_1g;
	bool invept_single, invept_all;
	/*
	 * Entry "load debug controls" and exit "save debug controls": the
	 * guest's DEBUGCTL lives in the VMCS and every exit clears the
	 * hardware's (SDM 3C 28.3.1, 28.5.1).  vmx_msr.c keeps a shadow
	 * that never reaches the hardware when false.
	 */
	bool debugctl_switched;
	/* Exit "clear IA32_RTIT_CTL" / "clear IA32_LBR_CTL" are set (SDM 3C 25.7.1). */
	bool clear_rtit_ctl, clear_lbr_ctl;
	/* Guest CR0/CR4 bits VMX operation forces to 1 (SDM 3D A.7, A.8). */
	uint64_t cr0_guest_set, cr4_guest_set;
};

/*
 * The MSR that holds the settings of one control field: the TRUE_* MSR
 * (0x48d-0x490) when IA32_VMX_BASIC bit 55 is set, else the plain one
 * (0x481-0x484).  plain_msr is one of the plain MSR numbers.
 */
uint32_t vmx_ctl_msr(uint64_t basic, uint32_t plain_msr);

/*
 * One control field from its capability MSR: the bits the CPU forces to
 * 1, plus required, plus those of optional the CPU allows.  -SV_ENODEV
 * when a required bit may not be 1, a forbidden bit must be 1, or the MSR
 * contradicts itself (a bit that must be 1 but may not be).
 */
int vmx_ctl_adjust(uint64_t cap, uint32_t required, uint32_t optional, uint32_t forbidden,
		   uint32_t *out);

/* CR0/CR4 under the FIXED0/FIXED1 rules: bits of fixed0 set, bits not in fixed1 clear. */
uint64_t vmx_cr_fix(uint64_t value, uint64_t fixed0, uint64_t fixed1);
bool vmx_cr_ok(uint64_t value, uint64_t fixed0, uint64_t fixed1);

/*
 * Chooses every control Sealvisor needs (EPT, unrestricted guest, MSR
 * bitmaps, EFER and PAT switching), the optional ones the CPU offers
 * (VPID, RDTSCP, INVPCID, XSAVES ...), and refuses anything that would
 * make the guest exit on its ordinary work.  0, or -SV_ENODEV with *why
 * set to a sentence for the console.
 */
int vmx_config_choose(const struct vmx_cap_msrs *m, struct vmx_config *c, const char **why);

#endif
