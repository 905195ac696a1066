/*
 * The MSRs an Intel guest reads or writes natively, and why each is safe.
 * Everything else is intercepted: emulated where the guest needs a value
 * (vmx_msr.c, guest/msr.c; the list is in docs/cpu-state.md) and #GP
 * otherwise.  MSRs outside 0-0x1fff and 0xc0000000-0xc0001fff always
 * exit (SDM 3C 26.1.3), so nothing of the AMD range may appear here.
 * Portable: test/unit/msr builds this file and checks the bitmap it
 * makes against the table.
 *
 * Tracing, branch records and performance counters are not the guest's.
 * Intel PT (RTIT_*, 0x560-0x58x) would write trace packets, and PTWRITE
 * values, to host-physical addresses of the guest's choosing and record
 * the VMM's branches; DS_AREA/PEBS_ENABLE would have the CPU write PEBS
 * and BTS records through the VMM's page tables; PERF_GLOBAL_CTRL, the
 * counters and their event selects would count the VMM's and processes'
 * events; arch LBR (0x14ce, 0x1500-0x16ff) and legacy LBRs would record
 * VMM branches.  All of them are intercepted (#GP) and hidden in CPUID
 * (guest/cpuid.c: leaf 0xA, 7.EBX[25] and leaf 0x14, 7.EDX[19] and leaf
 * 0x1c, PDCM, DS, DS-CPL, DTES64).  Giving the guest `perf` would cost
 * PERF_GLOBAL_CTRL switching through the VM-entry/-exit "load
 * IA32_PERF_GLOBAL_CTRL" controls (cheap where they exist), PEBS and
 * DS_AREA switched through the MSR-load lists (two more MSR writes per
 * exit and entry), the counters themselves saved and restored around
 * every process call, and RTIT_CTL and LBR_CTL cleared on exit with the
 * controls below; none of that exists today (docs/cpu-state.md).
 */
#include "fsstring.h"
#include "vmx_msr_table.h"

