/*
 * vmmload [--input FILE] [--name NAME] BINARY SIGNATURE: hands a signed
 * process binary to Sealvisor (the newprocess hypercall; newprocess2 with
 * input lines or a name).  Prints "desc = N" on success; otherwise the
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
	fprintf(f, "usage: vmmload [--time] [--input FILE] [--name NAME] BINARY SIGNATURE\n"
		   "Loads BINARY into Sealvisor as a new process if SIGNATURE (RSA PKCS#1 v1.5\n"
		   "over SHA-256, as made by vmmsign or `openssl dgst -sha256 -sign`) verifies\n"
		   "with a key compiled into the hypervisor.  Prints \"desc = N\", the descriptor\n"
		   "for vmmctl send/kill/input.\n"
		   "  --time        also print the hypercall latency and the VMM's breakdown\n"
		   "  --input FILE  queue FILE's lines (at most 4096 bytes) for the process's\n"
		   "                lineinput before its _start runs\n"
		   "  --name NAME   call the process NAME (1-31 of A-Z a-z 0-9 . _ -) in the VMM's\n"
		   "                log; other processes may start fresh copies with newprocess(NAME)\n");
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
	const char *input_path = NULL, *name = NULL;
	for (; i < argc && !strncmp(argv[i], "--", 2); i++) {
		if (!strcmp(argv[i], "--time"))
			timing = 1;
		else if (!strcmp(argv[i], "--input") && i + 1 < argc)
			input_path = argv[++i];
		else if (!strcmp(argv[i], "--name") && i + 1 < argc)
			name = argv[++i];
		else
			break;
	}
	if (argc - i != 2) {
		usage(stderr);
		return 2;
	}
	int orc = sv_open();
	if (orc != 0) {
		fprintf(stderr, "vmmload: %s\n", sv_error_message(orc));
		return 1;
	}
	size_t bsize, ssize;
	void *bin = sv_read_locked("vmmload", argv[i], &bsize);
	if (!bin)
		return 1;
	void *sig = sv_read_locked("vmmload", argv[i + 1], &ssize);
	if (!sig)
		return 1;

	void *input = NULL;
	size_t isize = 0;
	if (input_path && !(input = sv_read_locked("vmmload", input_path, &isize)))
		return 1;

	struct timespec t0, t1;
	int64_t rc;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (input_path || name) {
		/* The VMM does not page memory in: the record is on a touched stack page. */
		struct sv_newprocess_args args = {
			.bin = (uint64_t)(uintptr_t)bin, .bin_size = bsize,
			.sig = (uint64_t)(uintptr_t)sig, .sig_size = ssize,
			.input = (uint64_t)(uintptr_t)input, .input_size = isize,
			.name = (uint64_t)(uintptr_t)name,
		};
		rc = sv_call(SV_HC_NEWPROCESS2, (uint64_t)(uintptr_t)&args, 0, 0, 0);
	} else {
		rc = sv_call(SV_HC_NEWPROCESS, (uint64_t)(uintptr_t)bin, bsize,
			     (uint64_t)(uintptr_t)sig, ssize);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (rc == -SV_EDEAD) {
		/*
		 * Signed, loaded and run: its _start called exitprocess (as
		 * BitVisor's run-once programs and small shells do), so there
		 * is no process left to give a descriptor for.
		 */
		printf("%s ran and exited in its first run: no descriptor\n", argv[i]);
		return 0;
	}
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
