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

#include "fsstring.h"

#define VEC_UD 6
#define VEC_GP 13

static void skip(struct sv_vcpu *v, const struct sv_exit *e)
{
	v->rip += e->insn_len;
}

static bool xsetbv_ok(uint32_t index, uint64_t value)
{
	struct cpuid_regs r;

	if (index != 0 || !(value & 1)) /* x87 state must stay enabled (SDM 2B XSETBV) */
		return false;
	if ((value & 4) && !(value & 2)) /* AVX needs SSE */
		return false;
	cpuid_count(0xd, 0, &r);
	return (value & ~(((uint64_t)r.edx << 32) | r.eax)) == 0;
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
		/* Dropping dirty lines would corrupt the VMM's memory: write back instead. */
		__asm__ volatile("wbinvd" ::: "memory");
		skip(v, e);
		return true;
	case SV_EXIT_XSETBV: {
		uint32_t idx = (uint32_t)v->regs.rcx;
		uint64_t val = (v->regs.rdx << 32) | (uint32_t)v->regs.rax;
		if (!(read_cr4() & (1ULL << 18)) || !xsetbv_ok(idx, val)) {
			ops->inject_exception(v, VEC_GP, 0);
			return true;
		}
		__asm__ volatile("xsetbv" : : "c"(idx), "a"((uint32_t)val), "d"((uint32_t)(val >> 32)));
		skip(v, e);
		return true;
	}
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
