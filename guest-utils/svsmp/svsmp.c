/*
 * svsmp: the SMP checks of the boot test suite, run inside the Linux
 * guest.  Each check prints "SVTEST PASS <name>" or "SVTEST FAIL <name>:
 * <what happened>" with the exact values.
 *
 *   svsmp percpu N        N CPUs online; on each one (pinned): CPUID shows
 *                         Sealvisor, a hypercall is handled by that CPU's
 *                         vCPU (cpustat's caller flag on its APIC id), and a
 *                         /dev/mem read of the VMM's image gives the sink
 *   svsmp stress BIN SIG S
 *                         one thread per CPU loading BIN, messaging and
 *                         killing it for S seconds; then the pool's free
 *                         pages are back and the audit count is exact
 *   svsmp cycle           two t-cycle built-ins call each other from two
 *                         CPUs at once: one side gets -SV_EDEADLK, the other
 *                         the normal result; then a kill from another CPU
 *                         ends a running call with -SV_EDEAD
 *   svsmp online CPU N    N times CPU offline/online, each followed by a
 *                         hypercall from that CPU; its SIPI count grows by N
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <termios.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cpuid.h>

#include <sealvisor/ioctl.h>

#include "svcall.h"
#include "svfile.h"
#include "svpin.h"

static int failures;

static void result(const char *name, int ok, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void result(const char *name, int ok, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		printf("SVTEST PASS %s\n", name);
	} else {
		printf("SVTEST FAIL %s: ", name);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		printf("\n");
		failures++;
	}
	fflush(stdout);
	/*
	 * The serial port is shared with the VMM's console: a hypercall that
	 * makes the VMM print must not cut this line while the tty still
	 * sends it.
	 */
	tcdrain(STDOUT_FILENO);
}

static uint32_t my_apic_id(void)
{
	unsigned int a, b, c, d;

	__cpuid(1, a, b, c, d);
	return b >> 24;
}

static int get_stats(struct sv_stats *s)
{
	memset(s, 0, sizeof(*s));
	return sv_call(SV_HC_STATS, (uint64_t)(uintptr_t)s, sizeof(*s), 0, 0) == (int64_t)sizeof(*s) ? 0 : -1;
}

/* The cpustat record of the CPU that handles this call (caller == 1), or -1. */
static int64_t my_vmm_cpu(struct sv_cpu_stats *out)
{
	for (uint64_t i = 0; i < 256; i++) {
		struct sv_cpu_stats s;
		memset(&s, 0, sizeof(s));
		int64_t rc = sv_call(SV_HC_CPUSTAT, i, (uint64_t)(uintptr_t)&s, sizeof(s), 0);
		if (rc == -SV_ENOENT)
			break;
		if (rc != (int64_t)sizeof(s))
			return rc < 0 ? rc : -1;
		if (s.caller) {
			*out = s;
			return (int64_t)i;
		}
	}
	return -1;
}

