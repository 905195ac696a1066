/*
 * The rules guest/apic.c applies to the guest's local-APIC writes, apart
 * from the hardware so that the unit tests run them hosted
 * (test/unit/guestcpu): the APIC base MSR (SDM 3A 11.4.4, 11.12.5), the
 * LVT entries (11.5.1, 11.12.1) and what becomes of an ICR write that
 * asks for INIT or SIPI (11.6.1; the design is in include/sv/apic.h).
 * Every verdict here that refuses is #GP for the guest, as the CPU would
 * raise it, and never a fault in the VMM.
 */
#ifndef SV_APIC_RULES_H
#define SV_APIC_RULES_H

#include <sv/types.h>

/* IA32_APIC_BASE (SDM 3A figure 11-5). */
#define APIC_BASE_BSP (1ULL << 8)
#define APIC_BASE_EXTD (1ULL << 10)
#define APIC_BASE_EN (1ULL << 11)

enum apic_base_verdict {
	APIC_BASE_OK = 0,
	APIC_BASE_RESERVED,      /* bits 0-7, 9, or above the physical address width */
	APIC_BASE_NO_X2APIC,     /* EXTD on a CPU whose CPUID.1:ECX[21] is clear */
	APIC_BASE_INVALID_STATE, /* EXTD without EN: no such APIC state */
	APIC_BASE_XAPIC_FROM_X2, /* x2APIC back to xAPIC without disabling first */
	APIC_BASE_X2_FROM_OFF,   /* disabled straight to x2APIC */
	APIC_BASE_BSP_CHANGED,   /* the BSP flag is the machine's, not the guest's */
};

/*
 * A WRMSR of IA32_APIC_BASE from cur to val.  phys_bits: the CPU's
 * physical address width (CPUID 0x80000008 EAX[7:0]; 32..52); x2apic:
 * CPUID.1:ECX[21] as the guest sees it and the CPU has it.
 */
enum apic_base_verdict apic_base_check(uint64_t cur, uint64_t val, unsigned int phys_bits,
				       bool x2apic);
const char *apic_base_verdict_text(enum apic_base_verdict v);

/*
 * An LVT entry the guest writes, at its xAPIC offset (0x2f0 CMCI, 0x320
 * timer, 0x330 thermal, 0x340 performance counters, 0x350 LINT0, 0x360
 * LINT1, 0x370 error): the value the VMM hands the LAPIC.  Reserved and
 * read-only bits are cleared; a delivery mode that could reset or take
 * over this CPU (INIT, SMI), or one the entry does not support (the
 * reserved encodings, ExtINT outside LINT0/1, INIT/ExtINT on CMCI,
 * thermal and performance), arrives masked.  Other offsets come back
 * unchanged.
 */
uint32_t apic_lvt_filter(unsigned int off, uint32_t val);
/* The xAPIC offset of an x2APIC LVT MSR (0x82f..0x837), or 0 if it is none. */
unsigned int apic_x2apic_lvt_offset(uint32_t msr);

/* What the VMM does with an ICR write. */
enum icr_action {
	ICR_PASS = 0,        /* neither INIT nor SIPI: the real LAPIC takes it unchanged */
	ICR_IGNORE,          /* INIT level de-assert: a no-op since the Pentium 4 */
	ICR_DROP_LOGICAL,    /* INIT/SIPI in logical destination mode */
	ICR_DROP_BROADCAST,  /* INIT/SIPI to the physical broadcast ID (0xff, x2APIC 0xffffffff) */
	ICR_DROP_SELF,       /* filter mode: INIT/SIPI to self, or to all including self */
	ICR_DELIVER,         /* INIT/SIPI to each CPU icr_reaches() selects */
};

struct icr_plan {
	enum icr_action action;
	unsigned int mode;      /* ICR_MODE_INIT or ICR_MODE_SIPI (ICR_DELIVER) */
	unsigned int shorthand; /* the guest's; ICR_SH_NONE with a physical dest */
	uint32_t dest;          /* the physical destination when shorthand is none */
	uint8_t vector;         /* SIPI: the start page */
	/*
	 * Filter mode: the ICR low word the VMM sends to each selected CPU,
	 * one physical-destination IPI each: no shorthand, no logical bit,
	 * only the mode, the assert level and (SIPI) the vector.
	 */
	uint32_t send_low;
};

/*
 * Plans a guest ICR write: low is the ICR's low 32 bits, dest the
 * destination field as the APIC mode has it (xAPIC: 8 bits, x2APIC: 32),
 * filter whether the VMM is in filter mode (VMX with CPUs it does not
 * hold: INIT/SIPI go out again as physical IPIs), x2apic the APIC mode.
 */
void icr_plan(uint32_t low, uint32_t dest, bool filter, bool x2apic, struct icr_plan *p);
/* Whether an ICR_DELIVER plan reaches the CPU with this APIC id (self: the sender). */
bool icr_reaches(const struct icr_plan *p, bool self, uint32_t apic_id);

#endif
