/*
 * The ELF entry of a BitVisor-style process.  <lib_syscalls.h> renames the
 * _start such a source defines to __bv_start; proc-cc links with
 * "-u _start", so this object (and only then: a native process defines
 * _start itself) becomes the entry and translates every message for it.
 * The declaration has BitVisor's four-argument form; a two-argument
 * definition simply ignores the rest, as BitVisor's C relies on too.
 */
#include "bitvisor.h"

int __bv_start(int m, int c, struct bv_msgbuf *buf, int bufcnt);

int _start(int msgcode, int value, struct msgbuf *buf, int bufcnt)
{
	return bv_deliver(__bv_start, msgcode, value, buf, bufcnt);
}
