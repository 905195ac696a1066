/*
 * ACPI table reader (drivers/acpi.c): the RSDP, the root table (XSDT or
 * RSDT) and any table found through it, each checked before use.
 * Portable: it never touches memory itself.  Every physical read goes
 * through the caller's map callback, so the VMM passes its (bounded)
 * direct map and the host unit tests pass a buffer.
 *
 * The firmware is trusted not to be malicious, but tables are often odd:
 * every length is bounded and checked before it is used, address
 * arithmetic cannot wrap, entry counts come from the table length alone,
 * and each failure is a negative SV_E* code plus a short static reason
 * string the caller can print:
 *
 *   -SV_EINVAL   malformed (signature, checksum, length below a minimum)
 *   -SV_EFAULT   the callback could not map the bytes, or an address wraps
 *   -SV_E2BIG    a length above the bounds below
 *   -SV_ENOENT   no RSDP in the BIOS areas, no such table
 *
 * Usage in the VMM (the tables must stay mapped and unchanged while the
 * results are used; read them before the guest runs, or copy out what is
 * needed, as madt_parse does):
 *
 *   static const void *dmap(void *ctx, uint64_t pa, uint64_t len)
 *   {
 *           // NULL unless [pa, pa+len) is inside the direct map and not
 *           // the VMM's own memory; no wrap (pa + len > pa is checked by
 *           // the reader before it calls).
 *           return pa < LIMIT && len <= LIMIT - pa ? phys_to_virt(pa) : NULL;
 *   }
 *
 *   struct acpi_mem mem = { .map = dmap, .ctx = NULL };
 *   struct acpi_rsdp rsdp;
 *   struct acpi_root root;
 *   struct acpi_table madt_tbl;
 *   const char *why;
 *   int r;
 *
 *   // The multiboot2 copies first (the new tag, then the old one), the
 *   // BIOS-area scan last (UEFI machines have no BIOS area).
 *   r = -SV_ENOENT;
 *   if (mb->acpi_new.present)
 *           r = acpi_rsdp_check(mb->acpi_new.bytes, mb->acpi_new.len, &rsdp, &why);
 *   if (r < 0 && mb->acpi_old.present)
 *           r = acpi_rsdp_check(mb->acpi_old.bytes, mb->acpi_old.len, &rsdp, &why);
 *   if (r < 0)
 *           r = acpi_rsdp_scan(&mem, &rsdp, &why);
 *   if (r == 0)
 *           r = acpi_root_open(&mem, &rsdp, &root, &why);
 *   if (r == 0)
 *           r = acpi_table_find(&root, "APIC", 0, &madt_tbl, &why);
 *   if (r == 0)
 *           r = madt_parse(madt_tbl.data, madt_tbl.length, cpus, MAX_CPUS, &madt, &why);
 *   if (r < 0)
 *           printk("ACPI: %s (%s)\n", why, sv_strerror(r));
 *   else if (madt.total > madt.ncpus)
 *           printk("ACPI: %u CPUs beyond the limit of %u\n",
 *                  madt.total - madt.ncpus, MAX_CPUS);
 *
 * References: ACPI 6.5, 5.2.5 (RSDP, and 5.2.5.1 for where BIOS systems
 * keep it), 5.2.6 (table header), 5.2.7/5.2.8 (RSDT/XSDT), 5.2.12 (MADT).
 */
#ifndef SV_ACPI_H
#define SV_ACPI_H

#include <sv/types.h>

#define ACPI_SIG_LEN 4
#define ACPI_HDR_LEN 36           /* the common table header */
#define ACPI_RSDP_V1_LEN 20       /* covered by the first checksum */
#define ACPI_RSDP_V2_LEN 36       /* ACPI 2.0+: the extended structure */
#define ACPI_RSDP_MAX_LEN 64      /* a v2 length field above this is refused */
#define ACPI_TABLE_MAX_LEN (1u << 20) /* a table above 1 MiB is refused */

/* BIOS systems (ACPI 5.2.5.1): the EBDA's segment, then the BIOS area. */
#define ACPI_EBDA_PTR 0x40e
#define ACPI_EBDA_SCAN_LEN 1024
#define ACPI_EBDA_LIMIT 0xa0000 /* end of conventional memory */
#define ACPI_BIOS_START 0xe0000
#define ACPI_BIOS_END 0x100000 /* exclusive */

/*
 * Returns a pointer through which len bytes at physical address pa can be
 * read, or NULL when any of [pa, pa+len) is not readable.  The reader
 * never calls it with len 0 or with a range that wraps.  The pointer must
 * stay valid while the results that refer to it are used.
 */
/* The readers' error path: the reason for the caller, then the code. */
static inline int acpi_fail(const char **why, int code, const char *reason)
{
	if (why)
		*why = reason;
	return code;
}

