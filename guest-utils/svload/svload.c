/*
 * svload: an IPI-heavy parallel workload for the SMP benchmark
 * (test/bench/smp_bench.py), run inside the Linux guest with and without
 * Sealvisor.
 *
 *   svload [-t THREADS] [-n ITERATIONS] mmap|mprotect|madvise
 *
 * One thread per CPU (by default as many as the process may run on), each
 * pinned to its own CPU with sched_setaffinity, all threads of one process,
 * so they share one address space.  Each thread does ITERATIONS rounds of:
 *
 *   mmap      mmap() one anonymous page, write to it (so it really gets
 *             mapped), munmap() it;
 *   mprotect  make its own page of one shared region read-only, then
 *             writable again, and write to it;
 *   madvise   write to its own page of one shared region, then drop it
 *             with madvise(MADV_DONTNEED).
 *
 * Taking a mapping away from an address space that is live on other CPUs
 * makes Linux flush their TLBs with an IPI (a TLB shootdown).  mmap,
 * munmap and mprotect take the address space's lock for writing, so the
 * threads also wait for each other (and a CPU whose thread sleeps needs no
 * flush); madvise takes it only for reading, so its threads run side by
 * side and each round sends an IPI to every other CPU.
 *
 * It prints, as lines starting with "SVBENCH load NAME":
 *   the elapsed time by the guest's CLOCK_MONOTONIC;
 *   the IPIs Linux counted meanwhile (/proc/interrupts TLB, CAL, RES, and
 *   the local timer LOC), summed over CPUs;
 *   under Sealvisor, the VM exits by reason meanwhile (the stats
 *   hypercall before and after), in all and per second, and per CPU.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "svcall.h"

#define MAX_THREADS 64
#define MAX_CPUS 64
#define PAGE 4096

/* The /proc/interrupts lines counted: IPIs and, for scale, the timer. */
static const char *const irq_names[] = { "TLB", "CAL", "RES", "LOC" };
#define IRQ_COUNT (sizeof(irq_names) / sizeof(irq_names[0]))

struct worker {
	pthread_t thread;
	int index;
	int cpu;     /* CPU it pins itself to */
	int err;     /* errno of a failed call, 0 if none */
	double secs; /* its own loop's time */
};

enum mode { MODE_MMAP, MODE_MPROTECT, MODE_MADVISE };

static enum mode mode;
static long iterations = 20000;
static int nthreads;
static pthread_barrier_t start_line;
static char *shared_region; /* mprotect, madvise: one page per thread */
static struct worker workers[MAX_THREADS];

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int run_mmap(void)
{
	for (long i = 0; i < iterations; i++) {
		volatile char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return errno;
		p[0] = (char)i;
		if (munmap((void *)p, PAGE))
			return errno;
	}
	return 0;
}

static int run_mprotect(char *page)
{
	for (long i = 0; i < iterations; i++) {
		if (mprotect(page, PAGE, PROT_READ))
			return errno;
		if (mprotect(page, PAGE, PROT_READ | PROT_WRITE))
			return errno;
		*(volatile char *)page = (char)i;
	}
	return 0;
}

