/*
 * svtest: the hypercall checks of the boot test suite, run inside the
 * Linux guest.  Each check prints "SVTEST PASS <name>" or
 * "SVTEST FAIL <name>: <what happened>"; the harness on the host reads
 * these lines from the serial console.  Every negative case checks the
 * exact error code.
 *
 *   svtest hypercalls   the hypercall ABI checks
 *   svtest ring3        direct hypercalls from ring 3: refused under
 *                       guest_access=kernel (but the detection calls), taken under any
 *   svtest device       hostile ioctls on /dev/sealvisor: exact errnos
 *   svtest stats        prints the VMM's counters and memory ranges
 *   svtest vmm-ranges   prints "start end" lines of the hidden ranges
 *   svtest builtin NAME VALUE [kill]
 *                       starts a built-in process; prints "result N"
 *   svtest cycles N     N create/kill cycles of a built-in; checks the pool
 *   svtest load-args BIN SIG
 *                       newprocess with hostile pointers and sizes
 *   svtest race BIN SIG N
 *                       N loads while another thread rewrites the buffer
 *   svtest fill BIN SIG fills the process table, then empties it
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <sealvisor/ioctl.h>
#include <sv_config.h>

#include "svcall.h"
#include "svfile.h"
#include "svtest.h"

int failures;

void expect(const char *name, int64_t got, int64_t want)
{
	if (got == want) {
		printf("SVTEST PASS %s\n", name);
	} else {
		printf("SVTEST FAIL %s: got %" PRId64 " (%s), expected %" PRId64 " (%s)\n", name, got,
		       sv_error_message(got), want, sv_error_message(want));
		failures++;
	}
	fflush(stdout);
}

static int get_stats(struct sv_stats *s)
{
	memset(s, 0, sizeof(*s));
	int64_t rc = sv_call(SV_HC_STATS, (uint64_t)(uintptr_t)s, sizeof(*s), 0, 0);
	if (rc != (int64_t)sizeof(*s)) {
		fprintf(stderr, "svtest: stats hypercall: %s\n", sv_error_message(rc));
		return -1;
	}
	return 0;
}

/* version by a direct ring-3 hypercall. */
static int64_t version_direct(uint64_t buf, uint64_t size)
{
	return sv_hypercall((uint64_t)sv_lookup(SV_HC_VERSION), buf, size, 0, 0);
}

static int hypercalls(void)
{
	char sig[13], buf[128];

	sv_cpuid_signature(sig);
	expect("cpuid-signature", strcmp(sig, SV_CPUID_SIGNATURE), 0);
	int orc = sv_open();
	if (orc != 0) {
		printf("SVTEST FAIL open: %s\n", sv_error_message(orc));
		return 1;
	}
	memset(buf, 0, sizeof(buf));
	int64_t n = sv_call(SV_HC_VERSION, (uint64_t)(uintptr_t)buf, sizeof(buf), 0, 0);
	expect("version-length", n, (int64_t)strlen(buf));
	expect("version-prefix", strncmp(buf, "Sealvisor ", 10), 0);
	printf("SVTEST version: %s\n", buf);

	/*
	 * Unknown numbers and names.  From ring 3 under guest_access=kernel
	 * an unknown number is refused before it is looked at.
	 */
	expect("unknown-number", sv_hypercall(0x7fffffff, 0, 0, 0, 0),
	       SV_GUEST_ACCESS_ANY ? -SV_ENOSYS : -SV_EPERM);
	expect("unknown-name", sv_hypercall(SV_HC_GET_NUMBER, (uint64_t)(uintptr_t)"no-such-call", 0, 0, 0), 0);
	expect("name-bad-pointer", sv_hypercall(SV_HC_GET_NUMBER, 8, 0, 0, 0), -SV_EFAULT);

	/*
	 * Buffers: too small, unmapped, a kernel address from ring 3,
	 * read-only.  These go straight to the VMM from ring 3 (version is
	 * a detection call every VMM answers there): its own page walk is
	 * what is checked, not the module's copies (svtest device).
	 */
	expect("version-small-buffer", version_direct((uint64_t)(uintptr_t)buf, 4), -SV_ERANGE);
	expect("version-null", version_direct(0, sizeof(buf)), -SV_EFAULT);
	void *hole = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(hole, 8192);
	expect("version-unmapped", version_direct((uint64_t)(uintptr_t)hole, sizeof(buf)), -SV_EFAULT);
	expect("version-kernel-address",
	       version_direct(0xffffffff81000000ULL, sizeof(buf)), -SV_EPERM);
	void *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	expect("version-read-only", version_direct((uint64_t)(uintptr_t)ro, sizeof(buf)), -SV_EFAULT);
	/* A buffer that crosses into an unmapped page fails as a whole. */
	char *two = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	munmap(two + 4096, 4096);
	expect("version-crossing-unmapped",
	       version_direct((uint64_t)(uintptr_t)(two + 4090), sizeof(buf)), -SV_EFAULT);

	/* The guest goes on: a good call still works afterwards. */
	memset(buf, 0, sizeof(buf));
	n = sv_call(SV_HC_VERSION, (uint64_t)(uintptr_t)buf, sizeof(buf), 0, 0);
	expect("version-after-errors", n, (int64_t)strlen(buf));

	struct sv_stats s;
	expect("stats", get_stats(&s), 0);
	printf("SVTEST DONE hypercalls failures=%d\n", failures);
	return failures ? 1 : 0;
}

