/*
 * UEFI as the VMM meets it after the boot loader exited boot services
 * (docs/uefi.md): the memory map GRUB hands over in multiboot2 tag 17,
 * and the system table's configuration table, where the RSDP is listed.
 * Portable: the host unit tests run it over recorded and hostile maps.
 *
 *   boot/efi_mmap.c    checking the firmware's map, converting it to
 *                      E820 types, and the map the guest gets
 *   boot/efi_systab.c  the ACPI entries of the configuration table
 *
 * References: UEFI 2.10, 7.2 (EFI_MEMORY_DESCRIPTOR, GetMemoryMap), 7.4
 * (table 7.10: what each memory type is after ExitBootServices), 4.3 and
 * 4.6 (system table, configuration table); ACPI 6.5, 15.4 (UEFI memory
 * types as E820 address ranges).
 */
#ifndef SV_EFI_H
#define SV_EFI_H

#include <sv/types.h>

/* EFI_MEMORY_TYPE (UEFI 2.10, table 7.5). */
#define EFI_RESERVED_MEMORY 0
#define EFI_LOADER_CODE 1
#define EFI_LOADER_DATA 2
#define EFI_BOOT_SERVICES_CODE 3
#define EFI_BOOT_SERVICES_DATA 4
#define EFI_RUNTIME_SERVICES_CODE 5
#define EFI_RUNTIME_SERVICES_DATA 6
#define EFI_CONVENTIONAL_MEMORY 7
#define EFI_UNUSABLE_MEMORY 8
#define EFI_ACPI_RECLAIM_MEMORY 9
#define EFI_ACPI_MEMORY_NVS 10
#define EFI_MEMORY_MAPPED_IO 11
#define EFI_MEMORY_MAPPED_IO_PORT_SPACE 12
#define EFI_PAL_CODE 13
#define EFI_PERSISTENT_MEMORY 14

#define EFI_MEMORY_RUNTIME (1ULL << 63) /* attribute: the OS must map it for runtime services */

#define EFI_MD_MIN_SIZE 40   /* the descriptor's fields; firmware may add padding */
#define EFI_MD_MAX_SIZE 1024 /* a larger descriptor size is refused, not guessed at */
#define EFI_MD_VERSION 1     /* EFI_MEMORY_DESCRIPTOR_VERSION */
#define EFI_PAGE_SIZE 4096ULL

/* The guest's map: descriptors of 48 bytes (OVMF's size), at most this many. */
#define EFI_GUEST_MD_SIZE 48
#define EFI_GUEST_MAX 256
/* The firmware's map as the VMM keeps it. */
#define EFI_MMAP_MAX 512

/* One descriptor, its fields copied out (the virtual address is not kept). */
struct efi_md {
	uint32_t type;
	uint64_t base;  /* PhysicalStart, 4 KiB-aligned */
	uint64_t pages; /* NumberOfPages, > 0, base + pages * 4 KiB does not wrap */
	uint64_t attr;
};

/*
 * Checks and copies the EFI memory map in the len bytes at p, whose
 * descriptors are desc_size bytes of version desc_version (from the
 * tag's header): the size at least 40, a multiple of 8 and at most
 * EFI_MD_MAX_SIZE, the version 1, len a whole number of descriptors (a
 * remainder means the map was cut short), every descriptor 4 KiB-aligned
 * and not wrapping.  Descriptors of 0 pages are dropped.  Returns the
 * number written to out (at most max), -SV_E2BIG when there are more, or
 * -SV_EINVAL, with *why saying what is wrong.
 */
int efi_mmap_parse(const uint8_t *p, size_t len, uint32_t desc_size, uint32_t desc_version,
		   struct efi_md *out, unsigned int max, const char **why);

/*
 * What an EFI memory type is as an E820 range once boot services are
 * gone (ACPI 6.5, 15.4; UEFI table 7.10): conventional, loader and
 * boot-services memory usable, ACPI reclaim and NVS as such, unusable
 * memory bad, persistent memory E820 type 7, everything else (reserved,
 * runtime services, MMIO, PAL code, unknown types) reserved.
 */
uint32_t efi_e820_type(uint32_t efi_type);

/*
 * The map as E820 ranges: each descriptor converted, sorted, neighbours
 * of the same type merged.  Overlaps are left for memmap_normalize.
 * for_vmm: boot-services code and data become MEM_EFI_BOOT instead of
 * usable (the VMM's own map; see sv/mb2.h).  Returns the count, or
 * -SV_E2BIG when more than max ranges remain.
 */
struct mem_range;
int efi_mmap_to_e820(const struct efi_md *md, unsigned int n, bool for_vmm,
		     struct mem_range *out, unsigned int max);

/*
 * The map the guest gets: the firmware's descriptors sorted and clipped
 * (where two overlap, the one whose E820 type is more restrictive wins,
 * as in memmap_normalize), every part of usable memory inside a hidden
 * range turned into EfiReservedMemoryType (attribute 0), every part of
 * usable memory inside a loader range into EfiLoaderData (the boot data
 * the VMM wrote for the guest, which the kernel must not take before it
 * has read it), and neighbours merged when type and attribute agree and
 * neither needs runtime mapping (runtime descriptors keep their bounds:
 * SetVirtualAddressMap expects the firmware's own).  Returns the count,
 * or -SV_E2BIG when more than max are needed.
 */
struct sv_range;
int efi_mmap_guest(const struct efi_md *md, unsigned int n, const struct sv_range *hidden,
		   unsigned int nhidden, const struct sv_range *loader, unsigned int nloader,
		   struct efi_md *out, unsigned int max);

/*
 * Writes n descriptors in the UEFI layout, desc_size bytes each (at
 * least 40; padding zeroed), to buf of size bytes.  Returns the bytes
 * written, or -SV_E2BIG when they do not fit.
 */
int efi_mmap_write(const struct efi_md *md, unsigned int n, uint32_t desc_size, uint8_t *buf,
		   size_t size);

/* ---- the system table (boot/efi_systab.c) ---- */

#define EFI_SYSTAB_SIGNATURE 0x5453595320494249ULL /* "IBI SYST" */
#define EFI_SYSTAB_MIN_SIZE 120 /* the 64-bit EFI_SYSTEM_TABLE up to the table pointer */
#define EFI_CONFIG_MAX 256      /* more configuration entries than this are refused */

struct acpi_mem;

/*
 * Finds the RSDP's physical address in the configuration table of the
 * 64-bit system table at systab: the ACPI 2.0 GUID's entry first, then
 * the ACPI 1.0 one.  Reads go through mem->map; the system table's
 * signature and header size, the entry count (at most EFI_CONFIG_MAX)
 * and every address are checked.  Returns 0 with *rsdp set (and
 * *acpi20 true for the ACPI 2.0 entry), -SV_ENOENT when neither GUID is
 * listed, or -SV_EINVAL / -SV_EFAULT with *why set.
 */
int efi_systab_find_rsdp(const struct acpi_mem *mem, uint64_t systab, uint64_t *rsdp,
			 bool *acpi20, const char **why);

#endif
