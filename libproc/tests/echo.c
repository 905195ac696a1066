/*
 * Message test service.  Started once (a message to handler 0), it offers
 * the service "echo" ("echo32" for the 32-bit build, so both can run):
 *   MSG_INT value   -> returns value, counts the call
 *   MSG_INT -1      -> returns how many calls it has seen
 *   MSG_BUF         -> copies buf[0] into buf[1] (which should be rw) and
 *                      returns the bytes copied; with one buffer, reverses
 *                      it in place
 */
#include <sealvisor/proc.h>

static int calls;

static int echo(int msgcode, int value, struct msgbuf *buf, int bufcnt)
{
	calls++;
	if (msgcode == MSG_INT)
		return value == -1 ? calls : value;
	if (msgcode != MSG_BUF || bufcnt < 1)
		return -1;
	if (bufcnt == 1) {
		unsigned char *p = buf[0].base;

		for (unsigned int i = 0, j = buf[0].len; i + 1 < j; i++, j--) {
			unsigned char t = p[i];

			p[i] = p[j - 1];
			p[j - 1] = t;
		}
		return (int)buf[0].len;
	}
	{
		unsigned int n = buf[0].len < buf[1].len ? buf[0].len : buf[1].len;

		memcpy(buf[1].base, buf[0].base, n);
		return (int)n;
	}
}

int _start(int msgcode, int value, struct msgbuf *buf, int bufcnt)
{
	const char *name = sizeof(void *) == 8 ? "echo" : "echo32";
	int r;

	(void)msgcode;
	(void)value;
	(void)buf;
	(void)bufcnt;
	r = msgregister(name, echo);
	printf("echo: registered \"%s\": %d\n", name, r);
	return r;
}
