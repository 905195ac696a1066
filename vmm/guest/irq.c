/*
 * Interrupts and NMIs that reach the VMM.  The guest owns every device and
 * the LAPIC, so the only interrupt that is the VMM's own is the process
 * budget timer; any other one (an NMI, or an interrupt of priority class
 * 15 while a process runs) was meant for the guest.  It has already been
 * accepted from the LAPIC, so it is not acknowledged here: it is queued
 * for injection at the next guest entry, and the guest's own EOI ends it.
 */
#include <arch/desc.h>
#include <arch/lapic.h>
#include <sv/apic.h>
#include <sv/console.h>
#include <sv/cpu.h>
#include <sv/proc_timer.h>
#include <sv/process.h>

#include <sv_config.h>
#include <sv/vmm.h>

static void irq_dispatch(struct trap_frame *f)
{
	struct sv_cpu *c = this_cpu();

	if (f->vector == 2) {
		/* An NMI may be the VMM's own kick (guest/apic.c): its message is in the mailbox. */
		if (!apic_nmi_is_kick(c) && c->vcpu.vendor)
			vmm_backend->queue_event(&c->vcpu, 2, true);
		return;
	}
	if (f->vector == PROC_TIMER_VECTOR) {
		/* The timer only ticks with interrupts on, which is only in ring 3. */
		if (proc_timer_fired() && (f->cs & 3) == 3) {
			/* The kill line and the reaping are the VMM's work, not the process's time. */
			proc_timer_pause();
			process_kill_current(SV_ETIMEOUT, "ran past its %u ms budget (RIP in user mode)",
					     SV_PROC_BUDGET_MS);
		}
		return;
	}
	/*
	 * The LAPIC's spurious vector (SVR bits 0-7) is no interrupt at all:
	 * nothing is in service, so the guest must not see it either.
	 */
	if (f->vector == (lapic_read(LAPIC_SVR) & 0xff))
		return;
	/* During a process call: ended now, raised again when the call ends. */
	if (proc_timer_defer((unsigned int)f->vector))
		return;
	if (c->vcpu.vendor)
		vmm_backend->queue_event(&c->vcpu, (unsigned int)f->vector, false);
}

void irq_init(void)
{
	trap_irq_hook = irq_dispatch;
}
