/*
 * /dev/sealvisor's ioctls (the sealvisor module, guest-utils/linux;
 * docs/access.md).  One ioctl per hypercall, all with the same record:
 * the hypercall's four arguments in hypercall.h's order, pointers being
 * the caller's user-space addresses, and the VMM's result.
 *
 * ioctl() returns 0 when the module made the hypercall (the VMM's answer,
 * possibly a -SV_E* code, is in result), or -1 with errno when the module
 * refused before asking: EFAULT (a pointer it could not copy), EINVAL (a
 * malformed record, a count past the VMM's limit, a string without its
 * NUL), E2BIG (a buffer the VMM would refuse as too large), EPERM (the
 * operation needs CAP_SYS_ADMIN), ENOMEM, ENOTTY (no such ioctl).
 */
#ifndef SEALVISOR_IOCTL_H
#define SEALVISOR_IOCTL_H

#include <linux/ioctl.h>
#include <linux/types.h>

#include <sealvisor/hypercall.h>

#define SEALVISOR_DEVICE "/dev/sealvisor"
#define SEALVISOR_GROUP "sealvisor"

struct sealvisor_call {
	__u64 arg[4];   /* RBX, RCX, RDX, RSI of the hypercall */
	__s64 result;   /* RAX: >= 0, or -SV_E* (errors.h) */
};

/*
 * X(ident, index, hypercall name).  The index is the ioctl's number and
 * ABI: entries are only appended.  A hypercall another issue adds gets a
 * line here and one entry in guest-utils/linux/sv_calls.c.
 */
#define SEALVISOR_IOCTLS(X)                      \
	X(VERSION, 1, SV_HC_VERSION)             \
	X(STATS, 2, SV_HC_STATS)                 \
	X(NEWPROCESS, 3, SV_HC_NEWPROCESS)       \
	X(NEWPROCESS2, 4, SV_HC_NEWPROCESS2)     \
	X(MSGSENDINT, 5, SV_HC_MSGSENDINT)       \
	X(MSGSENDBUF, 6, SV_HC_MSGSENDBUF)       \
	X(MSGCLOSE, 7, SV_HC_MSGCLOSE)           \
	X(KILL, 8, SV_HC_KILL)                   \
	X(PS, 9, SV_HC_PS)                       \
	X(LOG, 10, SV_HC_LOG)                    \
	X(AUDIT, 11, SV_HC_AUDIT)                \
	X(BUILTIN, 12, SV_HC_BUILTIN)            \
	X(PROCINPUT, 13, SV_HC_PROCINPUT)        \
	X(CPUSTAT, 14, SV_HC_CPUSTAT)            \
	X(BENCH, 15, SV_HC_BENCH)                \
	X(REVOKE, 16, SV_HC_REVOKE)              \
	X(MEASURE, 17, SV_HC_MEASURE)            \
	X(PS2, 18, SV_HC_PS2)                    \
	X(AUDIT2, 19, SV_HC_AUDIT2)              \
	X(MSGCALL, 20, SV_HC_MSGCALL)            \
	X(IOMMU, 21, SV_HC_IOMMU)

#define SEALVISOR_IOC_MAGIC 0xB5
#define SEALVISOR_IOC(index) _IOWR(SEALVISOR_IOC_MAGIC, index, struct sealvisor_call)

enum sealvisor_ioc_index {
#define SEALVISOR_IOC_ENUM(ident, index, name) SEALVISOR_IOC_NR_##ident = index,
	SEALVISOR_IOCTLS(SEALVISOR_IOC_ENUM)
#undef SEALVISOR_IOC_ENUM
	SEALVISOR_IOC_NR_END
};

#endif
