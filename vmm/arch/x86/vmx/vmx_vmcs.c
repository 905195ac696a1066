/*
 * VMCS set-up for the first entry (Intel SDM vol. 3C ch. 25 "Virtual
 * machine control structures", 27.2-27.3 "Checks on VMX controls, host
 * state and guest state").  The guest starts in flat 32-bit protected mode
 * with paging off, which unrestricted guest allows (27.3.1.1); EPT does the
 * protecting.  Host state is the VMM as it runs now.
 */
#include <arch/cpu.h>
#include <arch/desc.h>
#include <arch/sysmsr.h>
#include <sv/console.h>
#include <sv/cpu.h>
#include <sv/apic.h>
#include <sv/mm.h>
#include <sv/msr.h>

#include "fsstring.h"
#include "vmx.h"

static struct vmx_vcpu vmx_vcpus[SV_MAX_CPUS];


/*
 * Access rights in the VMCS format (SDM 3C 25.4.1, table 25-2): the
 * descriptor's type, S, DPL, P (bits 0-7), AVL, L, D/B, G (bits 12-15).
 */
#define AR_CODE32 0xc09b /* present, DPL 0, execute/read accessed, D, G */
#define AR_DATA32 0xc093 /* present, DPL 0, read/write accessed, B, G */
#define AR_TSS32_BUSY 0x008b

#define VPID_GUEST 1

struct dtr {
	uint16_t limit;
	uint64_t base;
} __packed;

static bool w(uint64_t field, uint64_t value, bool *ok)
{
	if (!vmwrite(field, value)) {
		sv_printf("VMX: VMWRITE %lx failed (error %lu)\n", (unsigned long)field,
			  (unsigned long)vmread(VMCS_INSN_ERROR));
		*ok = false;
	}
	return *ok;
}

static void guest_seg(uint64_t sel_field, uint16_t sel, uint32_t ar, bool *ok)
{
	/* Selector, limit, AR and base fields are 0x0800, 0x4800, 0x4814, 0x6806 + 2n. */
	uint64_t n = sel_field - GUEST_ES_SEL;

	w(sel_field, sel, ok);
	w(GUEST_ES_LIMIT + n, 0xffffffff, ok);
	w(GUEST_ES_AR + n, ar, ok);
	w(GUEST_ES_BASE + n, 0, ok);
}

static uint16_t read_sel(int which)
{
	uint16_t s = 0;

	switch (which) {
	case 0:
		__asm__ volatile("mov %%es, %0" : "=r"(s));
		break;
	case 1:
		__asm__ volatile("mov %%cs, %0" : "=r"(s));
		break;
	case 2:
		__asm__ volatile("mov %%ss, %0" : "=r"(s));
		break;
	case 3:
		__asm__ volatile("mov %%ds, %0" : "=r"(s));
		break;
	case 4:
		__asm__ volatile("mov %%fs, %0" : "=r"(s));
		break;
	case 5:
		__asm__ volatile("mov %%gs, %0" : "=r"(s));
		break;
	default:
		__asm__ volatile("str %0" : "=r"(s));
		break;
	}
	return s;
}

