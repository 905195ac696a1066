/*
 * BitVisor compatibility: <lib_string.h>.  The string functions of
 * libproc (<sealvisor/proc.h>), with BitVisor's names and C's meaning.
 */
#ifndef SEALVISOR_BV_LIB_STRING_H
#define SEALVISOR_BV_LIB_STRING_H

#include <stddef.h>

void *memset(void *addr, int val, size_t len);
void *memcpy(void *dest, const void *src, size_t len);
int strcmp(const char *s1, const char *s2);
int memcmp(const void *p1, const void *p2, size_t len);
size_t strlen(const char *p);
char *strchr(const char *s, int c);
int strncmp(const char *s1, const char *s2, size_t len);
void *memmove(void *dest, const void *src, size_t len);
void *memchr(const void *src, int c, size_t len);
char *strrchr(const char *s, int c);
size_t strnlen(const char *p, size_t max_len);

#endif
