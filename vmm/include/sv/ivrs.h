/*
 * IVRS table parser (drivers/ivrs.c): AMD-Vi's I/O virtualization
 * hardware definitions (IVHD blocks, one or more per IOMMU) and memory
 * definitions (IVMD: unity-mapped and exclusion ranges).  Portable like
 * the rest of the ACPI reader (sv/acpi.h): every length is bounded by the
 * table before it is used; errors are a negative SV_E* code and a static
 * reason string.
 *
 * References: AMD I/O Virtualization Technology (IOMMU) Specification,
 * pub. 48882 rev. 3.x, 5.2 (IVRS), 5.2.2 (IVHD and its device entries),
 * 5.2.3 (IVMD).
 */
#ifndef SV_IVRS_H
#define SV_IVRS_H

#include <sv/types.h>

#define IVRS_HDR_LEN 48 /* ACPI header, IVinfo, 8 reserved */
#define IVRS_IVHD_10 0x10
#define IVRS_IVHD_11 0x11
#define IVRS_IVHD_40 0x40
#define IVRS_IVHD_10_LEN 24 /* fixed part of a type 10h block */
#define IVRS_IVHD_11_LEN 40 /* types 11h and 40h add the EFR images */
#define IVRS_IVMD_ALL 0x20
#define IVRS_IVMD_ONE 0x21
#define IVRS_IVMD_RANGE 0x22
#define IVRS_IVMD_LEN 32
#define IVRS_IVMD_UNITY 1u
#define IVRS_IVMD_IR 2u
#define IVRS_IVMD_IW 4u
#define IVRS_IVMD_EXCL 8u
#define IVRS_ENTRY_ACPI_HID 0xf0 /* the variable-length device entry */
#define IVRS_ENTRY_HID_LEN 22    /* its fixed part; the UID follows */

#define IVRS_ENTRY_SPECIAL 0x48  /* an I/O APIC or HPET and its requester ID */
#define IVRS_SPECIAL_IOAPIC 1    /* its variety byte */
#define IVRS_SPECIAL_HPET 2

#define IVRS_MAX_UNITS 8
#define IVRS_MAX_IVMD 16
#define IVRS_MAX_SPECIAL 16

/*
 * A special-device entry (type 48h): which I/O APIC (by its APIC ID) or
 * HPET sends its interrupts with which requester ID.  Firmware lists
 * them so that an OS can remap their interrupts; the VMM takes an I/O
 * APIC among them as the sign that the unit remaps interrupts.
 */
struct ivrs_special {
	uint8_t variety; /* IVRS_SPECIAL_IOAPIC or _HPET (others are kept too) */
	uint8_t handle;  /* the I/O APIC ID or HPET number */
	uint16_t devid;
};

struct ivrs_unit {
	uint64_t base;      /* MMIO registers (16 KiB at least), 16 KiB-aligned */
	uint16_t devid;     /* the IOMMU's own PCI requester ID (bus << 8 | devfn) */
	uint16_t cap_off;   /* its capability block in config space */
	uint16_t segment;
	uint8_t type;       /* the IVHD type this unit was last described by */
	uint8_t flags;      /* IVHD flags of that block */
	unsigned int nentries; /* device entries, summed over its IVHD blocks */
};

struct ivrs_ivmd {
	uint8_t type;   /* IVRS_IVMD_* */
	uint8_t flags;  /* IVRS_IVMD_UNITY | IR | IW | EXCL */
	uint16_t devid; /* first device (types 21h, 22h) */
	uint16_t devid_last; /* last device of a range (22h); = devid for 21h */
	uint64_t start; /* 4 KiB-aligned */
	uint64_t length; /* bytes, a multiple of 4 KiB, > 0, no wrap */
};

struct ivrs_info {
	uint32_t ivinfo;       /* virtualization info: address sizes, EFR support */
	unsigned int nunits;   /* distinct IOMMUs (by base address) in units[] */
	unsigned int total_units;
	unsigned int nblocks;  /* IVHD blocks walked */
	unsigned int nivmd;
	unsigned int total_ivmd;
	unsigned int nstructs; /* every block walked, of every type */
	unsigned int nspecial; /* distinct (variety, handle) special devices in special[] */
	unsigned int nioapic;  /* of those, I/O APICs */
	struct ivrs_unit units[IVRS_MAX_UNITS];
	struct ivrs_ivmd ivmd[IVRS_MAX_IVMD];
	struct ivrs_special special[IVRS_MAX_SPECIAL];
};

/*
 * Parses the IVRS in the avail bytes at table (acpi_table_check: signature
 * "IVRS", checksum, length; then length >= 48).  Every block must have a
 * length that covers its type's fixed part and ends inside the table;
 * IVHD bases are nonzero and 16 KiB-aligned; device entries (4 or 8 bytes
 * by type, the ACPI HID entry 22 plus its UID length) end inside their
 * block, and types 0xc0 and up other than 0xf0 are refused (their length
 * is unknown); IVMDs are page-aligned, nonempty and do not wrap.  Several
 * IVHD blocks for one base address count as one unit.  Unknown block
 * types are skipped by length.  Returns 0 or a negative code with *out
 * holding what the blocks before the fault gave.
 */
int ivrs_parse(const void *table, size_t avail, struct ivrs_info *out, const char **why);

#endif
