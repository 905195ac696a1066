/*
 * BitVisor-style message sender (issue 14), written against BitVisor's
 * headers only, with the four-argument _start.  Its value says what to do:
 *   0  nothing (the run at load)
 *   1  talk to "bvrecv", 2 to "bvrecv32": msgopen, msgsendint, msgsendbuf
 *      with two buffers, then hostile msgbuf arrays, each refused with the
 *      native error (-SV_EINVAL for counts, rw flags and buffers outside the
 *      user window, -SV_EFAULT for unmapped memory, -SV_E2BIG past 16 KiB); prints "bvsend: PASS <name>" and returns 0
 *   3  newprocess: a built-in by name, a loaded signed program by name, an
 *      unknown name; prints "bvsend: PASS newprocess"
 * Any failure prints "bvsend: FAIL <what> (<code>)" and returns 1.
 */
#include <lib_printf.h>
#include <lib_string.h>
#include <lib_syscalls.h>

#define EINVAL_ (-1)   /* SV_EINVAL */
#define EFAULT_ (-3)   /* SV_EFAULT */
#define E2BIG_ (-5)    /* SV_E2BIG */
#define ENOENT_ (-45)  /* SV_ENOENT */

static int fail(const char *what, int got)
{
	printf("bvsend: FAIL %s (%d)\n", what, got);
	return 1;
}

static int talk(char *name)
{
	char text[16] = "sealvisor";
	unsigned char d[32], shared[8] = "abcdefg";
	struct msgbuf mbuf[2];
	int a, r, i;

	a = msgopen(name);
	if (a < 0)
		return fail("msgopen", a);
	r = msgsendint(a, 21);
	if (r != 42)
		return fail("msgsendint", r);
	memset(d, 0, sizeof(d));
	setmsgbuf(&mbuf[0], text, strlen(text), 0);
	setmsgbuf_premap(&mbuf[1], d, sizeof(d), 1, 1234);
	r = msgsendbuf(a, 0, mbuf, 2);
	if (r != 9)
		return fail("msgsendbuf result", r);
	for (i = 0; i < 9; i++)
		if (d[i] != (unsigned char)text[i] + 1)
			return fail("msgsendbuf rw buffer", i);
	if (d[9] != 0 || strcmp(text, "sealvisor"))
		return fail("msgsendbuf read-only buffer or tail", d[9]);

	/* Hostile arrays: the same errors a native process gets. */
	r = msgsendbuf(a, 0, mbuf, -1);
	if (r != EINVAL_)
		return fail("negative count", r);
	r = msgsendbuf(a, 0, mbuf, 9);
	if (r != EINVAL_)
		return fail("count over 8", r);
	r = msgsendbuf(a, 0, (struct msgbuf *)0, 2);
	if (r != EFAULT_)
		return fail("array at NULL", r);
	r = msgsendbuf(a, 0, (struct msgbuf *)0x40000000, 1);
	if (r != EFAULT_)
		return fail("array past the user window", r);
	setmsgbuf(&mbuf[1], d, 0x10000000, 1);
	r = msgsendbuf(a, 0, mbuf, 2);
	if (r != E2BIG_)
		return fail("length past the 16 KiB limit", r);
	setmsgbuf(&mbuf[1], (void *)0x3ffffff8, 16, 1); /* runs off the user window */
	r = msgsendbuf(a, 0, mbuf, 2);
	if (r != EINVAL_)
		return fail("buffer past the user window", r);
	setmsgbuf(&mbuf[1], (void *)0x3f100000, 16, 1); /* unmapped, inside the window */
	r = msgsendbuf(a, 0, mbuf, 2);
	if (r != EFAULT_)
		return fail("buffer in unmapped memory", r);
	setmsgbuf(&mbuf[1], d, sizeof(d), 2);
	r = msgsendbuf(a, 0, mbuf, 2);
	if (r != EINVAL_)
		return fail("rw flag 2", r);
	setmsgbuf(&mbuf[1], d, sizeof(d), -1);
	r = msgsendbuf(a, 0, mbuf, 2);
	if (r != EINVAL_)
		return fail("rw flag -1", r);
	/* Overlapping buffers: two copies, the rw one comes back. */
	setmsgbuf(&mbuf[0], shared, 7, 0);
	setmsgbuf(&mbuf[1], shared + 2, 4, 1);
	r = msgsendbuf(a, 0, mbuf, 2);
	if (r != 4 || memcmp(shared, "abbcdeg", 7))
		return fail("overlapping buffers", r);
	r = msgclose(a);
	if (r != 0)
		return fail("msgclose", r);
	r = msgsendint(a, 1);
	if (r >= 0)
		return fail("closed descriptor accepted", r);
	printf("bvsend: PASS %s\n", name);
	return 0;
}

static int spawn(void)
{
	int d, r;

	d = newprocess("hello");
	if (d < 0)
		return fail("newprocess of a built-in", d);
	r = msgsendint(d, 0);
	if (r != 0)
		return fail("message to the new built-in", r);
	msgclose(d);
	d = newprocess("bvrecv");
	if (d < 0)
		return fail("newprocess of a loaded program", d);
	r = msgsendint(d, 0);
	printf("bvsend: the copy's _start returned %d\n", r);
	msgclose(d);
	r = newprocess("no-such-program");
	if (r != ENOENT_)
		return fail("newprocess of an unknown name", r);
	printf("bvsend: PASS newprocess\n");
	return 0;
}

int _start(int m, int c, struct msgbuf *buf, int bufcnt)
{
	(void)buf;
	if (m != MSG_INT || bufcnt != 0)
		return fail("_start message code", m);
	switch (c) {
	case 0:
		return 0;
	case 1:
		return talk("bvrecv");
	case 2:
		return talk("bvrecv32");
	case 3:
		return spawn();
	}
	return fail("value", c);
}
