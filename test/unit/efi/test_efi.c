/*
 * Host unit tests of the UEFI hand-over (issue 11): the EFI memory map's
 * checks (descriptor sizes, versions, truncation, alignment, wrap), its
 * conversion to E820 types, the guest's EFI map (overlapping and unsorted
 * descriptors, hidden and loader ranges, runtime regions kept apart) and
 * its agreement with the guest's E820 map, the multiboot2 EFI tags, and
 * the boot_params fields (acpi_rsdp_addr, efi_info).  The system table
 * and the RSDP read are in test_efi_systab.c.
 */
#include <stdlib.h>
#include <string.h>

#include <sv/bytes.h>
#include <sv/efi.h>
#include <sv/linux_boot.h>
#include <sv/mb2.h>
#include <sv/memmap.h>

#include "../core/tcheck.h"

int tcheck_failures, tcheck_checks;

#define STREQ(a, b) CHECK_EQ(strcmp((a) ? (a) : "(null)", (b)), 0)

/* ---- a map in the firmware's layout ---- */
static uint8_t raw[EFI_MMAP_MAX * 64 + 64];

static void put_md(uint8_t *buf, uint32_t dsize, unsigned int i, uint32_t type, uint64_t base,
		   uint64_t pages, uint64_t attr)
{
	uint8_t *d = buf + (size_t)i * dsize;
	memset(d, 0xa5, dsize); /* padding and the virtual address must be ignored */
	memcpy(d, &type, 4);
	memcpy(d + 8, &base, 8);
	memcpy(d + 24, &pages, 8);
	memcpy(d + 32, &attr, 8);
}

