/*
 * VMCB set-up for the first entry (APM 2 15.5 "VMRUN", 15.13-15.15
 * intercepts).  The guest starts in flat 32-bit protected mode with paging
 * off, as Linux's 32-bit boot protocol wants; nested paging does the
 * protecting.  The intercepts are the smallest set that keeps control.
 */
#include <arch/cpu.h>
#include <sv/apic.h>
#include <sv/console.h>
#include <sv/mm.h>

#include <sv_config.h>

#include "fsstring.h"
#include "svm.h"

static struct svm_vcpu svm_vcpus[SV_MAX_CPUS];
/* Shared by every vCPU: the I/O map lets every port through, the MSR map is fixed. */
static uint64_t iopm_pa, msrpm_pa;

#define ATTR_CODE32 0xc9b /* present, DPL 0, code exec/read accessed, D, G */
#define ATTR_DATA32 0xc93 /* present, DPL 0, data read/write accessed, D/B, G */
#define ATTR_TSS32 0x08b  /* present, busy 32-bit TSS */
#define ATTR_LDT 0x082
#define ATTR_CODE16 0x09b /* real mode: present, code exec/read accessed */
#define ATTR_DATA16 0x093

static void flat(struct vmcb_seg *s, uint16_t sel, uint16_t attrib)
{
	s->sel = sel;
	s->attrib = attrib;
	s->limit = 0xffffffff;
	s->base = 0;
}

bool svm_has_lbrv;

/* On the boot CPU, before any AP exists: the maps every vCPU shares. */
int svm_maps_init(void)
{
	struct cpuid_regs r;

	iopm_pa = palloc_pages(3, 1);  /* 12 KiB, all zero: no port exits */
	msrpm_pa = palloc_pages(2, 1); /* 8 KiB, every MSR intercepted but the allow-list */
	if (!iopm_pa || !msrpm_pa)
		return -SV_ENOMEM;
	cpuid_count(0x8000000a, 0, &r);
	svm_has_lbrv = r.edx & (1u << 1);
	sv_printf("SVM: %s\n", svm_has_lbrv ? "DEBUGCTL and the LBRs switched by the CPU (LBR virtualization)"
					  : "no LBR virtualization: the guest's DEBUGCTL is a shadow, BTF has no effect");
	return svm_msrpm_init(phys_to_virt(msrpm_pa));
}

/* The VMCB and the intercepts, the same for every vCPU. */
static int vmcb_alloc(struct sv_vcpu *v, struct svm_vcpu *s)
{
	if (!iopm_pa || !msrpm_pa)
		return -SV_ENODEV;
	s->vmcb_pa = palloc_page();
	s->host_vmcb_pa = palloc_page();
	if (!s->vmcb_pa || !s->host_vmcb_pa)
		return -SV_ENOMEM;
	s->vmcb = phys_to_virt(s->vmcb_pa);
	s->iopm_pa = iopm_pa;
	s->msrpm_pa = msrpm_pa;

	struct vmcb_control *c = &s->vmcb->ctl;
	/*
	 * NMI: the VMM's own (the INIT/SIPI kick, guest/apic.c) must reach
	 * it; the guest's are handed back at the next entry.  INVD: the
	 * guest may clear HWCR[4] (INVD_WBINVD) and so make INVD drop the
	 * VMM's dirty lines on this core; guest/exit.c runs WBINVD instead.
	 */
	c->intercept_misc1 = INTERCEPT1_NMI | INTERCEPT1_INIT | INTERCEPT1_CPUID |
			     INTERCEPT1_INVD | INTERCEPT1_MSR | INTERCEPT1_SHUTDOWN;
	/* VMRUN must be intercepted (APM 2 15.5.1); the rest of SVM is hidden. */
	c->intercept_misc2 = INTERCEPT2_VMRUN | INTERCEPT2_VMMCALL | INTERCEPT2_VMLOAD |
			     INTERCEPT2_VMSAVE | INTERCEPT2_STGI | INTERCEPT2_CLGI |
			     INTERCEPT2_SKINIT;
	c->iopm_base = s->iopm_pa;
	c->msrpm_base = s->msrpm_pa;
	c->asid = 1; /* one guest: every CPU tags its own TLB with the same ASID */
	c->tlb_control = 1; /* flush this ASID on the first VMRUN */
	c->np_enable = 1;
	c->ncr3 = svm_npt_root;
	/*
	 * The guest's DEBUGCTL (svm_msr.c lets it set BTF only) and last
	 * branch records live in the VMCB: VMRUN loads them, #VMEXIT saves
	 * them and puts the VMM's back (APM 2 15.23).
	 */
	c->lbr_virt = svm_has_lbrv ? VMCB_LBR_VIRT_ENABLE : 0;
	s->vmcb->save.dbgctl = 0;
	s->debugctl = 0;
	/* V_INTR_MASKING stays 0: physical interrupts go straight to the guest. */
	v->vendor = s;
	/*
	 * Host state VMRUN does not switch (FS, GS, TR, LDTR, STAR, LSTAR,
	 * CSTAR, SFMASK, SYSENTER_*): this CPU's, with the VMM's own syscall
	 * MSRs (arch/sysmsr.h, set before), which svm_enter's VMLOAD puts
	 * back after every #VMEXIT.  Host EFER (SCE clear) comes back from
	 * the host save area by #VMEXIT itself (APM 2 15.5.1).
	 */
	__asm__ volatile("vmsave %%rax" : : "a"(s->host_vmcb_pa) : "memory");
	return 0;
}

