/*
 * The rules for the guest's local-APIC writes; see include/sv/apic_rules.h.
 * Portable: no hardware access.
 */
#include <arch/lapic.h>
#include <sv/apic_rules.h>

/* The APIC's state from EN and EXTD (SDM 3A 11.12.5, figure 11-27). */
enum apic_state { APIC_OFF, APIC_XAPIC, APIC_INVALID, APIC_X2APIC };

static enum apic_state apic_state(uint64_t v)
{
	return (enum apic_state)(((v & APIC_BASE_EN) ? 1 : 0) | ((v & APIC_BASE_EXTD) ? 2 : 0));
}

enum apic_base_verdict apic_base_check(uint64_t cur, uint64_t val, unsigned int phys_bits,
				       bool x2apic)
{
	if (phys_bits < 32 || phys_bits > 52)
		phys_bits = 36; /* what a CPU without leaf 0x80000008 has */
	/* Bits 0-7 and 9 are reserved, and so is every bit above MAXPHYADDR. */
	uint64_t reserved = 0x2ffULL | ~((1ULL << phys_bits) - 1);

	if (val & reserved)
		return APIC_BASE_RESERVED;
	/* EXTD is reserved where CPUID.1:ECX[21] (x2APIC) is clear (11.12.1). */
	if ((val & APIC_BASE_EXTD) && !x2apic)
		return APIC_BASE_NO_X2APIC;
	/*
	 * The BSP flag says which CPU the firmware started first; the VMM
	 * and INIT handling go by it, so it is not the guest's to move.
	 */
	if ((cur ^ val) & APIC_BASE_BSP)
		return APIC_BASE_BSP_CHANGED;
	enum apic_state from = apic_state(cur), to = apic_state(val);
	if (to == APIC_INVALID)
		return APIC_BASE_INVALID_STATE;
	if (from == APIC_X2APIC && to == APIC_XAPIC)
		return APIC_BASE_XAPIC_FROM_X2;
	if (from == APIC_OFF && to == APIC_X2APIC)
		return APIC_BASE_X2_FROM_OFF;
	return APIC_BASE_OK;
}

const char *apic_base_verdict_text(enum apic_base_verdict v)
{
	switch (v) {
	case APIC_BASE_OK:
		return "allowed";
	case APIC_BASE_RESERVED:
		return "reserved bit set";
	case APIC_BASE_NO_X2APIC:
		return "x2APIC enable on a CPU without x2APIC";
	case APIC_BASE_INVALID_STATE:
		return "x2APIC enable without the APIC enabled";
	case APIC_BASE_XAPIC_FROM_X2:
		return "x2APIC back to xAPIC without disabling first";
	case APIC_BASE_X2_FROM_OFF:
		return "disabled APIC straight to x2APIC";
	case APIC_BASE_BSP_CHANGED:
		return "BSP flag changed";
	}
	return "unknown";
}

#define LVT_VECTOR 0xffu
#define LVT_MODE (7u << 8)
#define LVT_POLARITY (1u << 13)
#define LVT_TRIGGER (1u << 15)
#define LVT_MASK (1u << 16)
#define LVT_TIMER_MODE (3u << 17)

/* LVT delivery modes (SDM 3A 11.5.1); 1, 3 and 6 are reserved. */
#define DM_FIXED 0u
#define DM_SMI 2u
#define DM_NMI 4u
#define DM_INIT 5u
#define DM_EXTINT 7u

