/*
 * Built-in benchmark process (the VMM's "bench" hypercall drives it):
 *   MSG_INT n >= 0   n null syscalls, returns n
 *   MSG_INT -n       n message round trips to the "echo" service
 *                    (t-echo), returns n or the first error
 */
#include <sealvisor/proc.h>

int _start(int msgcode, int value, struct msgbuf *buf, int bufcnt)
{
	(void)buf;
	(void)bufcnt;
	if (msgcode != MSG_INT)
		return -1;
	if (value >= 0) {
		for (int i = 0; i < value; i++)
			proc_nullcall();
		return value;
	}
	int d = msgopen("echo");
	if (d < 0)
		return d;
	for (int i = 0; i < -value; i++) {
		int r = msgsendint(d, i);
		if (r != i)
			return r < 0 ? r : -1;
	}
	msgclose(d);
	return -value;
}
