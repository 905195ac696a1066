/*
 * Test process (boot/guest/svn-test.sh): loaded under the name
 * "selfspawn", its _start asks for a copy of itself by that name before
 * its own load has completed; the VMM must refuse (-SV_EBUSY), so no copy
 * runs behind a load that could still fail.  Later calls try again: by
 * then the load is complete and a copy may start.
 */
#include <sealvisor/proc.h>

int _start(int msgcode, int value, struct msgbuf *buf, int bufcnt)
{
	(void)msgcode;
	(void)buf;
	(void)bufcnt;
	if (value == 0 || value == 1) {
		int d = newprocess("selfspawn");
		printf("selfspawn: %s newprocess = %d\n", value ? "later" : "in _start", d);
		return d;
	}
	return 0;
}
