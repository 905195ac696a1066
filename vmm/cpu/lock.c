/* Recursive locks; see include/sv/lock.h. */
#include <sv/cpu.h>
#include <sv/lock.h>

struct rlock vmm_lock = RLOCK_INIT;

bool rlock_held(const struct rlock *r)
{
	return r->cpu == (int)cpu_index();
}

void rlock_take(struct rlock *r)
{
	int me = (int)cpu_index();

	if (r->cpu == me) {
		r->depth++;
		return;
	}
	spin_lock(&r->l);
	r->cpu = me;
	r->depth = 1;
}

bool rlock_try_take(struct rlock *r)
{
	int me = (int)cpu_index();

	if (r->cpu == me) {
		r->depth++;
		return true;
	}
	if (!spin_trylock(&r->l))
		return false;
	r->cpu = me;
	r->depth = 1;
	return true;
}

void rlock_drop(struct rlock *r)
{
	if (--r->depth == 0) {
		r->cpu = -1;
		spin_unlock(&r->l);
	}
}

unsigned int rlock_drop_all(struct rlock *r)
{
	if (!rlock_held(r))
		return 0;
	unsigned int d = r->depth;

	r->depth = 0;
	r->cpu = -1;
	spin_unlock(&r->l);
	return d;
}

void rlock_retake(struct rlock *r, unsigned int depth)
{
	if (depth == 0)
		return;
	rlock_take(r);
	r->depth = depth;
}
