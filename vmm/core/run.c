/*
 * The guest's life: nested paging, the first entry, and the exit loop.
 * Also the stats hypercall, which reports what this loop counted.
 */
#include <sv/console.h>
#include <sv/hypercall.h>
#include <sv/mm.h>
#include <sv/vmm.h>

#include <arch/cpu.h>

#include "fsstring.h"

void vmm_run_guest(struct sv_guest_boot *boot, const struct sv_range *hidden, unsigned int nhidden)
{
	const struct sv_vcpu_ops *ops = vmm_backend;
	struct sv_vcpu *v = &vmm_vcpu;
	/*
	 * Identity-map at least the first 4 GiB (devices live below it) and
	 * all RAM; 64 GiB more leaves room for 64-bit device windows above
	 * RAM on real machines.
	 */
	uint64_t span = ALIGN_UP(MAX(vmm_layout.max_phys, 4ULL << 30), 1ULL << 30) + (64ULL << 30);

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
	for (unsigned int i = 0; i < SV_EXIT_COUNT && i < SV_STATS_EXIT_REASONS; i++)
		s.exits[i] = c->vcpu->exits[i];
	if (c->arg[1] < sizeof(s))
		return -SV_ERANGE;
	int rc = gm_copy_to(c->phys, &c->paging, c->arg[0], &s, sizeof(s));
	return rc ? rc : (int64_t)sizeof(s);
}
HYPERCALL(stats, SV_HC_STATS, hc_stats);
