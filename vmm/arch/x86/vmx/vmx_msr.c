/*
 * The intercepted MSRs only VMX answers (SDM 3C 25.6.9 "MSR-bitmap
 * address").  vmx_msr_table.c says what passes through; the bitmap starts
 * with every MSR intercepted.  CPUID hides VMX from the guest
 * (guest/cpuid.c), so the MSRs behave as on a CPU without VMX: the
 * capability MSRs 0x480-0x493 do not exist (#GP, by common code), and
 * IA32_FEATURE_CONTROL reads as locked with VMX and SENTER off, so a
 * guest neither tries VMXON nor writes it.  DEBUGCTL lives in the VMCS
 * where the load/save debug controls exist.  Everything else goes on to
 * common code (guest/msr.c): emulated or #GP.
 */
#include <arch/cpu.h>
#include <sv/msr.h>

#include "vmx.h"
#include "vmx_msr_table.h"

bool vmx_trap_apic_msrs;

void vmx_msr_bitmap_init(uint8_t *bitmap)
{
	vmx_msr_bitmap_build(bitmap);
	/* Only when some CPU is not under the VMM (guest/apic.c filters INIT/SIPI then). */
	if (vmx_trap_apic_msrs)
		vmx_msr_bitmap_intercept(bitmap, 0x830, MSR_PASS_W); /* x2APIC ICR */
}

static bool debugctl(struct sv_vcpu *v, bool write, uint64_t *val)
{
	struct vmx_vcpu *x = v->vendor;

	if (write) {
		if (!msr_debugctl_ok(*val))
			return false;
		if (vmx_cfg.debugctl_switched)
			vmwrite(GUEST_DEBUGCTL, *val);
		x->debugctl = *val;
	} else {
		*val = vmx_cfg.debugctl_switched ? vmread(GUEST_DEBUGCTL) : x->debugctl;
	}
	return true;
}

bool vmx_msr_exit(struct sv_vcpu *v, bool write)
{
	uint32_t msr = (uint32_t)v->regs.rcx;
	uint64_t val = (v->regs.rdx << 32) | (uint32_t)v->regs.rax;

	if (msr == MSR_DEBUGCTL) {
		if (!debugctl(v, write, &val))
			return false; /* common code: #GP */
	} else if (msr == MSR_FEATURE_CONTROL && !write) {
		val = (rdmsr(MSR_FEATURE_CONTROL) | FEATURE_CONTROL_LOCK) &
		      ~(FEATURE_CONTROL_VMX | FEATURE_CONTROL_VMX_SMX | FEATURE_CONTROL_SENTER);
	} else {
		return false; /* common code: emulated or #GP */
	}
	if (!write) {
		v->regs.rax = (uint32_t)val;
		v->regs.rdx = val >> 32;
	}
	return true;
}
