/*
 * vmmload BINARY SIGNATURE: hands a signed process binary to Sealvisor
 * (the newprocess hypercall).  Prints "desc = N" on success; otherwise the
 * reason and a non-zero exit status.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "svcall.h"
#include "svfile.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: vmmload [--time] BINARY SIGNATURE\n"
		   "Loads BINARY into Sealvisor as a new process if SIGNATURE (RSA PKCS#1 v1.5\n"
		   "over SHA-256, as made by vmmsign or `openssl dgst -sha256 -sign`) verifies\n"
		   "with a key compiled into the hypervisor.  Prints \"desc = N\", the descriptor\n"
		   "for vmmctl send/kill.\n"
		   "  --time   also print the hypercall latency and the VMM's breakdown\n");
}

static double ms(uint64_t cycles, uint64_t hz)
{
	return hz ? (double)cycles * 1000.0 / (double)hz : 0.0;
}

int main(int argc, char **argv)
{
	int timing = 0, i = 1;

	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage(stdout);
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "--time")) {
		timing = 1;
		i++;
	}
	if (argc - i != 2) {
		usage(stderr);
		return 2;
	}
	if (sv_open() != 0) {
		fprintf(stderr, "vmmload: not running under Sealvisor\n");
		return 1;
	}
	size_t bsize, ssize;
	void *bin = sv_read_locked("vmmload", argv[i], &bsize);
	if (!bin)
		return 1;
	void *sig = sv_read_locked("vmmload", argv[i + 1], &ssize);
	if (!sig)
		return 1;

	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int64_t rc = sv_call(SV_HC_NEWPROCESS, (uint64_t)(uintptr_t)bin, bsize, (uint64_t)(uintptr_t)sig,
			     ssize);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (rc < 0) {
		fprintf(stderr, "vmmload: %s refused: %s (%" PRId64 ")\n", argv[i], sv_error_message(rc), rc);
		return 1;
	}
	printf("desc = %" PRId64 "\n", rc);
	if (timing) {
		struct sv_audit_entry a[64];
		memset(a, 0, sizeof(a));
		int64_t n = sv_call(SV_HC_AUDIT, (uint64_t)(uintptr_t)a, 64, 0, 0);
		double total = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
		printf("time: %zu bytes, hypercall %.3f ms", bsize, total);
		if (n > 0) {
			struct sv_audit_entry *e = &a[n - 1];
			printf("; VMM: copy-in %.3f ms, hash %.3f ms, signature %.3f ms, ELF mapping %.3f ms, "
			       "first run %.3f ms",
			       ms(e->cycles[0], e->tsc_hz), ms(e->cycles[1], e->tsc_hz),
			       ms(e->cycles[2], e->tsc_hz), ms(e->cycles[3], e->tsc_hz),
			       ms(e->cycles[4], e->tsc_hz));
		}
		printf("\n");
	}
	return 0;
}
