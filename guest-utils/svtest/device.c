/*
 * svtest device: hostile ioctls on /dev/sealvisor (docs/access.md).  Each
 * check names the exact errno the module must answer; the boot test then
 * greps dmesg for BUG, Oops and WARNING.  Run as root (the admin-only
 * ioctls are among them).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <sealvisor/ioctl.h>

#include "svcall.h"
#include "svtest.h"

static int fd;

/* ioctl(index, a0..a3): -errno when refused, else 0 with *result set. */
static int64_t dev(unsigned int index, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, int64_t *result)
{
	struct sealvisor_call c = { { a0, a1, a2, a3 }, 0 };

	if (ioctl(fd, SEALVISOR_IOC(index), &c) < 0)
		return -errno;
	if (result)
		*result = c.result;
	return 0;
}

static uint64_t p(const void *ptr)
{
	return (uint64_t)(uintptr_t)ptr;
}

int device_checks(void)
{
	static struct sv_ps_entry ps[2048];
	static char logbuf[70000];
	char buf[256], longname[64];
	struct sealvisor_call c;
	int64_t r = 0;

	fd = open(SEALVISOR_DEVICE, O_RDWR);
	if (fd < 0) {
		printf("SVTEST FAIL dev-open: %s: %s\n", SEALVISOR_DEVICE, strerror(errno));
		return 1;
	}
	/* A hole: mapped once, then unmapped. */
	char *hole = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(hole, 1 << 20);
	char *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	const uint64_t kaddr = 0xffffffff81000000ULL, huge = ~0ULL;

	/* The ioctl itself: unknown numbers, wrong size or type, bad record. */
	memset(&c, 0, sizeof(c));
	expect("dev-unknown-index", ioctl(fd, SEALVISOR_IOC(99), &c) < 0 ? -errno : 0, -ENOTTY);
	expect("dev-index-zero", ioctl(fd, SEALVISOR_IOC(0), &c) < 0 ? -errno : 0, -ENOTTY);
	expect("dev-wrong-size", ioctl(fd, _IOWR(SEALVISOR_IOC_MAGIC, 1, uint64_t), &c) < 0 ? -errno : 0,
	       -ENOTTY);
	expect("dev-wrong-magic", ioctl(fd, _IOWR('T', 1, struct sealvisor_call), &c) < 0 ? -errno : 0,
	       -ENOTTY);
	expect("dev-record-null", ioctl(fd, SEALVISOR_IOC(SEALVISOR_IOC_NR_VERSION), NULL) < 0 ? -errno : 0,
	       -EFAULT);
	expect("dev-record-kernel", ioctl(fd, SEALVISOR_IOC(SEALVISOR_IOC_NR_VERSION), (void *)kaddr) < 0
					    ? -errno : 0, -EFAULT);
	expect("dev-record-read-only", ioctl(fd, SEALVISOR_IOC(SEALVISOR_IOC_NR_VERSION), ro) < 0 ? -errno : 0,
	       -EFAULT);

	/* Out buffers: bad pointers; huge lengths are clamped to the VMM's. */
	expect("dev-version-null", dev(SEALVISOR_IOC_NR_VERSION, 0, sizeof(buf), 0, 0, NULL), -EFAULT);
	expect("dev-version-kernel", dev(SEALVISOR_IOC_NR_VERSION, kaddr, sizeof(buf), 0, 0, NULL), -EFAULT);
	expect("dev-version-unmapped", dev(SEALVISOR_IOC_NR_VERSION, p(hole), sizeof(buf), 0, 0, NULL), -EFAULT);
	expect("dev-version-read-only", dev(SEALVISOR_IOC_NR_VERSION, p(ro), sizeof(buf), 0, 0, NULL), -EFAULT);
	memset(buf, 0, sizeof(buf));
	expect("dev-version-huge-size", dev(SEALVISOR_IOC_NR_VERSION, p(buf), huge, 0, 0, &r), 0);
	expect("dev-version-huge-size-result", r, (int64_t)strlen(buf));
	expect("dev-ps-bad-pointer", dev(SEALVISOR_IOC_NR_PS, 8, 16, 0, 0, NULL), -EFAULT);
	memset(ps, 0, sizeof(ps));
	expect("dev-ps-huge-count", dev(SEALVISOR_IOC_NR_PS, p(ps), huge, 0, 0, &r), 0);
	expect("dev-ps-huge-count-result", r >= 0, 1);
	memset(logbuf, 0, sizeof(logbuf));
	expect("dev-log-huge-size", dev(SEALVISOR_IOC_NR_LOG, p(logbuf), huge, 0, 0, &r), 0);
	expect("dev-log-huge-size-clamped", r > 0 && r <= 65536, 1);
	expect("dev-audit-unmapped", dev(SEALVISOR_IOC_NR_AUDIT, p(hole), 4, 0, 0, NULL), -EFAULT);
	expect("dev-stats-kernel", dev(SEALVISOR_IOC_NR_STATS, kaddr, 4096, 0, 0, NULL), -EFAULT);
	expect("dev-cpustat-unmapped", dev(SEALVISOR_IOC_NR_CPUSTAT, 0, p(hole), 4096, 0, NULL), -EFAULT);

	/* In buffers: past the VMM's limits (-1 is the largest), unmapped, kernel. */
	expect("dev-newprocess-huge-binary", dev(SEALVISOR_IOC_NR_NEWPROCESS, p(buf), huge, p(buf), 16, NULL),
	       -E2BIG);
	expect("dev-newprocess-negative-signature",
	       dev(SEALVISOR_IOC_NR_NEWPROCESS, p(buf), 16, p(buf), (uint64_t)-1, NULL), -E2BIG);
	expect("dev-newprocess-unmapped", dev(SEALVISOR_IOC_NR_NEWPROCESS, p(hole), 4096, p(buf), 16, NULL),
	       -EFAULT);
	expect("dev-newprocess-kernel-signature",
	       dev(SEALVISOR_IOC_NR_NEWPROCESS, p(buf), 16, kaddr, 16, NULL), -EFAULT);
	expect("dev-procinput-huge", dev(SEALVISOR_IOC_NR_PROCINPUT, 0, p(buf), huge, 0, NULL), -E2BIG);
	expect("dev-procinput-unmapped", dev(SEALVISOR_IOC_NR_PROCINPUT, 0, p(hole), 16, 0, NULL), -EFAULT);

	/* newprocess2's record and the buffers it names. */
	struct sv_newprocess_args a;
	memset(&a, 0, sizeof(a));
	expect("dev-newprocess2-record-unmapped", dev(SEALVISOR_IOC_NR_NEWPROCESS2, p(hole), 0, 0, 0, NULL),
	       -EFAULT);
	a = (struct sv_newprocess_args){ .bin = p(buf), .bin_size = huge, .sig = p(buf), .sig_size = 16 };
	expect("dev-newprocess2-huge-binary", dev(SEALVISOR_IOC_NR_NEWPROCESS2, p(&a), 0, 0, 0, NULL), -E2BIG);
	a.bin_size = 16;
	a.input = p(buf);
	a.input_size = 1ULL << 40;
	expect("dev-newprocess2-huge-input", dev(SEALVISOR_IOC_NR_NEWPROCESS2, p(&a), 0, 0, 0, NULL), -E2BIG);
	a.input_size = 0;
	memset(longname, 'a', sizeof(longname));
	a.name = p(longname);
	expect("dev-newprocess2-name-unterminated", dev(SEALVISOR_IOC_NR_NEWPROCESS2, p(&a), 0, 0, 0, NULL),
	       -EINVAL);
	a.name = p(hole);
	expect("dev-newprocess2-name-unmapped", dev(SEALVISOR_IOC_NR_NEWPROCESS2, p(&a), 0, 0, 0, NULL),
	       -EFAULT);

	/* msgsendbuf's array: counts past the limit, bad rw, total size, pointers. */
	struct sv_msgbuf mb[9];
	for (int i = 0; i < 9; i++)
		mb[i] = (struct sv_msgbuf){ p(buf), 8, 0 };
	expect("dev-msgsendbuf-count-9", dev(SEALVISOR_IOC_NR_MSGSENDBUF, 0, 0, p(mb), 9, NULL), -EINVAL);
	expect("dev-msgsendbuf-count-huge", dev(SEALVISOR_IOC_NR_MSGSENDBUF, 0, 0, p(mb), huge, NULL), -EINVAL);
	expect("dev-msgsendbuf-array-unmapped", dev(SEALVISOR_IOC_NR_MSGSENDBUF, 0, 0, p(hole), 2, NULL),
	       -EFAULT);
	mb[1].rw = 2;
	expect("dev-msgsendbuf-bad-rw", dev(SEALVISOR_IOC_NR_MSGSENDBUF, 0, 0, p(mb), 2, NULL), -EINVAL);
	mb[1].rw = 0;
	mb[1].len = 0xffffffffu;
	expect("dev-msgsendbuf-too-long", dev(SEALVISOR_IOC_NR_MSGSENDBUF, 0, 0, p(mb), 2, NULL), -E2BIG);
	mb[1] = (struct sv_msgbuf){ p(hole), 8, 1 };
	expect("dev-msgsendbuf-buffer-unmapped", dev(SEALVISOR_IOC_NR_MSGSENDBUF, 0, 0, p(mb), 2, NULL),
	       -EFAULT);

	/* builtin's name: unterminated, unmapped. */
	expect("dev-builtin-name-unterminated", dev(SEALVISOR_IOC_NR_BUILTIN, p(longname), 0, 0, 0, NULL),
	       -EINVAL);
	expect("dev-builtin-name-unmapped", dev(SEALVISOR_IOC_NR_BUILTIN, p(hole), 0, 0, 0, NULL), -EFAULT);

	/* Arguments the module passes on: the VMM's answer comes back in result. */
	expect("dev-msgsendint-bad-descriptor", dev(SEALVISOR_IOC_NR_MSGSENDINT, 0x7fffffff, 0, 0, 0, &r), 0);
	expect("dev-msgsendint-bad-descriptor-result", r, -SV_EBADDESC);

	/* And the module still works. */
	memset(buf, 0, sizeof(buf));
	expect("dev-version-after-errors", dev(SEALVISOR_IOC_NR_VERSION, p(buf), sizeof(buf), 0, 0, &r), 0);
	expect("dev-version-after-errors-result", r > 0 && !strncmp(buf, "Sealvisor ", 10), 1);
	close(fd);
	printf("SVTEST DONE device failures=%d\n", failures);
	return failures ? 1 : 0;
}
