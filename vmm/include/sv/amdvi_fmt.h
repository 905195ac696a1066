/*
 * AMD-Vi values the VMM writes and reads (AMD I/O Virtualization
 * Technology (IOMMU) Specification, pub. 48882 rev. 3.x): the device
 * table entry, the CONTROL register and the event log entries, as
 * portable functions (drivers/amdvi_fmt.c) that a host unit test checks
 * bit by bit against the specification's bit numbers.  The registers
 * themselves are drivers/iommu_amdvi.c's.
 */
#ifndef SV_AMDVI_FMT_H
#define SV_AMDVI_FMT_H

#include <stdbool.h>
#include <stdint.h>

/* What a device table entry does with the interrupts of its device. */
enum amdvi_intr {
	/*
	 * IV clear: every interrupt request passes untranslated, INIT, NMI,
	 * SMI and ExtINT included (the unit may lack interrupt remapping).
	 */
	AMDVI_INTR_PASS,
	/*
	 * IV set, IntCtl 01b: fixed and arbitrated (lowest-priority)
	 * interrupts are forwarded unmapped, exactly as the guest programmed
	 * them; InitPass, EIntPass, NMIPass, Lint0Pass, Lint1Pass clear and
	 * SysMgt 00b: INIT, ExtINT, NMI, LINT0/1 and system-management
	 * messages (SMI) from the device are target-aborted.  IG clear: the
	 * unit logs each one it aborts.
	 */
	AMDVI_INTR_FILTER,
};

struct amdvi_dte_cfg {
	uint64_t pt_root;    /* the domain's top page table, 4 KiB-aligned, below 2^52 */
	unsigned int levels; /* its paging mode, 1 to 6 */
	uint16_t domain;
	enum amdvi_intr intr;
	/*
	 * AMDVI_INTR_FILTER: a 128-byte-aligned interrupt remapping table of
	 * one all-zero entry (IntTabLen 0).  IntCtl 01b never reads it; it is
	 * there so that no entry points at physical address 0.
	 */
	uint64_t irt;
};

/*
 * The interrupt setting for every device table entry, from iommu_intr=
 * (mode: 0 auto, 1 block, 2 pass), the count of I/O APICs the IVRS names
 * and the IVRS's ACPI header (at least 24 bytes: OEM ID at 10, OEM table
 * ID at 16).  auto filters, except (*why says which):
 *  - on QEMU's amd-iommu (OEM "BOCHS ", table "BXPC"): QEMU 7.2 (and
 *    later, as far as read) forwards a fixed or arbitrated interrupt
 *    under IntCtl 01b as vector 0 to APIC ID 0 (its amdvi_int_remap_msi
 *    rebuilds the message from an empty record), so filtering there
 *    would lose every device interrupt;
 *  - when the IVRS names no I/O APIC: a unit without interrupt
 *    remapping (QEMU's intremap=off) drops every interrupt under IV.
 */
enum amdvi_intr amdvi_intr_choice(unsigned int mode, unsigned int nioapic, const uint8_t *ivrs_hdr,
				  const char **why);

/* The four quadwords of a device table entry (2.2.2.1) for every requester. */
void amdvi_dte_build(const struct amdvi_dte_cfg *c, uint64_t dte[4]);

/*
 * The exact CONTROL register (MMIO 0x18, 3.4.3) value the VMM writes:
 * IommuEn, EventLogEn, CmdBufEn and Coherent, plus the HyperTransport
 * tuning bits the firmware's IVHD flags ask for (HtTunEn, PassPW,
 * ResPassPW, Isoc: flag bits 0-3).  Every other bit is 0, whatever
 * firmware left: no event or completion interrupts (nothing would take
 * them), no invalidation time-out (no IOTLB/ATS is used), no PPR log,
 * no guest translation or guest virtual APIC, no SMI filter, no dual
 * logs, no device-table segmentation (the VMM's table is one 2 MiB
 * segment), no x2APIC interrupt format (XTEn: the guest's interrupts
 * stay in the xAPIC format it programs).
 */
uint64_t amdvi_control_value(uint8_t ivhd_flags);

enum amdvi_event_kind {
	AMDVI_EV_OTHER, /* not a blocked request (hardware errors, command errors, ...) */
	AMDVI_EV_DMA,   /* a DMA the tables refused */
	AMDVI_EV_INTR,  /* an interrupt request the device table aborted (I flag) */
};

struct amdvi_event {
	enum amdvi_event_kind kind;
	uint8_t code;    /* event code, bits 63:60 */
	uint16_t devid;  /* requester, bits 15:0 */
	bool write;      /* RW, bit 53 */
	uint64_t addr;   /* bits 127:64: the DMA or interrupt address */
};

/*
 * Decodes one 16-byte event log entry (2.5): ILLEGAL_DEV_TAB_ENTRY (1)
 * and IO_PAGE_FAULT (2) are blocked requests, an interrupt when their I
 * flag (bit 51) is set; every other code is AMDVI_EV_OTHER.
 */
void amdvi_event_decode(uint64_t lo, uint64_t hi, struct amdvi_event *out);

#endif