const struct msr_pass vmx_msr_pass[] = {
	{ 0x10, 0x10, MSR_PASS_RW, "TSC: the guest's clock; the VMM only takes differences on one CPU, so moving it bends only the guest's own calls" },
	{ 0x1b, 0x1b, MSR_PASS_R, "APIC base: reading is harmless; writes go to guest/apic.c, so the APIC page cannot be moved over VMM memory unchecked" },
	{ 0x3b, 0x3b, MSR_PASS_RW, "TSC_ADJUST: the guest's clock, as the TSC" },
	{ 0x48, 0x48, MSR_PASS_RW, "SPEC_CTRL: the guest's speculation controls; the VMM sets its own value after every VM exit (arch/x86/spec*.c)" },
	{ 0x49, 0x49, MSR_PASS_W, "PRED_CMD: a write-only barrier (IBPB); it can only make the CPU safer" },
	{ 0x8b, 0x8b, MSR_PASS_RW, "BIOS_SIGN_ID: the microcode revision; the guest writes 0 and runs CPUID to read it (SDM 3A 10.11.7.1)" },
	{ 0xe1, 0xe1, MSR_PASS_RW, "UMWAIT_CONTROL: limits of the guest's UMWAIT/TPAUSE; the VMM executes neither" },
	{ 0xe2, 0xe2, MSR_PASS_R, "PKG_CST_CONFIG_CONTROL: C-state limits, read by intel_idle" },
	{ 0xe7, 0xe8, MSR_PASS_RW, "MPERF/APERF: free-running clock counters for the guest's frequency estimate; the VMM never reads them" },
	{ 0x10b, 0x10b, MSR_PASS_W, "FLUSH_CMD: a write-only barrier (L1D flush); it can only make the CPU safer" },
	{ 0x174, 0x176, MSR_PASS_RW, "SYSENTER_CS/ESP/EIP: the VMCS switches them (SDM 3C 25.4.2, 28.5.1)" },
	{ 0x179, 0x179, MSR_PASS_R, "MCG_CAP: machine-check capabilities, read-only" },
	{ 0x17a, 0x17b, MSR_PASS_RW, "MCG_STATUS/MCG_CTL: machine checks are the guest's to handle; the VMM takes none" },
	{ 0x198, 0x198, MSR_PASS_R, "PERF_STATUS: the current P-state, read-only" },
	{ 0x199, 0x19c, MSR_PASS_RW, "PERF_CTL, CLOCK_MODULATION, THERM_INTERRUPT/STATUS: power and thermal control change the speed only" },
	{ 0x1a2, 0x1a2, MSR_PASS_R, "TEMPERATURE_TARGET: read-only thermal information" },
	{ 0x1ad, 0x1ad, MSR_PASS_R, "TURBO_RATIO_LIMIT: read-only frequency information" },
	{ 0x1b0, 0x1b2, MSR_PASS_RW, "ENERGY_PERF_BIAS, PACKAGE_THERM_STATUS/INTERRUPT: power and thermal control change the speed only" },
	{ 0x1fc, 0x1fc, MSR_PASS_RW, "POWER_CTL: C1E promotion, power only" },
	{ 0x277, 0x277, MSR_PASS_RW, "PAT: the VMCS loads and saves it (load/save IA32_PAT, required by vmx_caps.c)" },
	{ 0x280, 0x29f, MSR_PASS_RW, "MCi_CTL2: the machine-check banks' CMCI thresholds, the guest's" },
	{ 0x400, 0x47f, MSR_PASS_RW, "MCi_CTL/STATUS/ADDR/MISC: the machine-check banks, the guest's" },
	{ 0x4d0, 0x4d0, MSR_PASS_RW, "MCG_EXT_CTL: local machine-check delivery, the guest's as the banks" },
	{ 0x6e0, 0x6e0, MSR_PASS_RW, "TSC_DEADLINE: the guest's LAPIC timer" },
	{ 0x770, 0x777, MSR_PASS_RW, "HWP: the guest's intel_pstate requests change the speed only" },
	{ 0x800, 0x8ff, MSR_PASS_RW, "x2APIC: the guest's own LAPIC; VMX turns INIT into an exit and SIPI waits in the VMM's wait-for-SIPI (filter mode adds ICR and APIC-base write exits)" },
	{ 0xc0000080, 0xc0000080, MSR_PASS_RW, "EFER: the VMCS loads and saves it (load/save IA32_EFER, required by vmx_caps.c)" },
	{ 0xc0000081, 0xc0000084, MSR_PASS_RW, "STAR/LSTAR/CSTAR/SFMASK: not switched, but every exit loads the VMM's EFER with SCE clear, so SYSCALL never uses them in the VMM" },
	{ 0xc0000100, 0xc0000101, MSR_PASS_RW, "FS/GS base: the VMCS switches them" },
	{ 0xc0000102, 0xc0000102, MSR_PASS_RW, "KERNEL_GS_BASE: not switched; only SWAPGS uses it and the VMM never executes SWAPGS" },
	{ 0xc0000103, 0xc0000103, MSR_PASS_RW, "TSC_AUX: read by the guest's RDTSCP/RDPID; the VMM executes neither" },
};
const unsigned int vmx_msr_npass = sizeof(vmx_msr_pass) / sizeof(vmx_msr_pass[0]);

/* Read-low, read-high, write-low, write-high, 1 KiB each (SDM 3C 25.6.9). */
static bool bitmap_pos(uint32_t msr, uint32_t *byte, unsigned int *bit)
{
	uint32_t off;

	if (msr <= MSR_RANGE0_LAST)
		off = 0;
	else if (msr >= MSR_RANGE1_FIRST && msr <= MSR_RANGE1_LAST)
		off = 1024, msr -= MSR_RANGE1_FIRST;
	else
		return false;
	*byte = off + msr / 8;
	*bit = msr % 8;
	return true;
}

void vmx_msr_bitmap_intercept(uint8_t *bm, uint32_t msr, unsigned int access)
{
	uint32_t byte;
	unsigned int bit;

	if (!bitmap_pos(msr, &byte, &bit))
		return;
	if (access & MSR_PASS_R)
		bm[byte] |= (uint8_t)(1u << bit);
	if (access & MSR_PASS_W)
		bm[2048 + byte] |= (uint8_t)(1u << bit);
}

void vmx_msr_bitmap_build(uint8_t *bm)
{
	memset(bm, 0xff, VMX_MSR_BITMAP_SIZE);
	for (unsigned int i = 0; i < vmx_msr_npass; i++) {
		for (uint32_t m = vmx_msr_pass[i].first;; m++) {
			uint32_t byte;
			unsigned int bit;
			if (bitmap_pos(m, &byte, &bit)) {
				if (vmx_msr_pass[i].access & MSR_PASS_R)
					bm[byte] &= (uint8_t)~(1u << bit);
				if (vmx_msr_pass[i].access & MSR_PASS_W)
					bm[2048 + byte] &= (uint8_t)~(1u << bit);
			}
			if (m == vmx_msr_pass[i].last)
				break;
		}
	}
}