static int percpu(long want)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	char name[64];
	struct sv_stats st;

	snprintf(name, sizeof(name), "smp-nproc-%ld", want);
	result(name, n == want, "the guest sees %ld CPUs", n);
	if (get_stats(&st)) {
		result("smp-stats", 0, "stats hypercall failed");
		return 1;
	}
	snprintf(name, sizeof(name), "smp-vmm-runs-%ld", want);
	result(name, st.cpus_running == (uint32_t)want, "VMM: %u CPUs, %u run the guest, %u held", st.cpus,
	       st.cpus_running, st.cpus_held);
	printf("SVTEST smp-vmm held=%u\n", st.cpus_held);
	int fd = open("/dev/mem", O_RDONLY);
	for (long cpu = 0; cpu < n; cpu++) {
		char sig[13];
		if (sv_pin_cpu((int)cpu)) {
			snprintf(name, sizeof(name), "smp-cpu%ld-pinned", cpu);
			result(name, 0, "cannot run on CPU %ld", cpu);
			continue;
		}
		sv_cpuid_signature(sig);
		snprintf(name, sizeof(name), "smp-cpu%ld-cpuid", cpu);
		result(name, !strcmp(sig, SV_CPUID_SIGNATURE), "CPUID 0x40000000 says '%s'", sig);

		struct sv_cpu_stats cs;
		int64_t idx = my_vmm_cpu(&cs);
		uint32_t apic = my_apic_id();
		snprintf(name, sizeof(name), "smp-cpu%ld-hypercall", cpu);
		result(name, idx >= 0 && cs.apic_id == apic && cs.state == SV_CPU_GUEST,
		       "handled by VMM CPU %" PRId64 " (APIC id %u, state %u); this CPU's APIC id is %u", idx,
		       idx >= 0 ? cs.apic_id : 0, idx >= 0 ? cs.state : 0, apic);

		/*
		 * The image and the pool show the same sink page (whatever the
		 * guest last wrote into it), never the VMM's bytes: the image
		 * starts with the multiboot2 header magic 0xe85250d6.
		 */
		uint8_t img[4096], pool[4096];
		ssize_t got = fd >= 0 ? pread(fd, img, sizeof(img), (off_t)st.image_start) : -1;
		ssize_t got2 = fd >= 0 ? pread(fd, pool, sizeof(pool), (off_t)st.pool_start) : -1;
		static const uint8_t mb2[4] = { 0xd6, 0x50, 0x52, 0xe8 };
		/* The pool may lie above what the kernel maps for /dev/mem (no ACPI): then the image alone. */
		int sink = got == (ssize_t)sizeof(img) && memcmp(img, mb2, 4) &&
			   (got2 != (ssize_t)sizeof(pool) || !memcmp(img, pool, sizeof(img)));
		snprintf(name, sizeof(name), "smp-cpu%ld-devmem-sink", cpu);
		result(name, sink, "read %zd/%zd bytes at %" PRIx64 "/%" PRIx64 ", first bytes %02x%02x%02x%02x",
		       got, got2, st.image_start, st.pool_start, img[0], img[1], img[2], img[3]);
	}
	if (fd >= 0)
		close(fd);
	return failures != 0;
}

/* ---- stress ---- */

struct stress_arg {
	int cpu;
	const uint8_t *bin, *sig;
	size_t binlen, siglen;
	double seconds;
	long loads, refused, errors, timeouts;
	int64_t first_error;
};

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void *stress_thread(void *p)
{
	struct stress_arg *a = p;

	if (sv_pin_cpu(a->cpu)) {
		a->errors++;
		return NULL;
	}
	double end = now() + a->seconds;
	while (now() < end) {
		int64_t d = sv_call(SV_HC_NEWPROCESS, (uint64_t)(uintptr_t)a->bin, a->binlen,
				    (uint64_t)(uintptr_t)a->sig, a->siglen);
		a->loads++;
		if (d < 0) {
			/* A full table or pool is fair while others load: counted, not an error. */
			if (d == -SV_ETABLE_FULL || d == -SV_ENOMEM || d == -SV_EQUOTA) {
				a->refused++;
				continue;
			}
			/*
			 * The budget is wall-clock time: under TCG a vCPU thread the
			 * host does not schedule for 100 ms runs out of it.  Counted
			 * apart and bounded below, not taken for a crash.
			 */
			if (d == -SV_ETIMEOUT) {
				a->timeouts++;
				continue;
			}
			if (!a->errors++)
				a->first_error = d;
			continue;
		}
		bool gone = false;
		for (int i = 0; i < 3 && !gone; i++) {
			int64_t r = sv_call(SV_HC_MSGSENDINT, (uint64_t)d, (uint64_t)(41 + i), 0, 0);
			if (r == -SV_ETIMEOUT) {
				a->timeouts++;
				gone = true;
			} else if (r != 42 + i && !a->errors++) {
				a->first_error = r;
			}
		}
		int64_t k = sv_call(SV_HC_KILL, (uint64_t)d, 0, 0, 0);
		if (k != (gone ? -SV_EBADDESC : 0) && !a->errors++)
			a->first_error = k;
	}
	return NULL;
}