static void test_parse(void)
{
	static struct efi_md md[EFI_MMAP_MAX];
	const char *why = NULL;

	/* Descriptor sizes 40, 48 (OVMF), 56 and 1024 read the same fields. */
	uint32_t sizes[] = { 40, 48, 56, 1024 };
	for (size_t s = 0; s < ARRAY_SIZE(sizes); s++) {
		uint32_t ds = sizes[s];
		put_md(raw, ds, 0, EFI_CONVENTIONAL_MEMORY, 0x0, 0xa0, 0xf);
		put_md(raw, ds, 1, EFI_RUNTIME_SERVICES_DATA, 0x1f000000, 0x10, EFI_MEMORY_RUNTIME | 0xf);
		put_md(raw, ds, 2, EFI_BOOT_SERVICES_DATA, 0x100000, 0, 0); /* empty: dropped */
		put_md(raw, ds, 3, EFI_ACPI_MEMORY_NVS, 0x800000, 1, 0);
		CHECK_EQ(efi_mmap_parse(raw, 4 * (size_t)ds, ds, 1, md, EFI_MMAP_MAX, &why), 3);
		CHECK_EQ(md[0].type, EFI_CONVENTIONAL_MEMORY);
		CHECK_EQ(md[0].pages, 0xa0);
		CHECK_EQ(md[1].base, 0x1f000000);
		CHECK_EQ(md[1].attr, (long long)(EFI_MEMORY_RUNTIME | 0xf));
		CHECK_EQ(md[2].type, EFI_ACPI_MEMORY_NVS);
		/* Cut short by one byte, or by a whole descriptor minus 8. */
		CHECK_EQ(efi_mmap_parse(raw, 4 * (size_t)ds - 1, ds, 1, md, EFI_MMAP_MAX, &why), -SV_EINVAL);
		STREQ(why, "EFI memory map truncated: its size is not a whole number of descriptors");
		CHECK_EQ(efi_mmap_parse(raw, 3 * (size_t)ds + 8, ds, 1, md, EFI_MMAP_MAX, &why), -SV_EINVAL);
	}
	/* Sizes the VMM does not expect: below 40, not a multiple of 8, too large. */
	uint32_t badsizes[] = { 0, 8, 32, 36, 44, 1032, 4096 };
	for (size_t s = 0; s < ARRAY_SIZE(badsizes); s++) {
		why = NULL;
		CHECK_EQ(efi_mmap_parse(raw, 4096, badsizes[s], 1, md, EFI_MMAP_MAX, &why), -SV_EINVAL);
		STREQ(why, "EFI memory map descriptor size is not a multiple of 8 between 40 and 1024");
	}
	put_md(raw, 48, 0, EFI_CONVENTIONAL_MEMORY, 0, 1, 0);
	CHECK_EQ(efi_mmap_parse(raw, 48, 48, 2, md, EFI_MMAP_MAX, &why), -SV_EINVAL);
	STREQ(why, "EFI memory map descriptor version is not 1");
	CHECK_EQ(efi_mmap_parse(raw, 0, 48, 1, md, EFI_MMAP_MAX, &why), 0); /* empty */

	put_md(raw, 48, 0, EFI_CONVENTIONAL_MEMORY, 0x1800, 1, 0);
	CHECK_EQ(efi_mmap_parse(raw, 48, 48, 1, md, EFI_MMAP_MAX, &why), -SV_EINVAL);
	STREQ(why, "EFI memory descriptor not 4 KiB-aligned");
	/* Wraps: the last page of the address space fits, one more does not. */
	put_md(raw, 48, 0, EFI_RESERVED_MEMORY, 0xffffffffffffe000ULL, 1, 0);
	CHECK_EQ(efi_mmap_parse(raw, 48, 48, 1, md, EFI_MMAP_MAX, &why), 1);
	put_md(raw, 48, 0, EFI_RESERVED_MEMORY, 0xffffffffffffe000ULL, 2, 0); /* ends at 2^64 */
	CHECK_EQ(efi_mmap_parse(raw, 48, 48, 1, md, EFI_MMAP_MAX, &why), -SV_EINVAL);
	STREQ(why, "EFI memory descriptor wraps around");
	put_md(raw, 48, 0, EFI_CONVENTIONAL_MEMORY, 0x1000, 1ULL << 60, 0);
	CHECK_EQ(efi_mmap_parse(raw, 48, 48, 1, md, EFI_MMAP_MAX, &why), -SV_EINVAL);

	/* More descriptors than the caller keeps. */
	for (unsigned int i = 0; i < 5; i++)
		put_md(raw, 40, i, EFI_CONVENTIONAL_MEMORY, i * 0x2000ULL, 1, 0);
	CHECK_EQ(efi_mmap_parse(raw, 5 * 40, 40, 1, md, 4, &why), -SV_E2BIG);
	CHECK_EQ(efi_mmap_parse(raw, 5 * 40, 40, 1, md, 5, &why), 5);
}

static void test_types(void)
{
	struct { uint32_t efi, e820; } t[] = {
		{ EFI_RESERVED_MEMORY, MEM_RESERVED },	   { EFI_LOADER_CODE, MEM_USABLE },
		{ EFI_LOADER_DATA, MEM_USABLE },	   { EFI_BOOT_SERVICES_CODE, MEM_USABLE },
		{ EFI_BOOT_SERVICES_DATA, MEM_USABLE },	   { EFI_RUNTIME_SERVICES_CODE, MEM_RESERVED },
		{ EFI_RUNTIME_SERVICES_DATA, MEM_RESERVED }, { EFI_CONVENTIONAL_MEMORY, MEM_USABLE },
		{ EFI_UNUSABLE_MEMORY, MEM_BAD },	   { EFI_ACPI_RECLAIM_MEMORY, MEM_ACPI },
		{ EFI_ACPI_MEMORY_NVS, MEM_NVS },	   { EFI_MEMORY_MAPPED_IO, MEM_RESERVED },
		{ EFI_MEMORY_MAPPED_IO_PORT_SPACE, MEM_RESERVED }, { EFI_PAL_CODE, MEM_RESERVED },
		{ EFI_PERSISTENT_MEMORY, MEM_PMEM },	   { 15, MEM_RESERVED },
		{ 0x70000000, MEM_RESERVED },		   { 0xffffffff, MEM_RESERVED },
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++)
		CHECK_EQ(efi_e820_type(t[i].efi), t[i].e820);
}

