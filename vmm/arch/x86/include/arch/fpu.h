/*
 * The guest's FPU/SSE/AVX state around process calls (arch/x86/fpu.c).
 * A process never runs with the guest's extended registers in the CPU,
 * not even behind CR0.TS (the LazyFP pattern, CVE-2018-3665): before the
 * outermost call on a CPU the guest's state is saved (XSAVE with every
 * component XCR0 enables, or FXSAVE) and the registers are put in their
 * initial state; after the call the guest's state comes back.
 */
#ifndef ARCH_FPU_H
#define ARCH_FPU_H

#include <sv/types.h>

/* On each CPU at start-up: its save area from the pool; 0 or -SV_ENOMEM. */
int fpu_init_cpu(void);
void fpu_guest_save(void);
void fpu_guest_restore(void);

#endif
