/* Text a process may print (lib/text.c). */
#ifndef SV_TEXT_H
#define SV_TEXT_H

#include <sv/types.h>

/*
 * Replaces, in place and byte for byte, every control character but
 * newline and tab (C0, DEL, C1 raw or in UTF-8) and every byte of
 * ill-formed UTF-8 with '?'.  Returns how many bytes it replaced.
 */
size_t text_sanitize(char *buf, size_t len);

#endif
