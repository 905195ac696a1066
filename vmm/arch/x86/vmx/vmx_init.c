/*
 * VMX detection and enabling (Intel SDM vol. 3C 24.6 "Discovering support
 * for VMX", 24.7 "Enabling and entering VMX operation", 24.8 "Restrictions
 * on VMX operation").  Sealvisor needs EPT (to hide its memory) and
 * unrestricted guest (to start the guest with paging off); a CPU without
 * them is told so on the console instead of running the guest unprotected.
 */
#include <arch/cpu.h>
#include <sv/console.h>
#include <sv/cpu.h>
#include <sv/mm.h>

#include "vmx.h"

struct vmx_config vmx_cfg;
struct vmx_cap_msrs vmx_msrs;

static bool cpu_is_amd(void)
{
	struct cpuid_regs r;

	cpuid_count(0, 0, &r);
	return (r.ebx == 0x68747541 && r.edx == 0x69746e65 && r.ecx == 0x444d4163) || /* AuthenticAMD */
	       (r.ebx == 0x6f677948 && r.edx == 0x6e65476e && r.ecx == 0x656e6975);   /* HygonGenuine */
}

static void read_caps(struct vmx_cap_msrs *m)
{
	m->basic = rdmsr(MSR_VMX_BASIC);
	m->pin = rdmsr(vmx_ctl_msr(m->basic, MSR_VMX_PINBASED));
	m->proc = rdmsr(vmx_ctl_msr(m->basic, MSR_VMX_PROCBASED));
	m->exit = rdmsr(vmx_ctl_msr(m->basic, MSR_VMX_EXIT));
	m->entry = rdmsr(vmx_ctl_msr(m->basic, MSR_VMX_ENTRY));
	m->cr0_fixed0 = rdmsr(MSR_VMX_CR0_FIXED0);
	m->cr0_fixed1 = rdmsr(MSR_VMX_CR0_FIXED1);
	m->cr4_fixed0 = rdmsr(MSR_VMX_CR4_FIXED0);
	m->cr4_fixed1 = rdmsr(MSR_VMX_CR4_FIXED1);
	/* SDM 3D A.3.3: 0x48b exists only when secondary controls may be 1. */
	m->proc2 = (m->proc >> 32 & PROC_SECONDARY) ? rdmsr(MSR_VMX_PROCBASED2) : 0;
	/* SDM 3D A.10: 0x48c exists only when EPT or VPID may be 1. */
	m->ept_vpid = (m->proc2 >> 32 & (PROC2_EPT | PROC2_VPID)) ? rdmsr(MSR_VMX_EPT_VPID_CAP) : 0;
}

static int vmx_probe(void)
{
	struct cpuid_regs r;
	const char *why;

	cpuid_count(1, 0, &r);
	if (!(r.ecx & (1u << 5))) {
		/* On AMD the SVM probe has already said what is missing. */
		if (!cpu_is_amd())
			sv_printf("CPU without VMX (Intel VT-x) in CPUID: enable VT-x in the firmware setup; "
				  "under KVM use -cpu host with kvm_intel nested=1\n");
		return -SV_ENODEV;
	}
	uint64_t fc = rdmsr(MSR_FEATURE_CONTROL);
	if ((fc & FEATURE_CONTROL_LOCK) && !(fc & FEATURE_CONTROL_VMX)) {
		sv_printf("VMX is disabled by the firmware (IA32_FEATURE_CONTROL locked with VMX off); "
			  "enable Intel VT-x in the BIOS setup\n");
		return -SV_ENODEV;
	}
	read_caps(&vmx_msrs);
	sv_printf("VMX capabilities: basic %lx pin %lx proc %lx proc2 %lx exit %lx entry %lx\n",
		  (unsigned long)vmx_msrs.basic, (unsigned long)vmx_msrs.pin,
		  (unsigned long)vmx_msrs.proc, (unsigned long)vmx_msrs.proc2,
		  (unsigned long)vmx_msrs.exit, (unsigned long)vmx_msrs.entry);
	sv_printf("VMX capabilities: ept/vpid %lx cr0 %lx/%lx cr4 %lx/%lx\n",
		  (unsigned long)vmx_msrs.ept_vpid, (unsigned long)vmx_msrs.cr0_fixed0,
		  (unsigned long)vmx_msrs.cr0_fixed1, (unsigned long)vmx_msrs.cr4_fixed0,
		  (unsigned long)vmx_msrs.cr4_fixed1);
	if (vmx_config_choose(&vmx_msrs, &vmx_cfg, &why)) {
		sv_printf("%s\n", why);
		return -SV_ENODEV;
	}
	return 0;
}

