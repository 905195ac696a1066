/* Budget test: never returns.  The VMM must kill it after its time budget
 * while the guest's clock goes on. */
#include <sealvisor/proc.h>

int _start(int msgcode, int value, struct msgbuf *buf, int bufcnt)
{
	(void)msgcode;
	(void)value;
	(void)buf;
	(void)bufcnt;
	printf("loop: spinning\n");
	for (;;)
		__asm__ volatile("" ::: "memory");
}
