/*
 * BitVisor-style message receiver (issue 14), written against BitVisor's
 * headers only.  _start in the two-argument form registers "bvrecv"
 * ("bvrecv32" for the 32-bit build).  Its handler takes
 *   MSG_INT value -> value * 2
 *   MSG_BUF with two buffers, the second rw: fills the second with the
 *           first's bytes plus one each (as BitVisor's recvexample) and
 *           returns the bytes written; -1 for any other shape.
 * It checks that it sees BitVisor's codes and struct msgbuf.
 */
#include <lib_printf.h>
#include <lib_string.h>
#include <lib_syscalls.h>

static int recv_handler(int m, int c, struct msgbuf *buf, int bufcnt)
{
	unsigned char *in, *out;
	unsigned int i, n;

	if (m == MSG_INT && bufcnt == 0)
		return c * 2;
	if (m != MSG_BUF || bufcnt != 2 || buf[1].rw != 1 || buf[0].premap_handle ||
	    buf[1].premap_handle) {
		printf("bvrecv: unexpected message m=%d bufcnt=%d\n", m, bufcnt);
		return -1;
	}
	in = buf[0].base;
	out = buf[1].base;
	n = buf[0].len < buf[1].len ? buf[0].len : buf[1].len;
	for (i = 0; i < n; i++)
		out[i] = in[i] + 1;
	printf("bvrecv: got %u and %u bytes, filled %u\n", buf[0].len, buf[1].len, n);
	return (int)n;
}

int _start(int a1, int a2)
{
	char *name = sizeof(void *) == 8 ? "bvrecv" : "bvrecv32";
	int d;

	(void)a1;
	(void)a2;
	d = msgregister(name, recv_handler);
	printf("bvrecv: registered %s: %d\n", name, d);
	return d < 0 ? d : 0;
}
