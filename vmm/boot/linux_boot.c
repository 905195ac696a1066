/*
 * Linux boot protocol arithmetic.  Offsets are those of the setup header
 * and zero page in Documentation/arch/x86/boot.rst and zero-page.rst.
 * A module that is not a bzImage, an old protocol, or a kernel that does
 * not fit gets a message naming the problem.
 */
#include <sv/linux_boot.h>
#include <sv/memmap.h>

#include "fsstring.h"

#define OFF_SETUP_SECTS 0x1f1
#define OFF_BOOT_FLAG 0x1fe
#define OFF_JUMP 0x200
#define OFF_HEADER 0x202
#define OFF_VERSION 0x206
#define OFF_TYPE_OF_LOADER 0x210
#define OFF_LOADFLAGS 0x211
#define OFF_CODE32_START 0x214
#define OFF_RAMDISK_IMAGE 0x218
#define OFF_RAMDISK_SIZE 0x21c
#define OFF_HEAP_END_PTR 0x224
#define OFF_CMD_LINE_PTR 0x228
#define OFF_INITRD_ADDR_MAX 0x22c
#define OFF_KERNEL_ALIGNMENT 0x230
#define OFF_RELOCATABLE 0x234
#define OFF_CMDLINE_SIZE 0x238
#define OFF_PREF_ADDRESS 0x258
#define OFF_INIT_SIZE 0x260
#define ZP_EXT_RAMDISK_IMAGE 0x0c0
#define ZP_EXT_RAMDISK_SIZE 0x0c4
#define ZP_EXT_CMD_LINE_PTR 0x0c8
#define ZP_ACPI_RSDP_ADDR 0x070
#define ZP_EFI_LOADER_SIGNATURE 0x1c0
#define ZP_EFI_SYSTAB 0x1c4
#define ZP_EFI_MEMDESC_SIZE 0x1c8
#define ZP_EFI_MEMDESC_VERSION 0x1cc
#define ZP_EFI_MEMMAP 0x1d0
#define ZP_EFI_MEMMAP_SIZE 0x1d4
#define ZP_EFI_SYSTAB_HI 0x1d8
#define ZP_EFI_MEMMAP_HI 0x1dc
#define ZP_E820_ENTRIES 0x1e8
#define ZP_E820_TABLE 0x2d0

#define LOADED_HIGH 0x01
#define CAN_USE_HEAP 0x80
#define HDRS_MAGIC 0x53726448 /* "HdrS" */
#define MIN_PROTOCOL 0x020a   /* 2.10: pref_address and init_size */
#define RSDP_PROTOCOL 0x020e  /* 2.14: boot_params.acpi_rsdp_addr */
#define EFI64_SIGNATURE 0x34364c45 /* "EL64": a 64-bit EFI loader filled efi_info */
#define MIN_LOAD 0x100000ULL

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static int bad(const char **why, const char *msg)
{
	*why = msg;
	return -SV_EINVAL;
}

int linux_parse(const uint8_t *img, size_t len, struct linux_image *k, const char **why)
{
	memset(k, 0, sizeof(*k));
	if (len < OFF_INIT_SIZE + 4)
		return bad(why, "module too small to be a Linux bzImage");
	if (rd16(img + OFF_BOOT_FLAG) != 0xaa55 || rd32(img + OFF_HEADER) != HDRS_MAGIC)
		return bad(why, "module is not a Linux bzImage (no HdrS setup header)");
	k->version = rd16(img + OFF_VERSION);
	if (k->version < MIN_PROTOCOL)
		return bad(why, "Linux boot protocol older than 2.10 (kernel before 2.6.31)");
	k->loadflags = img[OFF_LOADFLAGS];
	if (!(k->loadflags & LOADED_HIGH))
		return bad(why, "zImage (loaded low) kernels are not supported; need a bzImage");

	unsigned int sects = img[OFF_SETUP_SECTS] ? img[OFF_SETUP_SECTS] : 4;
	k->pm_offset = (uint64_t)(sects + 1) * 512;
	if (k->pm_offset >= len)
		return bad(why, "bzImage setup sectors run past the end of the module");
	k->pm_size = len - k->pm_offset;
	/* The byte at 0x201 is the jump's offset: the header ends where it lands. */
	k->hdr_end = OFF_JUMP + 2 + img[OFF_JUMP + 1];
	if (k->hdr_end > len || k->hdr_end > 0x1000)
		return bad(why, "bzImage setup header length out of range");
	k->relocatable = img[OFF_RELOCATABLE] != 0;
	k->kernel_alignment = rd32(img + OFF_KERNEL_ALIGNMENT);
	k->pref_address = (uint64_t)rd32(img + OFF_PREF_ADDRESS) |
			  (uint64_t)rd32(img + OFF_PREF_ADDRESS + 4) << 32;
	k->init_size = rd32(img + OFF_INIT_SIZE);
	k->initrd_addr_max = rd32(img + OFF_INITRD_ADDR_MAX);
	k->cmdline_size = rd32(img + OFF_CMDLINE_SIZE);
	if (k->relocatable &&
	    (k->kernel_alignment == 0 || (k->kernel_alignment & (k->kernel_alignment - 1))))
		return bad(why, "bzImage kernel_alignment is not a power of two");
	if (k->init_size < k->pm_size)
		return bad(why, "bzImage init_size smaller than the kernel itself");
	return 0;
}

