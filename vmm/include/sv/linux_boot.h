/*
 * The Linux x86 boot protocol, 32-bit entry (Documentation/arch/x86/boot.rst):
 * checking a bzImage's setup header, choosing where kernel and initrd go,
 * and filling boot_params ("the zero page").  Portable; boot/guest_start.c
 * does the copying.
 */
#ifndef SV_LINUX_BOOT_H
#define SV_LINUX_BOOT_H

#include <sv/mb2.h>
#include <sv/vcpu.h>

/* Guest-physical places of the boot data the VMM writes (low memory). */
#define GUEST_GDT_ADDR 0x6000ULL
#define GUEST_BOOT_PARAMS_ADDR 0x7000ULL
#define GUEST_CMDLINE_ADDR 0x8000ULL
#define GUEST_CMDLINE_MAX 4096ULL
/* On UEFI: the guest's EFI memory map (EFI_GUEST_MAX descriptors of 48 bytes). */
#define GUEST_EFI_MMAP_ADDR 0x9000ULL
#define GUEST_EFI_MMAP_MAX 0x3000ULL
/* A copy of the RSDP, when the firmware's own cannot be found (docs/uefi.md). */
#define GUEST_RSDP_ADDR 0xc000ULL
#define GUEST_BOOT_DATA_START GUEST_GDT_ADDR
#define GUEST_BOOT_DATA_END (GUEST_RSDP_ADDR + PAGE_SIZE)

#define BOOT_PARAMS_SIZE 4096
#define E820_MAX_ENTRIES_ZEROPAGE 128

struct linux_image {
	uint16_t version;          /* boot protocol, e.g. 0x020f */
	uint8_t loadflags;
	bool relocatable;
	uint32_t kernel_alignment;
	uint64_t pref_address;
	uint32_t init_size;        /* memory the kernel needs from its load address */
	uint32_t initrd_addr_max;
	uint32_t cmdline_size;
	uint64_t pm_offset;        /* protected-mode code inside the file */
	uint64_t pm_size;
	size_t hdr_end;            /* end of the setup header inside the file */
};

struct linux_plan {
	uint64_t load_addr;        /* protected-mode kernel, = code32_start */
	uint64_t initrd_addr;      /* 0 when there is no initrd */
	uint64_t initrd_size;
};

/* Checks the setup header; -SV_EINVAL with *why set on anything wrong. */
int linux_parse(const uint8_t *img, size_t len, struct linux_image *k, const char **why);

/*
 * Chooses load and initrd addresses inside usable guest memory.  avoid:
 * ranges the initrd must not land on (the kernel's source bytes, which
 * are copied after the initrd); keep: ranges neither may land on (UEFI
 * boot-services memory, whose firmware tables Linux still reads).
 */
int linux_plan(const struct linux_image *k, const struct mem_range *map, unsigned int n,
	       uint64_t initrd_size, const struct sv_range *avoid, unsigned int navoid,
	       const struct sv_range *keep, unsigned int nkeep, struct linux_plan *p, const char **why);

/* Fills the zero page; cmdline_len excludes the NUL. */
int linux_boot_params(uint8_t *zp, const uint8_t *img, const struct linux_image *k,
		      const struct linux_plan *p, size_t cmdline_len, const struct mem_range *e820,
		      unsigned int ne820, const char **why);

/*
 * Sets boot_params.acpi_rsdp_addr (zero page 0x070), which kernels of
 * boot protocol 2.14 and later (Linux 4.20 on) read before any search of
 * their own.  (2.14's first form, a setup-header field, was reverted
 * before it was released; boot.rst says to treat 2.14 as 2.13 for the
 * header, the zero-page field stayed.)
 * Returns false, writing nothing, for an older kernel or rsdp 0.
 */
bool linux_set_acpi_rsdp(uint8_t *zp, const struct linux_image *k, uint64_t rsdp);

/* What a 64-bit EFI boot loader tells Linux in boot_params.efi_info. */
struct linux_efi_info {
	uint64_t systab;       /* the EFI system table */
	uint64_t memmap;       /* the EFI memory map, in guest memory */
	uint32_t memmap_size;  /* bytes */
	uint32_t desc_size;
	uint32_t desc_version;
};

/* Fills efi_info (zero page 0x1c0) with the "EL64" loader signature. */
void linux_set_efi_info(uint8_t *zp, const struct linux_efi_info *e);

#endif
