/* The VMM command line (core/cmdline.c). */
#ifndef SV_CMDLINE_H
#define SV_CMDLINE_H

/*
 * Applies "key=value" options; unknown or malformed words are reported on
 * the console and ignored.  Options: console=com1..com4|PORT.
 */
void cmdline_apply(const char *cmdline);

#endif
