/*
 * The intercepted MSRs only SVM answers (APM 2 15.10 "MSR intercepts").
 * svm_msr_table.c says what passes through; the map starts with every
 * MSR intercepted.  Here: EFER, because VMRUN requires the guest's
 * EFER.SVME set while the guest must believe it is clear; VM_HSAVE_PA and
 * VM_CR, which would reveal SVM or let the guest break it; PAT, whose
 * guest copy is the VMCB's G_PAT; DEBUGCTL, which LBR virtualization
 * switches where the CPU has it.  Everything else goes on to common code
 * (guest/msr.c): emulated or #GP.
 */
#include <arch/cpu.h>
#include <sv/msr.h>

#include "svm.h"
#include "svm_msr_table.h"

/*
 * The EFER bits a guest may write (APM 2 3.1.7): SCE, LME and LMA always;
 * the others only where this CPU has them, since VMRUN refuses a VMCB
 * whose EFER holds a bit the CPU does not implement, and a failed VMRUN
 * would cost the VMM this CPU.  SVME is the VMM's (the guest sees no SVM).
 */
#define EFER_LMSLE (1ULL << 13)
#define EFER_FFXSR (1ULL << 14)
#define EFER_TCE (1ULL << 15)
#define EFER_AIBRSE (1ULL << 21)

static uint64_t efer_writable(void)
{
	struct cpuid_regs e1, e8, e21 = { 0 };
	uint64_t m = EFER_SCE | EFER_LME | EFER_LMA;

	cpuid_count(0x80000000, 0, &e1);
	uint32_t max = e1.eax;
	cpuid_count(0x80000001, 0, &e1);
	if (e1.edx & (1u << 20))
		m |= EFER_NXE;
	if (e1.edx & (1u << 25))
		m |= EFER_FFXSR;
	if (e1.ecx & (1u << 17))
		m |= EFER_TCE;
	cpuid_count(0x80000008, 0, &e8);
	if (!(e8.ebx & (1u << 20))) /* EferLmsleUnsupported */
		m |= EFER_LMSLE;
	if (max >= 0x80000021)
		cpuid_count(0x80000021, 0, &e21);
	if (e21.eax & (1u << 8)) /* Automatic IBRS: the guest's own, VMRUN switches EFER */
		m |= EFER_AIBRSE;
	return m;
}

int svm_msrpm_init(uint8_t *msrpm)
{
	svm_msrpm_build(msrpm);
	return 0;
}

bool svm_msr_exit(struct sv_vcpu *v, struct svm_vcpu *s, bool write)
{
	uint32_t msr = (uint32_t)v->regs.rcx;
	uint64_t val = (v->regs.rdx << 32) | (uint32_t)v->regs.rax;

	switch (msr) {
	case MSR_EFER:
		if (write) {
			/*
			 * SVME stays set underneath; the guest's own bit and
			 * reserved bits get #GP as on bare metal.  LMA is the
			 * CPU's to set, so a write keeps the current value.
			 */
			uint64_t cur = s->vmcb->save.efer;
			if (val & ~efer_writable())
				return false;
			/* LME changes only with paging off (APM 2 14.6.1): else #GP. */
			if (((val ^ cur) & EFER_LME) && (s->vmcb->save.cr0 & CR0_PG))
				return false;
			s->vmcb->save.efer = (val & ~EFER_LMA) | (cur & EFER_LMA) | EFER_SVME;
		} else {
			val = s->vmcb->save.efer & ~EFER_SVME;
		}
		break;
	case MSR_VM_CR:
		if (write)
			return false;
		val = VM_CR_SVMDIS; /* "SVM disabled by firmware": nothing to see */
		break;
	case MSR_PAT:
		/* With nested paging the guest's PAT is G_PAT (APM 2 15.25.8). */
		if (write) {
			if (!msr_pat_ok(val))
				return false;
			s->vmcb->save.g_pat = val;
		} else {
			val = s->vmcb->save.g_pat;
		}
		break;
	case MSR_DEBUGCTL:
		/*
		 * BTF only (msr_debugctl_ok).  With LBR virtualization VMRUN
		 * loads the VMCB's DBGCTL and #VMEXIT restores the VMM's
		 * (APM 2 15.23); without it the value is a shadow that never
		 * reaches the hardware.
		 */
		if (write) {
			if (!msr_debugctl_ok(val))
				return false;
			if (svm_has_lbrv)
				s->vmcb->save.dbgctl = val;
			s->debugctl = val;
		} else {
			val = svm_has_lbrv ? s->vmcb->save.dbgctl : s->debugctl;
		}
		break;
	default:
		return false; /* VM_HSAVE_PA and the rest: common code */
	}
	if (!write) {
		v->regs.rax = (uint32_t)val;
		v->regs.rdx = val >> 32;
	}
	return true;
}
