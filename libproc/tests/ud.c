/* Fault test: an undefined instruction (#UD, ud2).  The VMM must kill it. */
#include <sealvisor/proc.h>

int _start(int msgcode, int value, struct msgbuf *buf, int bufcnt)
{
	(void)msgcode;
	(void)value;
	(void)buf;
	(void)bufcnt;
	printf("ud: executing ud2\n");
	__asm__ volatile("ud2");
	printf("ud: FAIL, still running\n");
	return 1;
}
