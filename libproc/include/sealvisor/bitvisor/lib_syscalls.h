/*
 * BitVisor compatibility: <lib_syscalls.h>, BitVisor's message API over
 * Sealvisor's (<sealvisor/proc.h>; docs/processes.md, "BitVisor
 * processes").
 *
 * A translation unit includes either this header or <sealvisor/proc.h>,
 * not both: struct msgbuf and the message codes differ.  Here they are
 * BitVisor's: MSG_INT is 0, MSG_BUF is 1, and struct msgbuf has a fourth
 * field, premap_handle, which Sealvisor ignores (buffers are always
 * copied, never mapped).  The library translates both ways, for the
 * messages a process sends and for those its handlers receive, _start
 * included: this header renames the _start a BitVisor source defines, and
 * libproc's own _start translates each message before calling it.  So
 * _start may have BitVisor's two-argument form, int _start(int m, int c),
 * or the four-argument one; extra arguments are ignored by the callee.
 *
 * Errors are Sealvisor's negative SV_E* codes (<sealvisor/errors.h>),
 * where BitVisor returns -1; hostile msgbuf arrays get exactly the errors
 * a native process gets.
 */
#ifndef SEALVISOR_BV_LIB_SYSCALLS_H
#define SEALVISOR_BV_LIB_SYSCALLS_H

/* Declared without a prototype so that either form of _start matches. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
int _start() __asm__("__bv_start");
#pragma GCC diagnostic pop

#define MSGSENDDESC_MYFUNC 0x10000

enum {
	MSG_INT,
	MSG_BUF,
};

struct msgbuf {
	void *base;
	unsigned int len;
	int rw;              /* 0: the receiver's changes are dropped; 1: copied back */
	long premap_handle;  /* ignored: Sealvisor copies every buffer */
};

static inline void setmsgbuf_premap(struct msgbuf *mbuf, void *base, unsigned int len, int rw,
				    long premap_handle)
{
	mbuf->base = base;
	mbuf->len = len;
	mbuf->rw = rw;
	mbuf->premap_handle = premap_handle;
}

static inline void setmsgbuf(struct msgbuf *mbuf, void *base, unsigned int len, int rw)
{
	setmsgbuf_premap(mbuf, base, len, rw, 0);
}

/* Nothing to premap: buffers are copied.  Returns 0 like BitVisor's. */
static inline long msgpremapbuf(int desc, struct msgbuf *buf)
{
	(void)desc;
	(void)buf;
	return 0;
}

/* The null syscall. */
void nop(void) __asm__("bv_nop");
/*
 * Offers func under name; returns the handler's number (>= 1), which
 * msgunregister and msgsetfunc take.  func is called as
 * int func(int m, int c, struct msgbuf *buf, int bufcnt).
 */
int msgregister(char *name, void *func) __asm__("bv_msgregister");
/* Withdraws a handler msgregister returned; 0 or a negative code. */
int msgunregister(int desc) __asm__("bv_msgunregister");
/*
 * Replaces the function of a handler msgregister returned and returns the
 * old one; NULL for any other descriptor (Sealvisor does not change the
 * handler of another process's descriptor, nor _start).
 */
void *msgsetfunc(int desc, void *func) __asm__("bv_msgsetfunc");
int msgopen(char *name);
int msgclose(int desc);
int msgsendint(int desc, int data);
/*
 * Sealvisor does not pass descriptors between processes (BitVisor passes
 * keyboard and display descriptors this way; here input comes from the
 * guest and output goes to the console): returns -SV_ENOSYS (-2).
 */
int msgsenddesc(int desc, int data) __asm__("bv_msgsenddesc");
/*
 * Copies of bufcnt buffers (at most 8, 16 KiB in all) go to the receiver;
 * rw ones come back.  Returns the handler's result.
 */
int msgsendbuf(int desc, int data, struct msgbuf *buf, int bufcnt) __asm__("bv_msgsendbuf");
/*
 * Starts the built-in or signed, already loaded program called name and
 * returns a descriptor for it (see newprocess in <sealvisor/proc.h>);
 * never loads anything unsigned.
 */
int newprocess(char *name);
void exitprocess(int retval) __attribute__((noreturn));
/*
 * Sealvisor's process stack is fixed (64 KiB, shared by nested calls):
 * returns 0 when stacksize fits in it, -SV_EINVAL (-1) otherwise;
 * maxstacksize is not a limit here.
 */
int setlimit(int stacksize, int maxstacksize) __asm__("bv_setlimit");

#endif
