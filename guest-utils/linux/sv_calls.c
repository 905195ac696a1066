// SPDX-License-Identifier: GPL-2.0
/*
 * Every hypercall /dev/sealvisor offers: its ioctl, who may make it, and
 * where its buffers are (docs/access.md).  Adding a hypercall is one entry
 * here and one line in sealvisor/ioctl.h; a record that holds further
 * pointers gets a custom function instead of buf[].
 *
 * Limits are the VMM's (sv_limits.h carries the build's -Dmax_binary_size
 * and -Dmax_sig_size; the rest are fixed in the VMM and named below), so
 * the module never allocates more than the VMM would accept.
 */
#include <linux/capability.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <sealvisor/errors.h>

#include "sv_module.h"

#define SV_VERSION_MAX 256      /* "Sealvisor X.Y.Z" and room to grow */
#define SV_RECORD_MAX 4096      /* stats, cpustat: the VMM writes its record's size */
#define SV_LOG_MAX (64 * 1024)  /* LOG_RING_SIZE: the whole ring at most */
#define SV_ENTRIES_MAX 1024     /* ps, audit: -Dmax_processes is at most 1024 */
#define SV_NAME_MAX 32          /* PROC_NAME_MAX, with the NUL */
#define SV_INPUT_MAX 4096       /* PROC_INPUT_MAX: one process's input queue */
#define SV_MSG_MAX_BUFS 8       /* PROC_MSG_MAX_BUFS */
#define SV_MSG_MAX_BYTES 16384  /* PROC_MSG_MAX_BYTES: all buffers of one message */

#define IN(p, l, m) { .dir = SV_IN, .ptr = p, .len = l, .elem = 1, .max = m }
#define OUT(p, l, e, m, b) { .dir = SV_OUT, .ptr = p, .len = l, .elem = e, .max = m, .back = b }
#define STRING(p, m) { .dir = SV_STRING, .ptr = p, .max = m }

/*
 * newprocess2's record names four buffers: each is copied and bounded
 * like newprocess's, and the VMM gets a record of kernel addresses.
 */
static long sv_newprocess2(struct sv_req *r, struct sealvisor_call *c)
{
	struct sv_newprocess_args ua, ka;
	void *bin = NULL, *sig = NULL, *input = NULL;
	char *name = NULL;
	long err;

	if (copy_from_user(&ua, u64_to_user_ptr(c->arg[0]), sizeof(ua)))
		return -EFAULT;
	/*
	 * A name decides which signed binary answers newprocess(name) for
	 * every process, and keeps it from anyone else: root's to give.
	 */
	if (ua.name && !capable(CAP_SYS_ADMIN))
		return -EPERM;
	ka = ua;
	bin = sv_copy_in(ua.bin, ua.bin_size, SV_MAX_BINARY_SIZE, &err);
	if (!err)
		sig = sv_copy_in(ua.sig, ua.sig_size, SV_MAX_SIG_SIZE, &err);
	if (!err && ua.input_size)
		input = sv_copy_in(ua.input, ua.input_size, SV_INPUT_MAX, &err);
	if (!err && ua.name) {
		name = kzalloc(SV_NAME_MAX, GFP_KERNEL);
		if (!name) {
			err = -ENOMEM;
		} else {
			long n = strncpy_from_user(name, u64_to_user_ptr(ua.name), SV_NAME_MAX);

			err = n < 0 ? -EFAULT : n == SV_NAME_MAX ? -EINVAL : 0;
		}
	}
	if (!err) {
		ka.bin = ua.bin_size ? (u64)(uintptr_t)bin : ua.bin;
		ka.sig = ua.sig_size ? (u64)(uintptr_t)sig : ua.sig;
		ka.input = input ? (u64)(uintptr_t)input : ua.input;
		ka.name = name ? (u64)(uintptr_t)name : 0;
		r->arg[0] = (u64)(uintptr_t)&ka;
		c->result = sv_req_call(r);
	}
	sv_free(bin);
	sv_free(sig);
	sv_free(input);
	kfree(name);
	return err;
}

/*
 * A message's buffers (count struct sv_msgbuf at uarr) copied into one
 * bounce area; *area is kvfree'd by the caller.  kb gets kernel addresses.
 */
static long bufs_in(u64 uarr, u64 n, struct sv_msgbuf *ub, struct sv_msgbuf *kb, u8 **area)
{
	u64 total = 0, i;
	u8 *p;

	*area = NULL;
	if (n > SV_MSG_MAX_BUFS)
		return -EINVAL;
	if (n && copy_from_user(ub, u64_to_user_ptr(uarr), n * sizeof(ub[0])))
		return -EFAULT;
	for (i = 0; i < n; i++) {
		if (ub[i].rw != 0 && ub[i].rw != 1)
			return -EINVAL;
		total += ub[i].len;
		if (total > SV_MSG_MAX_BYTES)
			return -E2BIG;
	}
	*area = kvmalloc(total ? total : 1, GFP_KERNEL | __GFP_NOWARN);
	if (!*area)
		return -ENOMEM;
	for (i = 0, p = *area; i < n; p += ub[i].len, i++) {
		kb[i] = ub[i];
		kb[i].base = (u64)(uintptr_t)p;
		if (copy_from_user(p, u64_to_user_ptr(ub[i].base), ub[i].len))
			return -EFAULT;
	}
	return 0;
}

/* rw buffers go back whatever the handler returned, as the VMM does between processes. */
static long bufs_out(u64 n, const struct sv_msgbuf *ub, const struct sv_msgbuf *kb)
{
	long err = 0;
	u64 i;

	for (i = 0; i < n; i++) {
		if (ub[i].rw && copy_to_user(u64_to_user_ptr(ub[i].base), (void *)(uintptr_t)kb[i].base,
					     ub[i].len))
			err = -EFAULT;
	}
	return err;
}

