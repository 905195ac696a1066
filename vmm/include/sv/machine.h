/* Whole-machine actions (guest/machine.c). */
#ifndef SV_MACHINE_H
#define SV_MACHINE_H

#include <sv/types.h>

/* Resets the machine through the chipset; halts if that fails. */
__noreturn void machine_reset(void);

#endif
