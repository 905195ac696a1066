/*
 * <string.h> for the freestanding BearSSL: only the functions BearSSL
 * calls, supplied at link time by the hypervisor's fsstring.c.  Having our
 * own header keeps the C library's headers out of the in-VMM build.
 */
#ifndef SV_BEARSSL_FS_STRING_H
#define SV_BEARSSL_FS_STRING_H

#include <stddef.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

#endif
