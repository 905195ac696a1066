/* The smallest process: prints one line each time it is called. */
#include <sealvisor/proc.h>

int _start(int msgcode, int value, struct msgbuf *buf, int bufcnt)
{
	(void)msgcode;
	(void)value;
	(void)buf;
	(void)bufcnt;
	printf("Hello, World!\n");
	return 0;
}
