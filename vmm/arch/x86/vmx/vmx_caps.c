/* VMX capability arithmetic; see vmx_caps.h.  Portable: no instructions. */
#include "fsstring.h"
#include "vmx_caps.h"
#include "vmcs.h"

#define CR0_PE_BIT (1ULL << 0)
#define CR0_PG_BIT (1ULL << 31)

uint32_t vmx_ctl_msr(uint64_t basic, uint32_t plain_msr)
{
	/* SDM 3D A.2: the TRUE_* MSRs sit 0xc above the plain ones. */
	if ((basic & VMX_BASIC_TRUE_CTLS) && plain_msr >= MSR_VMX_PINBASED &&
	    plain_msr <= MSR_VMX_ENTRY)
		return plain_msr + (MSR_VMX_TRUE_PINBASED - MSR_VMX_PINBASED);
	return plain_msr;
}

int vmx_ctl_adjust(uint64_t cap, uint32_t required, uint32_t optional, uint32_t forbidden,
		   uint32_t *out)
{
	uint32_t must1 = (uint32_t)cap;          /* allowed-0 settings: 1 = may not be 0 */
	uint32_t may1 = (uint32_t)(cap >> 32);   /* allowed-1 settings: 1 = may be 1 */

	if (must1 & ~may1)
		return -SV_ENODEV;
	if (required & ~may1)
		return -SV_ENODEV;
	if (forbidden & must1)
		return -SV_ENODEV;
	*out = must1 | required | (optional & may1);
	return 0;
}

uint64_t vmx_cr_fix(uint64_t value, uint64_t fixed0, uint64_t fixed1)
{
	return (value | fixed0) & fixed1;
}

bool vmx_cr_ok(uint64_t value, uint64_t fixed0, uint64_t fixed1)
{
	return (value & fixed0) == fixed0 && (value & ~fixed1) == 0;
}

static int refuse(const char **why, const char *msg)
{
	*why = msg;
	return -SV_ENODEV;
}