/* The sequence number of the newest audit record (0: none). */
static uint64_t audit_last(void)
{
	static struct sv_audit_entry e[256];
	uint64_t last = 0, first = 1;

	memset(e, 0, sizeof(e)); /* present pages: the VMM does not fault them in */
	for (;;) {
		int64_t n = sv_call(SV_HC_AUDIT, (uint64_t)(uintptr_t)e, 256, first, 0);
		if (n <= 0)
			return last;
		last = e[n - 1].seq;
		first = last + 1;
	}
}

/*
 * The pool's free count at rest: the most of five samples 50 ms apart.
 * A load or a dying process elsewhere (the guest's other programs, the
 * VMM's own log service) holds pages for a moment; a leak holds them for
 * good, and the most-free sample tells the two apart.
 */
static int settled_stats(struct sv_stats *s)
{
	struct sv_stats t;
	int rc = get_stats(s);

	for (int i = 0; i < 4 && !rc; i++) {
		usleep(50000);
		rc = get_stats(&t);
		if (!rc && t.pool_pages_free > s->pool_pages_free)
			*s = t;
	}
	return rc;
}

static int stress(const char *binpath, const char *sigpath, double seconds)
{
	size_t binlen, siglen;
	uint8_t *bin = sv_read_locked("svsmp", binpath, &binlen), *sig = sv_read_locked("svsmp", sigpath, &siglen);
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	struct stress_arg args[64];
	pthread_t th[64];
	struct sv_stats before, after;

	if (!bin || !sig || n < 1 || n > 64) {
		result("smp-stress-setup", 0, "cannot read %s / %s, or %ld CPUs", binpath, sigpath, n);
		return 1;
	}
	/* One load first, so that lazily made per-CPU buffers do not count as a leak. */
	for (long c = 0; c < n; c++) {
		if (sv_pin_cpu((int)c))
			continue;
		int64_t d = sv_call(SV_HC_NEWPROCESS, (uint64_t)(uintptr_t)bin, binlen, (uint64_t)(uintptr_t)sig, siglen);
		if (d >= 0) {
			sv_call(SV_HC_MSGSENDINT, (uint64_t)d, 1, 0, 0);
			sv_call(SV_HC_KILL, (uint64_t)d, 0, 0, 0);
		}
	}
	uint64_t seq0 = audit_last();
	if (settled_stats(&before)) {
		result("smp-stress-setup", 0, "stats hypercall failed");
		return 1;
	}
	for (long c = 0; c < n; c++) {
		args[c] = (struct stress_arg){ .cpu = (int)c, .bin = bin, .sig = sig, .binlen = binlen,
					       .siglen = siglen, .seconds = seconds };
		pthread_create(&th[c], NULL, stress_thread, &args[c]);
	}
	long loads = 0, refused = 0, errors = 0, timeouts = 0;
	int64_t first_error = 0;
	for (long c = 0; c < n; c++) {
		pthread_join(th[c], NULL);
		loads += args[c].loads;
		refused += args[c].refused;
		errors += args[c].errors;
		timeouts += args[c].timeouts;
		if (args[c].errors && !first_error)
			first_error = args[c].first_error;
		printf("SVTEST stress cpu %ld: %ld loads, %ld refused, %ld budget timeouts, %ld errors\n", c,
		       args[c].loads, args[c].refused, args[c].timeouts, args[c].errors);
	}
	uint64_t seq1 = audit_last();
	settled_stats(&after);
	result("smp-stress-no-errors", errors == 0 && loads > 0 && timeouts * 50 <= loads,
	       "%ld errors and %ld budget timeouts in %ld loads, first error %" PRId64 " (%s)", errors, timeouts,
	       loads, first_error, sv_error_message(first_error));
	result("smp-stress-pool-restored", before.pool_pages_free == after.pool_pages_free,
	       "free pool pages %" PRIu64 " before, %" PRIu64 " after", before.pool_pages_free,
	       after.pool_pages_free);
	result("smp-stress-audit-exact", seq1 - seq0 == (uint64_t)loads,
	       "%" PRIu64 " audit records for %ld newprocess calls", seq1 - seq0, loads);
	printf("SVTEST stress: %ld loads (%ld refused for room) on %ld CPUs in %.0f s\n", loads, refused, n,
	       seconds);
	return failures != 0;
}

