/*
 * The system-call MSRs the VMM runs with; see include/arch/sysmsr.h.
 * AMD APM 2 6.1.1 (SYSCALL/SYSRET), Intel SDM 3A 5.8.7 (SYSENTER) and
 * 5.8.8 (SYSCALL in 64-bit mode).
 */
#include <arch/cpu.h>
#include <arch/sysmsr.h>
#include <sv/console.h>

void sysmsr_init_cpu(bool say)
{
	static const struct {
		uint32_t msr;
		uint64_t value;
	} vals[] = {
		{ MSR_STAR, SYSMSR_STAR },
		{ MSR_LSTAR, SYSMSR_LSTAR },
		{ MSR_SFMASK, SYSMSR_SFMASK },
		{ MSR_SYSENTER_CS, SYSMSR_SYSENTER_CS },
		{ MSR_SYSENTER_ESP, SYSMSR_SYSENTER_ESP },
		{ MSR_SYSENTER_EIP, SYSMSR_SYSENTER_EIP },
		/* Intel has no 32-bit SYSCALL; some Intel CPUs refuse CSTAR writes. */
		{ MSR_CSTAR, SYSMSR_CSTAR },
	};
	uint64_t efer = rdmsr(MSR_EFER);
	unsigned int refused = 0;

	if (efer & EFER_SCE)
		wrmsr(MSR_EFER, efer & ~EFER_SCE);
	for (size_t i = 0; i < ARRAY_SIZE(vals); i++) {
		if (wrmsr_safe(vals[i].msr, vals[i].value) && vals[i].msr != MSR_CSTAR)
			refused++;
	}
	if (say)
		sv_printf("syscall/sysenter: off in the VMM (EFER.SCE clear%s, SYSENTER_CS 0)%s\n",
			  efer & EFER_SCE ? ", firmware had set it" : "",
			  refused ? "; the CPU refused some of the syscall MSRs" : "");
}
