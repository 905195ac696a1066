/*
 * Entering the guest and turning #VMEXITs into struct sv_exit (APM 2 15.6,
 * appendix C).  Without NRIPS (QEMU's TCG has none) the next RIP is worked
 * out here from the fixed lengths of the intercepted instructions.
 */
#include <arch/cpu.h>
#include <arch/spec.h>
#include <sv/console.h>
#include <sv/nested_map.h>
#include <sv/nospec.h>

#include "svm.h"

#define LEN_CPUID 2
#define LEN_MSR 2
#define LEN_VMMCALL 3
#define LEN_INVD 2

static uint32_t insn_len(const struct vmcb *vmcb, uint32_t fixed)
{
	if (svm_has_nrips && vmcb->ctl.nrip > vmcb->save.rip && vmcb->ctl.nrip - vmcb->save.rip <= 15)
		return (uint32_t)(vmcb->ctl.nrip - vmcb->save.rip);
	return fixed;
}

#define VINTR_V_IRQ (1ULL << 8)
#define VINTR_IGN_TPR (1ULL << 20)
#define EVENT_VALID (1ULL << 31)
#define EVENT_TYPE_NMI (2ULL << 8)

/*
 * Hands queued guest events to the hardware: an NMI through EVENTINJ,
 * an interrupt as a virtual interrupt (V_IRQ, APM 2 15.21.4), which the
 * guest takes when its RFLAGS.IF allows, with the vector already
 * accepted from the physical LAPIC.
 */
static void deliver_events(struct svm_vcpu *s)
{
	struct vmcb_control *c = &s->vmcb->ctl;

	if (s->nmi_pending && !(c->eventinj & EVENT_VALID)) {
		c->eventinj = EVENT_VALID | EVENT_TYPE_NMI | 2;
		s->nmi_pending = false;
	}
	if (c->vintr & VINTR_V_IRQ)
		return; /* the last one is not taken yet */
	for (int w = 3; w >= 0; w--) {
		if (!s->irq_pending[w])
			continue;
		unsigned int bit = 63 - (unsigned int)__builtin_clzll(s->irq_pending[w]);
		uint64_t vec = (uint64_t)w * 64 + bit;
		s->irq_pending[w] &= ~(1ULL << bit);
		c->vintr = (c->vintr & 0xff) | VINTR_V_IRQ | VINTR_IGN_TPR | ((vec >> 4) << 16) |
			   (vec << 32);
		return;
	}
}

void svm_queue_event(struct sv_vcpu *v, unsigned int vector, bool nmi)
{
	struct svm_vcpu *s = v->vendor;

	if (nmi)
		s->nmi_pending = true;
	else if (vector >= 32 && vector < 256)
		s->irq_pending[nospec_index(vector, 256) / 64] |= 1ULL << (vector % 64);
}

/* GIF gates host interrupts after #VMEXIT (APM 2 15.17). */
void svm_host_irq_window(bool open)
{
	if (open)
		__asm__ volatile("stgi" ::: "memory");
	else
		__asm__ volatile("clgi" ::: "memory");
}

