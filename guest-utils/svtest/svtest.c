/*
 * svtest: the hypercall checks of the boot test suite, run inside the
 * Linux guest.  Each check prints "SVTEST PASS <name>" or
 * "SVTEST FAIL <name>: <what happened>"; the harness on the host reads
 * these lines from the serial console.  Every negative case checks the
 * exact error code.
 *
 *   svtest hypercalls   the hypercall ABI checks
 *   svtest stats        prints the VMM's counters and memory ranges
 *   svtest vmm-ranges   prints "start end" lines of the hidden ranges
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "svcall.h"

static int failures;

static void expect(const char *name, int64_t got, int64_t want)
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

static int hypercalls(void)
{
	char sig[13], buf[128];

	sv_cpuid_signature(sig);
	expect("cpuid-signature", strcmp(sig, SV_CPUID_SIGNATURE), 0);
	if (sv_open() != 0) {
		printf("SVTEST FAIL open: not running under Sealvisor\n");
		return 1;
	}
	memset(buf, 0, sizeof(buf));
	int64_t n = sv_call(SV_HC_VERSION, (uint64_t)(uintptr_t)buf, sizeof(buf), 0, 0);
	expect("version-length", n, (int64_t)strlen(buf));
	expect("version-prefix", strncmp(buf, "Sealvisor ", 10), 0);
	printf("SVTEST version: %s\n", buf);

	/* Unknown numbers and names. */
	expect("unknown-number", sv_hypercall(0x7fffffff, 0, 0, 0, 0), -SV_ENOSYS);
	expect("unknown-name", sv_hypercall(SV_HC_GET_NUMBER, (uint64_t)(uintptr_t)"no-such-call", 0, 0, 0), 0);
	expect("name-bad-pointer", sv_hypercall(SV_HC_GET_NUMBER, 8, 0, 0, 0), -SV_EFAULT);

	/* Buffers: too small, unmapped, a kernel address from ring 3, read-only. */
	expect("version-small-buffer", sv_call(SV_HC_VERSION, (uint64_t)(uintptr_t)buf, 4, 0, 0), -SV_ERANGE);
	expect("version-null", sv_call(SV_HC_VERSION, 0, sizeof(buf), 0, 0), -SV_EFAULT);
	void *hole = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(hole, 8192);
	expect("version-unmapped", sv_call(SV_HC_VERSION, (uint64_t)(uintptr_t)hole, sizeof(buf), 0, 0), -SV_EFAULT);
	expect("version-kernel-address",
	       sv_call(SV_HC_VERSION, 0xffffffff81000000ULL, sizeof(buf), 0, 0), -SV_EPERM);
	void *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	expect("version-read-only", sv_call(SV_HC_VERSION, (uint64_t)(uintptr_t)ro, sizeof(buf), 0, 0), -SV_EFAULT);
	/* A buffer that crosses into an unmapped page fails as a whole. */
	char *two = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	munmap(two + 4096, 4096);
	expect("version-crossing-unmapped",
	       sv_call(SV_HC_VERSION, (uint64_t)(uintptr_t)(two + 4090), sizeof(buf), 0, 0), -SV_EFAULT);

	/* The guest goes on: a good call still works afterwards. */
	memset(buf, 0, sizeof(buf));
	n = sv_call(SV_HC_VERSION, (uint64_t)(uintptr_t)buf, sizeof(buf), 0, 0);
	expect("version-after-errors", n, (int64_t)strlen(buf));

	struct sv_stats s;
	expect("stats", get_stats(&s), 0);
	printf("SVTEST DONE hypercalls failures=%d\n", failures);
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

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "hypercalls"))
		return hypercalls();
	if (argc == 2 && !strcmp(argv[1], "stats"))
		return stats();
	if (argc == 2 && !strcmp(argv[1], "vmm-ranges"))
		return ranges();
	fprintf(stderr, "usage: svtest hypercalls|stats|vmm-ranges\n");
	return 2;
}
