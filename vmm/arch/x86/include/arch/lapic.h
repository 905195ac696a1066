/* Local APIC access and the PIT calibration (arch/x86/lapic.c). */
#ifndef ARCH_LAPIC_H
#define ARCH_LAPIC_H

#include <sv/types.h>

#define LAPIC_ID 0x020
#define LAPIC_TPR 0x080
#define LAPIC_EOI 0x0b0
#define LAPIC_SVR 0x0f0
#define LAPIC_IRR 0x200
#define LAPIC_ICR_LO 0x300
#define LAPIC_ICR_HI 0x310
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_TMICT 0x380
#define LAPIC_TMCCT 0x390
#define LAPIC_TDCR 0x3e0
#define LVT_MASKED (1u << 16)
#define LVT_MODE_SHIFT 17
#define LVT_MODE_TSC_DEADLINE 2u
#define MSR_TSC_DEADLINE 0x6e0
#define MSR_APIC_BASE 0x1b
#define MSR_X2APIC_ICR 0x830
#define LAPIC_SVR_ENABLE (1u << 8)

/* ICR fields (SDM 3A 11.6.1). */
#define ICR_VECTOR(v) ((v) & 0xffu)
#define ICR_MODE(v) (((v) >> 8) & 7u)
#define ICR_MODE_FIXED 0u
#define ICR_MODE_NMI 4u
#define ICR_MODE_INIT 5u
#define ICR_MODE_SIPI 6u
#define ICR_LOGICAL (1u << 11)
#define ICR_BUSY (1u << 12)
#define ICR_ASSERT (1u << 14)
#define ICR_LEVEL (1u << 15)
#define ICR_SHORTHAND(v) (((v) >> 18) & 3u)
#define ICR_SH_NONE 0u
#define ICR_SH_SELF 1u
#define ICR_SH_ALL 2u
#define ICR_SH_OTHERS 3u
#define ICR_INIT_ASSERT ((ICR_MODE_INIT << 8) | ICR_ASSERT | ICR_LEVEL)
#define ICR_SIPI(page) ((ICR_MODE_SIPI << 8) | ICR_ASSERT | ((page) & 0xffu))
#define ICR_NMI ((ICR_MODE_NMI << 8) | ICR_ASSERT)

/* Reads and writes work in xAPIC (MMIO) and x2APIC (MSR) mode alike; the
 * mode and base are checked on every use because the guest owns them. */
uint32_t lapic_read(unsigned int reg);
void lapic_write(unsigned int reg, uint32_t v);
bool lapic_irr(unsigned int vector);
/* True while the LAPIC is enabled at the base it had at boot. */
bool lapic_as_at_boot(void);

/* Maps the LAPIC (as the firmware left it) for the VMM; every CPU's is at the same base. */
int lapic_init(void);
uint64_t lapic_base_pa(void);
/* The xAPIC page itself, whatever mode the LAPIC is in (guest/apic.c's emulation). */
uint32_t lapic_mmio_read(unsigned int reg);
void lapic_mmio_write(unsigned int reg, uint32_t v);
/* This CPU's LAPIC id (8 bits in xAPIC mode, 32 in x2APIC mode). */
uint32_t lapic_id(void);
bool lapic_x2apic(void);
/* Sends an IPI (ICR low half `low`) to a physical destination. */
int lapic_send_ipi(uint32_t dest, uint32_t low);

/*
 * Measures the TSC and the LAPIC timer (divide by 1) against the PIT's
 * 1.193182 MHz over 10 ms.  Only at boot, while the VMM still owns the
 * machine.  Returns 0, or -SV_ENODEV when the PIT did not count.
 */
int lapic_calibrate(uint64_t *tsc_hz, uint64_t *apic_hz);

#endif
