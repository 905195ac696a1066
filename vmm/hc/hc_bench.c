/*
 * The "bench" hypercall: what processes cost, measured by the VMM itself
 * with RDTSC (cycles, so machine speed and load matter less than for
 * wall-clock figures).  Figures, not a test; README records them.
 */
#include <arch/cpu.h>
#include <sv/builtin.h>
#include <sv/console.h>
#include <sv/hypercall.h>
#include <sv/proc_timer.h>
#include <sv/process.h>

#include "fsstring.h"

#define RUNS 15

static uint64_t median(uint64_t *v, unsigned int n)
{
	for (unsigned int i = 1; i < n; i++)
		for (unsigned int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[n / 2];
}

/* Cycles of one call of p's handler 0 with value, median of RUNS. */
static int64_t time_call(struct proc *p, int32_t value, uint64_t *out)
{
	uint64_t t[RUNS];

	for (unsigned int i = 0; i < RUNS; i++) {
		uint64_t t0 = rdtsc();
		int64_t r = process_call(p, 0, MSG_INT, value, NULL, 0);
		t[i] = rdtsc() - t0;
		if (r < 0)
			return r;
	}
	*out = median(t, RUNS);
	return 0;
}

static int64_t hc_bench(struct hc_call *c)
{
	struct sv_bench b;
	uint64_t t[RUNS], calls0, calls_n;
	const int32_t n = 2000;
	int64_t r;

	memset(&b, 0, sizeof(b));
	b.tsc_hz = proc_timer_tsc_hz();
	for (unsigned int i = 0; i < RUNS; i++) {
		uint64_t t0 = rdtsc();
		int id = builtin_start("hello", 0, &r);
		if (id < 0)
			return id;
		process_kill(proc_get(&proc_table, id), "benchmark run over");
		t[i] = rdtsc() - t0;
	}
	b.create_call_exit = median(t, RUNS);

	int id = builtin_start("t-bench", 0, &r);
	if (id < 0)
		return id;
	struct proc *p = proc_get(&proc_table, id);
	if ((r = time_call(p, 0, &calls0)) || (r = time_call(p, n, &calls_n)))
		goto out;
	b.empty_call = calls0;
	b.null_syscall = calls_n > calls0 ? (calls_n - calls0) / (uint64_t)n : 0;

	/* Round trips need the echo service: start it unless it runs already. */
	struct proc *echo;
	uint32_t h;
	if (service_lookup(&proc_table, "echo", &echo, &h) && builtin_start("t-echo", 0, &r) < 0)
		goto out;
	if ((r = time_call(p, -n, &calls_n)))
		goto out;
	b.msg_roundtrip = calls_n > calls0 ? (calls_n - calls0) / (uint64_t)n : 0;
	sv_printf("bench: create+call+exit of hello %lu cycles, null syscall %lu, message round trip %lu, "
		  "empty handler call %lu (TSC %lu MHz)\n",
		  (unsigned long)b.create_call_exit, (unsigned long)b.null_syscall,
		  (unsigned long)b.msg_roundtrip, (unsigned long)b.empty_call,
		  (unsigned long)(b.tsc_hz / 1000000));
	r = gm_copy_to(c->phys, &c->paging, c->arg[0], &b, sizeof(b));
out:
	process_kill(p, "benchmark run over");
	return r;
}
HYPERCALL(bench, SV_HC_BENCH, hc_bench);
