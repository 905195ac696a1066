/*
 * Boot-test process for calls across CPUs (the built-in t-cycle).
 * Started with value k (0 or 1), it registers the service "cyc-k";
 * messages to it:
 *   MSG_INT n > 0   spins n thousand TSC cycles, then sends 0 to "cyc-(1-k)"
 *                   and returns that call's result (two of them sent n on
 *                   two CPUs at once call each other: a cycle)
 *   MSG_INT 0       returns 7
 *   MSG_INT -1      makes null syscalls forever (until killed or out of budget)
 *   MSG_INT -2      loops in ring 3 forever (until its budget runs out)
 *   MSG_INT -3      sends -2 to "cyc-(1-k)" and returns 1000 + that result:
 *                   the caller must survive its callee's timeout
 *   MSG_INT -5      FPU instructions that do not look at CR0.TS under every
 *                   emulator (emms, xrstor of its own bytes), then SSE
 *                   (xorps): it faults, or runs on a state of its own;
 *                   never on the guest's
 *   MSG_INT -6..-10 the same with xsave, fxsave, movd to %xmm0, AVX
 *                   (vpxor on %ymm0) and x87 (fninit, fld1) alone
 */
static unsigned char xbuf[4096] __attribute__((aligned(64)));
#include <sealvisor/proc.h>

static int me;

static unsigned long long tsc(void)
{
	unsigned int lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((unsigned long long)hi << 32) | lo;
}

static int handler(int msgcode, int value, struct msgbuf *buf, int bufcnt)
{
	(void)buf;
	(void)bufcnt;
	if (msgcode != MSG_INT)
		return -1;
	if (value == -1) {
		for (;;)
			proc_nullcall();
	}
	if (value == -2) {
		for (volatile int spin = 1; spin;)
			;
	}
	if (value == -5) {
		for (unsigned int i = 0; i < 512; i++)
			xbuf[i] = (unsigned char)(0x5a ^ i);
		for (unsigned int i = 512; i < 576; i++)
			xbuf[i] = 0; /* an XSAVE header of the standard form */
		xbuf[512] = 3;      /* XSTATE_BV: x87 and SSE from the buffer */
		xbuf[24] = 0x80; /* a valid MXCSR, 0x1f80 */
		xbuf[25] = 0x1f;
		xbuf[26] = 0;
		xbuf[27] = 0;
		__asm__ volatile("emms" ::: "memory");
		__asm__ volatile("xrstor %0" : : "m"(xbuf), "a"(3), "d"(0) : "memory");
		__asm__ volatile(".byte 0x0f, 0x57, 0xc0" ::: "memory"); /* xorps %xmm0, %xmm0 */
		return 5;
	}
	if (value == -6) {
		__asm__ volatile("xsave %0" : "=m"(xbuf) : "a"(7), "d"(0) : "memory");
		return 6;
	}
	if (value == -7) {
		__asm__ volatile("fxsave %0" : "=m"(xbuf) : : "memory");
		return 7;
	}
	if (value == -8) {
		__asm__ volatile(".byte 0x66, 0x0f, 0x6e, 0xc0" : : "a"(0x12345678) : "memory"); /* movd %eax, %xmm0 */
		return 8;
	}
	if (value == -9) {
		__asm__ volatile(".byte 0xc5, 0xfd, 0xef, 0xc0" ::: "memory"); /* vpxor %ymm0, %ymm0, %ymm0 */
		return 9;
	}
	if (value == -10) {
		__asm__ volatile("fninit\n\tfld1" ::: "memory");
		return 10;
	}
	if (value == -3) {
		int dd = msgopen(me ? "cyc-0" : "cyc-1");
		if (dd < 0)
			return dd;
		int rr = msgsendint(dd, -2);
		msgclose(dd);
		return 1000 + rr;
	}
	if (value == 0)
		return 7;
	unsigned long long t0 = tsc();
	while (tsc() - t0 < (unsigned long long)value * 1000)
		;
	int d = msgopen(me ? "cyc-0" : "cyc-1");
	if (d < 0)
		return d;
	int r = msgsendint(d, 0);
	msgclose(d);
	return r;
}

int _start(int msgcode, int value, struct msgbuf *buf, int bufcnt)
{
	(void)buf;
	(void)bufcnt;
	if (msgcode != MSG_INT || (value != 0 && value != 1))
		return handler(msgcode, value, buf, bufcnt);
	static int registered;
	if (!registered) {
		me = value;
		registered = 1;
		int h = msgregister(value ? "cyc-1" : "cyc-0", handler);
		return h < 0 ? h : 0;
	}
	return handler(msgcode, value, buf, bufcnt);
}
