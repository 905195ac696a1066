/*
 * <limits.h> for the freestanding BearSSL, which only tests UINT_MAX and
 * friends to pick word sizes.  The compiler's predefined macros give the
 * values; this keeps the C library's headers out of the in-VMM build.
 */
#ifndef SV_BEARSSL_FS_LIMITS_H
#define SV_BEARSSL_FS_LIMITS_H

#define CHAR_BIT __CHAR_BIT__
#define INT_MAX __INT_MAX__
#define UINT_MAX (__INT_MAX__ * 2U + 1U)
#define LONG_MAX __LONG_MAX__
#define ULONG_MAX (__LONG_MAX__ * 2UL + 1UL)
#define SIZE_MAX __SIZE_MAX__

#endif