/*
 * Direct hypercalls from this program's ring 3, around /dev/sealvisor:
 * under guest_access=kernel only the detection calls answer, every other
 * one (effect-free or not) is refused with -SV_EPERM; under any they all
 * work as before.
 */
static int ring3(void)
{
	char buf[128];

	if (sv_open() == -SV_ENODEV)
		return 1;
	int64_t ps = sv_lookup(SV_HC_PS);
	expect("ring3-get-number-answers", ps > 0, 1);
	memset(buf, 0, sizeof(buf));
	int64_t n = version_direct((uint64_t)(uintptr_t)buf, sizeof(buf));
	expect("ring3-version-answers", n, (int64_t)strlen(buf));
	struct sv_stats st;
	memset(&st, 0, sizeof(st));
	int64_t r = sv_hypercall((uint64_t)sv_lookup(SV_HC_STATS), (uint64_t)(uintptr_t)&st, sizeof(st), 0, 0);
	expect(SV_GUEST_ACCESS_ANY ? "ring3-stats-taken" : "ring3-stats-refused",
	       r, SV_GUEST_ACCESS_ANY ? (int64_t)sizeof(st) : -SV_EPERM);
	/* ps with room for no entry: 0, or -SV_ERANGE when processes exist. */
	r = sv_hypercall((uint64_t)ps, 0, 0, 0, 0);
	if (SV_GUEST_ACCESS_ANY)
		expect("ring3-ps-taken", r == 0 || r == -SV_ERANGE, 1);
	else
		expect("ring3-ps-refused", r, -SV_EPERM);
	r = sv_hypercall((uint64_t)sv_lookup(SV_HC_BUILTIN), (uint64_t)(uintptr_t)"t-adder", 0,
			 SV_BUILTIN_KILL_AFTER, 0);
	expect(SV_GUEST_ACCESS_ANY ? "ring3-builtin-taken" : "ring3-builtin-refused", r,
	       SV_GUEST_ACCESS_ANY ? 1 : -SV_EPERM);
	r = sv_hypercall((uint64_t)sv_lookup(SV_HC_KILL), 0x7fffffff, 1, 0, 0);
	expect(SV_GUEST_ACCESS_ANY ? "ring3-kill-taken" : "ring3-kill-refused", r,
	       SV_GUEST_ACCESS_ANY ? -SV_EBADDESC : -SV_EPERM);
	printf("SVTEST DONE ring3 failures=%d\n", failures);
	return failures ? 1 : 0;
}