#define MD(type, base, size, attr) { (type), (base), (size) / EFI_PAGE_SIZE, (attr) }
#define RT (EFI_MEMORY_RUNTIME | 0xf)

static void test_to_e820(void)
{
	static struct mem_range out[16];
	/* Unsorted; neighbours of one E820 type from different EFI types merge. */
	struct efi_md md[] = {
		MD(EFI_BOOT_SERVICES_DATA, 0x200000, 0x100000, 0xf),
		MD(EFI_CONVENTIONAL_MEMORY, 0x0, 0xa0000, 0xf),
		MD(EFI_RUNTIME_SERVICES_CODE, 0x300000, 0x1000, RT),
		MD(EFI_LOADER_DATA, 0x100000, 0x100000, 0xf),
		MD(EFI_RUNTIME_SERVICES_DATA, 0x301000, 0x1000, RT),
		MD(EFI_ACPI_MEMORY_NVS, 0x302000, 0x2000, 0),
	};
	int n = efi_mmap_to_e820(md, ARRAY_SIZE(md), false, out, 16);
	CHECK_EQ(n, 4);
	CHECK_EQ(out[0].base, 0);
	CHECK_EQ(out[0].size, 0xa0000);
	CHECK_EQ(out[1].base, 0x100000);
	CHECK_EQ(out[1].size, 0x200000); /* loader + boot services */
	CHECK_EQ(out[1].type, MEM_USABLE);
	CHECK_EQ(out[2].base, 0x300000);
	CHECK_EQ(out[2].size, 0x2000); /* both runtime kinds: reserved */
	CHECK_EQ(out[2].type, MEM_RESERVED);
	CHECK_EQ(out[3].type, MEM_NVS);
	/* The VMM's view: boot-services memory is not its to take. */
	n = efi_mmap_to_e820(md, ARRAY_SIZE(md), true, out, 16);
	CHECK_EQ(n, 5);
	CHECK_EQ(out[1].size, 0x100000);
	CHECK_EQ(out[2].base, 0x200000);
	CHECK_EQ(out[2].type, MEM_EFI_BOOT);
	CHECK(!memmap_is_usable(out, (unsigned int)n, 0x200000, 0x1000));
	CHECK_EQ(memmap_top(out, (unsigned int)n), 0x300000); /* but it is RAM */
	CHECK_EQ(efi_mmap_to_e820(md, ARRAY_SIZE(md), true, out, 4), -SV_E2BIG);
}

/*
 * The guest's E820 map as the BIOS path would make it from the same
 * descriptors.  -SV_EINVAL when a hidden range covers memory that is not
 * usable: the VMM never hides such memory (its pool, image and trampoline
 * lie in usable RAM), and there the two paths may differ (the EFI one
 * keeps firmware-owned descriptors as they are).
 */
static int e820_way(const struct efi_md *md, unsigned int n, const struct sv_range *h,
		    unsigned int nh, struct mem_range *out)
{
	static struct mem_range conv[EFI_MMAP_MAX], norm[MEMMAP_MAX];
	int c = efi_mmap_to_e820(md, n, false, conv, EFI_MMAP_MAX);
	if (c < 0)
		return c;
	int m = memmap_normalize(conv, (unsigned int)c, norm, MEMMAP_MAX);
	if (m < 0)
		return m;
	for (int i = 0; i < m; i++) {
		for (unsigned int k = 0; k < nh; k++) {
			if (norm[i].type != MEM_USABLE &&
			    ranges_overlap(norm[i].base, norm[i].size, h[k].base, h[k].size))
				return -SV_EINVAL;
		}
	}
	return memmap_guest(norm, (unsigned int)m, h, nh, out, MEMMAP_MAX);
}

static bool same_maps(const struct mem_range *a, int na, const struct mem_range *b, int nb)
{
	if (na != nb)
		return false;
	for (int i = 0; i < na; i++) {
		if (a[i].base != b[i].base || a[i].size != b[i].size || a[i].type != b[i].type)
			return false;
	}
	return true;
}

