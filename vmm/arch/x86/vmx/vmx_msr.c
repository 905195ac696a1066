/*
 * The MSRs VMX must keep from the guest (SDM 3C 25.6.9 "MSR-bitmap
 * address").  CPUID hides VMX from the guest (guest/cpuid.c), so the MSRs
 * behave as on a CPU without VMX: the capability MSRs 0x480-0x493 do not
 * exist (#GP, by common code), and IA32_FEATURE_CONTROL reads as locked
 * with VMX and SENTER off, so a guest neither tries VMXON nor writes it.
 * EFER, PAT, the SYSENTER MSRs and FS/GS base are switched by the VMCS
 * and pass through like everything else.
 */
#include <arch/cpu.h>

#include "vmx.h"

bool vmx_trap_apic_msrs;

/* Write exits only (the write-low half of the bitmap). */
static void bitmap_set_write(uint8_t *bm, uint32_t msr)
{
	bm[2048 + msr / 8] |= (uint8_t)(1u << (msr % 8));
}

/* MSR bitmap layout: read-low, read-high, write-low, write-high, 1 KiB each. */
static void bitmap_set(uint8_t *bm, uint32_t msr)
{
	uint32_t off;

	if (msr <= 0x1fff)
		off = 0;
	else if (msr >= 0xc0000000 && msr <= 0xc0001fff)
		off = 1024, msr -= 0xc0000000;
	else
		return; /* MSRs outside both ranges always exit (SDM 3C 26.1.3) */
	bm[off + msr / 8] |= (uint8_t)(1u << (msr % 8));
	bm[off + 2048 + msr / 8] |= (uint8_t)(1u << (msr % 8));
}

void vmx_msr_bitmap_init(uint8_t *bitmap)
{
	bitmap_set(bitmap, MSR_FEATURE_CONTROL);
	for (uint32_t m = MSR_VMX_FIRST; m <= MSR_VMX_LAST; m++)
		bitmap_set(bitmap, m);
	/* Only when some CPU is not under the VMM (guest/apic.c filters INIT/SIPI then). */
	if (vmx_trap_apic_msrs) {
		bitmap_set_write(bitmap, 0x830); /* x2APIC ICR */
		bitmap_set_write(bitmap, 0x1b);  /* APIC base */
	}
}

bool vmx_msr_exit(struct sv_vcpu *v, bool write)
{
	uint32_t msr = (uint32_t)v->regs.rcx;

	if (msr != MSR_FEATURE_CONTROL || write)
		return false; /* common code: #GP */
	uint64_t val = (rdmsr(MSR_FEATURE_CONTROL) |
			FEATURE_CONTROL_LOCK) & ~(FEATURE_CONTROL_VMX | FEATURE_CONTROL_VMX_SMX |
						  FEATURE_CONTROL_SENTER);
	v->regs.rax = (uint32_t)val;
	v->regs.rdx = val >> 32;
	return true;
}
