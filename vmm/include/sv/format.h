/* printf-style formatting without libc (lib/format.c). */
#ifndef SV_FORMAT_H
#define SV_FORMAT_H

#include <sv/types.h>

/*
 * Supports %d %i %u %x %X %p %s %c %% with the l, ll, z and h length
 * modifiers, '-', '0' flags and a field width (or '*').  Always
 * NUL-terminates when size > 0; returns the length the full output would
 * have had, like C99 vsnprintf.
 */
int sv_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int sv_snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

#endif
