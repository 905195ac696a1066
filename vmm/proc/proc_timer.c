/*
 * The process time budget (-Dproc_budget_ms, default 100 ms).
 *
 * Processes run while the guest sits in a hypercall, on the guest's CPU,
 * so nothing would ever stop an endless loop.  The VMM borrows the local
 * APIC timer for the length of the outermost handler call: it saves the
 * guest's timer (mode, divider, remaining count or TSC deadline) and task
 * priority, arms a one-shot on its own vector, raises TPR so that only
 * priority class 15 can interrupt, runs the process with interrupts on,
 * (the 8259 PIC masked, since TPR does not cover it), and afterwards puts
 * the guest's timer back with the time that passed
 * taken off (a deadline that passed meanwhile fires at once, as it would
 * have).  A guest interrupt that still gets through is handed back to the
 * guest (guest/irq.c).
 */
#include <arch/cpu.h>
#include <arch/lapic.h>
#include <sv/console.h>
#include <sv/cpu.h>
#include <sv/lock.h>
#include <sv/proc_timer.h>
#include <sv/vmm.h>
#include <sv/nospec.h>

#include <sv_config.h>

static uint64_t tsc_hz, apic_hz;
static bool usable;

/*
 * Each CPU borrows its own LAPIC's timer (the LAPIC is per CPU, so the
 * same registers at the same address are a different timer on each).
 */
struct cpu_timer {
	unsigned int armed; /* nesting: only the outermost call arms */
	uint64_t deadline_tsc;
	/*
	 * Only ring-3 time counts: while the VMM works for a process (a
	 * syscall, waiting for vmm_lock, printing) the timer is stopped and
	 * the deadline moves on by that time.
	 */
	bool paused;
	uint64_t paused_at;
	uint64_t wall_deadline_tsc; /* PROC_WALL_FACTOR budgets after the outermost call began */
	/*
	 * Each nested call has a budget of its own; its caller's deadline
	 * (and the moment the caller's syscall stopped the timer) wait here
	 * and come back unchanged when the callee's call ends, however it
	 * ends: the callee's time is never the caller's.
	 */
	uint64_t outer_deadline[PROC_TIMER_MAX_NEST], outer_paused_at[PROC_TIMER_MAX_NEST];
	uint32_t lvt, tdcr, tmcct, tmict, tpr;
	uint32_t lint0;
	uint64_t tsc_deadline;
	uint64_t at_tsc;
	/* Guest vectors of priority class 15 that arrived during the call (irq.c). */
	uint64_t deferred[4];
};
static struct cpu_timer timers[SV_MAX_CPUS];

/*
 * The 8259 PIC is one for the machine: the first CPU to start a call
 * masks it, the last to end one gives the guest its masks back.
 */
static struct spinlock pic_lock = SPINLOCK_INIT;
static unsigned int pic_users;
static uint8_t pic_mask1, pic_mask2;

static void pic_hold(bool on)
{
	spin_lock(&pic_lock);
	if (on && pic_users++ == 0) {
		pic_mask1 = inb(0x21);
		pic_mask2 = inb(0xa1);
		outb(0x21, 0xff);
		outb(0xa1, 0xff);
	} else if (!on && --pic_users == 0) {
		outb(0xa1, pic_mask2);
		outb(0x21, pic_mask1);
	}
	spin_unlock(&pic_lock);
}

void proc_timer_init(void)
{
	if (lapic_calibrate(&tsc_hz, &apic_hz)) {
		sv_printf("WARNING: could not calibrate the LAPIC timer against the PIT; "
			  "process time budgets are not enforced\n");
		return;
	}
	usable = apic_hz > 0;
	sv_printf("timers: TSC %lu MHz, LAPIC timer %lu MHz; process budget %u ms\n",
		  (unsigned long)(tsc_hz / 1000000), (unsigned long)(apic_hz / 1000000),
		  SV_PROC_BUDGET_MS);
}

uint64_t proc_timer_tsc_hz(void)
{
	return tsc_hz;
}

/* TSC cycles as LAPIC timer ticks (divide by 1); 0 when uncalibrated. */
static uint64_t tsc_to_ticks(uint64_t cycles)
{
	return tsc_hz >= 1000 ? cycles * (apic_hz / 1000) / (tsc_hz / 1000) : 0;
}

