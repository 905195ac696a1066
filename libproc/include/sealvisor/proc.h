/*
 * libproc: what a Sealvisor process program links against.
 *
 * A process is one freestanding, static ELF executable (64-bit x86-64 or
 * 32-bit i386) built with proc-cc.  It has no main(): its ELF entry point
 * is handler 0,
 *
 *     int _start(int msgcode, int value, struct msgbuf *buf, int bufcnt);
 *
 * which the hypervisor calls whenever a message arrives on a descriptor
 * returned by newprocess (and once when a built-in process is started).
 * msgcode is MSG_INT or MSG_BUF; returning ends the call and hands the
 * value back to the sender.  More handlers can be offered under a name
 * with msgregister.  Nothing runs between calls; global variables keep
 * their values from one call to the next.  Functions return 0 or a
 * positive value on success, a negative SV_E* code (<sealvisor/errors.h>)
 * on failure.  docs/processes.md has the whole story.
 */
#ifndef SEALVISOR_PROC_H
#define SEALVISOR_PROC_H

#include <stdarg.h>
#include <stddef.h>
#include <sealvisor/proc_abi.h>

/*
 * One buffer of a message.  The receiver gets a copy of len bytes at base;
 * with rw = 1 its changes are copied back to the sender when its handler
 * returns, with rw = 0 they are dropped.  Layout: struct proc_msgbuf64 or
 * proc_msgbuf32 of proc_abi.h.
 */
struct msgbuf {
	void *base;
	unsigned int len;
	int rw;
};

typedef int (*msghandler_t)(int msgcode, int value, struct msgbuf *buf, int bufcnt);

/* Handler 0, the ELF entry point: every process defines it. */
int _start(int msgcode, int value, struct msgbuf *buf, int bufcnt);

/*
 * Offers handler under name (1..31 of [A-Za-z0-9._-]) to other processes;
 * returns its handler number (1..7), which msgunregister takes.
 */
int msgregister(const char *name, msghandler_t handler);
/* A descriptor for the service called name. */
int msgopen(const char *name);
int msgclose(int desc);
/* Calls desc's handler with (MSG_INT, value, NULL, 0); returns its result. */
int msgsendint(int desc, int value);
/* Calls desc's handler with (MSG_BUF, value, copies of buf, bufcnt). */
int msgsendbuf(int desc, int value, struct msgbuf *buf, int bufcnt);
/* Withdraws a handler msgregister returned (its index); 0 or -SV_EINVAL. */
int msgunregister(int handler);
/*
 * Starts a program by name and returns a descriptor for its handler 0: a
 * built-in (whose _start runs once when it is created, as for every
 * built-in) or a program the guest loaded signed and that still runs
 * (vmmload --name; a fresh copy from the verified image, whose _start runs
 * when the descriptor gets its first message).  Nothing unsigned is ever
 * loaded.  -SV_ENOENT for an unknown name.
 */
int newprocess(const char *name);
/*
 * The next input line the guest queued for this process (see
 * PROC_SYS_INPUT in proc_abi.h): at most len - 1 bytes and a NUL, without
 * the newline; returns its length, or -SV_ENOENT (and "") when none is
 * left.  Never waits.
 */
int proc_input(char *buf, unsigned int len);
/* Ends the process; its descriptors go stale, its memory is freed. */
void exitprocess(int status) __attribute__((noreturn));

/*
 * Output goes to the hypervisor console and log, each line tagged with the
 * process's name.  printf understands %d %i %u %x %X %o %c %s %p %% with
 * the l, ll, z and h modifiers, a width, a precision, and the flags -, 0,
 * +, space and #.  No floating point: processes have no FPU.
 */
int printf(const char *fmt, ...) __attribute__((format(__printf__, 1, 2)));
int vprintf(const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(__printf__, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int putchar(int c);
int puts(const char *s);
/* Writes len bytes as they are; returns len or an error. */
int proc_write(const char *s, unsigned int len);

/* The null syscall: measures the cost of entering the hypervisor. */
int proc_nullcall(void);

/* The string functions the compiler may call on its own. */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);

/* More of <string.h>, <stdlib.h> and <ctype.h>, as in C (ASCII only). */
size_t strnlen(const char *s, size_t max);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
void *memchr(const void *s, int c, size_t n);
long strtol(const char *s, char **end, int base);
unsigned long strtoul(const char *s, char **end, int base);
#include <sealvisor/proc_ctype.h>

#endif
