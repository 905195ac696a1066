/*
 * Per-CPU data; see include/sv/cpu.h.  The boot CPU's struct and IST
 * region are static, so that exceptions have somewhere to go before the
 * page pool exists; every other CPU's come from the pool.
 */
#include <arch/cpu.h>
#include <arch/entry.h>
#include <arch/sysmsr.h>
#include <sv/cmdline.h>
#include <sv/cpu.h>
#include <sv/lock.h>
#include <sv/mm.h>

#include "fsstring.h"

struct sv_cpu *cpus[CPU_SLOTS];
unsigned int cpu_count;
unsigned int cpu_virtualized;

static struct sv_cpu cpu0;
static uint8_t cpu0_ist[CPU_STACK_SIZE] __aligned(CPU_STACK_SIZE);
extern uint8_t boot_stack[];

static void tag(uint64_t region, struct sv_cpu *c)
{
	*(struct sv_cpu **)(uintptr_t)region = c;
}

void percpu_init_bsp(uint32_t apic_id)
{
	cpu0.index = 0;
	cpu0.apic_id = apic_id;
	cpu0.state = CPU_READY;
	cpu0.virtualize = true;
	cpu0.stack_base = (uint64_t)(uintptr_t)boot_stack;
	cpu0.entry_base = (uint64_t)(uintptr_t)cpu0_ist; /* until entry_init maps its region */
	cpu0.vcpu.cpu = 0;
	cpu0.vcpu.apic_id = apic_id;
	tag(cpu0.stack_base, &cpu0);
	tag(cpu0.entry_base, &cpu0);
	cpus[0] = &cpu0;
	cpu_count = 1;
	cpu_virtualized = 1;
}

struct sv_cpu *percpu_add(uint32_t apic_id)
{
	if (cpu_count >= CPU_SLOTS)
		return NULL;
	uint64_t pages = CPU_STACK_SIZE / PAGE_SIZE;
	uint64_t cpages = (sizeof(struct sv_cpu) + PAGE_SIZE - 1) / PAGE_SIZE;
	uint64_t spa = palloc_pages(pages, pages);
	uint64_t cpa = palloc_pages(cpages, 1);
	if (!spa || !cpa) {
		if (spa)
			pfree_pages(spa, pages);
		if (cpa)
			pfree_pages(cpa, cpages);
		return NULL;
	}
	struct sv_cpu *c = phys_to_virt(cpa);
	c->index = cpu_count;
	if (entry_add_cpu(c)) {
		pfree_pages(spa, pages);
		pfree_pages(cpa, cpages);
		return NULL;
	}
	c->apic_id = apic_id;
	c->virtualize = cpu_count < cmdline_max_cpus;
	c->stack_base = (uint64_t)(uintptr_t)phys_to_virt(spa);
	c->vcpu.cpu = c->index;
	c->vcpu.apic_id = apic_id;
	tag(c->stack_base, c);
	cpus[cpu_count++] = c;
	if (c->virtualize)
		cpu_virtualized++;
	return c;
}

struct sv_cpu *cpu_by_apic_id(uint32_t apic_id)
{
	for (unsigned int i = 0; i < cpu_count; i++) {
		if (cpus[i]->apic_id == apic_id)
			return cpus[i];
	}
	return NULL;
}

void cpu_setup_features(void)
{
	struct cpuid_regs r;
	uint64_t cr4 = read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT;

	cpuid_count(1, 0, &r);
	if (r.ecx & (1u << 26))
		cr4 |= 1ULL << 18; /* OSXSAVE: lets the VMM execute a guest's XSETBV */
	/*
	 * SMEP/SMAP: the VMM never executes or touches user pages through
	 * their user addresses (it copies through the direct map), so any
	 * attempt is a bug or an attack and faults.
	 */
	cpuid_count(7, 0, &r);
	if (r.ebx & (1u << 7))
		cr4 |= CR4_SMEP;
	if (r.ebx & (1u << 20))
		cr4 |= CR4_SMAP;
	/* UMIP: SGDT, SIDT, SLDT, SMSW and STR fault in ring 3 (SDM 3A 2.5). */
	if (r.ecx & (1u << 2))
		cr4 |= CR4_UMIP;
	write_cr4(cr4 | entry_cr4_bits()); /* PCIDE, once the boot CPU decided */
	/* The VMM never uses x87/SSE itself; keep CR0 as the guest-friendly default. */
	write_cr0((read_cr0() | CR0_MP | CR0_NE) & ~(CR0_EM | CR0_TS));
	/* Before virtualization: the VMCS host fields and SVM's host save area copy these. */
	sysmsr_init_cpu(this_cpu()->index == 0);
}