/* ---- cycles and kills across CPUs ---- */

struct call_arg {
	int cpu;
	int64_t desc, value, result;
	pthread_barrier_t *go;
};

static void *call_thread(void *p)
{
	struct call_arg *a = p;

	if (sv_pin_cpu(a->cpu)) {
		a->result = -1000;
		return NULL;
	}
	pthread_barrier_wait(a->go);
	a->result = sv_call(SV_HC_MSGSENDINT, (uint64_t)a->desc, (uint64_t)a->value, 0, 0);
	return NULL;
}

static int cycle(void)
{
	struct sv_stats st;
	int64_t d0 = sv_call(SV_HC_BUILTIN, (uint64_t)(uintptr_t)"t-cycle", 0, 0, 0);
	int64_t d1 = sv_call(SV_HC_BUILTIN, (uint64_t)(uintptr_t)"t-cycle", 1, 0, 0);
	pthread_barrier_t go;
	pthread_t th[2];

	if (d0 < 0 || d1 < 0 || get_stats(&st)) {
		result("smp-cycle-setup", 0, "built-ins: %" PRId64 ", %" PRId64, d0, d1);
		return 1;
	}
	/* 20 ms of spinning each, in thousands of TSC cycles: both are busy when they call. */
	int64_t spin = st.tsc_hz_estimate ? (int64_t)(st.tsc_hz_estimate / 50 / 1000) : 20000;
	int ok = 0, rounds = 0;
	for (; rounds < 5 && !ok; rounds++) {
		struct call_arg a[2] = { { 0, d0, spin, 0, &go }, { 1, d1, spin, 0, &go } };
		pthread_barrier_init(&go, NULL, 2);
		for (int i = 0; i < 2; i++)
			pthread_create(&th[i], NULL, call_thread, &a[i]);
		for (int i = 0; i < 2; i++)
			pthread_join(th[i], NULL);
		pthread_barrier_destroy(&go);
		printf("SVTEST cycle round %d: cpu0 got %" PRId64 ", cpu1 got %" PRId64 "\n", rounds, a[0].result,
		       a[1].result);
		ok = (a[0].result == -SV_EDEADLK && a[1].result == 7) ||
		     (a[1].result == -SV_EDEADLK && a[0].result == 7);
		if (!ok && !(a[0].result == 7 && a[1].result == 7)) {
			/* Anything but "both went through one after the other" is wrong. */
			break;
		}
	}
	result("smp-cycle-edeadlk", ok, "no round gave one side -SV_EDEADLK (48) and the other 7");
	/* Both still work afterwards, one at a time. */
	result("smp-cycle-both-alive",
	       sv_call(SV_HC_MSGSENDINT, (uint64_t)d0, 0, 0, 0) == 7 && sv_call(SV_HC_MSGSENDINT, (uint64_t)d1, 0, 0, 0) == 7,
	       "a plain call to one of them failed");

	/* A kill from CPU 1 ends the call running on CPU 0 at its next syscall. */
	struct call_arg k = { 0, d0, -1, 0, &go };
	pthread_barrier_init(&go, NULL, 2);
	pthread_create(&th[0], NULL, call_thread, &k);
	sv_pin_cpu(1);
	pthread_barrier_wait(&go);
	usleep(20000);
	int64_t kr = sv_call(SV_HC_KILL, (uint64_t)d0, 0, 0, 0);
	pthread_join(th[0], NULL);
	pthread_barrier_destroy(&go);
	result("smp-kill-other-cpu", kr == 0 && k.result == -SV_EDEAD,
	       "kill returned %" PRId64 ", the running call ended with %" PRId64 " (%s)", kr, k.result,
	       sv_error_message(k.result));
	result("smp-killed-descriptor-stale", sv_call(SV_HC_MSGSENDINT, (uint64_t)d0, 0, 0, 0) == -SV_EBADDESC,
	       "the killed process's descriptor still works");
	sv_call(SV_HC_KILL, (uint64_t)d1, 0, 0, 0);
	return failures != 0;
}