static void test_guest(void)
{
	static struct efi_md out[EFI_GUEST_MAX];
	static struct mem_range e1[MEMMAP_MAX], e2[MEMMAP_MAX];
	/*
	 * Unsorted and overlapping: a reserved descriptor over conventional
	 * memory wins, ACPI NVS over boot-services data wins, two adjacent
	 * runtime descriptors stay two, adjacent conventional ones merge.
	 */
	struct efi_md md[] = {
		MD(EFI_CONVENTIONAL_MEMORY, 0x100000, 0x700000, 0xf),     /* 1M-8M */
		MD(EFI_CONVENTIONAL_MEMORY, 0x0, 0xa0000, 0xf),
		MD(EFI_RESERVED_MEMORY, 0x300000, 0x100000, 0),           /* inside the first */
		MD(EFI_RUNTIME_SERVICES_DATA, 0x901000, 0x1000, RT),
		MD(EFI_RUNTIME_SERVICES_DATA, 0x900000, 0x1000, RT),
		MD(EFI_BOOT_SERVICES_DATA, 0x800000, 0x100000, 0xf),
		MD(EFI_ACPI_MEMORY_NVS, 0x880000, 0x10000, 0),            /* over boot data */
		MD(EFI_CONVENTIONAL_MEMORY, 0x902000, 0x100000, 0xf),
		MD(EFI_CONVENTIONAL_MEMORY, 0xa02000, 0x100000, 0xf),     /* merges with the one above */
	};
	struct sv_range hidden[] = { { 0x400000, 0x200000 }, { 0xf000, 0x1000 } };
	struct sv_range loader = { 0x6000, 0x7000 };
	int n = efi_mmap_guest(md, ARRAY_SIZE(md), hidden, 2, &loader, 1, out, EFI_GUEST_MAX);
	struct efi_md want[] = {
		MD(EFI_CONVENTIONAL_MEMORY, 0x0, 0x6000, 0xf),
		MD(EFI_LOADER_DATA, 0x6000, 0x7000, 0xf),
		MD(EFI_CONVENTIONAL_MEMORY, 0xd000, 0x2000, 0xf),
		MD(EFI_RESERVED_MEMORY, 0xf000, 0x1000, 0), /* hidden: the trampoline */
		MD(EFI_CONVENTIONAL_MEMORY, 0x10000, 0x90000, 0xf),
		MD(EFI_CONVENTIONAL_MEMORY, 0x100000, 0x200000, 0xf),
		MD(EFI_RESERVED_MEMORY, 0x300000, 0x300000, 0), /* firmware's + the VMM's */
		MD(EFI_CONVENTIONAL_MEMORY, 0x600000, 0x200000, 0xf),
		MD(EFI_BOOT_SERVICES_DATA, 0x800000, 0x80000, 0xf),
		MD(EFI_ACPI_MEMORY_NVS, 0x880000, 0x10000, 0),
		MD(EFI_BOOT_SERVICES_DATA, 0x890000, 0x70000, 0xf),
		MD(EFI_RUNTIME_SERVICES_DATA, 0x900000, 0x1000, RT),
		MD(EFI_RUNTIME_SERVICES_DATA, 0x901000, 0x1000, RT),
		MD(EFI_CONVENTIONAL_MEMORY, 0x902000, 0x200000, 0xf),
	};
	CHECK_EQ(n, (int)ARRAY_SIZE(want));
	for (int i = 0; i < n && i < (int)ARRAY_SIZE(want); i++) {
		CHECK_EQ(out[i].type, want[i].type);
		CHECK_EQ(out[i].base, want[i].base);
		CHECK_EQ(out[i].pages, want[i].pages);
		CHECK_EQ(out[i].attr, (long long)want[i].attr);
	}
	/* Its E820 form is exactly what the BIOS path makes of the same map. */
	int ne1 = efi_mmap_to_e820(out, (unsigned int)n, false, e1, MEMMAP_MAX);
	int ne2 = e820_way(md, ARRAY_SIZE(md), hidden, 2, e2);
	CHECK(ne1 > 0);
	CHECK(same_maps(e1, ne1, e2, ne2));
	CHECK_EQ(efi_mmap_guest(md, ARRAY_SIZE(md), hidden, 2, &loader, 1, out, 5), -SV_E2BIG);

	/* Random maps: the two ways to the guest's E820 map always agree. */
	static const uint32_t types[] = { EFI_CONVENTIONAL_MEMORY, EFI_BOOT_SERVICES_CODE,
					  EFI_BOOT_SERVICES_DATA, EFI_LOADER_DATA,
					  EFI_RUNTIME_SERVICES_CODE, EFI_RUNTIME_SERVICES_DATA,
					  EFI_ACPI_RECLAIM_MEMORY, EFI_ACPI_MEMORY_NVS,
					  EFI_MEMORY_MAPPED_IO, EFI_RESERVED_MEMORY };
	static struct efi_md rnd[60];
	srand(11);
	int agreed = 0;
	for (int round = 0; round < 1000; round++) {
		unsigned int cnt = 1 + (unsigned int)rand() % 60;
		for (unsigned int i = 0; i < cnt; i++) {
			uint32_t t = types[rand() % ARRAY_SIZE(types)];
			rnd[i] = (struct efi_md){ t, (uint64_t)(rand() % 256) * 0x10000,
						  1 + (uint64_t)(rand() % 64) * 4,
						  (t == EFI_RUNTIME_SERVICES_CODE || t == EFI_RUNTIME_SERVICES_DATA) ? RT : 0 };
		}
		struct sv_range h[2] = { { (uint64_t)(rand() % 256) * 0x10000, 0x30000 },
					 { (uint64_t)(rand() % 256) * 0x10000, 0x1000 } };
		int g = efi_mmap_guest(rnd, cnt, h, 2, NULL, 0, out, EFI_GUEST_MAX);
		CHECK(g > 0);
		if (g < 0)
			continue;
		int a = efi_mmap_to_e820(out, (unsigned int)g, false, e1, MEMMAP_MAX);
		int b = e820_way(rnd, cnt, h, 2, e2);
		if (a < 0 || b < 0)
			continue;
		CHECK(same_maps(e1, a, e2, b));
		/* Nothing hidden is usable in the guest's EFI map. */
		for (int i = 0; i < g; i++) {
			for (int k = 0; k < 2; k++) {
				if (ranges_overlap(out[i].base, out[i].pages * EFI_PAGE_SIZE, h[k].base, h[k].size))
					CHECK(efi_e820_type(out[i].type) != MEM_USABLE);
			}
		}
		agreed++;
	}
	printf("efi: %d random maps compared\n", agreed);
	CHECK(agreed > 300);
}