/* msgsendbuf(desc, value, struct sv_msgbuf *, count). */
static long sv_msgsendbuf(struct sv_req *r, struct sealvisor_call *c)
{
	struct sv_msgbuf ub[SV_MSG_MAX_BUFS], kb[SV_MSG_MAX_BUFS];
	u64 n = c->arg[3];
	u8 *area;
	long err = bufs_in(c->arg[2], n, ub, kb, &area);

	if (!err) {
		r->arg[2] = n ? (u64)(uintptr_t)kb : 0;
		c->result = sv_req_call(r);
		err = bufs_out(n, ub, kb);
	}
	kvfree(area);
	return err;
}

/*
 * msgcall(struct sv_msgcall *): the record (and with SV_MSGCALL_BUFS its
 * buffers) copied in; status and result copied back into the caller's.
 */
static long sv_msgcall(struct sv_req *r, struct sealvisor_call *c)
{
	struct sv_msgbuf ub[SV_MSG_MAX_BUFS], kb[SV_MSG_MAX_BUFS];
	struct sv_msgcall um, km;
	u64 n = 0;
	u8 *area = NULL;
	long err = 0;

	if (copy_from_user(&um, u64_to_user_ptr(c->arg[0]), sizeof(um)))
		return -EFAULT;
	km = um;
	if (um.flags & SV_MSGCALL_BUFS) {
		n = um.count;
		err = bufs_in(um.bufs, n, ub, kb, &area);
		km.bufs = n ? (u64)(uintptr_t)kb : 0;
	}
	if (!err) {
		r->arg[0] = (u64)(uintptr_t)&km;
		c->result = sv_req_call(r);
		if (n)
			err = bufs_out(n, ub, kb);
		um.status = km.status;
		um.result = km.result;
		if (copy_to_user(u64_to_user_ptr(c->arg[0]), &um, sizeof(um)))
			err = -EFAULT;
	}
	kvfree(area);
	return err;
}

#define DEF(ident, adm, ...)                                                    \
	static const struct sv_call_def def_##ident = {                        \
		.index = SEALVISOR_IOC_NR_##ident, .name = SV_HC_##ident,      \
		.admin = adm, __VA_ARGS__                                       \
	}

/* Group sealvisor: read, load what the administrator signed, message. */
DEF(VERSION, false, .buf = { OUT(0, 1, 1, SV_VERSION_MAX, SV_BACK_RESULT_NUL) });
DEF(STATS, false, .buf = { OUT(0, 1, 1, SV_RECORD_MAX, SV_BACK_RESULT) });
DEF(CPUSTAT, false, .buf = { OUT(1, 2, 1, SV_RECORD_MAX, SV_BACK_RESULT) });
DEF(PS, false, .buf = { OUT(0, 1, sizeof(struct sv_ps_entry), SV_ENTRIES_MAX, SV_BACK_RESULT) });
DEF(LOG, false, .buf = { OUT(0, 1, 1, SV_LOG_MAX, SV_BACK_RESULT) });
DEF(AUDIT, false, .buf = { OUT(0, 1, sizeof(struct sv_audit_entry), SV_ENTRIES_MAX, SV_BACK_RESULT) });
DEF(NEWPROCESS, false, .buf = { IN(0, 1, SV_MAX_BINARY_SIZE), IN(2, 3, SV_MAX_SIG_SIZE) });
DEF(NEWPROCESS2, false, .custom = sv_newprocess2);
DEF(MSGSENDINT, false);
DEF(MSGSENDBUF, false, .custom = sv_msgsendbuf);
DEF(PROCINPUT, false, .buf = { IN(1, 2, SV_INPUT_MAX) });
DEF(MSGCALL, false, .custom = sv_msgcall);
DEF(IOMMU, false, .buf = { OUT(0, 1, 1, SV_RECORD_MAX, SV_BACK_RESULT) });
DEF(PS2, false, .buf = { OUT(0, 1, sizeof(struct sv_ps_entry2), SV_ENTRIES_MAX, SV_BACK_RESULT) });
DEF(AUDIT2, false, .buf = { OUT(0, 1, sizeof(struct sv_audit_entry2), SV_ENTRIES_MAX, SV_BACK_RESULT) });
DEF(MEASURE, false, .buf = { OUT(0, SV_LEN_FIXED, sizeof(struct sv_measure_info), 1, SV_BACK_ALL),
			    OUT(1, 2, sizeof(struct sv_measure_event), SV_ENTRIES_MAX, SV_BACK_RESULT) });
/* CAP_SYS_ADMIN: what takes away what others run, or runs the VMM's own test code. */
DEF(MSGCLOSE, true);
DEF(KILL, true);
DEF(BUILTIN, true, .buf = { STRING(0, SV_NAME_MAX) });
DEF(REVOKE, true, .buf = { IN(0, 1, SV_REVLIST_MAX_SIZE), IN(2, 3, SV_MAX_SIG_SIZE) });
DEF(BENCH, true, .buf = { OUT(0, SV_LEN_FIXED, sizeof(struct sv_bench), 1, SV_BACK_ALL) });

const struct sv_call_def *const sv_call_defs[SEALVISOR_IOC_NR_END] = {
#define SV_DEF_SLOT(ident, index, name) [index] = &def_##ident,
	SEALVISOR_IOCTLS(SV_DEF_SLOT)
#undef SV_DEF_SLOT
};
