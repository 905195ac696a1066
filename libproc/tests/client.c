/*
 * Message test client: talks to the "echo" service (value 0) or "echo32"
 * (value 1) and prints "client: PASS" or "client: FAIL <what>".  Also
 * checks that a closed descriptor is refused.
 */
#include <sealvisor/proc.h>

static int fail(const char *what, int got)
{
	printf("client: FAIL %s (%d)\n", what, got);
	return 1;
}

int _start(int msgcode, int value, struct msgbuf *buf, int bufcnt)
{
	const char *name = value == 1 ? "echo32" : "echo";
	char in[16] = "sealvisor", out[16] = { 0 };
	struct msgbuf mb[2] = {
		{ .base = in, .len = 10, .rw = 0 },
		{ .base = out, .len = sizeof(out), .rw = 1 },
	};
	int d, r;

	(void)msgcode;
	(void)buf;
	(void)bufcnt;
	d = msgopen(name);
	if (d < 0)
		return fail("msgopen", d);
	r = msgsendint(d, 1234);
	if (r != 1234)
		return fail("msgsendint", r);
	r = msgsendbuf(d, 0, mb, 2);
	if (r != 10 || strcmp(out, "sealvisor") != 0)
		return fail("msgsendbuf", r);
	r = msgsendbuf(d, 0, mb, 1);
	if (r != 10 || strcmp(in, "sealvisor") != 0)
		return fail("read-only buffer changed", r);
	r = msgclose(d);
	if (r != 0)
		return fail("msgclose", r);
	r = msgsendint(d, 1);
	if (r >= 0)
		return fail("closed descriptor accepted", r);
	printf("client: PASS\n");
	return 0;
}