static int stats(void)
{
	static const char *const names[] = SV_STATS_EXIT_NAMES;
	struct sv_stats s;

	if (sv_open() || get_stats(&s))
		return 1;
	printf("SVSTATS backend=%s exits=%" PRIu64 "\n", s.backend == 1 ? "svm" : "vmx", s.exits_total);
	for (int i = 0; i < SV_STATS_EXIT_REASONS; i++) {
		if (s.exits[i])
			printf("SVSTATS exit %s %" PRIu64 "\n", names[i], s.exits[i]);
	}
	printf("SVSTATS pool free %" PRIu64 " of %" PRIu64 " pages\n", s.pool_pages_free, s.pool_pages_total);
	printf("SVSTATS iommu state=%u units=%u faults=%" PRIu64 "\n", s.iommu_state, s.iommu_units,
	       s.iommu_faults);
	printf("SVSTATS iommu-intr blocked=%" PRIu64 "\n", s.iommu_intr_blocked);
	return 0;
}

static int ranges(void)
{
	struct sv_stats s;

	if (sv_open() || get_stats(&s))
		return 1;
	printf("%" PRIx64 " %" PRIx64 "\n", s.image_start, s.image_end);
	printf("%" PRIx64 " %" PRIx64 "\n", s.pool_start, s.pool_end);
	return 0;
}

static int builtin(const char *name, long value, int kill)
{
	if (sv_open())
		return 1;
	int64_t r = sv_call(SV_HC_BUILTIN, (uint64_t)(uintptr_t)name, (uint64_t)value,
			    kill ? SV_BUILTIN_KILL_AFTER : 0, 0);
	printf("SVTEST builtin %s %ld result %" PRId64 "\n", name, value, r);
	return 0;
}