static bool fits(const struct mem_range *map, unsigned int n, uint64_t base, uint64_t size,
		 const struct sv_range *avoid, unsigned int navoid, const struct sv_range *keep,
		 unsigned int nkeep)
{
	return memmap_is_usable(map, n, base, size) && memmap_clear_of(base, size, avoid, navoid) &&
	       memmap_clear_of(base, size, keep, nkeep);
}

/* The lowest start of a range in r[0, nr) that overlaps [base, base+size), into *low. */
static bool first_clash(uint64_t base, uint64_t size, const struct sv_range *r, unsigned int nr,
			uint64_t *low)
{
	bool any = false;

	for (unsigned int i = 0; i < nr; i++) {
		if (r[i].size && ranges_overlap(base, size, r[i].base, r[i].size)) {
			*low = MIN(*low, r[i].base);
			any = true;
		}
	}
	return any;
}

int linux_plan(const struct linux_image *k, const struct mem_range *map, unsigned int n,
	       uint64_t initrd_size, const struct sv_range *avoid, unsigned int navoid,
	       const struct sv_range *keep, unsigned int nkeep, struct linux_plan *p, const char **why)
{
	struct sv_range boot_data = { GUEST_BOOT_DATA_START,
				      GUEST_BOOT_DATA_END - GUEST_BOOT_DATA_START };

	memset(p, 0, sizeof(*p));
	if (k->relocatable) {
		uint64_t a = ALIGN_UP(MAX(k->pref_address, MIN_LOAD), k->kernel_alignment);
		/* First aligned spot at or above the preferred address. */
		for (; a < (4ULL << 30); a += k->kernel_alignment) {
			if (fits(map, n, a, k->init_size, &boot_data, 1, keep, nkeep))
				break;
		}
		if (a >= (4ULL << 30))
			return bad(why, "no usable guest memory below 4 GiB for the kernel");
		p->load_addr = a;
	} else {
		if (!fits(map, n, MIN_LOAD, k->init_size, &boot_data, 1, keep, nkeep))
			return bad(why, "kernel is not relocatable and 1 MiB + init_size is not usable RAM");
		p->load_addr = MIN_LOAD;
	}

	if (initrd_size == 0)
		return 0;
	/* Highest page-aligned spot below initrd_addr_max that clashes with nothing. */
	uint64_t limit = (uint64_t)k->initrd_addr_max + 1;
	struct sv_range av[10];
	unsigned int na = 0;
	av[na++] = boot_data;
	av[na++] = (struct sv_range){ p->load_addr, k->init_size };
	for (unsigned int i = 0; i < navoid && na < ARRAY_SIZE(av); i++)
		av[na++] = avoid[i];
	bool found = false;
	for (unsigned int i = 0; i < n; i++) {
		if (map[i].type != MEM_USABLE)
			continue;
		uint64_t hi = MIN(map[i].base + map[i].size, limit);
		while (hi >= map[i].base + initrd_size && hi >= initrd_size) {
			uint64_t cand = ALIGN_DOWN(hi - initrd_size, PAGE_SIZE);
			if (cand < map[i].base)
				break;
			uint64_t clash = UINT64_MAX;
			bool clashes = first_clash(cand, initrd_size, av, na, &clash);
			clashes |= first_clash(cand, initrd_size, keep, nkeep, &clash);
			if (!clashes) {
				if (!found || cand > p->initrd_addr)
					p->initrd_addr = cand;
				found = true;
				break;
			}
			hi = clash;
		}
	}
	if (!found)
		return bad(why, "no usable guest memory for the initrd below initrd_addr_max");
	p->initrd_size = initrd_size;
	return 0;
}