/* ---- offline / online ---- */

static int set_online(int cpu, int on)
{
	char path[96];

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online", cpu);
	int fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	int rc = write(fd, on ? "1" : "0", 1) == 1 ? 0 : -1;
	close(fd);
	return rc;
}

static int online(int cpu, long times)
{
	char name[64];
	struct sv_cpu_stats cs;
	uint32_t sipis0 = 0, apic0 = 0;
	long good = 0;

	if (sv_pin_cpu(cpu) || my_vmm_cpu(&cs) < 0) {
		snprintf(name, sizeof(name), "smp-online-cpu%d-setup", cpu);
		result(name, 0, "cannot reach CPU %d", cpu);
		return 1;
	}
	sipis0 = cs.sipis;
	apic0 = cs.apic_id;
	sv_pin_cpu(0);
	for (long i = 0; i < times; i++) {
		if (set_online(cpu, 0) || set_online(cpu, 1)) {
			printf("SVTEST online cpu%d round %ld: offline/online write failed\n", cpu, i);
			break;
		}
		char sig[13];
		if (sv_pin_cpu(cpu)) {
			printf("SVTEST online cpu%d round %ld: cannot run there after online\n", cpu, i);
			break;
		}
		sv_cpuid_signature(sig);
		int64_t idx = my_vmm_cpu(&cs);
		sv_pin_cpu(0);
		if (strcmp(sig, SV_CPUID_SIGNATURE) || idx < 0 || cs.apic_id != apic0) {
			printf("SVTEST online cpu%d round %ld: CPUID '%s', hypercall on VMM CPU %" PRId64 "\n", cpu,
			       i, sig, idx);
			break;
		}
		good++;
	}
	snprintf(name, sizeof(name), "smp-online-cpu%d-%ld", cpu, times);
	result(name, good == times, "%ld of %ld offline/online rounds ended with a working hypercall", good, times);
	snprintf(name, sizeof(name), "smp-online-cpu%d-sipis", cpu);
	result(name, cs.sipis == sipis0 + (uint32_t)times, "SIPI count %u before, %u after %ld rounds", sipis0,
	       cs.sipis, times);
	return failures != 0;
}

/*
 * A caller whose callee runs out of its budget survives it, every time:
 * t-cycle 0 sends -2 (an endless ring-3 loop) to a fresh t-cycle 1.
 */
static int callee_timeout(long times)
{
	int64_t d0 = sv_call(SV_HC_BUILTIN, (uint64_t)(uintptr_t)"t-cycle", 0, 0, 0);
	long good = 0;
	int64_t last = 0;

	for (long i = 0; i < times && d0 >= 0; i++) {
		int64_t d1 = sv_call(SV_HC_BUILTIN, (uint64_t)(uintptr_t)"t-cycle", 1, 0, 0);
		last = sv_call(SV_HC_MSGSENDINT, (uint64_t)d0, (uint64_t)(int64_t)-3, 0, 0);
		if (last == 1000 - SV_ETIMEOUT && sv_call(SV_HC_MSGSENDINT, (uint64_t)d1, 0, 0, 0) == -SV_EBADDESC)
			good++;
		else
			printf("SVTEST callee-timeout round %ld: caller got %" PRId64 " (callee start: %" PRId64 ")\n",
			       i, last, d1);
	}
	/* A descriptor with bits above 31 set never reaches one by truncation. */
	result("descriptor-high-bits-refused",
	       d0 >= 0 && sv_call(SV_HC_MSGSENDINT, (1ULL << 32) | (uint64_t)d0, 0, 0, 0) == -SV_EBADDESC,
	       "msgsendint to 2^32 + %" PRId64 " was not refused", d0);
	char name[48];
	snprintf(name, sizeof(name), "caller-survives-callee-timeout-%ld", times);
	result(name, good == times, "%ld of %ld rounds (last result %" PRId64 ", t-cycle: %" PRId64 ")", good,
	       times, last, d0);
	if (d0 >= 0)
		sv_call(SV_HC_KILL, (uint64_t)d0, 0, 0, 0);
	return failures != 0;
}

