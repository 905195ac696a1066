/*
 * DMA protection (drivers/iommu.c): the IOMMUs the firmware describes
 * (DMAR for Intel VT-d, IVRS for AMD-Vi) are programmed before the guest
 * runs with one identity domain for every device: all of the physical
 * address space except what the VMM hides (its image, its pool, the AP
 * trampoline, the IOMMUs' own registers), which no device can read or
 * write.  The guest never sees the units (docs/iommu.md).
 *
 * Vendor code sits behind struct iommu_vendor (iommu_vtd.c, iommu_amdvi.c);
 * this file's callers never see a register.
 */
#ifndef SV_IOMMU_H
#define SV_IOMMU_H

#include <sv/mb2.h>
#include <sv/vcpu.h>

/* -Diommu / iommu= (Xen's words). */
enum iommu_mode {
	IOMMU_MODE_AUTO,     /* protect with what is found; run without when nothing is */
	IOMMU_MODE_REQUIRED, /* without protection no process is ever loaded */
	IOMMU_MODE_OFF,      /* leave the units alone (and visible to the guest) */
};

/* What the boot achieved (struct sv_stats's iommu_state; same numbers). */
enum iommu_state {
	IOMMU_STATE_OFF = 0,    /* iommu=off */
	IOMMU_STATE_NONE = 1,   /* no DMAR/IVRS unit found: no DMA protection */
	IOMMU_STATE_ON = 2,     /* every unit found is translating */
	IOMMU_STATE_FAILED = 3, /* a unit could not be programmed: no DMA protection */
};

#define IOMMU_MAX_UNITS 8
#define IOMMU_REG_PAGES 4 /* register pages mapped per unit (16 KiB: AMD-Vi's minimum) */

/*
 * iommu_intr= on the VMM command line: what the units do with interrupts
 * from devices (docs/iommu.md, "Interrupts from devices").
 */
enum iommu_intr_mode {
	IOMMU_INTR_AUTO,  /* block where the unit can: AMD-Vi whose IVRS names an I/O APIC */
	IOMMU_INTR_BLOCK, /* AMD-Vi: block even without an I/O APIC in the IVRS */
	IOMMU_INTR_PASS,  /* leave every device interrupt untranslated (the old behaviour) */
};

/* A blocked DMA or interrupt request as a unit recorded it. */
struct iommu_fault {
	uint16_t segment;
	uint16_t sid;     /* requester: bus << 8 | device << 3 | function */
	uint64_t addr;    /* the DMA address, page-aligned where the unit reports pages */
	bool write;
	bool intr;        /* an interrupt request (AMD-Vi: the I flag), not a DMA */
	uint16_t reason;  /* the vendor's fault reason or event code */
	const char *what; /* that reason in words */
};

struct iommu_unit;

struct iommu_vendor {
	const char *name; /* "Intel VT-d", "AMD-Vi" */
	/*
	 * Maps nothing itself: u->regs are mapped by the common code.  Puts
	 * the unit into translation with the identity domain over [0, span)
	 * minus the hidden ranges (absent: a device access there faults).
	 * Returns 0 or a negative code with *why set.
	 */
	int (*enable)(struct iommu_unit *u, uint64_t span, const struct sv_range *hidden,
		      unsigned int nhidden, const char **why);
	/* Collects at most max pending faults and clears them; returns how many. */
	unsigned int (*poll)(struct iommu_unit *u, struct iommu_fault *out, unsigned int max);
};

