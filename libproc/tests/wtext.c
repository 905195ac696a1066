/* Fault test: a write to the process's own code (#PF on a read-execute
 * page).  The VMM must kill it. */
#include <sealvisor/proc.h>

int _start(int msgcode, int value, struct msgbuf *buf, int bufcnt)
{
	volatile unsigned char *code = (volatile unsigned char *)(unsigned long)&_start;

	(void)msgcode;
	(void)value;
	(void)buf;
	(void)bufcnt;
	printf("wtext: writing to text at %p\n", (void *)code);
	*code = 0xc3;
	printf("wtext: FAIL, still running\n");
	return 1;
}