/*
 * The guest's SSE, AVX and x87 registers across a process call: set to
 * known values, a hypercall that starts a process executing FPU
 * instructions (t-cycle -5 .. -10), read back, all in one asm block so
 * that no library code touches them between.  The process faults or
 * runs on its own state; the guest's must come back unchanged, the upper
 * halves of the YMM registers included where the CPU has AVX.  With
 * /dev/sealvisor the block makes the ioctl system call and the module the
 * hypercall (syscall clobbers RCX and R11 only); without it, the
 * hypercall itself.
 */
#define XMM_LOAD(n) "movdqu " #n "*16(%[p]), %%xmm" #n "\n\t"
#define XMM_STORE(n) "movdqu %%xmm" #n ", " #n "*16(%[o])\n\t"
#define XMM_ALL(M) M(0) M(1) M(2) M(3) M(4) M(5) M(6) M(7) M(8) M(9) M(10) M(11) M(12) M(13) M(14) M(15)
#define FPU_CALL(insn)                                                                              \
	__asm__ volatile("fldl %[d]\n\t" XMM_ALL(XMM_LOAD) insn "\n\t" XMM_ALL(XMM_STORE) "fstpl %[d2]" \
			 : "+a"(rax), [d2] "=m"(d2)                                                  \
			 : "b"(name), "c"((uint64_t)value), "d"(0), [p] "r"(pat), [o] "r"(out),       \
			   [d] "m"(d)                                                                 \
			 : "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", \
			   "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15")

static bool have_avx(void)
{
	unsigned int a, b, c, d;
	uint32_t lo, hi;

	__cpuid(1, a, b, c, d);
	if (!(c & (1u << 28)) || !(c & (1u << 27)))
		return false; /* AVX, OSXSAVE */
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (lo & 6) == 6; /* the OS saves SSE and AVX state */
}