struct iommu_unit {
	const struct iommu_vendor *vendor;
	uint64_t base, size;   /* register range (hidden from the guest) */
	uint16_t segment;
	uint16_t devid;        /* AMD-Vi: the IOMMU's own requester ID */
	uint16_t cap_off;      /* AMD-Vi: its capability block */
	uint8_t ivhd_flags;    /* AMD-Vi: the IVHD flags (HyperTransport tuning for CONTROL) */
	bool intr_filter;      /* AMD-Vi: set before enable(): block INIT/NMI/SMI/ExtINT */
	volatile uint8_t *regs[IOMMU_REG_PAGES]; /* uncached mappings of the first pages */
	unsigned int nregs;
	/* Vendor state, set by enable(). */
	uint64_t cap, ecap;
	uint64_t tables;       /* VT-d: root table; AMD-Vi: device table */
	uint64_t cmdbuf, evlog; /* AMD-Vi: command buffer, event log */
	uint32_t evlog_head;
	bool intr_blocking;    /* enable() left device INIT/NMI/SMI/ExtINT blocked */
	bool on;
};

extern const struct iommu_vendor iommu_vtd;
extern const struct iommu_vendor iommu_amdvi;

/* The mode from -Diommu, changed by iommu= on the VMM command line. */
extern enum iommu_mode iommu_mode;
/* Parses "auto", "required", "off"; returns 0 or -SV_EINVAL. */
int iommu_parse_mode(const char *s, size_t len, enum iommu_mode *out);
const char *iommu_mode_name(enum iommu_mode m);
/* The iommu_intr= mode; parses "auto", "block", "pass" (0 or -SV_EINVAL). */
extern enum iommu_intr_mode iommu_intr_mode;
int iommu_parse_intr(const char *s, size_t len, enum iommu_intr_mode *out);
const char *iommu_intr_name(enum iommu_intr_mode m);

/*
 * Finds the units (DMAR, then IVRS) from the ACPI tables the boot loader
 * pointed at, and maps their registers.  After setup_memory, before the
 * nested map is built.  Writes the register ranges to hide from the guest
 * to out (at most max) and returns their count.
 */
unsigned int iommu_probe(const struct mb2_boot *mb, struct sv_range *out, unsigned int max);

/*
 * Programs every unit found with the identity domain over [0, span) minus
 * hidden[] and turns translation on, then hides the DMAR/IVRS table from
 * the guest.  Says on the console what it did.  Before the guest runs.
 */
void iommu_enable(uint64_t span, const struct sv_range *hidden, unsigned int nhidden);

enum iommu_state iommu_state(void);
unsigned int iommu_units_on(void);
/* 1: VT-d, 2: AMD-Vi, 0: none. */
unsigned int iommu_vendor_id(void);
/* Units in the tables (programmed or not), and unit i's register base (0 past the last). */
unsigned int iommu_units_found(void);
uint64_t iommu_unit_base(unsigned int i);

/*
 * The process-loading gate: 0, or -SV_ENODMA (with a console line) when
 * iommu=required and the boot did not reach IOMMU_STATE_ON.
 */
int iommu_gate(const char *what);

/*
 * Reads the units' fault records: each blocked DMA is printed (console
 * and log ring) and counted.  Cheap when nothing is pending; any CPU.
 * iommu_poll_maybe does it at most every few milliseconds (VM exits).
 */
void iommu_poll(void);
void iommu_poll_maybe(void);

/*
 * How long the drivers wait for a unit to finish a command, in TSC ticks:
 * 100 ms (hardware takes microseconds; one that takes longer is broken).
 */
uint64_t iommu_timeout_tsc(void);

/* Faults seen since boot, and the last one (false when none). */
uint64_t iommu_fault_count(void);
/* Interrupt requests the units reported blocking, since boot (not in the fault count). */
uint64_t iommu_intr_blocked_count(void);
/* True when every unit translates and blocks INIT/NMI/SMI/ExtINT from devices. */
bool iommu_intr_blocking(void);
bool iommu_last_fault(struct iommu_fault *out);

/*
 * The DMA self-test pages: one in the VMM image, one in the pool, filled
 * with a pattern at boot.  Their physical addresses, and whether each
 * still holds exactly the pattern.
 */
uint64_t iommu_canary_pa(unsigned int which);
bool iommu_canary_intact(unsigned int which);

#endif