static void test_write(void)
{
	uint8_t buf[200];
	struct efi_md md[] = { MD(EFI_RUNTIME_SERVICES_CODE, 0x1f000000, 0x3000, RT),
			       MD(EFI_CONVENTIONAL_MEMORY, 0x0, 0x1000, 0xf) };
	memset(buf, 0x77, sizeof(buf));
	CHECK_EQ(efi_mmap_write(md, 2, 48, buf, sizeof(buf)), 96);
	CHECK_EQ(rd32(buf), EFI_RUNTIME_SERVICES_CODE);
	CHECK_EQ(rd64(buf + 8), 0x1f000000);
	CHECK_EQ(rd64(buf + 16), 0); /* VirtualStart */
	CHECK_EQ(rd64(buf + 24), 3);
	CHECK_EQ(rd64(buf + 32), (long long)RT);
	CHECK_EQ(rd64(buf + 40), 0); /* padding */
	CHECK_EQ(buf[96], 0x77); /* nothing past the end */
	/* Read back by the parser, the same descriptors. */
	struct efi_md back[2];
	const char *why;
	CHECK_EQ(efi_mmap_parse(buf, 96, 48, 1, back, 2, &why), 2);
	CHECK_EQ(back[1].pages, 1);
	CHECK_EQ(efi_mmap_write(md, 2, 48, buf, 95), -SV_E2BIG);
	CHECK_EQ(efi_mmap_write(md, 2, 32, buf, sizeof(buf)), -SV_E2BIG);
}