static int fpu_check_one(int64_t value, const char *tag)
{
	static const char name[] = "t-cycle";
	static uint8_t pat[256] __attribute__((aligned(32))), out[256] __attribute__((aligned(32)));
	static uint8_t ypat[32] __attribute__((aligned(32))), yout[32] __attribute__((aligned(32)));
	double d = 3.25, d2 = 0;
	unsigned int a, b, c, dd;
	bool avx = have_avx();
	char n1[64], n2[64], n3[64], n4[64];
	int dev = sv_device_fd();
	struct sealvisor_call call = { { (uint64_t)(uintptr_t)name, (uint64_t)value, 0, 0 }, 0 };
	int64_t r;

	for (int i = 0; i < 256; i++)
		pat[i] = (uint8_t)(i * 7 + 3 + value);
	for (int i = 0; i < 32; i++)
		ypat[i] = (uint8_t)(0xa5 ^ i);
	memset(out, 0, sizeof(out));
	memset(yout, 0, sizeof(yout));
	__cpuid(0, a, b, c, dd);
	bool intel = b == 0x756e6547; /* "Genu" */
	/* Every call before the YMM load: the ABI lets any function clobber them. */
	long req = dev >= 0 ? (long)sv_ioctl_request(SV_HC_BUILTIN) : 0;
	uint64_t nr = dev >= 0 ? 0 : (uint64_t)sv_lookup(SV_HC_BUILTIN);
	/* ymm0's upper half survives the legacy-SSE loads of the XMM registers. */
	if (avx)
		__asm__ volatile("vmovdqu %0, %%ymm0" : : "m"(ypat) : "xmm0");
	if (dev >= 0) {
		long sysnr = SYS_ioctl;
		__asm__ volatile("fldl %[d]\n\t" XMM_ALL(XMM_LOAD) "syscall\n\t" XMM_ALL(XMM_STORE) "fstpl %[d2]"
				 : "+a"(sysnr), [d2] "=m"(d2)
				 : "D"((long)dev), "S"(req), "d"(&call), [p] "r"(pat),
				   [o] "r"(out), [d] "m"(d)
				 : "rcx", "r11", "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6",
				   "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
		r = sysnr < 0 ? -SV_EINVAL : call.result;
	} else {
		uint64_t rax = nr;
		if (intel)
			FPU_CALL("vmcall");
		else
			FPU_CALL("vmmcall");
		r = (int64_t)rax;
	}
	if (avx)
		__asm__ volatile("vmovdqu %%ymm0, %0\n\tvzeroupper" : "=m"(yout) : : "xmm0");
	if (dev >= 0 && r == -SV_EINVAL)
		printf("SVTEST fpu %s: the module refused the ioctl\n", tag);
	printf("SVTEST fpu %s: the process ended with %" PRId64 " (%s)\n", tag, r,
	       r < 0 ? sv_error_message(r) : "ran");
	/* The first set keeps its historic names (test/boot/meson.build). */
	bool first = value == -5;
	snprintf(n1, sizeof(n1), first ? "guest-sse-registers-kept" : "fpu-%s-guest-sse-kept", tag);
	snprintf(n2, sizeof(n2), first ? "guest-x87-register-kept" : "fpu-%s-guest-x87-kept", tag);
	snprintf(n3, sizeof(n3), first ? "fpu-process-faulted-or-ran" : "fpu-%s-faulted-or-ran", tag);
	snprintf(n4, sizeof(n4), "fpu-%s-guest-ymm-upper-kept", tag);
	result(n1, !memcmp(pat, out, sizeof(pat)), "XMM registers changed across the call");
	result(n2, d2 == d, "x87 ST0 %f after the call, %f before", d2, d);
	result(n3, r == -SV_EFAULTED || r >= 0, "builtin gave %" PRId64, r);
	if (avx)
		result(n4, !memcmp(ypat + 16, yout + 16, 16), "the upper half of YMM0 changed across the call");
	else
		printf("SVTEST PASS %s (no AVX here: nothing to change)\n", n4);
	if (r >= 0)
		sv_call(SV_HC_KILL, (uint64_t)r, 0, 0, 0); /* it ran: r is its descriptor */
	return 0;
}

static int fpu_check(void)
{
	static const struct {
		int64_t value;
		const char *tag;
	} insns[] = { { -5, "emms-xrstor-xorps" }, { -6, "xsave" }, { -7, "fxsave" },
		      { -8, "movd" }, { -9, "avx-vpxor" }, { -10, "x87-fld1" } };

	for (size_t i = 0; i < sizeof(insns) / sizeof(insns[0]); i++)
		fpu_check_one(insns[i].value, insns[i].tag);
	return failures != 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (sv_open() != 0) {
		printf("SVTEST FAIL svsmp: not running under Sealvisor\n");
		return 1;
	}
	if (argc == 3 && !strcmp(argv[1], "percpu"))
		return percpu(strtol(argv[2], NULL, 0));
	if (argc == 5 && !strcmp(argv[1], "stress"))
		return stress(argv[2], argv[3], strtod(argv[4], NULL));
	if (argc == 2 && !strcmp(argv[1], "cycle"))
		return cycle();
	if (argc == 2 && !strcmp(argv[1], "fpu"))
		return fpu_check();
	if (argc == 3 && !strcmp(argv[1], "callee-timeout"))
		return callee_timeout(strtol(argv[2], NULL, 0));
	if (argc == 4 && !strcmp(argv[1], "online"))
		return online((int)strtol(argv[2], NULL, 0), strtol(argv[3], NULL, 0));
	fprintf(stderr, "usage: svsmp percpu N | stress BIN SIG SECONDS | cycle | online CPU N\n");
	return 2;
}
