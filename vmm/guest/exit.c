/*
 * Common handling of normalized exits.  Vendor code has already turned the
 * VMCB/VMCS state into a struct sv_exit and synced the registers; nothing
 * here knows which vendor it runs on.  A guest can make any of these
 * exits happen as often as it likes, so none of them may fail the VMM:
 * the worst outcome of guest input is an exception injected into the guest.
 */
#include <arch/cpu.h>
#include <sv/apic.h>
#include <sv/console.h>
#include <sv/cpuid.h>
#include <sv/hypercall.h>
#include <sv/iommu.h>
#include <sv/machine.h>
#include <sv/mm.h>
#include <sv/msr.h>
#include <sv/xcr0.h>

#include "fsstring.h"

#define VEC_UD 6
#define VEC_GP 13
#define CR4_OSXSAVE (1ULL << 18)

static void skip(struct sv_vcpu *v, const struct sv_exit *e)
{
	v->rip += e->insn_len;
}

/*
 * The XCR0 bits the guest may enable: what the CPU supports (CPUID 0xD.0
 * EDX:EAX) and what the guest's CPUID shows of it (guest/cpuid.c may hide
 * a component).
 */
static uint64_t xcr0_offered(void)
{
	struct cpuid_regs hw, g;

	cpuid_count(0xd, 0, &hw);
	cpuid_guest(0xd, 0, &g);
	return (((uint64_t)hw.edx << 32) | hw.eax) & (((uint64_t)g.edx << 32) | g.eax);
}

/*
 * XSETBV (VMX only: SVM runs it in the guest, where the CPU checks it).
 * The CPU has already raised #UD for a guest without CR4.OSXSAVE and #GP
 * for CPL > 0 before the exit (SDM 3C 26.1.1); what is left is the value.
 * The rules refuse what the SDM forbids, and the replay itself is
 * #GP-safe, so a value the rules let through but this CPU refuses is the
 * guest's #GP as well, never a halt of the VMM.
 */
static void xsetbv_exit(const struct sv_vcpu_ops *ops, struct sv_vcpu *v, const struct sv_exit *e)
{
	static unsigned int said;
	uint32_t idx = (uint32_t)v->regs.rcx;
	uint64_t val = ((uint64_t)(uint32_t)v->regs.rdx << 32) | (uint32_t)v->regs.rax;

	if (!(read_cr4() & CR4_OSXSAVE) || xsetbv_check(idx, val, xcr0_offered()) != XSETBV_OK) {
		ops->inject_exception(v, VEC_GP, 0);
		return;
	}
	if (xsetbv_safe(idx, val)) {
		if (__atomic_fetch_add(&said, 1, __ATOMIC_RELAXED) < 5)
			sv_printf("cpu %u: the CPU refused XSETBV %u, %lx that the XCR0 rules allow: #GP to the guest\n",
				  v->cpu, idx, (unsigned long)val);
		ops->inject_exception(v, VEC_GP, 0);
		return;
	}
	skip(v, e);
}

bool exit_handle(const struct sv_vcpu_ops *ops, struct sv_vcpu *v, const struct sv_exit *e)
{
	v->exits[e->reason < SV_EXIT_COUNT ? e->reason : SV_EXIT_UNKNOWN]++;
	v->exits_total++;
	iommu_poll_maybe(); /* blocked DMA is noticed at the next exit, at most every 5 ms */

	bool fresh = v->sipi_fresh;

	v->sipi_fresh = false;
	switch (e->reason) {
	case SV_EXIT_HYPERCALL:
		v->regs.rax = (uint64_t)hc_dispatch(v, ops);
		skip(v, e);
		return true;
	case SV_EXIT_CPUID: {
		struct cpuid_regs r;
		cpuid_guest((uint32_t)v->regs.rax, (uint32_t)v->regs.rcx, &r);
		v->regs.rax = r.eax;
		v->regs.rbx = r.ebx;
		v->regs.rcx = r.ecx;
		v->regs.rdx = r.edx;
		skip(v, e);
		return true;
	}
	case SV_EXIT_WRMSR:
		if (apic_wrmsr_exit(ops, v, e))
			return true;
		/* fall through */
	case SV_EXIT_RDMSR:
		/* Not in the vendor's allow-list: emulated or #GP (guest/msr.c). */
		msr_exit(ops, v, e);
		return true;
	case SV_EXIT_VIRT_INSN:
		/* The guest sees no SVM/VMX in CPUID; the instructions are invalid. */
		ops->inject_exception(v, VEC_UD, -1);
		return true;
	case SV_EXIT_INVD:
		/*
		 * Both backends intercept INVD: it drops the cache's dirty
		 * lines, the VMM's among them (page tables being zeroed, the
		 * process table, lock words).  WBINVD is what the guest may
		 * have: the same invalidation, with the lines written back.
		 */
		__asm__ volatile("wbinvd" ::: "memory");
		skip(v, e);
		return true;
	case SV_EXIT_XSETBV:
		xsetbv_exit(ops, v, e);
		return true;
	case SV_EXIT_SHUTDOWN:
		sv_printf("cpu %u: guest shut down (triple fault) at RIP %lx: resetting the machine\n",
			  v->cpu, (unsigned long)v->rip);
		machine_reset();
		return false;
	case SV_EXIT_INIT:
		/*
		 * VMX blocks INIT in wait-for-SIPI (SDM 3C 26.2: it causes no
		 * exit there) and so takes it once the SIPI has started the
		 * vCPU: an INIT before the vCPU ran its first instruction is that
		 * stale one, and INIT to a CPU waiting for SIPI has no effect on
		 * bare metal.  Linux sends INIT first to APs that already wait.
		 */
		if (fresh && v->rip == 0)
			return true;
		return apic_init_exit(ops, v);
	case SV_EXIT_SIPI:
		/* VMX: a SIPI to a vCPU in wait-for-SIPI (SDM 3C 26.6.2 / 28.2). */
		if (v->wait_sipi) {
			ops->vcpu_sipi(v, (uint8_t)e->sipi.vector);
			v->sipis++;
			v->sipi_fresh = true;
		}
		return true;
	case SV_EXIT_APIC:
		return apic_access_exit(ops, v, e);
	case SV_EXIT_NMI:
		/* Handled on the way out of the guest (guest/irq.c); the mailbox is next. */
		return true;
	case SV_EXIT_NPF:
		sv_printf("guest touched unmapped physical address %lx (%s) at RIP %lx; stopping it\n",
			  (unsigned long)e->npf.gpa, e->npf.write ? "write" : "read",
			  (unsigned long)v->rip);
		return false;
	case SV_EXIT_INVALID:
		sv_printf("the CPU refused the guest state (exit %lx); stopping the guest\n",
			  (unsigned long)e->raw);
		return false;
	default:
		sv_printf("unexpected exit %lx at RIP %lx; injecting #UD\n", (unsigned long)e->raw,
			  (unsigned long)v->rip);
		ops->inject_exception(v, VEC_UD, -1);
		return true;
	}
}
