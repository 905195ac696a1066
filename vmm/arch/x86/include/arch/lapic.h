/* Local APIC access and the PIT calibration (arch/x86/lapic.c). */
#ifndef ARCH_LAPIC_H
#define ARCH_LAPIC_H

#include <sv/types.h>

#define LAPIC_TPR 0x080
#define LAPIC_EOI 0x0b0
#define LAPIC_SVR 0x0f0
#define LAPIC_IRR 0x200
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_TMICT 0x380
#define LAPIC_TMCCT 0x390
#define LAPIC_TDCR 0x3e0
#define LVT_MASKED (1u << 16)
#define LVT_MODE_SHIFT 17
#define LVT_MODE_TSC_DEADLINE 2u
#define MSR_TSC_DEADLINE 0x6e0

/* Reads and writes work in xAPIC (MMIO) and x2APIC (MSR) mode alike; the
 * mode and base are checked on every use because the guest owns them. */
uint32_t lapic_read(unsigned int reg);
void lapic_write(unsigned int reg, uint32_t v);
bool lapic_irr(unsigned int vector);
/* True while the LAPIC is enabled at the base it had at boot. */
bool lapic_as_at_boot(void);

/*
 * Measures the TSC and the LAPIC timer (divide by 1) against the PIT's
 * 1.193182 MHz over 10 ms.  Only at boot, while the VMM still owns the
 * machine.  Returns 0, or -SV_ENODEV when the PIT did not count.
 */
int lapic_calibrate(uint64_t *tsc_hz, uint64_t *apic_hz);

#endif
