/* The VMM command line (boot/cmdline.c). */
#ifndef SV_CMDLINE_H
#define SV_CMDLINE_H

/*
 * Applies "key=value" options; unknown or malformed words are reported on
 * the console and ignored.  Options: console=com1..com4|PORT;
 * selftest=fault (a deliberate page fault, to see the exception dump).
 */
void cmdline_apply(const char *cmdline);

#include <sv/types.h>

/* selftest=fault was given: main.c faults on purpose once its own page tables are up. */
extern bool cmdline_selftest_fault;

#endif
