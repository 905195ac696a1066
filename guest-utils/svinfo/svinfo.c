/*
 * svinfo: says whether this OS runs under Sealvisor and which version.
 * The demo guest runs it at boot; exit status 0 only when both the CPUID
 * signature and the version hypercall answered.
 */
#include <stdio.h>
#include <string.h>

#include "svcall.h"

int main(int argc, char **argv)
{
	char sig[13], version[128];

	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: svinfo\nPrints the hypervisor's CPUID signature and Sealvisor's version.\n");
		return 0;
	}
	sv_cpuid_signature(sig);
	if (sv_open() != 0) {
		fprintf(stderr, "svinfo: not running under Sealvisor (CPUID hypervisor signature: \"%s\")\n",
			sig);
		return 1;
	}
	memset(version, 0, sizeof(version));
	int64_t rc = sv_call(SV_HC_VERSION, (uint64_t)(uintptr_t)version, sizeof(version), 0, 0);
	if (rc < 0) {
		fprintf(stderr, "svinfo: version hypercall failed: %s (%lld)\n", sv_error_message(rc),
			(long long)rc);
		return 1;
	}
	printf("svinfo: CPUID signature \"%s\", hypercall version \"%s\"\n", sig, version);
	return 0;
}
