/*
 * Entering the guest and turning VM exits into struct sv_exit (Intel SDM
 * vol. 3C ch. 27 "VM entries", ch. 28 "VM exits", appendix C "VMX basic
 * exit reasons").  The instruction length of an emulated instruction
 * comes from the VM-exit instruction-length field (28.2.5).  Exits that
 * only exist because of VMX itself (a CR0/CR4 bit VMX forces, the
 * feature-control MSR) are finished here and never reach common code.
 */
#include <arch/cpu.h>
#include <arch/spec.h>
#include <sv/console.h>
#include <sv/nested_map.h>
#include <sv/nospec.h>

#include "vmx.h"

#define VEC_GP 13

struct dtr {
	uint16_t limit;
	uint64_t base;
} __packed;

uint64_t *vmx_gpr(struct sv_vcpu *v, unsigned int n)
{
	/* SDM 3C table 28-3: 0 RAX, 1 RCX, 2 RDX, 3 RBX, 4 RSP, 5 RBP, 6 RSI, 7 RDI, 8-15 R8-R15. */
	static const uint8_t slot[16] = { 0, 2, 3, 1, 0xff, 6, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14 };

	n &= 15;
	if (slot[n] == 0xff)
		return &v->rsp;
	return &((uint64_t *)&v->regs)[slot[n]];
}

/*
 * A MOV to CR0 or CR4 exits only when it would change a bit the guest/host
 * mask gives the VMM, i.e. a bit VMX forces to 1 (SDM 3C 25.6.6, 26.1.3).
 * For CR0 (NE) the read shadow takes the new value and the instruction
 * runs again, now without an exit: the CPU does everything else the move
 * implies (paging and long-mode switches, PDPTE loads, #GP checks) while
 * the forced bit stays 1 underneath.  CR4.VMXE cannot be set on a CPU
 * that shows no VMX, so that write gets #GP.  Returns false for anything
 * else, which common code answers with #UD.
 */
static bool cr_access(struct sv_vcpu *v, struct vmx_vcpu *x)
{
	uint64_t q = vmread(VMCS_EXIT_QUAL);
	unsigned int cr = q & 15, type = (q >> 4) & 3;

	if (type != 0 || (cr != 0 && cr != 4))
		return false;
	uint64_t val = *vmx_gpr(v, (unsigned int)(q >> 8) & 15);
	if (cr == 0) {
		x->cr0_shadow = val;
		vmwrite(VMCS_CR0_SHADOW, val);
		return true;
	}
	if (val & CR4_VMXE) {
		vmx_inject_exception(v, VEC_GP, 0);
		return true;
	}
	x->cr4_shadow = val;
	vmwrite(VMCS_CR4_SHADOW, val);
	return true;
}

static void entry_failed(struct sv_exit *e, uint32_t reason)
{
	uint64_t q = vmread(VMCS_EXIT_QUAL);

	/* SDM 3C 27.8: basic reason 33 (guest state), 34 (MSR loading), 41 (#MC). */
	sv_printf("VMX: VM entry failed, exit reason %u, qualification %lx, guest RIP %lx CR0 %lx CR4 %lx, "
		  "interruptibility %lx, activity %lx\n",
		  reason & 0xffff, (unsigned long)q, (unsigned long)vmread(GUEST_RIP),
		  (unsigned long)vmread(GUEST_CR0), (unsigned long)vmread(GUEST_CR4),
		  (unsigned long)vmread(GUEST_INTERRUPTIBILITY), (unsigned long)vmread(GUEST_ACTIVITY));
	e->reason = SV_EXIT_INVALID;
	e->raw = reason;
}

void vmx_queue_event(struct sv_vcpu *v, unsigned int vector, bool nmi)
{
	struct vmx_vcpu *x = v->vendor;

	if (nmi)
		x->nmi_pending = true;
	else if (vector >= 32 && vector < 256)
		x->irq_pending[nospec_index(vector, 256) / 64] |= 1ULL << (vector % 64);
}

/*
 * Hands queued guest events to the VM-entry interruption-information
 * field (SDM 3C 27.6).  An external interrupt may only be injected when
 * the guest can take one, RFLAGS.IF set and no STI or MOV-SS shadow
 * (27.3.1.5); until then interrupt-window exiting (25.6.2) brings the
 * VMM back the moment it can.  An NMI waits for the guest's own NMI
 * handler to finish: it is retried at the next exit, since NMI-window
 * exiting would need virtual NMIs and with them NMI exiting.
 */
