/* The process time budget (proc/proc_timer.c). */
#ifndef SV_PROC_TIMER_H
#define SV_PROC_TIMER_H

#include <sv/types.h>

#define PROC_TIMER_VECTOR 0xf1
/* Nested calls the timer keeps a caller's deadline for (PROC_MAX_DEPTH fits). */
#define PROC_TIMER_MAX_NEST 16

/* At boot, before the guest runs: calibrates the TSC and LAPIC timer. */
void proc_timer_init(void);
/*
 * Around each handler call; only the outermost call arms the timer.
 * -SV_ENODEV when the guest has disabled or moved its LAPIC since boot:
 * without the timer no process may run.
 */
int proc_timer_start(uint64_t now_tsc);
void proc_timer_stop(void);
/*
 * Around the VMM's work for a running process (its syscalls, the VMM's
 * side of a nested call): the budget counts ring-3 time only.
 */
void proc_timer_pause(void);
/* A call's wall-time limit, in budgets: VMM work included, for calls that never stop making it work. */
#define PROC_WALL_FACTOR 10
bool proc_timer_over_wall(void);
void proc_timer_resume(void);
/*
 * From the interrupt path, while a call runs on this CPU: a guest
 * interrupt is ended now and raised again after the call.  False when no
 * call runs (the caller queues it for the guest instead).
 */
bool proc_timer_defer(unsigned int vector);
/*
 * From the interrupt path: our timer fired.  True when the running call
 * is past its budget (the caller ends it: the timer knows nothing of
 * processes); false for an early or late tick.
 */
bool proc_timer_fired(void);
uint64_t proc_timer_tsc_hz(void);

#endif
