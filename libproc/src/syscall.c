/*
 * Syscall stubs: the message API and exit, over `int $0x80`.
 *
 * One source for both widths: the register names in the constraints ("b",
 * "c", "d", "S", "D") are EBX.. in 32-bit code and RBX.. in 64-bit code,
 * which is exactly the ABI of proc_abi.h.  Arguments travel as long, the
 * native word, so pointers pass unchanged.  Processes are built non-PIC, so
 * EBX is free for use in 32-bit code.
 */
#include <sealvisor/proc.h>

#include "bitvisor.h"

_Static_assert(sizeof(struct msgbuf) ==
		       (sizeof(void *) == 8 ? PROC_MSGBUF64_SIZE : PROC_MSGBUF32_SIZE),
	       "struct msgbuf must match proc_abi.h");

static long syscall5(long nr, long a1, long a2, long a3, long a4, long a5)
{
	long ret;

	/* "memory": the VMM reads and writes through the pointers. */
	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(nr), "b"(a1), "c"(a2), "d"(a3), "S"(a4), "D"(a5)
			 : "memory", "cc");
	return ret;
}

int proc_nullcall(void)
{
	return (int)syscall5(PROC_SYS_NULL, 0, 0, 0, 0, 0);
}

int proc_write(const char *s, unsigned int len)
{
	return (int)syscall5(PROC_SYS_WRITE, (long)s, (long)len, 0, 0, 0);
}

int msgregister(const char *name, msghandler_t handler)
{
	return (int)syscall5(PROC_SYS_MSGREGISTER, (long)name, (long)handler, 0, 0, 0);
}

int msgopen(const char *name)
{
	return (int)syscall5(PROC_SYS_MSGOPEN, (long)name, 0, 0, 0, 0);
}

int msgclose(int desc)
{
	return (int)syscall5(PROC_SYS_MSGCLOSE, desc, 0, 0, 0, 0);
}

int msgsendint(int desc, int value)
{
	return (int)syscall5(PROC_SYS_MSGSENDINT, desc, value, 0, 0, 0);
}

int msgsendbuf(int desc, int value, struct msgbuf *buf, int bufcnt)
{
	return (int)syscall5(PROC_SYS_MSGSENDBUF, desc, value, (long)buf, bufcnt,
			     PROC_MSGBUF_NATIVE);
}

/* See bitvisor.h. */
int proc_msgsendbuf_layout(int desc, int value, void *buf, int bufcnt, int layout)
{
	return (int)syscall5(PROC_SYS_MSGSENDBUF, desc, value, (long)buf, bufcnt, layout);
}

int msgunregister(int handler)
{
	return (int)syscall5(PROC_SYS_MSGUNREGISTER, handler, 0, 0, 0, 0);
}

int newprocess(const char *name)
{
	return (int)syscall5(PROC_SYS_NEWPROCESS, (long)name, 0, 0, 0, 0);
}

int proc_input(char *buf, unsigned int len)
{
	return (int)syscall5(PROC_SYS_INPUT, (long)buf, (long)len, 0, 0, 0);
}

void exitprocess(int status)
{
	syscall5(PROC_SYS_EXIT, status, 0, 0, 0, 0);
	/* The VMM never returns from exit; if it somehow did, fault rather
	 * than run on. */
	for (;;)
		__builtin_trap();
}
