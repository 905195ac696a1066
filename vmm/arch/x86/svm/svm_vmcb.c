/*
 * VMCB set-up for the first entry (APM 2 15.5 "VMRUN", 15.13-15.15
 * intercepts).  The guest starts in flat 32-bit protected mode with paging
 * off, as Linux's 32-bit boot protocol wants; nested paging does the
 * protecting.  The intercepts are the smallest set that keeps control.
 */
#include <arch/cpu.h>
#include <sv/mm.h>

#include "fsstring.h"
#include "svm.h"

static struct svm_vcpu svm_vcpu0;

#define ATTR_CODE32 0xc9b /* present, DPL 0, code exec/read accessed, D, G */
#define ATTR_DATA32 0xc93 /* present, DPL 0, data read/write accessed, D/B, G */
#define ATTR_TSS32 0x08b  /* present, busy 32-bit TSS */
#define ATTR_LDT 0x082

static void flat(struct vmcb_seg *s, uint16_t sel, uint16_t attrib)
{
	s->sel = sel;
	s->attrib = attrib;
	s->limit = 0xffffffff;
	s->base = 0;
}

int svm_vcpu_init(struct sv_vcpu *v, const struct sv_guest_boot *boot)
{
	struct svm_vcpu *s = &svm_vcpu0;

	s->vmcb_pa = palloc_page();
	s->host_vmcb_pa = palloc_page();
	s->iopm_pa = palloc_pages(3, 1);  /* 12 KiB, all zero: no port exits */
	s->msrpm_pa = palloc_pages(2, 1); /* 8 KiB */
	if (!s->vmcb_pa || !s->host_vmcb_pa || !s->iopm_pa || !s->msrpm_pa)
		return -SV_ENOMEM;
	s->vmcb = phys_to_virt(s->vmcb_pa);
	svm_msrpm_init(phys_to_virt(s->msrpm_pa));

	struct vmcb_control *c = &s->vmcb->ctl;
	c->intercept_misc1 = INTERCEPT1_INIT | INTERCEPT1_CPUID | INTERCEPT1_MSR |
			     INTERCEPT1_SHUTDOWN;
	/* VMRUN must be intercepted (APM 2 15.5.1); the rest of SVM is hidden. */
	c->intercept_misc2 = INTERCEPT2_VMRUN | INTERCEPT2_VMMCALL | INTERCEPT2_VMLOAD |
			     INTERCEPT2_VMSAVE | INTERCEPT2_STGI | INTERCEPT2_CLGI |
			     INTERCEPT2_SKINIT;
	c->iopm_base = s->iopm_pa;
	c->msrpm_base = s->msrpm_pa;
	c->asid = 1;
	c->tlb_control = 1; /* flush this ASID on the first VMRUN */
	c->np_enable = 1;
	c->ncr3 = svm_npt_root;
	/* V_INTR_MASKING stays 0: physical interrupts go straight to the guest. */

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
	v->vendor = s;

	/* Host state VMRUN does not switch (FS, GS, TR, LDTR, syscall MSRs). */
	__asm__ volatile("vmsave %%rax" : : "a"(s->host_vmcb_pa) : "memory");
	return 0;
}
