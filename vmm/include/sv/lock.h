/*
 * Spinlocks (vmm/cpu).  The VMM never sleeps and never takes a lock in an
 * NMI handler, so a ticket spinlock with interrupts as they are is enough.
 *
 * vmm_lock is the one big lock over the shared state of processes and
 * hypercalls (process table, descriptor tables, audit ring).  It is held
 * by a CPU whenever it runs process or hypercall code in the VMM, and
 * never while a process runs in ring 3: process_call drops it around the
 * ring-3 part, syscalls take it again.  It is recursive per CPU so that a
 * path that already holds it (a syscall that calls another process) can
 * call code that takes it.
 */
#ifndef SV_LOCK_H
#define SV_LOCK_H

#include <sv/types.h>

struct spinlock {
	volatile uint32_t next;
	volatile uint32_t owner;
};

#define SPINLOCK_INIT { 0, 0 }

static inline void spin_lock(struct spinlock *l)
{
	uint32_t t = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != t)
		__asm__ volatile("pause" ::: "memory");
}

/* Takes the lock only if it is free now; true when taken. */
static inline bool spin_trylock(struct spinlock *l)
{
	uint32_t t = __atomic_load_n(&l->owner, __ATOMIC_ACQUIRE);

	return __atomic_compare_exchange_n(&l->next, &t, t + 1, false, __ATOMIC_ACQUIRE,
					   __ATOMIC_RELAXED);
}

static inline void spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE);
}

/* A lock one CPU may take again while it holds it (console, vmm_lock). */
struct rlock {
	struct spinlock l;
	volatile int cpu;   /* holder's CPU index, -1 when free */
	unsigned int depth; /* times the holder has taken it */
};

#define RLOCK_INIT { SPINLOCK_INIT, -1, 0 }

void rlock_take(struct rlock *r);
void rlock_drop(struct rlock *r);
/* rlock_take unless another CPU holds it; true when taken. */
bool rlock_try_take(struct rlock *r);
/* Releases every level this CPU holds and returns how many it held. */
unsigned int rlock_drop_all(struct rlock *r);
/* Takes it again to the depth rlock_drop_all returned (0: nothing). */
void rlock_retake(struct rlock *r, unsigned int depth);
bool rlock_held(const struct rlock *r);

extern struct rlock vmm_lock;

#endif
