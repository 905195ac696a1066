/* For broken invariants of the VMM's own; never for guest or process input. */
#ifndef SV_PANIC_H
#define SV_PANIC_H

#include <sv/types.h>

__noreturn void panic(const char *fmt, ...) __printf(1, 2);

#endif
