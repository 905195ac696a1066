/* Pinning the calling thread to one CPU (svpin.h). */
#define _GNU_SOURCE
#include <sched.h>

#include "svpin.h"

int sv_pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		return -1;
	/* Give the scheduler the chance to move us before we look. */
	sched_yield();
	return sched_getcpu() == cpu ? 0 : -1;
}