typedef const void *(*acpi_map_fn)(void *ctx, uint64_t pa, uint64_t len);

struct acpi_mem {
	acpi_map_fn map;
	void *ctx;
};

/* A checked RSDP, its fields copied out. */
struct acpi_rsdp {
	uint8_t revision; /* 0: ACPI 1.0; >= 2: the extended fields are valid */
	uint32_t length;  /* bytes the checksums covered: 20, or the v2 length */
	uint32_t rsdt;    /* physical address of the RSDT; may be 0 in v2 */
	uint64_t xsdt;    /* physical address of the XSDT; 0 when revision < 2 */
	uint64_t pa;      /* where acpi_rsdp_scan found it; 0 from acpi_rsdp_check */
	char oem_id[7];   /* NUL-terminated */
};

/* A checked table: header fields copied out, data points at the mapping. */
struct acpi_table {
	uint64_t pa;
	const uint8_t *data; /* length bytes, the header included */
	uint32_t length;
	uint8_t revision;
	char sig[ACPI_SIG_LEN + 1]; /* NUL-terminated */
	char oem_id[7];
	char oem_table_id[9];
};

/* An open root table: the XSDT (8-byte entries) or the RSDT (4-byte). */
struct acpi_root {
	struct acpi_mem mem;
	struct acpi_table table;
	unsigned int entry_size; /* 8 for the XSDT, 4 for the RSDT */
	unsigned int count;      /* (length - 36) / entry_size */
	bool xsdt;
	/* Set when the RSDP named an XSDT that was refused: why, for a warning. */
	const char *xsdt_refused;
};

/*
 * Checks the RSDP in the avail bytes at p (signature "RSD PTR ", the
 * 20-byte checksum; for revision >= 2 also the length field, 36 ..
 * ACPI_RSDP_MAX_LEN and within avail, and the extended checksum) and
 * copies its fields to *out (pa left 0).  Returns 0 or -SV_EINVAL.
 */
int acpi_rsdp_check(const void *p, size_t avail, struct acpi_rsdp *out, const char **why);

/*
 * Finds the RSDP on a BIOS system: on 16-byte boundaries in the first KiB
 * of the EBDA (its segment is the word at 0x40e; ignored unless the EBDA
 * starts between 0x400 and 0xa0000, and not scanned past 0xa0000) and then
 * in 0xe0000-0xfffff.  A candidate that fails acpi_rsdp_check is skipped
 * (its bytes are read through the callback).  Returns 0 with
 * out->pa set, -SV_ENOENT (why then names the last candidate's fault, if
 * there was one), or -SV_EFAULT when the BIOS area cannot be mapped.
 */
int acpi_rsdp_scan(const struct acpi_mem *mem, struct acpi_rsdp *out, const char **why);

/*
 * Reads and checks (acpi_rsdp_check) the RSDP at physical address pa,
 * as the EFI configuration table names it: the first 20 bytes, and for
 * revision >= 2 its length's worth.  Returns 0 with out->pa = pa,
 * -SV_EFAULT when the bytes cannot be mapped, or the check's error.
 */
int acpi_rsdp_read(const struct acpi_mem *mem, uint64_t pa, struct acpi_rsdp *out,
		   const char **why);

/*
 * Maps and checks the table at pa: the header readable, 36 <= length <=
 * ACPI_TABLE_MAX_LEN, pa + length at most 2^64 - 1, the signature (when sig
 * is not NULL; 4 characters), the whole length readable, its checksum.
 * Returns 0, -SV_EINVAL, -SV_EFAULT or -SV_E2BIG.
 */
int acpi_table_map(const struct acpi_mem *mem, uint64_t pa, const char *sig,
		   struct acpi_table *out, const char **why);

/*
 * Checks a table already in memory (avail bytes at p): the header, its
 * length within avail and the bounds above, the signature when sig is not
 * NULL, the checksum.  Returns the table length or a negative code.
 */
int acpi_table_check(const void *p, size_t avail, const char *sig, const char **why);

/*
 * Opens the root table: the XSDT when revision >= 2 and its address is
 * nonzero and it passes acpi_table_map, else the RSDT (and xsdt_refused
 * says why the XSDT was not used, when one was named).  Returns 0, the
 * RSDT's error, the XSDT's when there is no RSDT to fall back on, or
 * -SV_ENOENT when the RSDP names neither table.
 */
int acpi_root_open(const struct acpi_mem *mem, const struct acpi_rsdp *rsdp,
		   struct acpi_root *root, const char **why);

/*
 * The physical address in entry i of the root table.  Returns 0, or
 * -SV_ENOENT when i >= root->count.
 */