/* builtin, timed by the guest's monotonic clock: how long the guest waited. */
static int timed_builtin(const char *name, long value)
{
	struct timespec t0, t1;

	if (sv_open())
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int64_t r = sv_call(SV_HC_BUILTIN, (uint64_t)(uintptr_t)name, (uint64_t)value,
			    SV_BUILTIN_KILL_AFTER, 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long us = (t1.tv_sec - t0.tv_sec) * 1000000L + (t1.tv_nsec - t0.tv_nsec) / 1000;
	printf("SVTEST builtin %s %ld result %" PRId64 " took %ld us\n", name, value, r, us);
	return 0;
}

/*
 * msgcall keeps a handler's result apart from the VMM's errors: t-adder
 * returns value + 1, so -44 comes back as -43, which msgsendint cannot
 * tell from -SV_ETIMEOUT; msgcall says status 0, result -43.
 */
static int msgcall(void)
{
	struct sv_msgcall m;

	if (sv_open())
		return 1;
	int64_t d = sv_call(SV_HC_BUILTIN, (uint64_t)(uintptr_t)"t-adder", 0, 0, 0);
	expect("msgcall-adder-started", d >= 0, 1);
	expect("msgsendint-result-looks-like-error", sv_call(SV_HC_MSGSENDINT, (uint64_t)d, (uint64_t)-44, 0, 0),
	       -SV_ETIMEOUT);
	memset(&m, 0, sizeof(m));
	m.desc = d;
	m.value = -44;
	int64_t r = sv_call(SV_HC_MSGCALL, (uint64_t)(uintptr_t)&m, 0, 0, 0);
	expect("msgcall-handler-result-status", r, 0);
	expect("msgcall-handler-result", m.status == 0 ? m.result : 12345, -43);
	m.status = 1;
	expect("msgcall-dirty-output-refused", sv_call(SV_HC_MSGCALL, (uint64_t)(uintptr_t)&m, 0, 0, 0),
	       -SV_EINVAL);
	memset(&m, 0, sizeof(m));
	m.desc = d;
	m.flags = 2;
	expect("msgcall-unknown-flag-refused", sv_call(SV_HC_MSGCALL, (uint64_t)(uintptr_t)&m, 0, 0, 0),
	       -SV_EINVAL);
	sv_call(SV_HC_KILL, (uint64_t)d, 0, 0, 0);
	memset(&m, 0, sizeof(m));
	m.desc = d;
	r = sv_call(SV_HC_MSGCALL, (uint64_t)(uintptr_t)&m, 0, 0, 0);
	expect("msgcall-vmm-error-status", r, -SV_EBADDESC);
	expect("msgcall-vmm-error-fields", m.status == -SV_EBADDESC && m.result == 0, 1);
	return failures ? 1 : 0;
}

static int cycles(long n)
{
	struct sv_stats before, after;

	if (sv_open() || get_stats(&before))
		return 1;
	for (long i = 0; i < n; i++) {
		int64_t r = sv_call(SV_HC_BUILTIN, (uint64_t)(uintptr_t)"t-adder", 0, SV_BUILTIN_KILL_AFTER, 0);
		if (r != 1) {
			printf("SVTEST FAIL cycles: cycle %ld returned %" PRId64 " (%s)\n", i, r,
			       sv_error_message(r));
			return 1;
		}
	}
	if (get_stats(&after))
		return 1;
	printf("SVTEST cycles %ld: pool free %" PRIu64 " before, %" PRIu64 " after\n", n,
	       before.pool_pages_free, after.pool_pages_free);
	expect("create-kill-cycles-free-pages", (int64_t)after.pool_pages_free,
	       (int64_t)before.pool_pages_free);
	return failures ? 1 : 0;
}

static int load(void *bin, uint64_t bsize, void *sig, uint64_t ssize)
{
	return (int)sv_call(SV_HC_NEWPROCESS, (uint64_t)(uintptr_t)bin, bsize, (uint64_t)(uintptr_t)sig,
			    ssize);
}

static void *good_bin, *good_sig;
static size_t good_bsize, good_ssize;

/* A good load after each refusal shows the guest and the VMM still work. */
static void still_works(const char *after)
{
	char name[96];
	int d = load(good_bin, good_bsize, good_sig, good_ssize);

	snprintf(name, sizeof(name), "good-load-after-%s", after);
	expect(name, d >= 0, 1);
	if (d >= 0)
		sv_call(SV_HC_KILL, (uint64_t)d, 0, 0, 0);
}

static int load_args(const char *binpath, const char *sigpath)
{
	if (sv_open())
		return 1;
	good_bin = sv_read_locked("svtest", binpath, &good_bsize);
	good_sig = sv_read_locked("svtest", sigpath, &good_ssize);
	if (!good_bin || !good_sig)
		return 1;
	expect("load-zero-binary-size", load(good_bin, 0, good_sig, good_ssize), -SV_EINVAL);
	still_works("zero-binary-size");
	expect("load-zero-signature-size", load(good_bin, good_bsize, good_sig, 0), -SV_EINVAL);
	still_works("zero-signature-size");
	expect("load-binary-over-limit", load(good_bin, (64ULL << 20), good_sig, good_ssize), -SV_E2BIG);
	still_works("binary-over-limit");
	expect("load-signature-over-limit", load(good_bin, good_bsize, good_sig, 1u << 20), -SV_E2BIG);
	still_works("signature-over-limit");
	void *hole = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(hole, 1 << 20);
	expect("load-binary-unmapped", load(hole, good_bsize, good_sig, good_ssize), -SV_EFAULT);
	still_works("binary-unmapped");
	/* A signature length no trusted key has is refused before anything is copied. */
	/* (The module copies the binary first: there the VMM sees a good one.) */
	expect("load-sig-length-checked-first",
	       load(sv_device_fd() >= 0 ? good_bin : hole, good_bsize, good_sig, good_ssize - 1),
	       -SV_ESIG_NOKEY);
	still_works("sig-length-checked-first");
	expect("load-signature-unmapped", load(good_bin, good_bsize, hole, good_ssize), -SV_EFAULT);
	still_works("signature-unmapped");
	/* The VMM refuses a supervisor page to ring 3; the module cannot copy from one. */
	expect("load-binary-kernel-address",
	       load((void *)0xffffffff81000000ULL, good_bsize, good_sig, good_ssize),
	       sv_device_fd() >= 0 ? -SV_EFAULT : -SV_EPERM);
	still_works("binary-kernel-address");
	/* A binary that runs off the end of its mapping. */
	expect("load-binary-past-mapping", load(good_bin, good_bsize + (2u << 20), good_sig, good_ssize),
	       -SV_EFAULT);
	still_works("binary-past-mapping");
	printf("SVTEST DONE load-args failures=%d\n", failures);
	return failures ? 1 : 0;
}

static volatile int race_stop;
static unsigned char *race_buf;
static size_t race_len;

/* Flips one byte of the binary back and forth as fast as it can. */
static void *race_writer(void *arg)
{
	(void)arg;
	size_t off = race_len / 2;
	unsigned char orig = race_buf[off];
	while (!race_stop) {
		race_buf[off] = (unsigned char)(orig ^ 0x5a);
		race_buf[off] = orig;
	}
	return NULL;
}

static int race(const char *binpath, const char *sigpath, long n)
{
	struct sv_audit_entry a[64];
	size_t ssize;
	void *sig;
	pthread_t t;
	int ok = 0, refused = 0, bad = 0;

	if (sv_open())
		return 1;
	race_buf = sv_read_locked("svtest", binpath, &race_len);
	sig = sv_read_locked("svtest", sigpath, &ssize);
	if (!race_buf || !sig)
		return 1;
	/* The digest of what was signed, as the VMM computes it for audits. */
	int d0 = load(race_buf, race_len, sig, ssize);
	if (d0 < 0) {
		printf("SVTEST FAIL race: the unmodified binary did not load (%d)\n", d0);
		return 1;
	}
	sv_call(SV_HC_KILL, (uint64_t)d0, 0, 0, 0);
	memset(a, 0, sizeof(a));
	int64_t na = sv_call(SV_HC_AUDIT, (uint64_t)(uintptr_t)a, 64, 0, 0);
	uint8_t good[32];
	memcpy(good, a[na - 1].sha256, 32);

	pthread_create(&t, NULL, race_writer, NULL);
	for (long i = 0; i < n; i++) {
		int d = load(race_buf, race_len, sig, ssize);
		memset(a, 0, sizeof(a));
		na = sv_call(SV_HC_AUDIT, (uint64_t)(uintptr_t)a, 64, 0, 0);
		struct sv_audit_entry *e = &a[na - 1];
		if (d >= 0) {
			ok++;
			/* Whatever was loaded must be exactly what was signed. */
			if (memcmp(e->sha256, good, 32))
				bad++;
			sv_call(SV_HC_KILL, (uint64_t)d, 0, 0, 0);
		} else if (d == -SV_ESIG_MISMATCH) {
			refused++;
			if (!memcmp(e->sha256, good, 32))
				bad++; /* refused although the copy was the signed one */
		} else {
			bad++;
		}
	}
	race_stop = 1;
	pthread_join(t, NULL);
	printf("SVTEST race: %d loaded, %d refused as modified, %d inconsistent\n", ok, refused, bad);
	expect("race-what-runs-is-what-was-verified", bad, 0);
	expect("race-some-loads-succeeded", ok > 0, 1);
	return failures ? 1 : 0;
}

static int fill(const char *binpath, const char *sigpath)
{
	static struct sv_ps_entry e[1024];
	size_t bsize, ssize;
	int loaded = 0, last = 0;

	if (sv_open())
		return 1;
	void *bin = sv_read_locked("svtest", binpath, &bsize);
	void *sig = sv_read_locked("svtest", sigpath, &ssize);
	if (!bin || !sig)
		return 1;
	for (int i = 0; i < 2048; i++) {
		last = load(bin, bsize, sig, ssize);
		if (last < 0)
			break;
		/* Close the descriptor: the process stays, the guest's table does not fill. */
		sv_call(SV_HC_MSGCLOSE, (uint64_t)last, 0, 0, 0);
		loaded++;
	}
	printf("SVTEST fill: %d processes loaded before: %s\n", loaded, sv_error_message(last));
	expect("fill-table-full", last, -SV_ETABLE_FULL);
	memset(e, 0, sizeof(e));
	int64_t n = sv_call(SV_HC_PS, (uint64_t)(uintptr_t)e, 1024, 0, 0);
	for (int64_t i = 0; i < n; i++) {
		if (!strncmp(e[i].name, "p-", 2))
			sv_call(SV_HC_KILL, (uint64_t)e[i].id, 1, 0, 0);
	}
	int d = load(bin, bsize, sig, ssize);
	expect("fill-load-after-emptying", d >= 0, 1);
	return failures ? 1 : 0;
}

/* msgsendbuf(desc, 0, {text, rw}): prints the result and the buffer after. */
static int sendbuf(long desc, const char *text)
{
	char buf[256];
	struct sv_msgbuf mb = { (uint64_t)(uintptr_t)buf, 0, 1 };

	if (sv_open())
		return 1;
	memset(buf, 0, sizeof(buf));
	snprintf(buf, sizeof(buf), "%s", text);
	mb.len = (uint32_t)strlen(buf);
	int64_t r = sv_call(SV_HC_MSGSENDBUF, (uint64_t)desc, 0, (uint64_t)(uintptr_t)&mb, 1);
	printf("SVTEST sendbuf result %" PRId64 " buffer %s\n", r, buf);
	return 0;
}

static int bench(void)
{
	struct sv_bench b;

	if (sv_open())
		return 1;
	memset(&b, 0, sizeof(b));
	int64_t r = sv_call(SV_HC_BENCH, (uint64_t)(uintptr_t)&b, 0, 0, 0);
	if (r < 0) {
		printf("SVBENCH failed: %s\n", sv_error_message(r));
		return 1;
	}
	double us = b.tsc_hz ? 1e6 / (double)b.tsc_hz : 0;
	printf("SVBENCH process create+first message+exit (hello): %" PRIu64 " cycles (%.1f us)\n",
	       b.create_call_exit, (double)b.create_call_exit * us);
	printf("SVBENCH null syscall: %" PRIu64 " cycles (%.2f us)\n", b.null_syscall,
	       (double)b.null_syscall * us);
	printf("SVBENCH message round trip between two processes: %" PRIu64 " cycles (%.2f us)\n",
	       b.msg_roundtrip, (double)b.msg_roundtrip * us);
	printf("SVBENCH empty handler call from the VMM: %" PRIu64 " cycles (%.2f us)\n", b.empty_call,
	       (double)b.empty_call * us);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "bench"))
		return bench();
	if (argc == 4 && !strcmp(argv[1], "sendbuf"))
		return sendbuf(strtol(argv[2], NULL, 0), argv[3]);
	if (argc >= 4 && !strcmp(argv[1], "builtin"))
		return builtin(argv[2], strtol(argv[3], NULL, 0), argc > 4 && !strcmp(argv[4], "kill"));
	if (argc == 2 && !strcmp(argv[1], "audit-total")) {
		struct sv_stats st;
		if (sv_open() || get_stats(&st))
			return 1;
		printf("%" PRIu64 "\n", st.audit_total);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "msgcall"))
		return msgcall();
	if (argc == 4 && !strcmp(argv[1], "timed-builtin"))
		return timed_builtin(argv[2], strtol(argv[3], NULL, 0));
	if (argc == 3 && !strcmp(argv[1], "cycles"))
		return cycles(strtol(argv[2], NULL, 0));
	if (argc == 4 && !strcmp(argv[1], "load-args"))
		return load_args(argv[2], argv[3]);
	if (argc == 5 && !strcmp(argv[1], "race"))
		return race(argv[2], argv[3], strtol(argv[4], NULL, 0));
	if (argc == 4 && !strcmp(argv[1], "fill"))
		return fill(argv[2], argv[3]);
	if (argc == 2 && !strcmp(argv[1], "hypercalls"))
		return hypercalls();
	if (argc == 2 && !strcmp(argv[1], "ring3"))
		return ring3();
	if (argc == 2 && !strcmp(argv[1], "device"))
		return device_checks();
	if (argc == 2 && !strcmp(argv[1], "stats"))
		return stats();
	if (argc == 2 && !strcmp(argv[1], "vmm-ranges"))
		return ranges();
	fprintf(stderr, "usage: svtest hypercalls|ring3|device|stats|vmm-ranges|builtin NAME VALUE [kill]|"
			"timed-builtin NAME VALUE|msgcall|audit-total|cycles N|"
			"load-args BIN SIG|race BIN SIG N|fill BIN SIG\n");
	return 2;
}
