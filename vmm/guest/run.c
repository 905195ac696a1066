/*
 * The guest's life: nested paging, the first entry, and the exit loop.
 * Also the stats hypercall, which reports what this loop counted.
 */
#include <sv/apic.h>
#include <sv/console.h>
#include <sv/cpu.h>
#include <sv/hypercall.h>
#include <sv/iommu.h>
#include <sv/mm.h>
#include <sv/proc_timer.h>
#include <sv/vmm.h>
#include <sv/nospec.h>

#include <arch/cpu.h>

#include "fsstring.h"

uint64_t nested_span(void)
{
	/*
	 * Identity-map the whole physical address space the CPU can address
	 * (CPUID 0x80000008), so that no guest access, RAM or device, ever
	 * misses the nested tables.  With 1 GiB pages that is a few table
	 * pages; without them the map stops at 1 TiB (2 MiB pages, 4 MiB of
	 * tables) and accesses above it stop the guest with a message.
	 */
	struct cpuid_regs r;
	cpuid_count(0x80000000, 0, &r);
	unsigned int bits = 36;
	if (r.eax >= 0x80000008) {
		cpuid_count(0x80000008, 0, &r);
		bits = r.eax & 0xff;
	}
	cpuid_count(0x80000001, 0, &r);
	bool gb = r.edx & (1u << 26);
	if (bits < 32 || bits > 52)
		bits = 36;
	uint64_t span = 1ULL << bits;
	if (!gb && span > (1ULL << 40))
		span = 1ULL << 40;
	return MAX(span, ALIGN_UP(vmm_layout.max_phys, 1ULL << 30));
}

int vmm_build_nested(const struct sv_range *hidden, unsigned int nhidden)
{
	const struct sv_vcpu_ops *ops = vmm_backend;

	if (ops->build_npt(nested_span(), hidden, nhidden, vmm_layout.sink_page))
		return -SV_ENOMEM;
	/*
	 * The shared tables are complete now and never change again: no CPU
	 * runs the guest yet, so no TLB can hold an older entry, and nothing
	 * after boot edits them (so no flush IPIs are ever needed).
	 */
	int rc = apic_trap_init(ops);
	if (rc) {
		sv_printf("FATAL: cannot trap the guest's xAPIC page for INIT/SIPI (%s)\n", sv_strerror(rc));
		return rc;
	}
	return 0;
}

void vcpu_loop(struct sv_cpu *c)
{
	const struct sv_vcpu_ops *ops = vmm_backend;
	struct sv_vcpu *v = &c->vcpu;

	__atomic_store_n(&c->state, CPU_GUEST, __ATOMIC_SEQ_CST);
	for (;;) {
		apic_mailbox(ops, c);
		if (v->wait_sipi && !ops->hw_sipi) {
			/* SVM: the INIT state has no hardware form; wait here for the SIPI. */
			cpu_relax();
			continue;
		}
		struct sv_exit e = { 0 };
		ops->run(v, &e);
		if (!exit_handle(ops, v, &e))
			break;
		console_pump();
	}
	sv_printf("cpu %u: the guest has stopped on this CPU; Sealvisor halts it\n", c->index);
	console_flush();
	cpu_halt_forever();
}

void vmm_run_guest(struct sv_guest_boot *boot)
{
	struct sv_cpu *c = this_cpu();

	if (vmm_backend->vcpu_init(&c->vcpu, boot)) {
		sv_printf("FATAL: could not set up the virtual CPU\n");
		console_flush();
		cpu_halt_forever();
	}
	sv_printf("starting the guest at %x\n", boot->eip);
	console_go_async(); /* from now on, printing must not hold the guest long */
	vcpu_loop(c);
}

static int64_t hc_stats(struct hc_call *c)
{
	struct sv_stats s;

	memset(&s, 0, sizeof(s));
	s.size = sizeof(s);
	s.backend = vmm_backend->id;
	s.image_start = vmm_layout.image_start;
	s.image_end = vmm_layout.image_end;
	s.pool_start = vmm_layout.pool_start;
	s.pool_end = vmm_layout.pool_end;
	s.pool_pages_free = palloc_free_count();
	s.pool_pages_total = palloc_total();
	for (unsigned int i = 0; i < cpu_count; i++) {
		const struct sv_vcpu *v = &cpus[i]->vcpu;
		s.exits_total += v->exits_total;
		for (unsigned int j = 0; j < SV_EXIT_COUNT && j < SV_STATS_EXIT_REASONS; j++)
			s.exits[j] += v->exits[j];
		if (cpus[i]->state == CPU_GUEST || cpus[i]->state == CPU_READY)
			s.cpus_running++;
		else
			s.cpus_held++;
	}
	s.cpus = cpu_count;
	s.tsc_hz_estimate = proc_timer_tsc_hz();
	s.log_total = log_total();
	s.log_ring_size = LOG_RING_SIZE;
	s.audit_total = hc_audit_total();
	s.console_dropped = console_dropped();
	s.iommu_state = (uint32_t)iommu_state();
	s.iommu_units = iommu_units_on();
	s.iommu_faults = iommu_fault_count();
	s.iommu_intr_blocked = iommu_intr_blocked_count();
	/* Tools built against an older struct get the part they know. */
	size_t n = sizeof(s);
	if (c->arg[1] < __builtin_offsetof(struct sv_stats, cpus))
		return -SV_ERANGE;
	if (c->arg[1] < n)
		n = (size_t)c->arg[1];
	int rc = gm_copy_to(c->phys, &c->paging, c->arg[0], &s, n);
	return rc ? rc : (int64_t)n;
}
HYPERCALL(stats, SV_HC_STATS, hc_stats);

static int64_t hc_cpustat(struct hc_call *c)
{
	struct sv_cpu_stats s;
	uint64_t i = c->arg[0];

	if (i >= cpu_count)
		return -SV_ENOENT;
	i = nospec_index(i, cpu_count);
	if (c->arg[2] < sizeof(s))
		return -SV_ERANGE;
	const struct sv_cpu *cpu = cpus[i];
	memset(&s, 0, sizeof(s));
	s.size = sizeof(s);
	s.index = cpu->index;
	s.apic_id = cpu->apic_id;
	s.state = (uint32_t)cpu->state;
	s.sipis = cpu->vcpu.sipis;
	s.exits_total = cpu->vcpu.exits_total;
	for (unsigned int j = 0; j < SV_EXIT_COUNT && j < SV_STATS_EXIT_REASONS; j++)
		s.exits[j] = cpu->vcpu.exits[j];
	s.caller = c->vcpu->cpu == cpu->index;
	int rc = gm_copy_to(c->phys, &c->paging, c->arg[1], &s, sizeof(s));
	return rc ? rc : (int64_t)sizeof(s);
}
HYPERCALL(cpustat, SV_HC_CPUSTAT, hc_cpustat);
