/*
 * The MSRs an AMD guest reads or writes natively, and why each is safe.
 * Everything else is intercepted: emulated where the guest needs a value
 * (svm_msr.c, guest/msr.c; the list is in docs/cpu-state.md) and #GP
 * otherwise, so a new MSR on a new CPU is the guest's only when a line is
 * added here.  Portable: test/unit/msr builds this file and checks that
 * the permission map it makes says exactly what the table says.
 *
 * Performance counters are not the guest's.  PERF_CTL/PERF_CTR
 * (0xc0010000-7, 0xc0010200-b), the northbridge and L2 counters, IBS
 * (0xc0011030-0xc001103a, which samples linear and physical addresses of
 * whatever runs, the VMM's processes included) and the instructions-
 * retired counter are intercepted (#GP) and their CPUID bits hidden
 * (guest/cpuid.c).  Giving the guest `perf` would mean switching every
 * counter and control on each #VMEXIT and VMRUN (about 14 MSR writes each
 * way on Zen, a few hundred cycles per exit, with the VMM's own events
 * then attributed to nobody) and keeping IBS off while the VMM runs; the
 * VMM does not do that today (docs/cpu-state.md).
 */
#include "fsstring.h"
#include "svm_msr_table.h"

const struct msr_pass svm_msr_pass[] = {
	{ 0x10, 0x10, MSR_PASS_RW, "TSC: the guest's clock; the VMM only takes differences on one CPU, so moving it bends only the guest's own calls" },
	{ 0x1b, 0x1b, MSR_PASS_R, "APIC base: reading is harmless; writes go to guest/apic.c, which keeps the xAPIC page where its trap is" },
	{ 0x48, 0x48, MSR_PASS_RW, "SPEC_CTRL: the guest's speculation controls; the VMM sets its own value after every #VMEXIT (arch/x86/spec*.c)" },
	{ 0x49, 0x49, MSR_PASS_W, "PRED_CMD: a write-only barrier (IBPB); it can only make the CPU safer" },
	{ 0x8b, 0x8b, MSR_PASS_R, "PATCH_LEVEL: the microcode revision, read-only" },
	{ 0xe7, 0xe8, MSR_PASS_RW, "MPERF/APERF: free-running clock counters for the guest's frequency estimate; the VMM never reads them" },
	{ 0x174, 0x176, MSR_PASS_RW, "SYSENTER_CS/ESP/EIP: VMLOAD/VMSAVE switch them (APM 2 15.5.2)" },
	{ 0x179, 0x179, MSR_PASS_R, "MCG_CAP: machine-check capabilities, read-only" },
	{ 0x17a, 0x17b, MSR_PASS_RW, "MCG_STATUS/MCG_CTL: machine checks are the guest's to handle; the VMM takes none" },
	{ 0x400, 0x47f, MSR_PASS_RW, "MCi_CTL/STATUS/ADDR/MISC: the machine-check banks, the guest's (STATUS takes non-zero only with HWCR.McStatusWrEn, which the guest cannot set)" },
	{ 0x6e0, 0x6e0, MSR_PASS_RW, "TSC_DEADLINE: the guest's LAPIC timer (emulators offer it on AMD models)" },
	{ 0x800, 0x82e, MSR_PASS_RW, "x2APIC ID, TPR, EOI, LDR, SVR, ISR/TMR/IRR, ESR: the guest's own LAPIC" },
	{ 0x82f, 0x82f, MSR_PASS_R, "x2APIC LVT CMCI: writes go to guest/apic.c, which refuses INIT and SMI delivery" },
	{ 0x830, 0x830, MSR_PASS_R, "x2APIC ICR: writes go to guest/apic.c, since INIT and SIPI are the VMM's on SVM" },
	{ 0x831, 0x832, MSR_PASS_RW, "x2APIC LVT timer: a fixed vector to the guest" },
	{ 0x833, 0x837, MSR_PASS_R, "x2APIC LVT thermal, PMC, LINT0, LINT1, error: writes go to guest/apic.c, which refuses INIT and SMI delivery" },
	{ 0x838, 0x83f, MSR_PASS_RW, "x2APIC timer counts, divide, self-IPI (fixed vectors only): the guest's own LAPIC; AMD's extended APIC registers above exit to guest/msr.c, which filters their LVTs" },
	{ 0xc0000081, 0xc0000084, MSR_PASS_RW, "STAR/LSTAR/CSTAR/SFMASK: VMLOAD/VMSAVE switch them (APM 2 15.5.2)" },
	{ 0xc0000100, 0xc0000102, MSR_PASS_RW, "FS/GS/KERNEL_GS base: VMRUN and VMLOAD/VMSAVE switch them; written on every guest context switch" },
	{ 0xc0000103, 0xc0000103, MSR_PASS_RW, "TSC_AUX: read by the guest's RDTSCP/RDPID; the VMM executes neither" },
	{ 0xc0010061, 0xc0010061, MSR_PASS_R, "P-state current limit: read-only power information" },
	{ 0xc0010062, 0xc0010062, MSR_PASS_RW, "P-state control: the guest's cpufreq requests change the speed only" },
	{ 0xc0010063, 0xc001006b, MSR_PASS_R, "P-state status and definitions: read-only power information" },
	{ 0xc0010140, 0xc0010141, MSR_PASS_R, "OSVW: errata information for the guest's workarounds, read-only" },
	{ 0xc00102b0, 0xc00102b4, MSR_PASS_RW, "CPPC: the guest's amd-pstate requests change the speed only" },
};
const unsigned int svm_msr_npass = sizeof(svm_msr_pass) / sizeof(svm_msr_pass[0]);

/* MSRPM: 2 bits per MSR (read, write), three 2 KiB ranges (APM 2 15.11). */
static bool msrpm_pos(uint32_t msr, uint32_t *byte, unsigned int *shift)
{
	uint32_t off;

	if (msr <= MSR_RANGE0_LAST)
		off = 0;
	else if (msr >= MSR_RANGE1_FIRST && msr <= MSR_RANGE1_LAST)
		off = 0x800, msr -= MSR_RANGE1_FIRST;
	else if (msr >= MSR_RANGE2_FIRST && msr <= MSR_RANGE2_LAST)
		off = 0x1000, msr -= MSR_RANGE2_FIRST;
	else
		return false; /* MSRs outside the three ranges always exit */
	*byte = off + msr / 4;
	*shift = (msr % 4) * 2;
	return true;
}

void svm_msrpm_intercept(uint8_t *pm, uint32_t msr, unsigned int access)
{
	uint32_t byte;
	unsigned int shift;

	if (msrpm_pos(msr, &byte, &shift))
		pm[byte] |= (uint8_t)((((access & MSR_PASS_R) ? 1u : 0u) | ((access & MSR_PASS_W) ? 2u : 0u))
				      << shift);
}

void svm_msrpm_build(uint8_t *pm)
{
	memset(pm, 0xff, SVM_MSRPM_SIZE);
	for (unsigned int i = 0; i < svm_msr_npass; i++) {
		for (uint32_t m = svm_msr_pass[i].first;; m++) {
			uint32_t byte;
			unsigned int shift;
			unsigned int a = svm_msr_pass[i].access;
			if (msrpm_pos(m, &byte, &shift))
				pm[byte] &= (uint8_t)~((((a & MSR_PASS_R) ? 1u : 0u) | ((a & MSR_PASS_W) ? 2u : 0u))
						       << shift);
			if (m == svm_msr_pass[i].last)
				break;
		}
	}
}
