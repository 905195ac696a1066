/*
 * The hardware side of guest/msr.c: what this CPU is, each vCPU's
 * shadows, and the answer to the guest.  Real MSRs are read and written
 * only through rdmsr_safe/wrmsr_safe, so an MSR a CPU lacks is the
 * guest's #GP, never a VMM halt.
 */
#include <arch/cpu.h>
#include <sv/console.h>
#include <sv/msr.h>

#include <sv_config.h>

#include "fsstring.h"

#define VEC_GP 13
#define SAY_MAX 32 /* console lines about refused MSRs, for all CPUs together */

struct msr_vcpu {
	struct msr_cpu_info ci;
	struct msr_shadow sh;
};

/* Touched only by the CPU that runs vCPU i. */
static struct msr_vcpu msr_vcpus[SV_MAX_CPUS];
static unsigned int said;

static int hw_read(uint32_t msr, uint64_t *value)
{
	return rdmsr_safe(msr, value);
}

static int hw_write(uint32_t msr, uint64_t value)
{
	return wrmsr_safe(msr, value);
}

static const struct msr_hw msr_hw_real = { .read = hw_read, .write = hw_write };

static void cpu_info(struct msr_cpu_info *ci)
{
	struct cpuid_regs r;
	uint64_t cap;

	memset(ci, 0, sizeof(*ci));
	cpuid_count(0, 0, &r);
	uint32_t max = r.eax;
	ci->amd = r.ebx == 0x68747541u /* "Auth"enticAMD */ || r.ebx == 0x6f677948u /* "Hygo"nGenuine */;
	cpuid_count(1, 0, &r);
	ci->mtrr = r.edx & (1u << 12);
	if (max >= 7) {
		cpuid_count(7, 0, &r);
		ci->arch_caps = r.edx & (1u << 29);
	}
	if (max >= 0xd) {
		cpuid_count(0xd, 1, &r);
		ci->xsaves = r.eax & (1u << 3);
		ci->xss_allowed = msr_xss_allowed(r.ecx, r.edx);
	}
	ci->phys_bits = 36;
	cpuid_count(0x80000000u, 0, &r);
	if (r.eax >= 0x80000008u) {
		cpuid_count(0x80000008u, 0, &r);
		ci->phys_bits = r.eax & 0xff;
	}
	if (ci->mtrr && rdmsr_safe(MSR_MTRRCAP, &cap) == 0)
		ci->mtrr_cap = msr_mtrr_cap_guest(cap);
	else
		ci->mtrr = false;
}

void msr_exit(const struct sv_vcpu_ops *ops, struct sv_vcpu *v, const struct sv_exit *e)
{
	bool write = e->reason == SV_EXIT_WRMSR;
	uint64_t value = e->msr.value;

	if (v->cpu >= SV_MAX_CPUS) {
		ops->inject_exception(v, VEC_GP, 0);
		return;
	}
	struct msr_vcpu *m = &msr_vcpus[v->cpu];
	if (!m->sh.ready) {
		cpu_info(&m->ci);
		msr_shadow_init(&m->ci, &m->sh, &msr_hw_real);
		if (v->cpu == 0)
			sv_printf("msr: the guest's MTRRs are a shadow of the firmware's (MTRRdefType %lx, "
				  "%u variable ranges); its writes never reach the hardware\n",
				  (unsigned long)m->sh.mtrr_def, (unsigned int)(m->ci.mtrr_cap & 0xff));
	}
	if (msr_emulate(&m->ci, &m->sh, &msr_hw_real, e->msr.index, write, &value) == MSR_GP) {
		if (__atomic_fetch_add(&said, 1, __ATOMIC_RELAXED) < SAY_MAX)
			sv_printf("cpu %u: guest %s of MSR %x (value %lx) not granted: #GP\n", v->cpu,
				  write ? "WRMSR" : "RDMSR", e->msr.index,
				  (unsigned long)(write ? e->msr.value : 0));
		ops->inject_exception(v, VEC_GP, 0);
		return;
	}
	if (!write) {
		v->regs.rax = (uint32_t)value;
		v->regs.rdx = value >> 32;
	}
	v->rip += e->insn_len;
}
