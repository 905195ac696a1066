/*
 * Boot-test process for messages from the guest (and, as the built-in
 * t-adder, for create/kill cycles: it has no side effects):
 *   MSG_INT value  -> value + 1
 *   MSG_INT 1000000 -> sends a line to the log service, returns its result
 *   MSG_INT 3000000 -> the same, then an SSE instruction: after a nested
 *                      call the process must still have no FPU (#NM)
 *   MSG_INT 4000000 -> prints a line without its newline, returns 4
 *   MSG_INT 5000000 -> prints C1 controls (raw 0x9b, U+009B in UTF-8) and
 *                      U+00E9, which the console must show as ?, ?? and é
 *   MSG_BUF        -> reverses buf[0] in place (rw buffers come back) and
 *                     returns its length
 */
#include <sealvisor/proc.h>

int _start(int msgcode, int value, struct msgbuf *buf, int bufcnt)
{
	if (msgcode == MSG_INT && (value == 1000000 || value == 3000000)) {
		static char line[] = "adder: a process using the log service";
		struct msgbuf mb = { line, sizeof(line) - 1, 0 };
		int d = msgopen("log");
		if (d < 0)
			return d;
		int r = msgsendbuf(d, 0, &mb, 1);
		msgclose(d);
		if (value == 3000000)
			__asm__ volatile(".byte 0x66, 0x0f, 0xef, 0xc0"); /* pxor %xmm0, %xmm0 */
		return r;
	}
	if (msgcode == MSG_INT && value == 4000000) {
		printf("adder: no newline");
		return 4;
	}
	if (msgcode == MSG_INT && value == 5000000) {
		printf("adder: c1 <\x9b> <\xc2\x9b> <\xc3\xa9>\n");
		return 5;
	}
	if (msgcode == MSG_INT)
		return value + 1;
	if (msgcode != MSG_BUF || bufcnt < 1)
		return -1;
	unsigned char *p = buf[0].base;
	for (unsigned int i = 0, j = buf[0].len; i + 1 < j; i++, j--) {
		unsigned char t = p[i];
		p[i] = p[j - 1];
		p[j - 1] = t;
	}
	return (int)buf[0].len;
}