static void deliver_events(struct sv_vcpu *v, struct vmx_vcpu *x)
{
	bool busy = vmread(VMCS_ENTRY_INTR_INFO) & INTR_INFO_VALID;
	uint64_t is = vmread(GUEST_INTERRUPTIBILITY);
	bool shadow = is & (INTERRUPT_BLOCK_STI | INTERRUPT_BLOCK_MOVSS);
	bool window = false;

	if (x->nmi_pending) {
		if (!busy && !shadow && !(is & INTERRUPT_BLOCK_NMI)) {
			vmwrite(VMCS_ENTRY_INTR_INFO, INTR_INFO_VALID | INTR_TYPE_NMI | 2);
			x->nmi_pending = false;
			busy = true;
		} else if (shadow && !(is & INTERRUPT_BLOCK_NMI)) {
			window = true;
		}
	}
	for (int w = 3; w >= 0; w--) {
		if (!x->irq_pending[w])
			continue;
		if (busy || shadow || !(v->rflags & (1u << 9))) {
			window = true;
			break;
		}
		unsigned int bit = 63 - (unsigned int)__builtin_clzll(x->irq_pending[w]);
		x->irq_pending[w] &= ~(1ULL << bit);
		vmwrite(VMCS_ENTRY_INTR_INFO, INTR_INFO_VALID | INTR_TYPE_EXT_INT | (w * 64 + bit));
		busy = true;
		/* More queued: come back as soon as the guest can take the next. */
		window = x->irq_pending[0] | x->irq_pending[1] | x->irq_pending[2] | x->irq_pending[3];
		break;
	}
	if (window != x->window) {
		uint64_t proc = vmread(VMCS_PROC_CTLS);
		vmwrite(VMCS_PROC_CTLS, window ? (proc | PROC_INT_WINDOW) : (proc & ~(uint64_t)PROC_INT_WINDOW));
		x->window = window;
	}
}

/* Before each entry: state common code may have changed, and what VMX leaves to us. */
static void prepare_entry(struct sv_vcpu *v, struct vmx_vcpu *x)
{
	if (x->nested_gen != nested_map_gen) {
		x->nested_gen = nested_map_gen;
		/* SDM 3C 29.4.3.1: the EPT mappings of this context go. */
		if (vmx_cfg.invept_single)
			invept(1, vmx_eptp);
		else if (vmx_cfg.invept_all)
			invept(2, 0);
	}
	vmwrite(GUEST_RIP, v->rip);
	vmwrite(GUEST_RSP, v->rsp);
	vmwrite(GUEST_RFLAGS, v->rflags);
	/*
	 * An emulated instruction ends a MOV-SS or STI shadow, as executing
	 * it would have (SDM 3C 27.3.1.5 forbids STI blocking with IF clear).
	 */
	if (x->launched && v->rip != x->exit_rip) {
		uint64_t is = vmread(GUEST_INTERRUPTIBILITY);
		if (is & (INTERRUPT_BLOCK_STI | INTERRUPT_BLOCK_MOVSS))
			vmwrite(GUEST_INTERRUPTIBILITY, is & ~(uint64_t)(INTERRUPT_BLOCK_STI | INTERRUPT_BLOCK_MOVSS));
	}
	/* An event the exit interrupted is delivered again, unless common code injects one. */
	if (x->pending_event) {
		if (!(vmread(VMCS_ENTRY_INTR_INFO) & INTR_INFO_VALID)) {
			vmwrite(VMCS_ENTRY_INTR_INFO, x->pending_event);
			vmwrite(VMCS_ENTRY_EXC_ERR, x->pending_err);
			vmwrite(VMCS_ENTRY_INSN_LEN, x->pending_len);
		}
		x->pending_event = 0;
	}
	deliver_events(v, x);
	/* "IA-32e mode guest" must match the guest's EFER.LMA (SDM 3C 27.3.1.1). */
	uint64_t entry = vmread(VMCS_ENTRY_CTLS);
	uint64_t want = (vmread(GUEST_EFER) & EFER_LMA) ? (entry | ENTRY_IA32E_GUEST)
							: (entry & ~(uint64_t)ENTRY_IA32E_GUEST);
	if (want != entry)
		vmwrite(VMCS_ENTRY_CTLS, want);
	/*
	 * The exit must land in the VMM as it is now: processes run on their
	 * own CR3, and CR0/CR4 may have changed since the VMCS was built.
	 */
	vmwrite(HOST_CR0, read_cr0());
	vmwrite(HOST_CR3, read_cr3());
	vmwrite(HOST_CR4, read_cr4());
	/* VMX does not switch CR2; a process's page fault may have changed it. */
	if (read_cr2() != x->cr2)
		write_cr2(x->cr2);
}

