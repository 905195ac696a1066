/*
 * Boot-test process for messages from the guest (and, as the built-in
 * t-adder, for create/kill cycles: it has no side effects):
 *   MSG_INT value  -> value + 1
 *   MSG_BUF        -> reverses buf[0] in place (rw buffers come back) and
 *                     returns its length
 */
#include <sealvisor/proc.h>

int _start(int msgcode, int value, struct msgbuf *buf, int bufcnt)
{
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
