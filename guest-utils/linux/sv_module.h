/*
 * The sealvisor module's parts (docs/access.md): sv_main.c finds the VMM,
 * makes hypercalls and serves /dev/sealvisor; sv_calls.c describes each
 * hypercall's arguments, one table entry per ioctl.
 */
#ifndef SV_MODULE_H
#define SV_MODULE_H

#include <linux/types.h>

#include <sealvisor/ioctl.h>

#include "sv_limits.h"

/* Where one argument's buffer is and how it travels. */
enum sv_buf_dir {
	SV_NONE = 0,
	SV_IN,     /* copied from the caller before the hypercall; too long: -E2BIG */
	SV_OUT,    /* copied back after it; a longer buffer is clamped to max */
	SV_STRING, /* NUL-terminated, at most max bytes with the NUL; longer: -EINVAL */
};

/* How much of an SV_OUT buffer the VMM filled, from its result. */
enum sv_back {
	SV_BACK_RESULT,     /* result elements */
	SV_BACK_RESULT_NUL, /* result bytes and the NUL after them (version) */
	SV_BACK_ALL,        /* the whole buffer once the result is >= 0 */
};

#define SV_LEN_FIXED 0xff /* the buffer's length is max elements, not an argument */

struct sv_buf_spec {
	u8 dir;    /* enum sv_buf_dir */
	u8 ptr;    /* argument index of the pointer */
	u8 len;    /* argument index of the length (elements), or SV_LEN_FIXED */
	u8 back;   /* enum sv_back, for SV_OUT */
	u32 elem;  /* bytes per element */
	u32 max;   /* most elements the VMM takes or gives */
};

struct sv_call_def;

/* A hypercall with kernel-memory arguments in arg (the caller's are in c->arg). */
struct sv_req {
	const struct sv_call_def *def;
	u64 arg[4];
};

struct sv_call_def {
	unsigned int index;  /* SEALVISOR_IOC_NR_* */
	const char *name;    /* the hypercall's name (hypercall.h) */
	bool admin;          /* needs CAP_SYS_ADMIN; otherwise the device's file permissions decide */
	struct sv_buf_spec buf[2];
	/* Instead of buf[]: arguments that hold further pointers (records, arrays). */
	long (*custom)(struct sv_req *r, struct sealvisor_call *c);
};

/* The table, indexed by SEALVISOR_IOC_NR_* (holes are NULL). */
extern const struct sv_call_def *const sv_call_defs[SEALVISOR_IOC_NR_END];

/* The VMM's number for a table entry, 0 when this VMM lacks it (sv_main.c). */
u64 sv_number(const struct sv_call_def *def);
/* Issues hypercall nr from ring 0; all pointer arguments must be kernel addresses. */
s64 sv_hypercall(u64 nr, u64 a1, u64 a2, u64 a3, u64 a4);
/* r's hypercall with r->arg, or -SV_ENOSYS when the VMM does not know it. */
s64 sv_req_call(const struct sv_req *r);

/* Copy helpers with the module's errnos, for sv_calls.c's custom entries. */
void *sv_copy_in(u64 uptr, u64 len, u64 max, long *err);
void sv_free(void *p);

#endif
