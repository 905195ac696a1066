/* Fault test: unbounded recursion runs the stack into its guard page
 * (#PF below PROC_STACK_BASE).  The VMM must kill it and say so. */
#include <sealvisor/proc.h>

/* Never set: a way out the compiler cannot prove unused, so it neither
 * warns about infinite recursion nor turns the recursion into a loop. */
static volatile int stop;

static int depth(int n)
{
	/* A volatile local per frame: neither tail calls nor folding. */
	volatile char pad[256];

	pad[0] = (char)n;
	if (stop)
		return n;
	return depth(n + 1) + pad[0];
}

int _start(int msgcode, int value, struct msgbuf *buf, int bufcnt)
{
	(void)msgcode;
	(void)buf;
	(void)bufcnt;
	printf("stackov: recursing\n");
	return depth(value);
}