/* Host state: what the VMM runs with now (SDM 3C 25.5, checks in 27.2.3). */
static void host_state(bool *ok)
{
	struct dtr gdtr, idtr;

	__asm__ volatile("sgdt %0" : "=m"(gdtr));
	__asm__ volatile("sidt %0" : "=m"(idtr));
	uint16_t tr = read_sel(6);
	/* The TSS base from its 16-byte descriptor (SDM 3A 8.2.3). */
	const uint64_t *d = (const uint64_t *)(uintptr_t)(gdtr.base + (tr & ~7u));
	uint64_t tss = ((d[0] >> 16) & 0xffffff) | ((d[0] >> 56) << 24) | (d[1] << 32);

	w(HOST_CR0, read_cr0(), ok);
	w(HOST_CR3, read_cr3(), ok);
	w(HOST_CR4, read_cr4(), ok);
	/* Selectors need RPL 0 and TI 0 (27.2.3); a null FS/GS/DS/ES is allowed. */
	w(HOST_ES_SEL, read_sel(0) & ~7u, ok);
	w(HOST_CS_SEL, read_sel(1) & ~7u, ok);
	w(HOST_SS_SEL, read_sel(2) & ~7u, ok);
	w(HOST_DS_SEL, read_sel(3) & ~7u, ok);
	w(HOST_FS_SEL, read_sel(4) & ~7u, ok);
	w(HOST_GS_SEL, read_sel(5) & ~7u, ok);
	w(HOST_TR_SEL, tr & ~7u, ok);
	w(HOST_FS_BASE, rdmsr(MSR_FS_BASE), ok);
	w(HOST_GS_BASE, rdmsr(MSR_GS_BASE), ok);
	w(HOST_TR_BASE, tss, ok);
	w(HOST_GDTR_BASE, gdtr.base, ok);
	w(HOST_IDTR_BASE, idtr.base, ok);
	/*
	 * Every VM exit loads these (SDM 3C 28.5.1): the VMM's SYSENTER
	 * values and an EFER without SCE, whatever the guest wrote to its
	 * own, so a process's SYSCALL (#UD) and SYSENTER (#GP) never enter
	 * ring 0 (arch/sysmsr.h).  STAR, LSTAR, CSTAR and SFMASK are not
	 * switched by VMX and stay the guest's after an exit; with SCE
	 * clear nothing uses them.
	 */
	w(HOST_SYSENTER_CS, SYSMSR_SYSENTER_CS, ok);
	w(HOST_SYSENTER_ESP, SYSMSR_SYSENTER_ESP, ok);
	w(HOST_SYSENTER_EIP, SYSMSR_SYSENTER_EIP, ok);
	w(HOST_EFER, rdmsr(MSR_EFER) & ~EFER_SCE, ok);
	w(HOST_PAT, rdmsr(MSR_PAT), ok);
	w(HOST_RIP, (uint64_t)(uintptr_t)vmx_exit_stub, ok);
	/* HOST_RSP is written by vmx_enter right before each entry. */
}

static void guest_state(struct vmx_vcpu *x, const struct sv_guest_boot *boot, bool *ok)
{
	/*
	 * CR0: PE and ET as the 32-bit boot protocol has them, and NE, which
	 * VMX forces on every CPU so far; the shadow shows NE set too, so
	 * Linux's own CR0 writes (always with NE) never exit.  The guest/host
	 * mask owns the forced bits: the guest reads what it wrote, and a
	 * write that would clear one exits (SDM 3C 25.6.6) to vmx_exit.c.
	 */
	x->cr0_shadow = CR0_PE | CR0_ET | CR0_NE;
	x->cr4_shadow = 0;
	w(GUEST_CR0, x->cr0_shadow | vmx_cfg.cr0_guest_set, ok);
	w(GUEST_CR3, 0, ok);
	w(GUEST_CR4, x->cr4_shadow | vmx_cfg.cr4_guest_set, ok);
	w(VMCS_CR0_MASK, vmx_cfg.cr0_guest_set, ok);
	w(VMCS_CR4_MASK, vmx_cfg.cr4_guest_set, ok);
	w(VMCS_CR0_SHADOW, x->cr0_shadow, ok);
	w(VMCS_CR4_SHADOW, x->cr4_shadow, ok);

	guest_seg(GUEST_CS_SEL, boot->cs_sel, AR_CODE32, ok);
	guest_seg(GUEST_DS_SEL, boot->ds_sel, AR_DATA32, ok);
	guest_seg(GUEST_ES_SEL, boot->ds_sel, AR_DATA32, ok);
	guest_seg(GUEST_SS_SEL, boot->ds_sel, AR_DATA32, ok);
	guest_seg(GUEST_FS_SEL, boot->ds_sel, AR_DATA32, ok);
	guest_seg(GUEST_GS_SEL, boot->ds_sel, AR_DATA32, ok);
	/* TR must be a busy TSS even in a guest that never switches tasks (27.3.1.2). */
	w(GUEST_TR_SEL, 0, ok);
	w(GUEST_TR_BASE, 0, ok);
	w(GUEST_TR_LIMIT, 0xffff, ok);
	w(GUEST_TR_AR, AR_TSS32_BUSY, ok);
	w(GUEST_LDTR_SEL, 0, ok);
	w(GUEST_LDTR_BASE, 0, ok);
	w(GUEST_LDTR_LIMIT, 0, ok);
	w(GUEST_LDTR_AR, AR_UNUSABLE, ok);
	w(GUEST_GDTR_BASE, boot->gdt_base, ok);
	w(GUEST_GDTR_LIMIT, boot->gdt_limit, ok);
	w(GUEST_IDTR_BASE, 0, ok);
	w(GUEST_IDTR_LIMIT, 0, ok);

	w(GUEST_DR7, 0x400, ok);
	w(GUEST_RSP, 0, ok);
	w(GUEST_RIP, boot->eip, ok);
	w(GUEST_RFLAGS, 0x2, ok);
	w(GUEST_PENDING_DBG, 0, ok);
	w(GUEST_INTERRUPTIBILITY, 0, ok);
	w(GUEST_ACTIVITY, 0, ok);
	w(GUEST_SYSENTER_CS, 0, ok);
	w(GUEST_SYSENTER_ESP, 0, ok);
	w(GUEST_SYSENTER_EIP, 0, ok);
	w(GUEST_DEBUGCTL, 0, ok);
	w(GUEST_PAT, 0x0007040600070406ULL, ok); /* the power-on PAT */
	w(GUEST_EFER, 0, ok);
	w(GUEST_VMCS_LINK, ~0ULL, ok); /* no shadow VMCS (27.3.1.5) */
}

