/*
 * BitVisor compatibility: <lib_stdlib.h>.  strtol and strtoul as in C
 * (values out of range clamp to the limits below; there is no errno), the
 * limits of long, and NULL.
 */
#ifndef SEALVISOR_BV_LIB_STDLIB_H
#define SEALVISOR_BV_LIB_STDLIB_H

#ifndef ULONG_MAX
#define ULONG_MAX (~0UL)
#endif
#ifndef ULONG_MIN
#define ULONG_MIN 0UL
#endif
#ifndef LONG_MAX
#define LONG_MAX ((long int)(ULONG_MAX >> 1))
#endif
#ifndef LONG_MIN
#define LONG_MIN (-LONG_MAX - 1L)
#endif
#ifndef NULL
#define NULL ((void *)0)
#endif

long int strtol(const char *s, char **e, int base);
unsigned long int strtoul(const char *s, char **e, int base);

#endif
