/*
 * Local APIC access for the process time budget (proc/proc_timer.c).  The
 * guest owns the LAPIC; the VMM borrows its timer only while a process
 * runs and gives it back as it found it.  The register page is mapped
 * uncached (SDM 3A 10.4.1: APIC registers must be UC).
 */
#include <arch/cpu.h>
#include <arch/lapic.h>
#include <sv/mm.h>

#define APIC_BASE_X2 (1ULL << 10)
#define APIC_BASE_ADDR 0x000ffffffffff000ULL

#define APIC_BASE_ENABLE (1ULL << 11)

/*
 * The base as the firmware left it, mapped once at boot.  The guest
 * could move or disable its LAPIC later (the MSR is not intercepted);
 * lapic_as_at_boot() tells, and no process runs then, rather than the
 * VMM writing timer registers wherever the guest pointed them.
 */
static uint64_t boot_pa;
static volatile uint32_t *mmio;

static bool x2apic(void)
{
	return rdmsr(MSR_APIC_BASE) & APIC_BASE_X2;
}

static volatile uint32_t *regs(void)
{
	return mmio;
}

bool lapic_as_at_boot(void)
{
	uint64_t v = rdmsr(MSR_APIC_BASE);

	return (v & APIC_BASE_ENABLE) && (v & APIC_BASE_ADDR) == boot_pa && (mmio || (v & APIC_BASE_X2));
}

uint32_t lapic_read(unsigned int reg)
{
	if (x2apic())
		return (uint32_t)rdmsr(0x800 + reg / 16);
	return regs()[reg / 4];
}

void lapic_write(unsigned int reg, uint32_t v)
{
	if (x2apic()) {
		wrmsr(0x800 + reg / 16, v);
		return;
	}
	regs()[reg / 4] = v;
}

bool lapic_irr(unsigned int vector)
{
	return lapic_read(LAPIC_IRR + (vector / 32) * 16) & (1u << (vector % 32));
}

int lapic_init(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);

	if (!(base & APIC_BASE_ENABLE))
		return -SV_ENODEV;
	if (mmio)
		return 0;
	boot_pa = base & APIC_BASE_ADDR;
	mmio = paging_map_uc(boot_pa);
	if (!mmio && !(base & APIC_BASE_X2))
		return -SV_ENOMEM;
	return 0;
}

uint32_t lapic_mmio_read(unsigned int reg)
{
	return mmio[(reg & 0xff0) / 4];
}

void lapic_mmio_write(unsigned int reg, uint32_t v)
{
	mmio[(reg & 0xff0) / 4] = v;
}

uint64_t lapic_base_pa(void)
{
	return boot_pa;
}

uint32_t lapic_id(void)
{
	if (x2apic())
		return (uint32_t)rdmsr(0x802);
	return regs()[LAPIC_ID / 4] >> 24;
}

bool lapic_x2apic(void)
{
	return x2apic();
}

int lapic_send_ipi(uint32_t dest, uint32_t low)
{
	if (x2apic()) {
		wrmsr(0x830, ((uint64_t)dest << 32) | low);
		return 0;
	}
	if (dest > 0xff)
		return -SV_EINVAL;
	/* SDM 3A 11.6.1: wait for the last IPI to leave before the next one. */
	for (unsigned long i = 0; regs()[LAPIC_ICR_LO / 4] & ICR_BUSY; i++) {
		if (i > 100000000UL)
			return -SV_EBUSY;
		cpu_relax();
	}
	/* The guest's destination stays as it wrote it: it may read ICR_HI back. */
	uint32_t hi = regs()[LAPIC_ICR_HI / 4];
	regs()[LAPIC_ICR_HI / 4] = dest << 24;
	regs()[LAPIC_ICR_LO / 4] = low;
	regs()[LAPIC_ICR_HI / 4] = hi;
	return 0;
}

int lapic_calibrate(uint64_t *tsc_hz, uint64_t *apic_hz)
{
	int rc = lapic_init();

	if (rc)
		return rc;

	const uint32_t pit_count = 11932; /* 10 ms at 1193182 Hz */
	uint32_t lvt = lapic_read(LAPIC_LVT_TIMER), tdcr = lapic_read(LAPIC_TDCR);

	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
	lapic_write(LAPIC_TDCR, 0xb); /* divide by 1 */
	lapic_write(LAPIC_TMICT, 0xffffffffu);

	/* PIT channel 2, mode 0, gate on through port 0x61, speaker off. */
	outb(0x61, (uint8_t)((inb(0x61) & ~0x02) | 0x01));
	outb(0x43, 0xb0);
	outb(0x42, pit_count & 0xff);
	outb(0x42, pit_count >> 8);
	uint64_t t0 = rdtsc();
	uint32_t a0 = lapic_read(LAPIC_TMCCT);
	uint64_t spins = 0;
	while (!(inb(0x61) & 0x20)) {
		if (++spins > 200000000ULL)
			break;
	}
	uint64_t t1 = rdtsc();
	uint32_t a1 = lapic_read(LAPIC_TMCCT);
	lapic_write(LAPIC_TMICT, 0);
	lapic_write(LAPIC_TDCR, tdcr);
	lapic_write(LAPIC_LVT_TIMER, lvt);
	if (!(inb(0x61) & 0x20) || t1 <= t0 || a0 <= a1)
		return -SV_ENODEV;
	*tsc_hz = (t1 - t0) * 1193182ULL / pit_count;
	*apic_hz = (uint64_t)(a0 - a1) * 1193182ULL / pit_count;
	return 0;
}