/* The VMCS of v on this CPU: controls and host state, the same for every vCPU. */
static int vmcs_setup(struct sv_vcpu *v, struct vmx_vcpu *x, bool *okp)
{
	bool ok = true;

	x->vmcs_pa = palloc_page();
	x->msr_bitmap_pa = palloc_page();
	if (!x->vmcs_pa || !x->msr_bitmap_pa)
		return -SV_ENOMEM;
	vmx_msr_bitmap_init(phys_to_virt(x->msr_bitmap_pa));
	/* SDM 3C 25.2: revision identifier first, bit 31 clear (not a shadow VMCS). */
	*(uint32_t *)phys_to_virt(x->vmcs_pa) = vmx_cfg.revision;
	if (!vmclear(x->vmcs_pa) || !vmptrld(x->vmcs_pa)) {
		sv_printf("VMX: VMCLEAR/VMPTRLD of the VMCS failed\n");
		return -SV_ENODEV;
	}

	w(VMCS_PIN_CTLS, vmx_cfg.pin, &ok);
	w(VMCS_PROC_CTLS, vmx_cfg.proc, &ok);
	w(VMCS_PROC_CTLS2, vmx_cfg.proc2, &ok);
	w(VMCS_EXIT_CTLS, vmx_cfg.exit, &ok);
	w(VMCS_ENTRY_CTLS, vmx_cfg.entry, &ok);
	/* No exception exits: a #PF exits only if (PFEC & 0) != 0, never (25.6.3). */
	w(VMCS_EXCEPTION_BITMAP, 0, &ok);
	w(VMCS_PF_ERR_MASK, 0, &ok);
	w(VMCS_PF_ERR_MATCH, 0, &ok);
	w(VMCS_CR3_TARGET_COUNT, 0, &ok);
	w(VMCS_EXIT_MSR_STORE_COUNT, 0, &ok);
	w(VMCS_EXIT_MSR_LOAD_COUNT, 0, &ok);
	w(VMCS_ENTRY_MSR_LOAD_COUNT, 0, &ok);
	w(VMCS_ENTRY_INTR_INFO, 0, &ok);
	w(VMCS_MSR_BITMAP, x->msr_bitmap_pa, &ok);
	w(VMCS_EPT_POINTER, vmx_eptp, &ok);
	x->debugctl = 0;
	if (v->cpu == 0)
		sv_printf("VMX: guest DEBUGCTL %s; on exit RTIT_CTL %s, LBR_CTL %s\n",
			  vmx_cfg.debugctl_switched ? "switched by the VMCS (load/save debug controls)"
						    : "a shadow (no load/save debug controls)",
			  vmx_cfg.clear_rtit_ctl ? "cleared" : "not cleared (no such control; PT is hidden)",
			  vmx_cfg.clear_lbr_ctl ? "cleared" : "not cleared (no such control; arch LBR is hidden)");
	if (vmx_cfg.vpid)
		w(VMCS_VPID, VPID_GUEST, &ok);
	host_state(&ok);
	v->vendor = x;
	x->launched = false;
	x->cr2 = 0;
	*okp = ok;
	return 0;
}

