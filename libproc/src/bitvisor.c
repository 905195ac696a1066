/*
 * libproc's BitVisor layer: the functions of BitVisor's process headers
 * (include/sealvisor/bitvisor/lib_*.h) that are not simply libproc's own,
 * each over the native API.  The headers say what each one does here.
 *
 * Handlers that a BitVisor process registers expect BitVisor's message
 * codes (MSG_INT 0, MSG_BUF 1) and its four-field struct msgbuf; the VMM
 * delivers Sealvisor's.  msgregister therefore registers one of the
 * fixed shims below in the process's place and remembers the process's
 * function; the shim translates each message (bv_deliver) and calls it.
 * A process has at most PROC_MAX_HANDLERS - 1 registered handlers, so a
 * shim per possible one is enough.
 */
#include <stdarg.h>

#include <sealvisor/bitvisor/lib_lineinput.h>

#include "bitvisor.h"

#define BV_SLOTS ((int)PROC_MAX_HANDLERS - 1)

struct bv_slot {
	bv_handler_t func; /* the process's function; NULL: slot free */
	int handler;       /* the VMM's handler number for it */
};

static struct bv_slot slots[BV_SLOTS];

int bv_deliver(bv_handler_t f, int msgcode, int value, struct msgbuf *buf, int bufcnt)
{
	struct bv_msgbuf b[PROC_MSG_MAX_BUFS];
	int m = msgcode == MSG_INT ? 0 : msgcode == MSG_BUF ? 1 : msgcode;

	/* The VMM never delivers more; refuse rather than overrun b. */
	if (bufcnt < 0 || bufcnt > (int)PROC_MSG_MAX_BUFS)
		return -SV_EINVAL;
	for (int i = 0; i < bufcnt; i++)
		b[i] = (struct bv_msgbuf){ buf[i].base, buf[i].len, buf[i].rw, 0 };
	return f(m, value, buf ? b : NULL, bufcnt);
}

#define SHIM(i)                                                                     \
	static int shim##i(int m, int c, struct msgbuf *buf, int n)                 \
	{                                                                           \
		return slots[i].func ? bv_deliver(slots[i].func, m, c, buf, n)      \
				     : -SV_EBADDESC;                                \
	}
SHIM(0)
SHIM(1)
SHIM(2)
SHIM(3)
SHIM(4)
SHIM(5)
SHIM(6)
static const msghandler_t shims[BV_SLOTS] = { shim0, shim1, shim2, shim3, shim4, shim5, shim6 };
_Static_assert(BV_SLOTS == 7, "one shim per registrable handler");

static struct bv_slot *slot_of(int handler)
{
	for (int i = 0; i < BV_SLOTS; i++)
		if (slots[i].func && slots[i].handler == handler)
			return &slots[i];
	return NULL;
}

int bv_msgregister(char *name, void *func)
{
	if (!func)
		return -SV_EINVAL;
	for (int i = 0; i < BV_SLOTS; i++) {
		if (slots[i].func)
			continue;
		int h = msgregister(name, shims[i]);
		if (h < 0)
			return h;
		slots[i].func = (bv_handler_t)func;
		slots[i].handler = h;
		return h;
	}
	return -SV_ENOMEM;
}

int bv_msgunregister(int desc)
{
	struct bv_slot *s = slot_of(desc);
	int rc = msgunregister(desc);

	if (rc == 0 && s)
		s->func = NULL;
	return rc;
}

void *bv_msgsetfunc(int desc, void *func)
{
	struct bv_slot *s = slot_of(desc);
	void *old;

	if (!s || !func)
		return NULL;
	old = (void *)s->func;
	s->func = (bv_handler_t)func;
	return old;
}

int bv_msgsenddesc(int desc, int data)
{
	(void)desc;
	(void)data;
	return -SV_ENOSYS;
}

int bv_msgsendbuf(int desc, int data, struct bv_msgbuf *buf, int bufcnt)
{
	/* The VMM reads and checks the array itself: a bad one is an error code. */
	return proc_msgsendbuf_layout(desc, data, buf, bufcnt, PROC_MSGBUF_BITVISOR);
}

void bv_nop(void)
{
	proc_nullcall();
}

int bv_setlimit(int stacksize, int maxstacksize)
{
	(void)maxstacksize;
	return stacksize > 0 && (unsigned int)stacksize <= PROC_STACK_SIZE ? 0 : -SV_EINVAL;
}

void bv_putchar(unsigned char c)
{
	putchar(c);
}

int lineinput_desc(int kbd, int dsp, char *buf, int len)
{
	int r;

	(void)kbd;
	(void)dsp;
	if (len <= 0)
		return 0;
	r = proc_input(buf, (unsigned int)len);
	if (r < 0) {
		buf[0] = '\0';
		r = 0;
	}
	printf("%s\n", buf); /* the echo a terminal would have shown */
	return r;
}

int lineinput(char *buf, int len)
{
	return lineinput_desc(0, 1, buf, len);
}

void panic(char *format, ...) __attribute__((noreturn));
void panic(char *format, ...)
{
	va_list ap;

	printf("panic in process: ");
	va_start(ap, format);
	vprintf(format, ap);
	va_end(ap);
	printf("\n");
	exitprocess(1);
}

void assertion_failed(char *x, const char *funcname, char *filename, int linenum)
	__attribute__((noreturn));
void assertion_failed(char *x, const char *funcname, char *filename, int linenum)
{
	panic("Assertion failed!(%s) function %s file %s line %d", x, funcname, filename, linenum);
}