int svm_vcpu_init(struct sv_vcpu *v, const struct sv_guest_boot *boot)
{
	struct svm_vcpu *s = &svm_vcpus[v->cpu];
	int rc = vmcb_alloc(v, s);

	if (rc)
		return rc;
	struct vmcb_save *g = &s->vmcb->save;
	flat(&g->cs, boot->cs_sel, ATTR_CODE32);
	flat(&g->ds, boot->ds_sel, ATTR_DATA32);
	flat(&g->es, boot->ds_sel, ATTR_DATA32);
	flat(&g->ss, boot->ds_sel, ATTR_DATA32);
	flat(&g->fs, boot->ds_sel, ATTR_DATA32);
	flat(&g->gs, boot->ds_sel, ATTR_DATA32);
	g->gdtr.base = boot->gdt_base;
	g->gdtr.limit = boot->gdt_limit;
	g->idtr.base = 0;
	g->idtr.limit = 0;
	g->tr.attrib = ATTR_TSS32;
	g->tr.limit = 0xffff;
	g->ldtr.attrib = ATTR_LDT;
	g->ldtr.limit = 0xffff;
	g->cpl = 0;
	g->efer = EFER_SVME; /* required by VMRUN; hidden by svm_msr.c */
	g->cr0 = CR0_PE | CR0_ET;
	g->cr3 = 0;
	g->cr4 = 0;
	g->dr6 = 0xffff0ff0;
	g->dr7 = 0x400;
	g->rflags = 0x2;
	g->g_pat = 0x0007040600070406ULL; /* the power-on PAT */

	memset(&v->regs, 0, sizeof(v->regs));
	v->regs.rsi = boot->esi;
	v->rip = boot->eip;
	v->rsp = 0;
	v->rflags = 0x2;
	return 0;
}

static void real_seg(struct vmcb_seg *s, uint16_t sel, uint16_t attrib)
{
	s->sel = sel;
	s->attrib = attrib;
	s->limit = 0xffff;
	s->base = (uint64_t)sel << 4;
}

/*
 * The register state after INIT (APM 2 14.1.3, table 14-1), which is also
 * what a SIPI starts from, with CS:IP at the reset vector until one comes.
 */
void svm_vcpu_init_signal(struct sv_vcpu *v)
{
	struct svm_vcpu *s = v->vendor;
	struct vmcb_save *g = &s->vmcb->save;

	real_seg(&g->cs, 0xf000, ATTR_CODE16);
	g->cs.base = 0xffff0000;
	real_seg(&g->ds, 0, ATTR_DATA16);
	real_seg(&g->es, 0, ATTR_DATA16);
	real_seg(&g->ss, 0, ATTR_DATA16);
	real_seg(&g->fs, 0, ATTR_DATA16);
	real_seg(&g->gs, 0, ATTR_DATA16);
	g->gdtr.base = 0;
	g->gdtr.limit = 0xffff;
	g->idtr.base = 0;
	g->idtr.limit = 0xffff;
	g->tr.sel = 0;
	g->tr.base = 0;
	g->tr.attrib = ATTR_TSS32;
	g->tr.limit = 0xffff;
	g->ldtr.sel = 0;
	g->ldtr.base = 0;
	g->ldtr.attrib = ATTR_LDT;
	g->ldtr.limit = 0xffff;
	g->cpl = 0;
	g->efer = EFER_SVME;
	g->cr0 = 0x60000010; /* CD, NW, ET */
	g->cr2 = 0;
	g->cr3 = 0;
	g->cr4 = 0;
	g->dr6 = 0xffff0ff0;
	g->dr7 = 0x400;
	g->g_pat = 0x0007040600070406ULL;
	g->dbgctl = 0; /* DEBUGCTL after INIT (APM 2 table 14-1) */
	s->debugctl = 0;
	s->vmcb->ctl.eventinj = 0;
	s->vmcb->ctl.vintr = 0;
	s->vmcb->ctl.int_shadow = 0;
	s->vmcb->ctl.tlb_control = 1;
	s->nmi_pending = false;
	memset(s->irq_pending, 0, sizeof(s->irq_pending));
	apic_vcpu_regs_after_init(v);
}

void svm_vcpu_sipi(struct sv_vcpu *v, uint8_t vector)
{
	struct svm_vcpu *s = v->vendor;

	real_seg(&s->vmcb->save.cs, (uint16_t)(vector << 8), ATTR_CODE16);
	v->rip = 0;
	v->wait_sipi = false;
}

int svm_vcpu_init_ap(struct sv_vcpu *v)
{
	struct svm_vcpu *s = &svm_vcpus[v->cpu];
	int rc = vmcb_alloc(v, s);

	if (rc)
		return rc;
	svm_vcpu_init_signal(v);
	return 0;
}