void vmx_run(struct sv_vcpu *v, struct sv_exit *e)
{
	struct vmx_vcpu *x = v->vendor;
	struct dtr gdtr, idtr;
	struct spec_vm *sv = spec_vm_this();

	__asm__ volatile("sgdt %0" : "=m"(gdtr));
	__asm__ volatile("sidt %0" : "=m"(idtr));
	for (;;) {
		prepare_entry(v, x);
		spec_before_vmentry(sv);
		int rc = vmx_enter(&v->regs, x->launched, sv);
		x->cr2 = read_cr2();
		/* VM exits set the GDTR and IDTR limits to 0xffff (SDM 3C 28.5.2). */
		__asm__ volatile("lgdt %0" : : "m"(gdtr));
		__asm__ volatile("lidt %0" : : "m"(idtr));
		if (rc) {
			uint64_t err = rc == 2 ? vmread(VMCS_INSN_ERROR) : 0;
			sv_printf("VMX: %s failed: %s, VM-instruction error %lu (SDM 3C 31.4)\n",
				  x->launched ? "VMRESUME" : "VMLAUNCH",
				  rc == 2 ? "VMfailValid" : "VMfailInvalid", (unsigned long)err);
			e->reason = SV_EXIT_INVALID;
			e->raw = 0x80000000u | err;
			return;
		}
		x->launched = true;
		v->rip = vmread(GUEST_RIP);
		v->rsp = vmread(GUEST_RSP);
		v->rflags = vmread(GUEST_RFLAGS);
		x->exit_rip = v->rip;

		uint32_t vec = (uint32_t)vmread(VMCS_IDT_VEC_INFO);
		if (vec & INTR_INFO_VALID) {
			x->pending_event = vec & ~(1u << 12); /* bit 12 is undefined on entry */
			x->pending_err = (uint32_t)vmread(VMCS_IDT_VEC_ERR);
			x->pending_len = (uint32_t)vmread(VMCS_EXIT_INSN_LEN);
		}

		uint32_t reason = (uint32_t)vmread(VMCS_EXIT_REASON);
		e->raw = reason;
		/*
		 * Blocking by SMI outside SMM fails the next entry (SDM 3C
		 * 27.3.1.5), and the VMM never runs the guest in SMM; Bochs
		 * reports it set in the exits of a vCPU a SIPI started.
		 */
		uint64_t is = vmread(GUEST_INTERRUPTIBILITY);
		if (is & INTERRUPT_BLOCK_SMI)
			vmwrite(GUEST_INTERRUPTIBILITY, is & ~(uint64_t)INTERRUPT_BLOCK_SMI);
		if (reason & EXIT_REASON_ENTRY_FAIL) {
			entry_failed(e, reason);
			return;
		}
		switch (reason & 0xffff) {
		case EXIT_REASON_VMCALL:
			e->reason = SV_EXIT_HYPERCALL;
			e->insn_len = (uint32_t)vmread(VMCS_EXIT_INSN_LEN);
			return;
		case EXIT_REASON_CPUID:
			e->reason = SV_EXIT_CPUID;
			e->insn_len = (uint32_t)vmread(VMCS_EXIT_INSN_LEN);
			return;
		case EXIT_REASON_RDMSR:
		case EXIT_REASON_WRMSR: {
			bool write = (reason & 0xffff) == EXIT_REASON_WRMSR;
			if (vmx_msr_exit(v, write)) {
				v->rip += vmread(VMCS_EXIT_INSN_LEN);
				v->exits[write ? SV_EXIT_WRMSR : SV_EXIT_RDMSR]++;
				v->exits_total++;
				continue;
			}
			e->reason = write ? SV_EXIT_WRMSR : SV_EXIT_RDMSR;
			e->msr.index = (uint32_t)v->regs.rcx;
			e->msr.value = (v->regs.rdx << 32) | (uint32_t)v->regs.rax;
			e->insn_len = (uint32_t)vmread(VMCS_EXIT_INSN_LEN);
			return;
		}
		case EXIT_REASON_INT_WINDOW:
			/* The guest can take a queued interrupt now: deliver_events does it. */
			v->exits_total++;
			continue;
		case EXIT_REASON_CR_ACCESS:
			if (cr_access(v, x)) {
				v->exits_total++;
				continue;
			}
			e->reason = SV_EXIT_UNKNOWN;
			return;
		case EXIT_REASON_GETSEC:
		case EXIT_REASON_VMCLEAR:
		case EXIT_REASON_VMLAUNCH:
		case EXIT_REASON_VMPTRLD:
		case EXIT_REASON_VMPTRST:
		case EXIT_REASON_VMREAD:
		case EXIT_REASON_VMRESUME:
		case EXIT_REASON_VMWRITE:
		case EXIT_REASON_VMXOFF:
		case EXIT_REASON_VMXON:
		case EXIT_REASON_INVEPT:
		case EXIT_REASON_INVVPID:
		case EXIT_REASON_VMFUNC:
			e->reason = SV_EXIT_VIRT_INSN;
			return;
		case EXIT_REASON_INVD:
			e->reason = SV_EXIT_INVD;
			e->insn_len = (uint32_t)vmread(VMCS_EXIT_INSN_LEN);
			return;
		case EXIT_REASON_XSETBV:
			e->reason = SV_EXIT_XSETBV;
			e->insn_len = (uint32_t)vmread(VMCS_EXIT_INSN_LEN);
			return;
		case EXIT_REASON_TRIPLE_FAULT:
			e->reason = SV_EXIT_SHUTDOWN;
			return;
		case EXIT_REASON_INIT:
			e->reason = SV_EXIT_INIT;
			return;
		case EXIT_REASON_SIPI:
			e->reason = SV_EXIT_SIPI;
			e->sipi.vector = (uint32_t)vmread(VMCS_EXIT_QUAL) & 0xff;
			return;
		case EXIT_REASON_EPT_VIOLATION: {
			uint64_t q = vmread(VMCS_EXIT_QUAL);
			e->npf.gpa = vmread(VMCS_GUEST_PHYS_ADDR);
			e->npf.write = q & 2; /* SDM 3C table 28-7 */
			/* Bits 3-5 clear: the entry grants nothing, a trapped page. */
			e->reason = (q & 0x38) ? SV_EXIT_NPF : SV_EXIT_APIC;
			return;
		}
		case EXIT_REASON_EPT_MISCONFIG:
			e->reason = SV_EXIT_NPF;
			e->npf.gpa = vmread(VMCS_GUEST_PHYS_ADDR);
			e->npf.write = false;
			return;
		default:
			e->reason = SV_EXIT_UNKNOWN;
			return;
		}
	}
}

