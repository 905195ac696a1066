/*
 * DMAR table parser (drivers/dmar.c): Intel VT-d's DMA remapping hardware
 * units (DRHD), reserved memory regions (RMRR) and their device scopes.
 * Portable like the rest of the ACPI reader (sv/acpi.h): it reads only the
 * bytes handed to it, bounds every length by the table before it is used,
 * and reports a negative SV_E* code with a static reason string.
 *
 * References: Intel VT-d specification (rev. 4.1), chapter 8: 8.1 (the
 * DMAR header), 8.3 (DRHD), 8.3.1 (device scope), 8.4 (RMRR).
 */
#ifndef SV_DMAR_H
#define SV_DMAR_H

#include <sv/types.h>

#define DMAR_HDR_LEN 48 /* ACPI header, host address width, flags, 10 reserved */
#define DMAR_FLAG_INTR_REMAP 1u  /* flags: interrupt remapping supported */
#define DMAR_FLAG_X2APIC_OPT_OUT 2u

/* Remapping structure types (VT-d 8.2). */
#define DMAR_TYPE_DRHD 0
#define DMAR_TYPE_RMRR 1
#define DMAR_DRHD_MIN_LEN 16
#define DMAR_RMRR_MIN_LEN 24
#define DMAR_DRHD_INCLUDE_PCI_ALL 1u

/* Device scope entry types (VT-d 8.3.1). */
#define DMAR_SCOPE_ENDPOINT 1
#define DMAR_SCOPE_BRIDGE 2
#define DMAR_SCOPE_IOAPIC 3
#define DMAR_SCOPE_HPET 4
#define DMAR_SCOPE_ACPI_NS 5
#define DMAR_SCOPE_MIN_LEN 6 /* header; the path adds 2 bytes per hop */

#define DMAR_MAX_UNITS 8
#define DMAR_MAX_RMRR 16

struct dmar_unit {
	uint64_t base;     /* register page(s), 4 KiB-aligned, not 0 */
	uint64_t size;     /* bytes of registers: 4 KiB << the size field */
	uint16_t segment;  /* PCI segment */
	bool include_all;  /* every device of the segment not in another unit's scope */
	unsigned int nscopes;
	unsigned int nendpoints; /* of those, PCI endpoints and bridges */
};

struct dmar_rmrr {
	uint64_t base;  /* 4 KiB-aligned */
	uint64_t limit; /* last byte, inclusive; limit + 1 is 4 KiB-aligned */
	uint16_t segment;
	unsigned int nscopes;
};

struct dmar_info {
	unsigned int haw;     /* host address width in bits (the field plus one) */
	uint8_t flags;        /* DMAR_FLAG_* */
	unsigned int nunits;  /* written to units[], <= DMAR_MAX_UNITS */
	unsigned int total_units; /* in the table; the ones past the array are not kept */
	unsigned int nrmrr;   /* written to rmrr[] */
	unsigned int total_rmrr;
	unsigned int nstructs; /* remapping structures walked, every type */
	struct dmar_unit units[DMAR_MAX_UNITS];
	struct dmar_rmrr rmrr[DMAR_MAX_RMRR];
};

/*
 * Parses the DMAR in the avail bytes at table (acpi_table_check:
 * signature "DMAR", checksum, length; then length >= 48).  Every remapping
 * structure must have a length >= 4 that ends inside the table, DRHDs at
 * least 16 and RMRRs at least 24 bytes; DRHD bases are nonzero and 4 KiB
 * aligned, the register size leaves no wrap; RMRRs are page-aligned with
 * base <= limit; every device scope has length >= 6, an even path, and
 * ends inside its structure.  Unknown structure types are skipped by
 * length.  Returns 0, or a negative code with *out holding what the
 * structures before the fault gave.
 */
int dmar_parse(const void *table, size_t avail, struct dmar_info *out, const char **why);

#endif