int vmx_config_choose(const struct vmx_cap_msrs *m, struct vmx_config *c, const char **why)
{
	uint64_t b = m->basic;

	memset(c, 0, sizeof(*c));
	c->revision = VMX_BASIC_REVISION(b);
	if (VMX_BASIC_VMCS_SIZE(b) == 0 || VMX_BASIC_VMCS_SIZE(b) > 4096)
		return refuse(why, "IA32_VMX_BASIC reports a VMCS size of 0 or above 4 KiB");
	if (VMX_BASIC_MEMTYPE(b) != 6)
		return refuse(why, "the VMCS must be uncached memory on this CPU; Sealvisor needs write-back");

	/* Pin-based: NMIs and external interrupts go straight to the guest. */
	if (vmx_ctl_adjust(m->pin, 0, 0,
			   PIN_EXT_INT_EXIT | PIN_NMI_EXIT | PIN_VIRTUAL_NMI | PIN_PREEMPT_TIMER |
				   PIN_POSTED_INT,
			   &c->pin))
		return refuse(why, "the pin-based VM-execution controls force interrupt or NMI exits");

	/*
	 * Primary: MSR bitmaps and the secondary controls are needed; no I/O,
	 * HLT, RDTSC, MOV-DR, CR3 or interrupt-window exits.  CR3-load/-store
	 * exiting is "default1" in the plain MSR (SDM 3D A.3.2), but every CPU
	 * with unrestricted guest has the TRUE_* MSRs that allow it off.
	 */
	if (!(m->proc >> 32 & PROC_SECONDARY) || m->proc2 == 0)
		return refuse(why, "VMX without secondary controls, so without EPT: Sealvisor needs EPT and unrestricted guest (Intel Westmere or newer)");
	if (vmx_ctl_adjust(m->proc, PROC_MSR_BITMAPS | PROC_SECONDARY, 0,
			   PROC_INT_WINDOW | PROC_HLT_EXIT | PROC_INVLPG_EXIT | PROC_MWAIT_EXIT |
				   PROC_RDPMC_EXIT | PROC_RDTSC_EXIT | PROC_CR3_LOAD_EXIT |
				   PROC_CR3_STORE_EXIT | PROC_CR8_LOAD_EXIT |
				   PROC_CR8_STORE_EXIT | PROC_TPR_SHADOW | PROC_NMI_WINDOW |
				   PROC_MOV_DR_EXIT | PROC_UNCOND_IO_EXIT | PROC_IO_BITMAPS |
				   PROC_MTF | PROC_MONITOR_EXIT | PROC_PAUSE_EXIT,
			   &c->proc))
		return refuse(why, "the processor-based VM-execution controls lack MSR bitmaps or force exits Sealvisor does not handle");

	/* Interrupt-window exiting is switched on and off at run time (vmx_exit.c). */
	if (!(m->proc >> 32 & PROC_INT_WINDOW))
		return refuse(why, "VMX without interrupt-window exiting");

	uint32_t may2 = (uint32_t)(m->proc2 >> 32);
	if (!(may2 & PROC2_EPT))
		return refuse(why, "VMX without EPT: Sealvisor needs EPT to hide its memory from the guest");
	if (!(may2 & PROC2_UNRESTRICTED))
		return refuse(why, "VMX without unrestricted guest: Sealvisor starts the guest with paging off and needs it (Intel Westmere or newer)");
	/*
	 * The "enable" controls are optional: without them the instruction is
	 * #UD in the guest, as on a CPU that lacks it, and CPUID passes
	 * through, so they are set wherever the CPU offers them.
	 */
	if (vmx_ctl_adjust(m->proc2, PROC2_EPT | PROC2_UNRESTRICTED,
			   PROC2_VPID | PROC2_RDTSCP | PROC2_INVPCID | PROC2_XSAVES |
				   PROC2_USER_WAIT_PAUSE | PROC2_PCONFIG,
			   PROC2_VIRT_APIC | PROC2_DESC_TABLE_EXIT | PROC2_VIRT_X2APIC |
				   PROC2_WBINVD_EXIT | PROC2_PAUSE_LOOP_EXIT | PROC2_RDRAND_EXIT |
				   PROC2_VMFUNC | PROC2_VMCS_SHADOW | PROC2_ENCLS_EXIT |
				   PROC2_RDSEED_EXIT | PROC2_PML | PROC2_EPT_VE,
			   &c->proc2))
		return refuse(why, "the secondary VM-execution controls force exits Sealvisor does not handle");

	uint64_t ev = m->ept_vpid;
	if (!(ev & EPT_CAP_WALK4))
		return refuse(why, "EPT without 4-level page walks");
	if (!(ev & EPT_CAP_WB))
		return refuse(why, "EPT cannot use write-back paging structures");
	if (!(ev & EPT_CAP_2M))
		return refuse(why, "EPT without 2 MiB pages");
	c->ept_1g = ev & EPT_CAP_1G;
	c->invept_single = (ev & EPT_CAP_INVEPT) && (ev & EPT_CAP_INVEPT_SINGLE);
	c->invept_all = (ev & EPT_CAP_INVEPT) && (ev & EPT_CAP_INVEPT_ALL);
	/* VPID only when INVVPID can give the guest a clean start (SDM 3C 29.4.3.3). */
	if ((c->proc2 & PROC2_VPID) && (ev & VPID_CAP_INVVPID) &&
	    (ev & (VPID_CAP_INVVPID_SINGLE | VPID_CAP_INVVPID_ALL))) {
		c->vpid = true;
		c->invvpid_single = ev & VPID_CAP_INVVPID_SINGLE;
	} else {
		c->proc2 &= ~PROC2_VPID;
	}

	/*
	 * Exit: a 64-bit host, EFER and PAT switched by the CPU, debug state
	 * saved.  Where the CPU offers them, RTIT_CTL and LBR_CTL are cleared
	 * on every exit as well: the guest cannot write either (both are
	 * intercepted, PT and arch LBR hidden in CPUID), so this only keeps
	 * a value someone else left from tracing the VMM.
	 */
	if (vmx_ctl_adjust(m->exit,
			   EXIT_HOST_64 | EXIT_SAVE_PAT | EXIT_LOAD_PAT | EXIT_SAVE_EFER |
				   EXIT_LOAD_EFER,
			   EXIT_SAVE_DEBUG | EXIT_CLEAR_RTIT_CTL | EXIT_CLEAR_LBR_CTL,
			   EXIT_LOAD_PERF_GLOBAL | EXIT_SAVE_PREEMPT, &c->exit))
		return refuse(why, "the VM-exit controls cannot switch EFER and PAT or run a 64-bit host");
	/* Entry: IA-32e mode guest starts clear (the guest boots in 32-bit mode). */
	if (vmx_ctl_adjust(m->entry, ENTRY_LOAD_PAT | ENTRY_LOAD_EFER, ENTRY_LOAD_DEBUG,
			   ENTRY_IA32E_GUEST | ENTRY_SMM | ENTRY_DUAL_MONITOR |
				   ENTRY_LOAD_PERF_GLOBAL,
			   &c->entry))
		return refuse(why, "the VM-entry controls cannot load EFER and PAT");
	c->debugctl_switched = (c->entry & ENTRY_LOAD_DEBUG) && (c->exit & EXIT_SAVE_DEBUG);
	c->clear_rtit_ctl = c->exit & EXIT_CLEAR_RTIT_CTL;
	c->clear_lbr_ctl = c->exit & EXIT_CLEAR_LBR_CTL;

	/*
	 * With unrestricted guest, CR0.PE and CR0.PG may be 0 in the guest
	 * whatever IA32_VMX_CR0_FIXED0 says (SDM 3C 27.3.1.1).
	 */
	c->cr0_guest_set = m->cr0_fixed0 & ~(CR0_PE_BIT | CR0_PG_BIT);
	c->cr4_guest_set = m->cr4_fixed0;
	if ((c->cr0_guest_set & ~m->cr0_fixed1) || (c->cr4_guest_set & ~m->cr4_fixed1))
		return refuse(why, "IA32_VMX_CR0/CR4_FIXED MSRs contradict each other");
	return 0;
}
