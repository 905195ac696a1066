/*
 * The guest's life: nested paging, the first entry, and the exit loop.
 * Also the stats hypercall, which reports what this loop counted.
 */
#include <sv/console.h>
#include <sv/hypercall.h>
#include <sv/mm.h>
#include <sv/proc_timer.h>
#include <sv/vmm.h>

#include <arch/cpu.h>

#include "fsstring.h"

void vmm_run_guest(struct sv_guest_boot *boot, const struct sv_range *hidden, unsigned int nhidden)
{
	const struct sv_vcpu_ops *ops = vmm_backend;
	struct sv_vcpu *v = &vmm_vcpu;
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
	span = MAX(span, ALIGN_UP(vmm_layout.max_phys, 1ULL << 30));
	if (ops->build_npt(span, hidden, nhidden, vmm_layout.sink_page)) {
		sv_printf("FATAL: out of pool memory for the nested page tables\n");
		cpu_halt_forever();
	}
	if (ops->vcpu_init(v, boot)) {
		sv_printf("FATAL: could not set up the virtual CPU\n");
		cpu_halt_forever();
	}
	sv_printf("starting the guest at %x\n", boot->eip);
	for (;;) {
		struct sv_exit e = { 0 };
		ops->run(v, &e);
		if (!exit_handle(ops, v, &e))
			break;
	}
	sv_printf("the guest has stopped; Sealvisor halts this CPU\n");
	cpu_halt_forever();
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
	s.exits_total = c->vcpu->exits_total;
	s.tsc_hz_estimate = proc_timer_tsc_hz();
	s.log_total = log_total();
	s.log_ring_size = LOG_RING_SIZE;
	for (unsigned int i = 0; i < SV_EXIT_COUNT && i < SV_STATS_EXIT_REASONS; i++)
		s.exits[i] = c->vcpu->exits[i];
	if (c->arg[1] < sizeof(s))
		return -SV_ERANGE;
	int rc = gm_copy_to(c->phys, &c->paging, c->arg[0], &s, sizeof(s));
	return rc ? rc : (int64_t)sizeof(s);
}
HYPERCALL(stats, SV_HC_STATS, hc_stats);