static void flush_guest_tlbs(void)
{
	/* Nothing cached from before may survive into the guest (SDM 3C 29.4.3). */
	if (vmx_cfg.invept_single)
		invept(1, vmx_eptp);
	else if (vmx_cfg.invept_all)
		invept(2, 0);
	if (vmx_cfg.vpid)
		invvpid(vmx_cfg.invvpid_single ? 1 : 2, VPID_GUEST);
}

int vmx_vcpu_init(struct sv_vcpu *v, const struct sv_guest_boot *boot)
{
	struct vmx_vcpu *x = &vmx_vcpus[v->cpu];
	bool ok = true;
	int rc = vmcs_setup(v, x, &ok);

	if (rc)
		return rc;
	guest_state(x, boot, &ok);
	if (!ok)
		return -SV_EINVAL;
	flush_guest_tlbs();

	memset(&v->regs, 0, sizeof(v->regs));
	v->regs.rsi = boot->esi;
	v->rip = boot->eip;
	v->rsp = 0;
	v->rflags = 0x2;
	return 0;
}

#define AR_CODE16 0x009b /* real mode: present, execute/read accessed */
#define AR_DATA16 0x0093
#define AR_LDT 0x0082
#define ACTIVITY_WAIT_SIPI 3 /* SDM 3C 25.4.2 */

static void real_seg(uint64_t sel_field, uint16_t sel, uint32_t ar, uint64_t base)
{
	uint64_t n = sel_field - GUEST_ES_SEL;

	vmwrite(sel_field, sel);
	vmwrite(GUEST_ES_LIMIT + n, 0xffff);
	vmwrite(GUEST_ES_AR + n, ar);
	vmwrite(GUEST_ES_BASE + n, base);
}

/*
 * The state after INIT (SDM 3A 9.1.1, table 9-1) with the vCPU in
 * wait-for-SIPI: a SIPI then exits to the VMM (SDM 3C 26.6.2), which
 * starts it at the vector (vmx_vcpu_sipi), and an INIT exits again.
 */