static int vmx_enable(void)
{
	uint64_t fc = rdmsr(MSR_FEATURE_CONTROL);

	/* SDM 3C 24.7: unlocked firmware leaves the choice to us; enable and lock. */
	if (!(fc & FEATURE_CONTROL_LOCK))
		wrmsr(MSR_FEATURE_CONTROL, fc | FEATURE_CONTROL_VMX | FEATURE_CONTROL_LOCK);

	/* SDM 3C 24.8: CR0 and CR4 must obey the FIXED MSRs before VMXON. */
	uint64_t cr0 = read_cr0(), cr4 = read_cr4() | CR4_VMXE;
	uint64_t cr0_fixed = vmx_cr_fix(cr0, vmx_msrs.cr0_fixed0, vmx_msrs.cr0_fixed1);
	uint64_t cr4_fixed = vmx_cr_fix(cr4, vmx_msrs.cr4_fixed0, vmx_msrs.cr4_fixed1);
	if ((cr0_fixed & (CR0_PE | CR0_PG)) != (cr0 & (CR0_PE | CR0_PG)) || !(cr4_fixed & CR4_VMXE)) {
		sv_printf("VMX: CR0 %lx / CR4 %lx cannot meet the VMX fixed bits\n",
			  (unsigned long)cr0, (unsigned long)cr4);
		return -SV_ENODEV;
	}
	write_cr0(cr0_fixed);
	write_cr4(cr4_fixed);

	uint64_t region = palloc_page();
	if (!region)
		return -SV_ENOMEM;
	/* SDM 3C 25.11.5: the VMXON region starts with the VMCS revision identifier. */
	*(uint32_t *)phys_to_virt(region) = vmx_cfg.revision;
	if (!vmxon(region)) {
		sv_printf("VMX: VMXON failed (feature control %lx)\n",
			  (unsigned long)rdmsr(MSR_FEATURE_CONTROL));
		return -SV_ENODEV;
	}
	if (cpu_index() == 0)
		sv_printf("VMX on: EPT%s, unrestricted guest, %s\n", vmx_cfg.ept_1g ? " with 1 GiB pages" : "",
			  vmx_cfg.vpid ? "VPID" : "no VPID");
	return 0;
}

static void vmx_trap_apic_msr_writes(void)
{
	vmx_trap_apic_msrs = true;
	vmx_msr_bitmaps_refresh();
}

const struct sv_vcpu_ops vmx_ops = {
	.name = "Intel VMX",
	.id = 2,
	.probe = vmx_probe,
	.enable = vmx_enable,
	.build_npt = vmx_build_ept,
	.trap_page = vmx_ept_trap,
	.vcpu_init = vmx_vcpu_init,
	.vcpu_init_ap = vmx_vcpu_init_ap,
	.vcpu_init_signal = vmx_vcpu_init_signal,
	.vcpu_sipi = vmx_vcpu_sipi,
	/* INIT is blocked in VMX root operation and exits in non-root (SDM 3C 26.2, 26.6.2). */
	.hw_sipi = true,
	.hold = NULL,
	.trap_apic_msrs = vmx_trap_apic_msr_writes,
	.run = vmx_run,
	.inject_exception = vmx_inject_exception,
	.get_paging = vmx_get_paging,
	.queue_event = vmx_queue_event,
	/* After a VM exit RFLAGS is 0x2 (SDM 3C 28.5.3): IF alone gates host interrupts. */
	.host_irq_window = NULL,
};
