/*
 * Console test: one write of 4096 bytes (issue 10: the VMM must not hold
 * the guest while a slow UART takes them).  The line starts with
 * "bigwrite-begin", ends with "bigwrite-end" and a newline, and is digits
 * in between, so the boot test can check the log ring holds it exactly.
 */
#include <sealvisor/proc.h>

static char line[4096];

int _start(int msgcode, int value, struct msgbuf *buf, int bufcnt)
{
	static const char begin[] = "bigwrite-begin ", end[] = " bigwrite-end\n";
	unsigned int i, n = sizeof(line);

	(void)msgcode;
	(void)value;
	(void)buf;
	(void)bufcnt;
	for (i = 0; i < sizeof(begin) - 1; i++)
		line[i] = begin[i];
	for (; i < n - (sizeof(end) - 1); i++)
		line[i] = (char)('0' + i % 10);
	for (unsigned int j = 0; j < sizeof(end) - 1; j++)
		line[i + j] = end[j];
	return proc_write(line, n);
}
