/* Multiboot2 boot information, checked and copied out (boot/mb2.c). */
#ifndef SV_MB2_H
#define SV_MB2_H

#include <sv/efi.h>
#include <sv/types.h>

#define MB2_BOOTLOADER_MAGIC 0x36d76289
#define MB2_MAX_MODULES 8
#define MB2_MAX_MMAP 128
#define MB2_MAX_CMDLINE 1024
#define MB2_MAX_INFO_SIZE (1u << 20)
#define MB2_ACPI_RSDP_MAX 64 /* = ACPI_RSDP_MAX_LEN: a v2 RSDP is 36 bytes */

/* E820 types, as multiboot2 reports them. */
#define MEM_USABLE 1
#define MEM_RESERVED 2
#define MEM_ACPI 3
#define MEM_NVS 4
#define MEM_BAD 5
#define MEM_PMEM 7 /* persistent memory (ACPI 6.5, table 15.1) */
/*
 * VMM-internal, never in a guest's map: EFI boot-services memory.  Free
 * after ExitBootServices, but configuration tables the OS still reads
 * (the memory attributes table, ESRT, ...) may lie in it, so the VMM
 * leaves it to the guest and takes none of it (docs/uefi.md).
 */
#define MEM_EFI_BOOT 0x80000001u

struct mem_range {
	uint64_t base, size;
	uint32_t type;
};

struct mb2_module {
	uint64_t start, end; /* physical, end exclusive */
	char cmdline[MB2_MAX_CMDLINE];
};

/*
 * A copy of the RSDP from tag 14 ("ACPI old": the ACPI 1.0 RSDP, 20
 * bytes) or 15 ("ACPI new": the ACPI 2.0+ RSDP, its length field's worth).
 * Only copied, not checked: pass bytes and len to acpi_rsdp_check.
 */
struct mb2_acpi_rsdp {
	uint8_t bytes[MB2_ACPI_RSDP_MAX];
	uint32_t len;     /* bytes copied: the tag's payload, at most MB2_ACPI_RSDP_MAX */
	uint32_t tag_len; /* the tag's payload size, which may exceed len */
	bool present;     /* the tag was there (the first such tag is kept) */
};

/*
 * What a UEFI boot loader passed (tags 12, 17, 18, 20).  GRUB exits boot
 * services before it starts the VMM (the header asks for no tag 18), so
 * the memory map is final and only runtime services remain.
 */
struct mb2_efi {
	bool systab_present;       /* tag 12: the 64-bit EFI system table */
	uint64_t systab;
	bool image_handle_present; /* tag 20 (GRUB passes it only with boot services kept) */
	uint64_t image_handle;
	bool mmap_present;         /* tag 17 was there */
	const char *mmap_error;    /* tag 17 refused: why (nmd is then 0) */
	uint32_t desc_size, desc_version;
	unsigned int nmd;          /* checked descriptors in md */
	struct efi_md md[EFI_MMAP_MAX];
};

struct mb2_boot {
	char cmdline[MB2_MAX_CMDLINE];
	struct mb2_module mods[MB2_MAX_MODULES];
	unsigned int nmods;
	struct mem_range mmap[MB2_MAX_MMAP];
	unsigned int nmmap;
	struct mb2_acpi_rsdp acpi_old; /* tag 14 */
	struct mb2_acpi_rsdp acpi_new; /* tag 15: preferred when it checks */
	struct mb2_efi efi;            /* tags 12, 17, 20: a UEFI boot */
	uint64_t info_start, info_end; /* where the information itself lies */
	const char *error;             /* set when parsing failed */
};

/*
 * Parses the information at info (size bytes readable).  Returns 0 or
 * -SV_EINVAL with out->error saying what was wrong.  Strings are copied
 * and NUL-terminated; a string too long is an error, not a truncation.
 * The ACPI RSDP tags (14, 15) are copied, bounded, and never an error:
 * acpi_rsdp_check judges them.  A bad EFI memory map (tag 17) is not an
 * error either: out->efi.mmap_error says why it was refused, and the
 * E820-style map (tag 6) is used; only when neither map is usable, or
 * when boot services were left running (tag 18), does parsing fail.
 */
int mb2_parse(const uint8_t *info, size_t size, uint64_t info_phys, struct mb2_boot *out);

#endif