void vmx_vcpu_init_signal(struct sv_vcpu *v)
{
	struct vmx_vcpu *x = v->vendor;

	x->cr0_shadow = 0x60000010; /* CD, NW, ET */
	x->cr4_shadow = 0;
	vmwrite(GUEST_CR0, x->cr0_shadow | vmx_cfg.cr0_guest_set);
	vmwrite(GUEST_CR3, 0);
	vmwrite(GUEST_CR4, x->cr4_shadow | vmx_cfg.cr4_guest_set);
	vmwrite(VMCS_CR0_SHADOW, x->cr0_shadow);
	vmwrite(VMCS_CR4_SHADOW, x->cr4_shadow);
	real_seg(GUEST_CS_SEL, 0xf000, AR_CODE16, 0xffff0000);
	real_seg(GUEST_DS_SEL, 0, AR_DATA16, 0);
	real_seg(GUEST_ES_SEL, 0, AR_DATA16, 0);
	real_seg(GUEST_SS_SEL, 0, AR_DATA16, 0);
	real_seg(GUEST_FS_SEL, 0, AR_DATA16, 0);
	real_seg(GUEST_GS_SEL, 0, AR_DATA16, 0);
	vmwrite(GUEST_TR_SEL, 0);
	vmwrite(GUEST_TR_BASE, 0);
	vmwrite(GUEST_TR_LIMIT, 0xffff);
	vmwrite(GUEST_TR_AR, AR_TSS32_BUSY);
	vmwrite(GUEST_LDTR_SEL, 0);
	vmwrite(GUEST_LDTR_BASE, 0);
	vmwrite(GUEST_LDTR_LIMIT, 0xffff);
	vmwrite(GUEST_LDTR_AR, AR_LDT);
	vmwrite(GUEST_GDTR_BASE, 0);
	vmwrite(GUEST_GDTR_LIMIT, 0xffff);
	vmwrite(GUEST_IDTR_BASE, 0);
	vmwrite(GUEST_IDTR_LIMIT, 0xffff);
	vmwrite(GUEST_DR7, 0x400);
	vmwrite(GUEST_PENDING_DBG, 0);
	vmwrite(GUEST_INTERRUPTIBILITY, 0);
	vmwrite(GUEST_SYSENTER_CS, 0);
	vmwrite(GUEST_SYSENTER_ESP, 0);
	vmwrite(GUEST_SYSENTER_EIP, 0);
	vmwrite(GUEST_DEBUGCTL, 0);
	x->debugctl = 0;
	vmwrite(GUEST_PAT, 0x0007040600070406ULL);
	vmwrite(GUEST_EFER, 0);
	vmwrite(VMCS_ENTRY_CTLS, vmread(VMCS_ENTRY_CTLS) & ~(uint64_t)ENTRY_IA32E_GUEST);
	vmwrite(VMCS_ENTRY_INTR_INFO, 0);
	vmwrite(GUEST_ACTIVITY, ACTIVITY_WAIT_SIPI);
	x->pending_event = 0;
	x->nmi_pending = false;
	memset(x->irq_pending, 0, sizeof(x->irq_pending));
	x->cr2 = 0;
	apic_vcpu_regs_after_init(v);
}

void vmx_vcpu_sipi(struct sv_vcpu *v, uint8_t vector)
{
	real_seg(GUEST_CS_SEL, (uint16_t)(vector << 8), AR_CODE16, (uint64_t)vector << 12);
	vmwrite(GUEST_ACTIVITY, 0);
	/* A CPU fresh from SIPI has nothing blocked (table 9-1: as after INIT). */
	vmwrite(GUEST_INTERRUPTIBILITY, 0);
	vmwrite(GUEST_PENDING_DBG, 0);
	v->rip = 0;
	v->wait_sipi = false;
}

int vmx_vcpu_init_ap(struct sv_vcpu *v)
{
	struct vmx_vcpu *x = &vmx_vcpus[v->cpu];
	bool ok = true;

	/* SDM 3D A.6: IA32_VMX_MISC bit 8, wait-for-SIPI is a supported activity state. */
	if (!(rdmsr(MSR_VMX_MISC) & (1ULL << 8))) {
		sv_printf("VMX: this CPU has no wait-for-SIPI activity state\n");
		return -SV_ENODEV;
	}
	int rc = vmcs_setup(v, x, &ok);
	if (rc)
		return rc;
	if (!ok)
		return -SV_EINVAL;
	/* The fields guest_state writes once and INIT does not change. */
	vmwrite(GUEST_VMCS_LINK, ~0ULL);
	vmwrite(VMCS_CR0_MASK, vmx_cfg.cr0_guest_set);
	vmwrite(VMCS_CR4_MASK, vmx_cfg.cr4_guest_set);
	vmwrite(GUEST_RSP, 0);
	vmwrite(GUEST_RIP, 0xfff0);
	vmwrite(GUEST_RFLAGS, 0x2);
	vmx_vcpu_init_signal(v);
	flush_guest_tlbs();
	return 0;
}

void vmx_msr_bitmaps_refresh(void)
{
	/* The bits are only ever added, and no guest instruction has run yet. */
	for (unsigned int i = 0; i < SV_MAX_CPUS; i++) {
		if (vmx_vcpus[i].msr_bitmap_pa)
			vmx_msr_bitmap_init(phys_to_virt(vmx_vcpus[i].msr_bitmap_pa));
	}
}
