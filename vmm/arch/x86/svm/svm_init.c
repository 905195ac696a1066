/*
 * SVM detection and enabling (AMD APM vol. 2, 15.4 "Enabling SVM").
 * Sealvisor needs SVM and nested paging; without either it says so and
 * stops instead of running the guest unprotected.
 */
#include <arch/cpu.h>
#include <sv/console.h>
#include <sv/cpu.h>
#include <sv/mm.h>

#include "svm.h"

bool svm_has_nrips;

static int svm_probe(void)
{
	struct cpuid_regs r;

	cpuid_count(0, 0, &r);
	if (r.ebx != 0x68747541 || r.edx != 0x69746e65 || r.ecx != 0x444d4163) /* AuthenticAMD */
		return -SV_ENODEV;
	cpuid_count(0x80000000, 0, &r);
	if (r.eax < 0x8000000a) {
		sv_printf("AMD CPU without the SVM leaf 0x8000000A: no AMD-V\n");
		return -SV_ENODEV;
	}
	cpuid_count(0x80000001, 0, &r);
	if (!(r.ecx & (1u << 2))) {
		sv_printf("AMD CPU without SVM (AMD-V); under QEMU use -cpu max or -cpu host\n");
		return -SV_ENODEV;
	}
	if (rdmsr(MSR_VM_CR) & VM_CR_SVMDIS) {
		sv_printf("SVM is disabled by the firmware (VM_CR.SVMDIS); enable it in the BIOS setup\n");
		return -SV_ENODEV;
	}
	cpuid_count(0x8000000a, 0, &r);
	if (!(r.edx & 1u)) {
		sv_printf("SVM without nested paging (NPT): Sealvisor needs NPT to hide its memory\n");
		return -SV_ENODEV;
	}
	if (r.ebx < 2) {
		sv_printf("SVM reports fewer than 2 ASIDs\n");
		return -SV_ENODEV;
	}
	svm_has_nrips = r.edx & (1u << 3);
	return 0;
}

/* On each CPU: EFER.SVME and a host save area of its own (APM 2 15.30.4). */
static int svm_enable(void)
{
	if (rdmsr(MSR_VM_CR) & VM_CR_SVMDIS)
		return -SV_ENODEV;
	uint64_t hsave = palloc_page();

	if (!hsave)
		return -SV_ENOMEM;
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	wrmsr(MSR_VM_HSAVE_PA, hsave);
	/*
	 * R_INIT (APM 2 15.29): an INIT that reaches this CPU in host mode
	 * with GIF set (while a process runs, or in the NMI window) becomes
	 * #SX instead of a reset out of the VMM.  Not every CPU, nor QEMU,
	 * has it; the write is probed.
	 */
	bool r_init = wrmsr_safe(MSR_VM_CR, rdmsr(MSR_VM_CR) | VM_CR_R_INIT) == 0 &&
		      (rdmsr(MSR_VM_CR) & VM_CR_R_INIT);
	if (cpu_index() == 0 && svm_maps_init())
		return -SV_ENOMEM;
	if (cpu_index() == 0) {
		sv_printf("SVM on: nested paging, %s\n",
			  svm_has_nrips ? "next-RIP from the CPU (NRIPS)" : "no NRIPS: RIP advanced by the VMM");
		sv_printf("SVM: %s\n", r_init ? "INIT in host mode redirected to #SX (VM_CR.R_INIT)"
					   : "no VM_CR.R_INIT: an INIT from a device (I/O APIC, MSI) while the VMM "
					     "runs with GIF set would reset a CPU (docs/smp.md)");
	}
	return 0;
}

/*
 * GIF clear holds INIT, NMI and interrupts pending (APM 2 15.17): a held
 * CPU never takes an INIT, so a guest's SIPI finds it not waiting.
 */
static void svm_hold(bool enabled)
{
	if (enabled)
		__asm__ volatile("clgi" ::: "memory");
}

static int svm_trap_page(uint64_t gpa)
{
	return svm_npt_trap(gpa);
}

const struct sv_vcpu_ops svm_ops = {
	.name = "AMD SVM",
	.id = 1,
	.probe = svm_probe,
	.enable = svm_enable,
	.build_npt = svm_build_npt,
	.trap_page = svm_trap_page,
	.vcpu_init = svm_vcpu_init,
	.vcpu_init_ap = svm_vcpu_init_ap,
	.vcpu_init_signal = svm_vcpu_init_signal,
	.vcpu_sipi = svm_vcpu_sipi,
	.hw_sipi = false,
	.hold = svm_hold,
	.run = svm_run,
	.inject_exception = svm_inject_exception,
	.get_paging = svm_get_paging,
	.queue_event = svm_queue_event,
	.host_irq_window = svm_host_irq_window,
};