/* ---- multiboot2 with EFI tags ---- */
static uint8_t mbi[16384] __attribute__((aligned(8)));

static size_t mtag(size_t off, uint32_t type, const void *body, uint32_t blen)
{
	uint32_t size = 8 + blen;
	memcpy(mbi + off, &type, 4);
	memcpy(mbi + off + 4, &size, 4);
	if (blen)
		memcpy(mbi + off + 8, body, blen);
	return off + ((size + 7) & ~7u);
}

static size_t finish(size_t off)
{
	off = mtag(off, 0, NULL, 0);
	uint32_t total = (uint32_t)off;
	memcpy(mbi, &total, 4);
	return off;
}

static size_t efi_mmap_tag(size_t off, uint32_t ds, uint32_t ver, unsigned int nd, size_t cut)
{
	static uint8_t body[8 + 8 * 64];
	memcpy(body, &ds, 4);
	memcpy(body + 4, &ver, 4);
	for (unsigned int i = 0; i < nd; i++)
		put_md(body + 8, ds, i, i == 1 ? EFI_RUNTIME_SERVICES_DATA : EFI_CONVENTIONAL_MEMORY,
		       (uint64_t)i << 24, 0x100, i == 1 ? RT : 0xf);
	return mtag(off, 17, body, (uint32_t)(8 + nd * ds - cut));
}

static size_t e820_tag(size_t off)
{
	uint8_t body[8 + 24];
	uint32_t es = 24, ev = 0, type = MEM_USABLE;
	uint64_t base = 0, len = 64ULL << 20;
	memcpy(body, &es, 4);
	memcpy(body + 4, &ev, 4);
	memcpy(body + 8, &base, 8);
	memcpy(body + 16, &len, 8);
	memcpy(body + 24, &type, 4);
	memset(body + 28, 0, 4);
	return mtag(off, 6, body, sizeof(body));
}

static void test_mb2_efi(void)
{
	static struct mb2_boot b;
	uint64_t systab = 0x1f5eb018, ih = 0x1e000000;
	size_t off, len;

	/* A UEFI boot: system table, image handle, EFI map, E820-style map. */
	off = mtag(8, 12, &systab, 8);
	off = mtag(off, 20, &ih, 8);
	off = efi_mmap_tag(off, 48, 1, 3, 0);
	off = e820_tag(off);
	len = finish(off);
	CHECK_EQ(mb2_parse(mbi, len, 0, &b), 0);
	CHECK(b.efi.systab_present);
	CHECK_EQ(b.efi.systab, (long long)systab);
	CHECK(b.efi.image_handle_present);
	CHECK_EQ(b.efi.image_handle, (long long)ih);
	CHECK(b.efi.mmap_present);
	CHECK(b.efi.mmap_error == NULL);
	CHECK_EQ(b.efi.nmd, 3);
	CHECK_EQ(b.efi.desc_size, 48);
	CHECK_EQ(b.efi.md[1].type, EFI_RUNTIME_SERVICES_DATA);
	CHECK_EQ(b.efi.md[2].base, 2ULL << 24);
	CHECK_EQ(b.nmmap, 1);

	/* Truncated EFI map: refused, the E820-style map still there. */
	off = mtag(8, 12, &systab, 8);
	off = efi_mmap_tag(off, 48, 1, 3, 4);
	off = e820_tag(off);
	len = finish(off);
	CHECK_EQ(mb2_parse(mbi, len, 0, &b), 0);
	CHECK_EQ(b.efi.nmd, 0);
	STREQ(b.efi.mmap_error, "EFI memory map truncated: its size is not a whole number of descriptors");
	CHECK_EQ(b.nmmap, 1);

	/* Unexpected descriptor size and no other map: no memory map at all. */
	off = efi_mmap_tag(8, 44, 1, 2, 0);
	len = finish(off);
	CHECK_EQ(mb2_parse(mbi, len, 0, &b), -SV_EINVAL);
	STREQ(b.efi.mmap_error, "EFI memory map descriptor size is not a multiple of 8 between 40 and 1024");
	STREQ(b.error, "no memory map from the boot loader");

	/* Only an EFI map (descriptor size 40): enough. */
	off = efi_mmap_tag(8, 40, 1, 2, 0);
	len = finish(off);
	CHECK_EQ(mb2_parse(mbi, len, 0, &b), 0);
	CHECK_EQ(b.efi.nmd, 2);
	CHECK_EQ(b.nmmap, 0);

	/* No memory map of either kind. */
	off = mtag(8, 12, &systab, 8);
	len = finish(off);
	CHECK_EQ(mb2_parse(mbi, len, 0, &b), -SV_EINVAL);
	STREQ(b.error, "no memory map from the boot loader");
	CHECK(b.efi.mmap_error == NULL);

	/* An EFI map tag too short for its header. */
	uint32_t four = 48;
	off = mtag(8, 17, &four, 4);
	off = e820_tag(off);
	len = finish(off);
	CHECK_EQ(mb2_parse(mbi, len, 0, &b), 0);
	STREQ(b.efi.mmap_error, "EFI memory map tag too short");

	/* Boot services left running: refused. */
	off = mtag(8, 18, NULL, 0);
	off = e820_tag(off);
	len = finish(off);
	CHECK_EQ(mb2_parse(mbi, len, 0, &b), -SV_EINVAL);
	STREQ(b.error, "EFI boot services were left running (tag 18); the boot loader must exit them");

	/* A system table tag too short. */
	off = mtag(8, 12, &systab, 4);
	off = e820_tag(off);
	len = finish(off);
	CHECK_EQ(mb2_parse(mbi, len, 0, &b), -SV_EINVAL);
	STREQ(b.error, "EFI system table tag too short");
}