void svm_run(struct sv_vcpu *v, struct sv_exit *e)
{
	struct svm_vcpu *s = v->vendor;
	struct vmcb *vmcb = s->vmcb;
	struct spec_vm *sv = spec_vm_this();

	for (;;) {
		deliver_events(s);
		if (s->nested_gen != nested_map_gen) {
			s->nested_gen = nested_map_gen;
			vmcb->ctl.tlb_control = 1; /* flush this ASID (APM 2 15.16) */
		}
		vmcb->save.rax = v->regs.rax;
		vmcb->save.rip = v->rip;
		vmcb->save.rsp = v->rsp;
		vmcb->save.rflags = v->rflags;
		spec_before_vmentry(sv);
		svm_enter(s->vmcb_pa, &v->regs, s->host_vmcb_pa, sv);
		v->regs.rax = vmcb->save.rax;
		v->rip = vmcb->save.rip;
		v->rsp = vmcb->save.rsp;
		v->rflags = vmcb->save.rflags;
		vmcb->ctl.tlb_control = 0;
		/*
		 * An event not delivered because the exit came first is in
		 * EXITINTINFO (APM 2 15.7.2): inject it again.
		 */
		vmcb->ctl.eventinj = (vmcb->ctl.exitintinfo & EVENT_VALID) ? vmcb->ctl.exitintinfo : 0;

		uint64_t code = vmcb->ctl.exitcode;
		e->raw = code;
		switch (code) {
		case VMEXIT_VMMCALL:
			e->reason = SV_EXIT_HYPERCALL;
			e->insn_len = insn_len(vmcb, LEN_VMMCALL);
			return;
		case VMEXIT_CPUID:
			e->reason = SV_EXIT_CPUID;
			e->insn_len = insn_len(vmcb, LEN_CPUID);
			return;
		case VMEXIT_NMI:
			/*
			 * The NMI that made the exit stays pending until GIF is
			 * set (APM 2 15.17): take it now, with IF clear, in the
			 * VMM's handler (guest/irq.c), which tells ours from the
			 * guest's.
			 */
			__asm__ volatile("stgi; clgi" ::: "memory");
			e->reason = SV_EXIT_NMI;
			return;
		case VMEXIT_MSR: {
			bool write = vmcb->ctl.exitinfo1 == 1;
			if (svm_msr_exit(v, s, write)) {
				/* Finished here: SVM-only business. */
				v->rip += insn_len(vmcb, LEN_MSR);
				v->exits[write ? SV_EXIT_WRMSR : SV_EXIT_RDMSR]++;
				v->exits_total++;
				continue;
			}
			e->reason = write ? SV_EXIT_WRMSR : SV_EXIT_RDMSR;
			e->msr.index = (uint32_t)v->regs.rcx;
			e->msr.value = (v->regs.rdx << 32) | (uint32_t)v->regs.rax;
			e->insn_len = insn_len(vmcb, LEN_MSR);
			return;
		}
		case VMEXIT_VMRUN:
		case VMEXIT_VMLOAD:
		case VMEXIT_VMSAVE:
		case VMEXIT_STGI:
		case VMEXIT_CLGI:
		case VMEXIT_SKINIT:
			e->reason = SV_EXIT_VIRT_INSN;
			return;
		case VMEXIT_INVD:
			e->reason = SV_EXIT_INVD;
			e->insn_len = insn_len(vmcb, LEN_INVD);
			return;
		case VMEXIT_SHUTDOWN:
			e->reason = SV_EXIT_SHUTDOWN;
			return;
		case VMEXIT_INIT:
			e->reason = SV_EXIT_INIT;
			return;
		case VMEXIT_NPF:
			e->npf.gpa = vmcb->ctl.exitinfo2;
			e->npf.write = vmcb->ctl.exitinfo1 & 2;
			/* Not present (bit 0 clear): only trapped pages are. */
			e->reason = (vmcb->ctl.exitinfo1 & 1) ? SV_EXIT_NPF : SV_EXIT_APIC;
			return;
		case VMEXIT_INVALID:
			e->reason = SV_EXIT_INVALID;
			return;
		default:
			e->reason = SV_EXIT_UNKNOWN;
			return;
		}
	}
}

void svm_inject_exception(struct sv_vcpu *v, unsigned int vector, int64_t error_code)
{
	struct svm_vcpu *s = v->vendor;
	/* EVENTINJ: vector, type 3 (exception), EV when an error code goes along, V. */
	uint64_t ev = (vector & 0xff) | (3u << 8) | (1ULL << 31);

	if (error_code >= 0)
		ev |= (1u << 11) | ((uint64_t)(uint32_t)error_code << 32);
	s->vmcb->ctl.eventinj = ev;
}

void svm_get_paging(struct sv_vcpu *v, struct sv_guest_paging *p)
{
	struct svm_vcpu *s = v->vendor;

	p->cr0 = s->vmcb->save.cr0;
	p->cr3 = s->vmcb->save.cr3;
	p->cr4 = s->vmcb->save.cr4;
	p->efer = s->vmcb->save.efer;
	p->cpl = s->vmcb->save.cpl;
	p->cs_base = s->vmcb->save.cs.base;
	/* Attribute bits 9 (L) and 10 (D/B) in the VMCB's packed format. */
	if ((p->efer & EFER_LMA) && (s->vmcb->save.cs.attrib & (1u << 9)))
		p->cs_bits = 64;
	else if ((p->cr0 & CR0_PE) && (s->vmcb->save.cs.attrib & (1u << 10)))
		p->cs_bits = 32;
	else
		p->cs_bits = 16;
}