static void arm_ticks(uint64_t ticks)
{
	if (ticks == 0)
		ticks = 1;
	if (ticks > 0xffffffffu)
		ticks = 0xffffffffu;
	lapic_write(LAPIC_LVT_TIMER, PROC_TIMER_VECTOR); /* one-shot, unmasked */
	lapic_write(LAPIC_TDCR, 0xb);                     /* divide by 1 */
	lapic_write(LAPIC_TMICT, (uint32_t)ticks);
}

int proc_timer_start(uint64_t now_tsc)
{
	struct cpu_timer *t = &timers[cpu_index()];

	if (usable && t->armed) {
		if (t->armed > PROC_TIMER_MAX_NEST)
			return -SV_EBUSY;
		t->outer_deadline[t->armed - 1] = t->deadline_tsc;
		t->outer_paused_at[t->armed - 1] = t->paused_at;
		t->armed++;
		t->deadline_tsc = now_tsc + tsc_hz / 1000 * SV_PROC_BUDGET_MS;
		t->paused_at = now_tsc; /* the resume before the callee runs shifts by nothing */
		return 0;
	}
	if (!usable)
		return 0;
	/*
	 * The guest owns the LAPIC: moved, disabled, or software-disabled
	 * (SVR bit 8, as an AP's is until its OS enables it), the timer
	 * cannot interrupt a looping process, so none may run.
	 */
	if (!lapic_as_at_boot() || !(lapic_read(LAPIC_SVR) & LAPIC_SVR_ENABLE)) {
		sv_printf("cpu %u: the guest disabled or moved its LAPIC: no process can run with a time budget\n",
			  cpu_index());
		return -SV_ENODEV;
	}
	t->armed++;
	struct cpu_timer *saved = t;
	saved->at_tsc = now_tsc;
	saved->tpr = lapic_read(LAPIC_TPR);
	saved->lvt = lapic_read(LAPIC_LVT_TIMER);
	saved->tdcr = lapic_read(LAPIC_TDCR);
	saved->tmict = lapic_read(LAPIC_TMICT);
	saved->tmcct = lapic_read(LAPIC_TMCCT);
	/*
	 * LINT0 (ExtINT in virtual-wire mode) bypasses TPR and could bring a
	 * vector the guest chose into the VMM's IDT: masked for the call.
	 */
	saved->lint0 = lapic_read(LAPIC_LVT_LINT0);
	lapic_write(LAPIC_LVT_LINT0, saved->lint0 | LVT_MASKED);
	if (((saved->lvt >> LVT_MODE_SHIFT) & 3) == LVT_MODE_TSC_DEADLINE)
		saved->tsc_deadline = rdmsr(MSR_TSC_DEADLINE);
	t->deadline_tsc = now_tsc + tsc_hz / 1000 * SV_PROC_BUDGET_MS;
	t->paused = false;
	t->wall_deadline_tsc = now_tsc + tsc_hz / 1000 * SV_PROC_BUDGET_MS * PROC_WALL_FACTOR;
	lapic_write(LAPIC_TPR, 0xe0); /* only vectors 0xf0..0xff get through */
	/*
	 * The 8259 PIC's interrupts come through the LAPIC's ExtINT line,
	 * which TPR does not hold back, on whatever vectors the PIC was
	 * given (the firmware's are 8..15, exception vectors).  Masked for
	 * the call, they wait in the PIC and reach the guest afterwards.
	 */
	pic_hold(true);
	arm_ticks(apic_hz / 1000 * SV_PROC_BUDGET_MS);
	if (vmm_backend->host_irq_window)
		vmm_backend->host_irq_window(true);
	return 0;
}