uint32_t apic_lvt_filter(unsigned int off, uint32_t val)
{
	uint32_t keep;
	bool lint = off == 0x350 || off == 0x360;

	/*
	 * The bits each entry has (figure 11-8).  Delivery status (bit 12)
	 * and remote IRR (bit 14) are read-only, so a write never sets them.
	 */
	switch (off) {
	case 0x320: /* timer: mode in bits 18:17, no delivery mode */
		keep = LVT_VECTOR | LVT_MASK | LVT_TIMER_MODE;
		break;
	case 0x370: /* error: no delivery mode */
		keep = LVT_VECTOR | LVT_MASK;
		break;
	case 0x2f0: /* CMCI, thermal, performance counters */
	case 0x330:
	case 0x340:
		keep = LVT_VECTOR | LVT_MODE | LVT_MASK;
		break;
	case 0x350: /* LINT0, LINT1: pin polarity and trigger mode too */
	case 0x360:
		keep = LVT_VECTOR | LVT_MODE | LVT_POLARITY | LVT_TRIGGER | LVT_MASK;
		break;
	default:
		return val;
	}
	val &= keep;
	if (off == 0x320) {
		/* Timer mode 11b is reserved. */
		if ((val & LVT_TIMER_MODE) == LVT_TIMER_MODE)
			val |= LVT_MASK;
		return val;
	}
	if (!(keep & LVT_MODE))
		return val;
	unsigned int mode = (val >> 8) & 7u;
	/*
	 * INIT from a LINT pin or a counter would reset this CPU out of the
	 * VMM, SMI hands it to firmware: never.  NMI and fixed are every
	 * entry's; ExtINT only the LINT pins'.
	 */
	bool ok = mode == DM_FIXED || mode == DM_NMI || (mode == DM_EXTINT && lint);
	return ok ? val : val | LVT_MASK;
}

unsigned int apic_x2apic_lvt_offset(uint32_t msr)
{
	/* x2APIC MSR 0x800 + n is the xAPIC register at offset n * 16 (11.12.1.2). */
	if (msr == 0x82f || (msr >= 0x832 && msr <= 0x837))
		return (msr - 0x800) << 4;
	return 0;
}

void icr_plan(uint32_t low, uint32_t dest, bool filter, bool x2apic, struct icr_plan *p)
{
	unsigned int mode = ICR_MODE(low), sh = ICR_SHORTHAND(low);

	*p = (struct icr_plan){ .action = ICR_PASS, .mode = mode, .shorthand = sh, .dest = dest,
				.vector = (uint8_t)ICR_VECTOR(low) };
	/* Fixed, lowest-priority, SMI and NMI IPIs are not the VMM's business. */
	if (mode != ICR_MODE_INIT && mode != ICR_MODE_SIPI)
		return;
	/* INIT level de-assert (SDM 3A 11.6.1) does nothing since the Pentium 4. */
	if (mode == ICR_MODE_INIT && !(low & ICR_ASSERT)) {
		p->action = ICR_IGNORE;
		return;
	}
	/*
	 * A logical destination names CPUs by the guest's own LDR/DFR
	 * programming, which the VMM does not follow; sent on as it stands
	 * it could reach a CPU outside the VMM whose logical ID matches.
	 * Linux starts CPUs with physical INIT/SIPI only.
	 */
	if (sh == ICR_SH_NONE && (low & ICR_LOGICAL)) {
		p->action = ICR_DROP_LOGICAL;
		return;
	}
	/* The physical broadcast ID would reach CPUs the VMM does not hold. */
	if (sh == ICR_SH_NONE && dest == (x2apic ? 0xffffffffu : 0xffu)) {
		p->action = ICR_DROP_BROADCAST;
		return;
	}
	/*
	 * Filter mode sends INIT/SIPI on as real IPIs from VMX root, where
	 * the sender's own INIT would only wait for its next entry: to self
	 * (and all including self) they are dropped.
	 */
	if (filter && (sh == ICR_SH_SELF || sh == ICR_SH_ALL)) {
		p->action = ICR_DROP_SELF;
		return;
	}
	p->action = ICR_DELIVER;
	/* Rebuilt, not copied: physical, no shorthand, nothing else of the guest's. */
	p->send_low = (mode << 8) | ICR_ASSERT | (mode == ICR_MODE_SIPI ? p->vector : 0u);
}

bool icr_reaches(const struct icr_plan *p, bool self, uint32_t apic_id)
{
	if (p->action != ICR_DELIVER)
		return false;
	switch (p->shorthand) {
	case ICR_SH_NONE:
		return apic_id == p->dest;
	case ICR_SH_SELF:
		return self;
	case ICR_SH_ALL:
		return true;
	default:
		return !self;
	}
}