int acpi_root_entry(const struct acpi_root *root, unsigned int i, uint64_t *pa);

/*
 * Finds instance n (0 for the first) among the root table's entries whose
 * header has signature sig (4 characters) and maps and checks it with
 * acpi_table_map.  Entries that are 0, wrap or whose header cannot be
 * mapped are skipped.  A matching table that fails its checks counts as
 * an instance; its error is returned.  Returns 0, -SV_ENOENT or the
 * error of acpi_table_map.
 */
int acpi_table_find(const struct acpi_root *root, const char *sig, unsigned int n,
		    struct acpi_table *out, const char **why);

/*
 * Sets the checksum byte (offset 9) of the len-byte table at t so that all
 * its bytes sum to zero (ACPI 5.2.6), after the VMM changed it in place.
 */
void acpi_table_fix_checksum(uint8_t *t, size_t len);

/*
 * Hides a table from the OS that boots next (the VMM's DMAR and IVRS):
 * its first signature byte becomes 'X' ("DMAR" -> "XMAR", as Xen does),
 * so no OS looks it up any more, and the checksum is fixed, so the table
 * still checks.  The table must pass acpi_table_check (any signature)
 * over avail bytes.  Returns 0 or that check's error.
 */
int acpi_table_hide(void *table, size_t avail);

/* ---- MADT (drivers/madt.c) ---- */

#define MADT_PCAT_COMPAT 1u /* flags: dual 8259s installed */

/* Entry types (ACPI 6.5, table 5.21) and the minimum lengths of those parsed. */
#define MADT_LAPIC 0
#define MADT_IOAPIC 1
#define MADT_LAPIC_OVERRIDE 5
#define MADT_X2APIC 9
#define MADT_LAPIC_LEN 8
#define MADT_IOAPIC_LEN 12
#define MADT_LAPIC_OVERRIDE_LEN 12
#define MADT_X2APIC_LEN 16

/* Local APIC flags (ACPI 6.5, table 5.23). */
#define MADT_CPU_ENABLED 1u
#define MADT_CPU_ONLINE_CAPABLE 2u /* meaningful from MADT revision 5 (ACPI 6.3) */

struct madt_cpu {
	uint32_t apic_id;    /* xAPIC (8-bit) or x2APIC ID */
	uint32_t uid;        /* ACPI processor UID (8-bit in type 0 entries) */
	bool enabled;        /* flags bit 0: usable now */
	bool online_capable; /* bit 1, read from MADT revision 5 on: can be enabled */
	bool x2apic;         /* from a type 9 entry */
};

struct madt_info {
	uint64_t lapic_addr;    /* the 32-bit field, or the type 5 override */
	bool lapic_override;    /* a type 5 entry gave lapic_addr */
	uint32_t flags;         /* MADT_PCAT_COMPAT */
	uint8_t revision;
	unsigned int ncpus;     /* entries written to the caller's array, <= max */
	unsigned int total;     /* distinct CPUs in the table, enabled or not */
	unsigned int nenabled;  /* of total, those enabled */
	unsigned int duplicates; /* CPU entries skipped: APIC ID listed before */
	unsigned int invalid;   /* CPU entries skipped: APIC ID 0xff / 0xffffffff */
	unsigned int nioapic;   /* type 1 entries */
	unsigned int nentries;  /* entries walked, of every type */
};

/*
 * Parses the MADT in the avail bytes at table (checked with
 * acpi_table_check: signature "APIC", checksum, length >= 44) into *out
 * and the caller's array cpus[0 .. max-1], in table order.  Every CPU
 * entry (types 0 and 9) is counted in total, the first max are kept;
 * entries whose APIC ID was seen before are skipped and counted in
 * duplicates (exactly for IDs below 256 and among the kept CPUs; an
 * x2APIC ID >= 256 beyond the first max CPUs is counted without that
 * check: there is no room to remember it), entries with the invalid ID
 * 0xff (type 0) or 0xffffffff (type 9) are skipped and counted in invalid.
 * A CPU that is neither enabled nor online-capable is listed with both
 * false.  Every entry must have length >= 2, at least its type's minimum
 * length, and end inside the table; unknown types are skipped by their
 * length.  Returns 0, or a negative code with *out and cpus holding what
 * the entries before the fault gave.
 */
int madt_parse(const void *table, size_t avail, struct madt_cpu *cpus, unsigned int max,
	       struct madt_info *out, const char **why);

/*
 * Marks the CPU with this APIC id neither enabled nor online-capable in
 * the MADT at table (changed in place, checksum fixed), so that the OS
 * never tries to start it.  For CPUs the VMM holds.  Returns how many
 * entries changed (0: not listed), or the table's check error.
 */
int madt_disable_cpu(void *table, size_t avail, uint32_t apic_id);

#endif
