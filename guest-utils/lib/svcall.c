/* Hypercall client library; see svcall.h. */
#include "svcall.h"

#include <cpuid.h>
#include <string.h>

static int opened;   /* 0 unknown, 1 yes, -1 no */
static int use_vmcall;

void sv_cpuid_signature(char out[13])
{
	unsigned int a, b, c, d;

	out[0] = '\0';
	__cpuid(1, a, b, c, d);
	if (!(c & (1u << 31)))
		return; /* no hypervisor bit: leaf 0x40000000 means nothing */
	__cpuid(SV_CPUID_LEAF, a, b, c, d);
	memcpy(out, &b, 4);
	memcpy(out + 4, &c, 4);
	memcpy(out + 8, &d, 4);
	out[12] = '\0';
}

int sv_open(void)
{
	char sig[13];
	unsigned int a, b, c, d;

	if (opened)
		return opened > 0 ? 0 : -SV_ENODEV;
	sv_cpuid_signature(sig);
	if (strcmp(sig, SV_CPUID_SIGNATURE) != 0) {
		opened = -1;
		return -SV_ENODEV;
	}
	__cpuid(0, a, b, c, d);
	/* "GenuineIntel" and Intel-compatible CPUs use VMX's vmcall. */
	use_vmcall = (b == 0x756e6547 && d == 0x49656e69 && c == 0x6c65746e);
	opened = 1;
	return 0;
}

int64_t sv_hypercall(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
	uint64_t rax = nr;

	if (use_vmcall)
		__asm__ volatile("vmcall"
				 : "+a"(rax)
				 : "b"(a1), "c"(a2), "d"(a3), "S"(a4)
				 : "memory");
	else
		__asm__ volatile("vmmcall"
				 : "+a"(rax)
				 : "b"(a1), "c"(a2), "d"(a3), "S"(a4)
				 : "memory");
	return (int64_t)rax;
}

int64_t sv_lookup(const char *name)
{
	int64_t nr = sv_hypercall(SV_HC_GET_NUMBER, (uint64_t)(uintptr_t)name, 0, 0, 0);

	if (nr < 0)
		return nr;
	return nr == 0 ? -SV_ENOSYS : nr;
}

int64_t sv_call(const char *name, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
	int64_t nr = sv_lookup(name);

	if (nr < 0)
		return nr;
	return sv_hypercall((uint64_t)nr, a1, a2, a3, a4);
}

const char *sv_error_message(int64_t rc)
{
	if (rc == -SV_ENODEV)
		return "not running under Sealvisor";
	return sv_strerror((int)rc);
}