void proc_timer_stop(void)
{
	struct cpu_timer *saved = &timers[cpu_index()];

	if (!usable)
		return;
	if (--saved->armed) {
		/* Back in the caller's syscall, the timer stopped: its own deadline again. */
		saved->deadline_tsc = saved->outer_deadline[saved->armed - 1];
		saved->paused_at = saved->outer_paused_at[saved->armed - 1];
		return;
	}
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
	lapic_write(LAPIC_TMICT, 0);
	/* A tick that fired after the process left waits in IRR: take it here. */
	if (lapic_irr(PROC_TIMER_VECTOR))
		__asm__ volatile("sti; nop; cli" ::: "memory");

	uint64_t elapsed_tsc = rdtsc() - saved->at_tsc;
	lapic_write(LAPIC_TDCR, saved->tdcr);
	unsigned int mode = (saved->lvt >> LVT_MODE_SHIFT) & 3;
	if (mode == LVT_MODE_TSC_DEADLINE) {
		lapic_write(LAPIC_LVT_TIMER, saved->lvt);
		if (saved->tsc_deadline)
			wrmsr(MSR_TSC_DEADLINE, saved->tsc_deadline);
	} else {
		/* Ticks of the guest's divider that passed while we had the timer. */
		unsigned int d = (saved->tdcr & 3) | ((saved->tdcr >> 1) & 4);
		uint64_t div = d == 7 ? 1 : 2ULL << d;
		uint64_t passed = tsc_hz ? elapsed_tsc * (apic_hz / div) / tsc_hz : 0;
		lapic_write(LAPIC_LVT_TIMER, saved->lvt);
		if (mode == 1) /* periodic: the period goes on; its phase shifts */
			lapic_write(LAPIC_TMICT, saved->tmict);
		else if (saved->tmcct) /* one-shot still counting: what is left, at least 1 */
			lapic_write(LAPIC_TMICT, saved->tmcct > passed ? (uint32_t)(saved->tmcct - passed) : 1);
		else if (saved->tmict)
			/*
			 * It ran out just before we took the timer.  Its interrupt
			 * may not have been raised yet (an emulated LAPIC raises it
			 * lazily, and reprogramming cancels that), so it is raised
			 * again: a spare timer interrupt is harmless to the guest,
			 * a lost one stops its clock.
			 */
			lapic_write(LAPIC_TMICT, 1);
	}
	pic_hold(false);
	lapic_write(LAPIC_LVT_LINT0, saved->lint0);
	lapic_write(LAPIC_TPR, saved->tpr);
	/*
	 * The guest's class-15 interrupts were ended at once (irq.c), so that
	 * their in-service bit could not hold the budget timer back; they are
	 * raised again now, to this CPU, and the guest takes them as usual.
	 */
	for (unsigned int w = 0; w < 4; w++) {
		while (saved->deferred[w]) {
			unsigned int bit = (unsigned int)__builtin_ctzll(saved->deferred[w]);
			saved->deferred[w] &= ~(1ULL << bit);
			lapic_send_ipi(lapic_id(), ICR_ASSERT | (w * 64 + bit));
		}
	}
	if (vmm_backend->host_irq_window)
		vmm_backend->host_irq_window(false);
}

bool proc_timer_fired(void)
{
	struct cpu_timer *t = &timers[cpu_index()];

	lapic_write(LAPIC_EOI, 0);
	if (!t->armed)
		return false; /* a late tick after the call: nothing runs */
	uint64_t now = rdtsc();
	if (now < t->deadline_tsc) {
		/* Early (the LAPIC and TSC disagree a little): wait for the rest. */
		arm_ticks(tsc_to_ticks(t->deadline_tsc - now));
		return false;
	}
	/* The call ends now; a tick in 1 ms, should it somehow not. */
	arm_ticks(apic_hz / 1000);
	return true;
}

bool proc_timer_over_wall(void)
{
	struct cpu_timer *t = &timers[cpu_index()];

	return usable && t->armed && rdtsc() > t->wall_deadline_tsc;
}

void proc_timer_pause(void)
{
	struct cpu_timer *t = &timers[cpu_index()];

	if (!usable || !t->armed || t->paused)
		return;
	t->paused = true;
	t->paused_at = rdtsc();
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
	lapic_write(LAPIC_TMICT, 0);
}

void proc_timer_resume(void)
{
	struct cpu_timer *t = &timers[cpu_index()];

	if (!usable || !t->armed || !t->paused)
		return;
	uint64_t now = rdtsc();
	t->paused = false;
	t->deadline_tsc += now - t->paused_at;
	uint64_t left = t->deadline_tsc > now ? t->deadline_tsc - now : 0;
	arm_ticks(tsc_to_ticks(left));
}

bool proc_timer_defer(unsigned int vector)
{
	struct cpu_timer *t = &timers[cpu_index()];

	if (!t->armed || vector < 32 || vector > 255 || vector == PROC_TIMER_VECTOR)
		return false;
	lapic_write(LAPIC_EOI, 0);
	t->deferred[nospec_index(vector, 256) / 64] |= 1ULL << (vector % 64);
	return true;
}
