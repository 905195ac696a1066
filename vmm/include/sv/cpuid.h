/* The guest's CPUID (guest/cpuid.c). */
#ifndef SV_CPUID_H
#define SV_CPUID_H

#include <arch/cpu.h>

void cpuid_guest(uint32_t leaf, uint32_t sub, struct cpuid_regs *r);
/* What the guest may not see of one leaf the CPU returned: hides it in *r. Portable. */
void cpuid_filter(uint32_t leaf, uint32_t sub, struct cpuid_regs *r);

#endif
