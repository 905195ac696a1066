/* What svtest's files share: the result lines (svtest.c). */
#ifndef SVTEST_H
#define SVTEST_H

#include <stdint.h>

/* Checks that failed so far. */
extern int failures;
/* Prints "SVTEST PASS name", or FAIL with both values, and counts it. */
void expect(const char *name, int64_t got, int64_t want);
/* Hostile ioctls on /dev/sealvisor (device.c). */
int device_checks(void);

#endif
