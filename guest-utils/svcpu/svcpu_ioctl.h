/*
 * The ioctl of the svcpu test module (svcpu_mod.c) and its user tool
 * (svcpu.c): one privileged CPU instruction run on one CPU of the test
 * guest, with a fault (#GP, #UD) caught and reported instead of oopsing.
 * Test-only: the module is built for the test initramfs, never installed.
 */
#ifndef SVCPU_IOCTL_H
#define SVCPU_IOCTL_H

#ifdef __KERNEL__
#include <linux/ioctl.h>
#include <linux/types.h>
#else
#include <stdint.h>
#include <sys/ioctl.h>
typedef uint32_t __u32;
typedef uint64_t __u64;
typedef int32_t __s32;
#endif

enum svcpu_op {
	SVCPU_RDMSR = 1,
	SVCPU_WRMSR = 2,
	SVCPU_XSETBV = 3, /* the old XCR value is put back at once when it succeeded */
	SVCPU_XGETBV = 4,
	SVCPU_INVD = 5,
};

struct svcpu_req {
	__u32 op;        /* enum svcpu_op */
	__u32 cpu;       /* the CPU to run it on */
	__u32 index;     /* MSR number or XCR index */
	__u32 faulted;   /* out: 1 when the instruction faulted */
	__u64 value;     /* in: the value written; out: the value read */
	__s32 result;    /* out: 0, or a negative errno when it could not run */
	__u32 vector;    /* out: the exception vector when it faulted (13 = #GP, 6 = #UD) */
};

#define SVCPU_IOC_RUN _IOWR('S', 0xc0, struct svcpu_req)
#define SVCPU_DEVICE "/dev/svcpu"

#endif
