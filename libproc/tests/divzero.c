/* Fault test: integer division by zero (#DE).  The VMM must kill it. */
#include <sealvisor/proc.h>

int _start(int msgcode, int value, struct msgbuf *buf, int bufcnt)
{
	/* volatile: the compiler may not fold or drop the division. */
	volatile int zero = 0;

	(void)msgcode;
	(void)buf;
	(void)bufcnt;
	printf("divzero: dividing by zero\n");
	return value / zero;
}
