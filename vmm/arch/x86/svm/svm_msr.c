/*
 * The MSRs SVM must keep from the guest (APM 2 15.10 MSR intercepts):
 * EFER, because VMRUN requires the guest's EFER.SVME set while the guest
 * must believe it is clear; VM_HSAVE_PA and VM_CR, which would reveal SVM
 * or let the guest break it.  Everything else passes through.
 */
#include <arch/cpu.h>
#include <arch/lapic.h>

#include "svm.h"

/* SCE, LME, LMA, NXE, LMSLE, FFXSR, TCE (APM 2 3.1.7). */
#define EFER_WRITABLE 0xfd01ULL

/* MSRPM: 2 bits per MSR (read, write), three 2 KiB ranges (APM 2 15.11). */
static void msrpm_bits(uint8_t *pm, uint32_t msr, unsigned int bits)
{
	uint32_t off;

	if (msr <= 0x1fff)
		off = 0;
	else if (msr >= 0xc0000000 && msr <= 0xc0001fff)
		off = 0x800, msr -= 0xc0000000;
	else
		off = 0x1000, msr -= 0xc0010000;
	pm[off + msr / 4] |= (uint8_t)(bits << ((msr % 4) * 2));
}

int svm_msrpm_init(uint8_t *msrpm)
{
	msrpm_bits(msrpm, MSR_EFER, 3);
	msrpm_bits(msrpm, MSR_VM_CR, 3);
	msrpm_bits(msrpm, MSR_VM_HSAVE_PA, 3);
	/*
	 * Writes only, for guest/apic.c: the x2APIC ICR (INIT and SIPI are
	 * the VMM's on SVM) and the APIC base (the trapped xAPIC page must
	 * stay where the ICR writes are caught).
	 */
	msrpm_bits(msrpm, MSR_X2APIC_ICR, 2);
	msrpm_bits(msrpm, MSR_APIC_BASE, 2);
	/* The x2APIC LVTs that could deliver INIT or SMI (CMCI, thermal .. error). */
	msrpm_bits(msrpm, 0x82f, 2);
	for (uint32_t m = 0x833; m <= 0x837; m++)
		msrpm_bits(msrpm, m, 2);
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
	case MSR_VM_HSAVE_PA:
		return false; /* #GP for reads and writes alike */
	default:
		return false;
	}
	if (!write) {
		v->regs.rax = (uint32_t)val;
		v->regs.rdx = val >> 32;
	}
	return true;
}