int linux_boot_params(uint8_t *zp, const uint8_t *img, const struct linux_image *k,
		      const struct linux_plan *p, size_t cmdline_len, const struct mem_range *e820,
		      unsigned int ne820, const char **why)
{
	memset(zp, 0, BOOT_PARAMS_SIZE);
	/* The setup header is copied as the kernel built it, then amended. */
	memcpy(zp + OFF_SETUP_SECTS, img + OFF_SETUP_SECTS, k->hdr_end - OFF_SETUP_SECTS);
	zp[OFF_TYPE_OF_LOADER] = 0xff; /* "undefined" loader */
	zp[OFF_LOADFLAGS] = (uint8_t)((k->loadflags | LOADED_HIGH) & ~CAN_USE_HEAP);
	wr32(zp + OFF_CODE32_START, (uint32_t)p->load_addr);
	wr32(zp + OFF_RAMDISK_IMAGE, (uint32_t)p->initrd_addr);
	wr32(zp + OFF_RAMDISK_SIZE, (uint32_t)p->initrd_size);
	wr32(zp + ZP_EXT_RAMDISK_IMAGE, (uint32_t)(p->initrd_addr >> 32));
	wr32(zp + ZP_EXT_RAMDISK_SIZE, (uint32_t)(p->initrd_size >> 32));
	uint32_t maxcmd = k->cmdline_size ? k->cmdline_size : 255;
	if (cmdline_len > maxcmd || cmdline_len >= GUEST_CMDLINE_MAX)
		return bad(why, "kernel command line longer than the kernel accepts");
	wr32(zp + OFF_CMD_LINE_PTR, (uint32_t)GUEST_CMDLINE_ADDR);
	wr32(zp + ZP_EXT_CMD_LINE_PTR, 0);
	if (ne820 > E820_MAX_ENTRIES_ZEROPAGE)
		return bad(why, "memory map has more than 128 entries");
	zp[ZP_E820_ENTRIES] = (uint8_t)ne820;
	for (unsigned int i = 0; i < ne820; i++) {
		uint8_t *e = zp + ZP_E820_TABLE + i * 20;
		memcpy(e, &e820[i].base, 8);
		memcpy(e + 8, &e820[i].size, 8);
		wr32(e + 16, e820[i].type);
	}
	return 0;
}

/* Documented in sv/linux_boot.h. */
bool linux_set_acpi_rsdp(uint8_t *zp, const struct linux_image *k, uint64_t rsdp)
{
	if (k->version < RSDP_PROTOCOL || rsdp == 0)
		return false;
	wr32(zp + ZP_ACPI_RSDP_ADDR, (uint32_t)rsdp);
	wr32(zp + ZP_ACPI_RSDP_ADDR + 4, (uint32_t)(rsdp >> 32));
	return true;
}

/* Documented in sv/linux_boot.h. */
void linux_set_efi_info(uint8_t *zp, const struct linux_efi_info *e)
{
	wr32(zp + ZP_EFI_LOADER_SIGNATURE, EFI64_SIGNATURE);
	wr32(zp + ZP_EFI_SYSTAB, (uint32_t)e->systab);
	wr32(zp + ZP_EFI_SYSTAB_HI, (uint32_t)(e->systab >> 32));
	wr32(zp + ZP_EFI_MEMDESC_SIZE, e->desc_size);
	wr32(zp + ZP_EFI_MEMDESC_VERSION, e->desc_version);
	wr32(zp + ZP_EFI_MEMMAP, (uint32_t)e->memmap);
	wr32(zp + ZP_EFI_MEMMAP_HI, (uint32_t)(e->memmap >> 32));
	wr32(zp + ZP_EFI_MEMMAP_SIZE, e->memmap_size);
}