static int run_madvise(char *page)
{
	for (long i = 0; i < iterations; i++) {
		*(volatile char *)page = (char)i;
		if (madvise(page, PAGE, MADV_DONTNEED))
			return errno;
	}
	return 0;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(w->cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		w->err = errno;
	pthread_barrier_wait(&start_line);
	if (w->err)
		return NULL;
	double t0 = now();
	char *page = shared_region ? shared_region + (size_t)w->index * PAGE : NULL;
	if (mode == MODE_MPROTECT)
		w->err = run_mprotect(page);
	else if (mode == MODE_MADVISE)
		w->err = run_madvise(page);
	else
		w->err = run_mmap();
	w->secs = now() - t0;
	return NULL;
}

/* Sums of the irq_names lines of /proc/interrupts over all CPUs; -1 if a line is missing. */
static void read_irqs(long long out[IRQ_COUNT])
{
	char line[4096];
	FILE *f = fopen("/proc/interrupts", "r");

	for (size_t i = 0; i < IRQ_COUNT; i++)
		out[i] = -1;
	if (!f)
		return;
	int cols = 0;
	if (fgets(line, sizeof(line), f)) {
		for (char *s = strtok(line, " \t\n"); s; s = strtok(NULL, " \t\n"))
			cols++;
	}
	while (fgets(line, sizeof(line), f)) {
		char *s = line;
		while (*s == ' ')
			s++;
		char *colon = strchr(s, ':');
		if (!colon)
			continue;
		*colon = '\0';
		for (size_t i = 0; i < IRQ_COUNT; i++) {
			if (strcmp(s, irq_names[i]))
				continue;
			long long sum = 0;
			char *p = colon + 1;
			for (int c = 0; c < cols; c++) {
				char *end;
				long long v = strtoll(p, &end, 10);
				if (end == p)
					break;
				sum += v;
				p = end;
			}
			out[i] = sum;
		}
	}
	fclose(f);
}

struct vmm_counts {
	int ok;
	uint64_t total;
	uint64_t exits[SV_STATS_EXIT_REASONS];
	int cpus;
	uint64_t cpu_total[MAX_CPUS];
	uint64_t cpu_exits[MAX_CPUS][SV_STATS_EXIT_REASONS];
};

static void read_vmm(struct vmm_counts *v)
{
	struct sv_stats s;

	memset(v, 0, sizeof(*v));
	memset(&s, 0, sizeof(s));
	/* A VMM older than the CPU fields writes less; the counters are there either way. */
	if (sv_call(SV_HC_STATS, (uint64_t)(uintptr_t)&s, sizeof(s), 0, 0) <= 0)
		return;
	v->ok = 1;
	v->total = s.exits_total;
	memcpy(v->exits, s.exits, sizeof(v->exits));
	for (int i = 0; i < MAX_CPUS; i++) {
		struct sv_cpu_stats c;
		memset(&c, 0, sizeof(c));
		if (sv_call(SV_HC_CPUSTAT, (uint64_t)i, (uint64_t)(uintptr_t)&c, sizeof(c), 0) <= 0)
			break;
		v->cpu_total[i] = c.exits_total;
		memcpy(v->cpu_exits[i], c.exits, sizeof(c.exits));
		v->cpus = i + 1;
	}
}

/* "total N apic N ...": the reasons that changed, and per second when secs > 0. */
static void print_exits(const char *name, const char *what, uint64_t total, const uint64_t *before,
			const uint64_t *after, double secs)
{
	static const char *const reasons[] = SV_STATS_EXIT_NAMES;

	printf("SVBENCH load %s %s total %.0f", name, what, secs > 0 ? (double)total / secs : (double)total);
	for (int r = 0; r < SV_STATS_EXIT_REASONS; r++) {
		uint64_t d = after[r] - before[r];
		if (d)
			printf(" %s %.0f", reasons[r], secs > 0 ? (double)d / secs : (double)d);
	}
	printf("\n");
}

static void usage(void)
{
	fprintf(stderr, "usage: svload [-t THREADS] [-n ITERATIONS] mmap|mprotect|madvise\n");
	exit(2);
}

int main(int argc, char **argv)
{
	cpu_set_t allowed;
	int cpu_list[MAX_CPUS], ncpus = 0, opt;

	while ((opt = getopt(argc, argv, "t:n:")) != -1) {
		if (opt == 't')
			nthreads = atoi(optarg);
		else if (opt == 'n')
			iterations = atol(optarg);
		else
			usage();
	}
	if (optind != argc - 1 || iterations <= 0)
		usage();
	const char *name = argv[optind];
	if (!strcmp(name, "mprotect"))
		mode = MODE_MPROTECT;
	else if (!strcmp(name, "madvise"))
		mode = MODE_MADVISE;
	else if (strcmp(name, "mmap"))
		usage();

	if (sched_getaffinity(0, sizeof(allowed), &allowed)) {
		perror("svload: sched_getaffinity");
		return 1;
	}
	for (int c = 0; c < CPU_SETSIZE && ncpus < MAX_CPUS; c++) {
		if (CPU_ISSET(c, &allowed))
			cpu_list[ncpus++] = c;
	}
	if (nthreads <= 0)
		nthreads = ncpus;
	if (nthreads > MAX_THREADS || ncpus == 0) {
		fprintf(stderr, "svload: at most %d threads\n", MAX_THREADS);
		return 2;
	}
	if (mode != MODE_MMAP) {
		shared_region = mmap(NULL, (size_t)nthreads * PAGE, PROT_READ | PROT_WRITE,
				     MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (shared_region == MAP_FAILED) {
			perror("svload: mmap");
			return 1;
		}
	}
	int under_sv = sv_open() == 0;

	printf("SVBENCH load %s start: %d threads x %ld iterations on %d CPUs, %s\n", name, nthreads,
	       iterations, ncpus, under_sv ? "under Sealvisor" : "without Sealvisor");
	fflush(stdout);

	pthread_barrier_init(&start_line, NULL, (unsigned int)nthreads + 1);
	for (int i = 0; i < nthreads; i++) {
		workers[i].index = i;
		workers[i].cpu = cpu_list[i % ncpus];
		if (pthread_create(&workers[i].thread, NULL, worker_main, &workers[i])) {
			fprintf(stderr, "svload: pthread_create failed\n");
			return 1;
		}
	}
	long long irq0[IRQ_COUNT], irq1[IRQ_COUNT];
	struct vmm_counts v0, v1;
	read_irqs(irq0);
	if (under_sv)
		read_vmm(&v0);
	double t0 = now();
	pthread_barrier_wait(&start_line);
	for (int i = 0; i < nthreads; i++)
		pthread_join(workers[i].thread, NULL);
	double secs = now() - t0;
	if (under_sv)
		read_vmm(&v1);
	read_irqs(irq1);

	int failed = 0;
	for (int i = 0; i < nthreads; i++) {
		if (workers[i].err) {
			printf("SVBENCH load %s thread %d on CPU %d failed: %s\n", name, i, workers[i].cpu,
			       strerror(workers[i].err));
			failed = 1;
		}
	}
	printf("SVBENCH load %s time %.6f s (guest clock); %.0f iterations/s per thread; threads",
	       name, secs, (double)iterations / secs);
	for (int i = 0; i < nthreads; i++)
		printf(" %.3f", workers[i].secs);
	printf("\n");
	printf("SVBENCH load %s irq", name);
	for (size_t i = 0; i < IRQ_COUNT; i++)
		printf(" %s %lld", irq_names[i], irq0[i] < 0 || irq1[i] < 0 ? -1 : irq1[i] - irq0[i]);
	printf("\n");
	if (under_sv && v0.ok && v1.ok) {
		print_exits(name, "exits", v1.total - v0.total, v0.exits, v1.exits, 0);
		print_exits(name, "exits/s", v1.total - v0.total, v0.exits, v1.exits, secs);
		for (int c = 0; c < v1.cpus && c < v0.cpus; c++) {
			char what[32];
			snprintf(what, sizeof(what), "exits cpu%d", c);
			print_exits(name, what, v1.cpu_total[c] - v0.cpu_total[c], v0.cpu_exits[c],
				    v1.cpu_exits[c], 0);
		}
	} else if (under_sv) {
		printf("SVBENCH load %s exits: the stats hypercall failed\n", name);
	} else {
		printf("SVBENCH load %s exits: none counted (not under Sealvisor)\n", name);
	}
	printf("SVBENCH load %s end\n", name);
	fflush(stdout);
	return failed;
}
