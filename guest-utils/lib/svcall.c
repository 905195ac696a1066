/* Hypercall client library; see svcall.h. */
#include "svcall.h"

#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <sealvisor/ioctl.h>

static int opened;   /* 0 unknown, 1 device, 2 direct, < 0 the error */
static int dev_fd = -1;
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

/* 0 under Sealvisor (and the instruction chosen), -SV_ENODEV elsewhere. */
static int detect(void)
{
	char sig[13];
	unsigned int a, b, c, d;

	sv_cpuid_signature(sig);
	if (strcmp(sig, SV_CPUID_SIGNATURE) != 0)
		return -SV_ENODEV;
	__cpuid(0, a, b, c, d);
	/* "GenuineIntel" and Intel-compatible CPUs use VMX's vmcall. */
	use_vmcall = (b == 0x756e6547 && d == 0x49656e69 && c == 0x6c65746e);
	return 0;
}

int sv_open(void)
{
	int rc;

	if (opened)
		return opened > 0 ? 0 : opened;
	if ((rc = detect())) {
		opened = rc;
		return rc;
	}
	dev_fd = open(SEALVISOR_DEVICE, O_RDWR | O_CLOEXEC);
	if (dev_fd >= 0) {
		opened = 1;
		return 0;
	}
	if (errno == EACCES || errno == EPERM) {
		opened = -SV_EDEVACCESS;
		return opened;
	}
	/*
	 * No device (or a node without its module): direct hypercalls, if
	 * this VMM takes them from user space.  ps with room for nothing has
	 * no effect anywhere; guest_access=kernel refuses it with -SV_EPERM.
	 */
	int64_t nr = sv_lookup(SV_HC_PS);
	if (nr > 0 && sv_hypercall((uint64_t)nr, 0, 0, 0, 0) == -SV_EPERM) {
		opened = -SV_ENOMODULE;
		return opened;
	}
	opened = 2;
	return 0;
}

int sv_device_fd(void)
{
	return opened == 1 ? dev_fd : -1;
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

unsigned long sv_ioctl_request(const char *name)
{
#define SV_IOC_MATCH(ident, index, hc)   \
	if (!strcmp(name, hc))           \
		return SEALVISOR_IOC(index);
	SEALVISOR_IOCTLS(SV_IOC_MATCH)
#undef SV_IOC_MATCH
	return 0;
}

/* The module's refusals, as the codes the tools already explain. */
static int64_t from_errno(int e)
{
	switch (e) {
	case EFAULT:
		return -SV_EFAULT;
	case E2BIG:
		return -SV_E2BIG;
	case ENOMEM:
		return -SV_ENOMEM;
	case EPERM:
	case EACCES:
		return -SV_EADMIN;
	case ENOTTY:
		return -SV_ENOIOCTL;
	default:
		return -SV_EINVAL;
	}
}

int64_t sv_call(const char *name, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
	if (opened == 1) {
		struct sealvisor_call c = { { a1, a2, a3, a4 }, 0 };
		unsigned long req = sv_ioctl_request(name);

		if (!req)
			return -SV_ENOIOCTL;
		if (ioctl(dev_fd, req, &c) < 0)
			return from_errno(errno);
		return c.result;
	}
	int64_t nr = sv_lookup(name);

	if (nr < 0)
		return nr;
	return sv_hypercall((uint64_t)nr, a1, a2, a3, a4);
}

int64_t sv_version_direct(char *buf, uint64_t size)
{
	if (detect())
		return -SV_ENODEV;
	int64_t nr = sv_lookup(SV_HC_VERSION);
	return nr < 0 ? nr : sv_hypercall((uint64_t)nr, (uint64_t)(uintptr_t)buf, size, 0, 0);
}

const char *sv_error_message(int64_t rc)
{
	if (rc == -SV_ENODEV)
		return "not running under Sealvisor";
	return sv_strerror((int)rc);
}