static void test_boot_params(void)
{
	static uint8_t zp[BOOT_PARAMS_SIZE];
	struct linux_image k = { .version = 0x020f };
	memset(zp, 0, sizeof(zp));
	CHECK(linux_set_acpi_rsdp(zp, &k, 0x1234f77d014ULL));
	CHECK_EQ(rd64(zp + 0x70), 0x1234f77d014ULL);
	k.version = 0x020e;
	CHECK(linux_set_acpi_rsdp(zp, &k, 0xf5270));
	CHECK_EQ(rd64(zp + 0x70), 0xf5270);
	/* Older kernels and a missing RSDP: nothing written. */
	memset(zp, 0, sizeof(zp));
	k.version = 0x020d;
	CHECK(!linux_set_acpi_rsdp(zp, &k, 0xf5270));
	k.version = 0x020f;
	CHECK(!linux_set_acpi_rsdp(zp, &k, 0));
	for (size_t i = 0; i < sizeof(zp); i++)
		CHECK_EQ(zp[i], 0);

	struct linux_efi_info e = { .systab = 0x10f5eb018ULL, .memmap = 0x9000, .memmap_size = 136 * 48,
				    .desc_size = 48, .desc_version = 1 };
	linux_set_efi_info(zp, &e);
	CHECK_EQ(memcmp(zp + 0x1c0, "EL64", 4), 0);
	CHECK_EQ(rd32(zp + 0x1c4), 0x0f5eb018);
	CHECK_EQ(rd32(zp + 0x1d8), 1); /* systab_hi */
	CHECK_EQ(rd32(zp + 0x1c8), 48);
	CHECK_EQ(rd32(zp + 0x1cc), 1);
	CHECK_EQ(rd32(zp + 0x1d0), 0x9000);
	CHECK_EQ(rd32(zp + 0x1d4), 136 * 48);
	CHECK_EQ(rd32(zp + 0x1dc), 0); /* memmap_hi */
	/* Nothing outside efi_info changed. */
	for (size_t i = 0; i < sizeof(zp); i++) {
		if (i < 0x1c0 || i >= 0x1e0)
			CHECK_EQ(zp[i], 0);
	}
}

int main(void)
{
	test_parse();
	test_types();
	test_to_e820();
	test_guest();
	test_write();
	test_mb2_efi();
	test_boot_params();
	printf("efi: %d checks, %d failures\n", tcheck_checks, tcheck_failures);
	return tcheck_failures ? 1 : 0;
}