/* Exceptions that push an error code (SDM 3A 6.15). */
static bool has_error_code(unsigned int vector)
{
	return vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 || vector == 21;
}

void vmx_inject_exception(struct sv_vcpu *v, unsigned int vector, int64_t error_code)
{
	uint32_t info = (vector & 0xff) | INTR_TYPE_HW_EXC | INTR_INFO_VALID;

	(void)v;
	/*
	 * With unrestricted guest in real mode no error code may be delivered
	 * (SDM 3C 27.2.1.3); elsewhere only the vectors that have one.
	 */
	if (error_code >= 0 && has_error_code(vector) && (vmread(GUEST_CR0) & CR0_PE)) {
		info |= INTR_INFO_ERR_VALID;
		vmwrite(VMCS_ENTRY_EXC_ERR, (uint32_t)error_code);
	}
	vmwrite(VMCS_ENTRY_INTR_INFO, info);
}

void vmx_get_paging(struct sv_vcpu *v, struct sv_guest_paging *p)
{
	(void)v;
	p->cr0 = vmread(GUEST_CR0);
	p->cr3 = vmread(GUEST_CR3);
	p->cr4 = vmread(GUEST_CR4);
	p->efer = vmread(GUEST_EFER);
	/* CPL is SS.DPL (SDM 3C 25.4.1). */
	p->cpl = (unsigned int)(vmread(GUEST_SS_AR) >> 5) & 3;
	p->cs_base = vmread(GUEST_CS_BASE);
	uint64_t ar = vmread(GUEST_CS_AR);
	if ((p->efer & EFER_LMA) && (ar & (1u << 13)))
		p->cs_bits = 64;
	else if ((p->cr0 & CR0_PE) && (ar & (1u << 14)))
		p->cs_bits = 32;
	else
		p->cs_bits = 16;
}
