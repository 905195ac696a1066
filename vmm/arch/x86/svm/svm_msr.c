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

/* SCE, LME, LMA, NXE, LMSLE, FFXSR, TCE (APM 2 3.1.7). */
#define EFER_WRITABLE 0xfd01ULL

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
			if (val & ~EFER_WRITABLE)
				return false;
			uint64_t cur = s->vmcb->save.efer;
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
