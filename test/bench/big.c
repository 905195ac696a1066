/*
 * A process padded to a chosen size (-DPAD=bytes), for timing newprocess
 * on large binaries.  The padding is read-only data that is really in the
 * file (one non-zero byte keeps it out of .bss).
 */
#include <sealvisor/proc.h>

__attribute__((used)) static const unsigned char pad[PAD] = { 1 };

int _start(int msgcode, int value, struct msgbuf *buf, int bufcnt)
{
	(void)msgcode;
	(void)buf;
	(void)bufcnt;
	return pad[value & 0] + (int)sizeof(pad) % 7;
}
