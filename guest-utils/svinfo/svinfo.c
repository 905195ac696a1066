/*
 * svinfo: says whether this OS runs under Sealvisor, which version, and
 * whether this user may use it (docs/access.md).  The demo guest runs it
 * at boot; exit status 0 only when both the CPUID signature and the
 * version hypercall answered (the version is a detection call every VMM
 * answers from user space, so svinfo works for users without access too).
 */
#include <stdio.h>
#include <string.h>

#include "svcall.h"

int main(int argc, char **argv)
{
	char sig[13], version[128];

	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: svinfo\nPrints the hypervisor's CPUID signature, Sealvisor's version and this\n"
		       "user's access (through /dev/sealvisor, directly, or none and why).\n");
		return 0;
	}
	sv_cpuid_signature(sig);
	int orc = sv_open();
	if (orc == -SV_ENODEV) {
		fprintf(stderr, "svinfo: not running under Sealvisor (CPUID hypervisor signature: \"%s\")\n",
			sig);
		return 1;
	}
	memset(version, 0, sizeof(version));
	int64_t rc = orc ? sv_version_direct(version, sizeof(version))
			 : sv_call(SV_HC_VERSION, (uint64_t)(uintptr_t)version, sizeof(version), 0, 0);
	if (rc < 0) {
		fprintf(stderr, "svinfo: version hypercall failed: %s (%lld)\n", sv_error_message(rc),
			(long long)rc);
		return 1;
	}
	printf("svinfo: CPUID signature \"%s\", hypercall version \"%s\"\n", sig, version);
	if (orc)
		printf("svinfo: no access: %s\n", sv_error_message(orc));
	else
		printf("svinfo: access: %s\n", sv_device_fd() >= 0 ? "through /dev/sealvisor"
								 : "direct hypercalls (guest_access=any)");
	return 0;
}
