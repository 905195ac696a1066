/*
 * Link test (issue 14): one BitVisor-style program that uses every
 * function and macro of BitVisor's process headers, built with proc-cc in
 * both widths by test/../bitvisor-check.sh.  It is linked, never run.
 */
#include <lib_assert.h>
#include <lib_ctype.h>
#include <lib_lineinput.h>
#include <lib_printf.h>
#include <lib_putchar.h>
#include <lib_stdlib.h>
#include <lib_string.h>
#include <lib_syscalls.h>

static int handler(int m, int c, struct msgbuf *buf, int bufcnt)
{
	return m + c + (buf ? (int)buf[0].len : 0) + bufcnt;
}

int _start(int m, int c, struct msgbuf *buf, int bufcnt)
{
	char line[64], *end;
	struct msgbuf mb[2];
	int d, n = 0;
	long l = LONG_MAX;
	unsigned long u = ULONG_MAX;

	(void)buf;
	(void)bufcnt;
	nop();
	d = msgregister("bvall", handler);
	msgsetfunc(d, handler);
	msgunregister(d);
	d = msgopen("bvall");
	msgsendint(d, MSG_INT + MSG_BUF);
	msgsenddesc(d, MSGSENDDESC_MYFUNC);
	setmsgbuf(&mb[0], line, sizeof(line), 0);
	setmsgbuf_premap(&mb[1], line, sizeof(line), 1, msgpremapbuf(d, &mb[0]));
	msgsendbuf(d, c, mb, 2);
	msgclose(d);
	d = newprocess("hello");
	setlimit(4096, 8192);
	lineinput(line, sizeof(line));
	lineinput_desc(0, 1, line, sizeof(line));
	n += isalnum(line[0]) + isalpha(line[0]) + isascii(line[0]) + isblank(line[0]) +
	     iscntrl(line[0]) + isdigit(line[0]) + isgraph(line[0]) + islower(line[0]) +
	     isprint(line[0]) + ispunct(line[0]) + isspace(line[0]) + isupper(line[0]) +
	     isxdigit(line[0]);
	l = strtol(line, &end, 0) + (l == LONG_MIN) + (long)ULONG_MIN;
	u = strtoul(line, NULL, 16) + (u == 0);
	n += (int)strlen(line) + (int)strnlen(line, 4) + strcmp(line, "a") + strncmp(line, "a", 1) +
	     memcmp(line, "a", 1) + (strchr(line, 'a') != NULL) + (strrchr(line, 'a') != NULL) +
	     (memchr(line, 'a', 4) != NULL);
	memset(line, 0, sizeof(line));
	memcpy(line, "ab", 2);
	memmove(line + 1, line, 2);
	putchar('x');
	printf("%d %ld %lu %d\n", n, l, u, d);
	assert(n >= 0);
	if (m == 99)
		panic("never: %d", m);
	if (m == 98)
		exitprocess(1);
	return 0;
}
