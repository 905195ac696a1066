/*
 * Host unit tests of the VMM's portable core: formatting, multiboot2
 * parsing, memory-map arithmetic, the Linux boot protocol and the guest
 * page walker over a fake guest memory.
 */
#include <stdlib.h>
#include <string.h>

#include <arch/cpu.h>
#include <arch/paging.h>
#include <sv/acpi.h>
#include <sv/format.h>
#include <sv/guest_mem.h>
#include <sv/linux_boot.h>
#include <sv/mb2.h>
#include <sv/memmap.h>
#include <sv/text.h>
#include <sv/txring.h>

#include "tcheck.h"

int tcheck_failures, tcheck_checks;

/* ---- format ---- */
static void test_format(void)
{
	char b[64];

	CHECK_EQ(sv_snprintf(b, sizeof(b), "%d %u %x %s %c", -42, 42u, 0xbeefu, "hi", 'z'), 16);
	CHECK_EQ(strcmp(b, "-42 42 beef hi z"), 0);
	sv_snprintf(b, sizeof(b), "%016lx|%-4d|%04d|%.3s|%5s", 0x1234UL, 7, -7, "abcdef", "ab");
	CHECK_EQ(strcmp(b, "0000000000001234|7   |-007|abc|   ab"), 0);
	CHECK_EQ(sv_snprintf(b, 4, "%s", "overflow"), 8);
	CHECK_EQ(strcmp(b, "ove"), 0);
	sv_snprintf(b, sizeof(b), "%p %lu %ld %%", (void *)0x10, 18446744073709551615UL, -9223372036854775807L - 1);
	CHECK_EQ(strcmp(b, "0x10 18446744073709551615 -9223372036854775808 %"), 0);
	sv_snprintf(b, sizeof(b), "%.*s|%X", 2, "xyz", 0xabu);
	CHECK_EQ(strcmp(b, "xy|AB"), 0);
}

/* ---- multiboot2 ---- */
static uint8_t mbi[4096] __attribute__((aligned(8)));
static size_t mbi_len;

static void put32(size_t off, uint32_t v) { memcpy(mbi + off, &v, 4); }
static void put64(size_t off, uint64_t v) { memcpy(mbi + off, &v, 8); }

static size_t tag(size_t off, uint32_t type, uint32_t size)
{
	put32(off, type);
	put32(off + 4, size);
	return off + ((size + 7) & ~7u);
}

/* cmdline, one module, a 3-entry memory map, end tag. */
static void build_mbi(void)
{
	size_t off = 8;
	memset(mbi, 0, sizeof(mbi));
	const char *cl = "/boot/sealvisor.elf console=com2";
	memcpy(mbi + off + 8, cl, strlen(cl) + 1);
	off = tag(off, 1, 8 + (uint32_t)strlen(cl) + 1);
	put32(off + 8, 0x200000);
	put32(off + 12, 0x300000);
	memcpy(mbi + off + 16, "console=ttyS0", 14);
	off = tag(off, 3, 16 + 14);
	put32(off + 8, 24);
	put32(off + 12, 0);
	uint64_t e[3][3] = { { 0, 0x9fc00, 1 }, { 0x100000, 0x1ff00000, 1 }, { 0xfffc0000, 0x40000, 2 } };
	for (int i = 0; i < 3; i++) {
		put64(off + 16 + i * 24, e[i][0]);
		put64(off + 24 + i * 24, e[i][1]);
		put32(off + 32 + i * 24, (uint32_t)e[i][2]);
	}
	off = tag(off, 6, 16 + 3 * 24);
	off = tag(off, 0, 8);
	mbi_len = off;
	put32(0, (uint32_t)off);
}

/* Tags 14 and 15 (the RSDP copies) appended before the end tag. */
static size_t acpi_tag(size_t off, uint32_t type, const void *payload, uint32_t plen)
{
	memset(mbi + off, 0, 8 + ((plen + 7) & ~7u));
	memcpy(mbi + off + 8, payload, plen);
	return tag(off, type, 8 + plen);
}

static void finish_mbi(size_t off)
{
	off = tag(off, 0, 8);
	mbi_len = off;
	put32(0, (uint32_t)off);
}

static void fix_sum(uint8_t *p, size_t len, size_t at)
{
	uint8_t s = 0;

	p[at] = 0;
	for (size_t i = 0; i < len; i++)
		s = (uint8_t)(s + p[i]);
	p[at] = (uint8_t)-s;
}

static void test_mb2_acpi(void)
{
	static struct mb2_boot b;
	struct acpi_rsdp r;
	const char *why;
	/* QEMU -machine pc's RSDP (test/unit/acpi/recorded_tables.h). */
	static const uint8_t v1[20] = { 0x52, 0x53, 0x44, 0x20, 0x50, 0x54, 0x52, 0x20, 0xe7, 0x42,
					0x4f, 0x43, 0x48, 0x53, 0x20, 0x00, 0x33, 0x1b, 0xfe, 0x1f };
	uint8_t v2[100];

	memset(v2, 0x5a, sizeof(v2));
	memcpy(v2, "RSD PTR ", 8);
	memcpy(v2 + 9, "SVTEST", 6);
	v2[15] = 2;
	memcpy(v2 + 16, "\x00\x10\x00\x00\x24\x00\x00\x00\x00\x20\x00\x00\x00\x00\x00\x00", 16);
	fix_sum(v2, 20, 8);
	fix_sum(v2, 36, 32);

	/* No tags: nothing present. */
	build_mbi();
	CHECK_EQ(mb2_parse(mbi, mbi_len, 0, &b), 0);
	CHECK_EQ(b.acpi_old.present, false);
	CHECK_EQ(b.acpi_new.present, false);
	CHECK_EQ(b.acpi_new.len, 0);

	/* Both: copied as given, and both check. */
	build_mbi();
	size_t off = acpi_tag(mbi_len - 8, 14, v1, 20);
	off = acpi_tag(off, 15, v2, 36);
	finish_mbi(off);
	size_t both_len = mbi_len;
	CHECK_EQ(mb2_parse(mbi, mbi_len, 0, &b), 0);
	CHECK_EQ(b.nmods, 1); /* the other tags still read */
	CHECK_EQ(b.nmmap, 3);
	CHECK_EQ(b.acpi_old.present, true);
	CHECK_EQ(b.acpi_old.len, 20);
	CHECK_EQ(b.acpi_old.tag_len, 20);
	CHECK_EQ(memcmp(b.acpi_old.bytes, v1, 20), 0);
	CHECK_EQ(b.acpi_new.present, true);
	CHECK_EQ(b.acpi_new.len, 36);
	CHECK_EQ(memcmp(b.acpi_new.bytes, v2, 36), 0);
	CHECK_EQ(acpi_rsdp_check(b.acpi_old.bytes, b.acpi_old.len, &r, &why), 0);
	CHECK_EQ(r.revision, 0);
	CHECK_EQ(r.rsdt, 0x1ffe1b33);
	CHECK_EQ(acpi_rsdp_check(b.acpi_new.bytes, b.acpi_new.len, &r, &why), 0);
	CHECK_EQ(r.revision, 2);
	CHECK_EQ(r.rsdt, 0x1000);
	CHECK_EQ(r.xsdt, 0x2000);
	/* Cut at every length: refused, never a crash. */
	for (size_t n = 0; n < both_len; n++) {
		put32(0, (uint32_t)n);
		CHECK(mb2_parse(mbi, n, 0, &b) < 0);
	}

	/* A payload above the buffer: copied up to it, its size kept. */
	build_mbi();
	finish_mbi(acpi_tag(mbi_len - 8, 15, v2, sizeof(v2)));
	CHECK_EQ(mb2_parse(mbi, mbi_len, 0, &b), 0);
	CHECK_EQ(b.acpi_new.len, MB2_ACPI_RSDP_MAX);
	CHECK_EQ(b.acpi_new.tag_len, sizeof(v2));
	CHECK_EQ(memcmp(b.acpi_new.bytes, v2, MB2_ACPI_RSDP_MAX), 0);
	CHECK_EQ(acpi_rsdp_check(b.acpi_new.bytes, b.acpi_new.len, &r, &why), 0);

	/* Short payloads do not stop the boot; the ACPI check refuses them. */
	build_mbi();
	off = acpi_tag(mbi_len - 8, 14, v1, 10);
	off = acpi_tag(off, 15, v2, 30);
	finish_mbi(off);
	CHECK_EQ(mb2_parse(mbi, mbi_len, 0, &b), 0);
	CHECK_EQ(b.acpi_old.len, 10);
	CHECK_EQ(b.acpi_new.len, 30);
	CHECK_EQ(acpi_rsdp_check(b.acpi_old.bytes, b.acpi_old.len, &r, &why), -SV_EINVAL);
	CHECK_EQ(strcmp(why, "RSDP shorter than 20 bytes"), 0);
	CHECK_EQ(acpi_rsdp_check(b.acpi_new.bytes, b.acpi_new.len, &r, &why), -SV_EINVAL);
	CHECK_EQ(strcmp(why, "ACPI 2.0 RSDP shorter than 36 bytes"), 0);
	build_mbi();
	finish_mbi(acpi_tag(mbi_len - 8, 14, v1, 0));
	CHECK_EQ(mb2_parse(mbi, mbi_len, 0, &b), 0);
	CHECK_EQ(b.acpi_old.present, true);
	CHECK_EQ(b.acpi_old.len, 0);

	/* Two of a kind: the first is kept. */
	uint8_t other[20];
	memcpy(other, v1, 20);
	other[16] = 0x77;
	fix_sum(other, 20, 8);
	build_mbi();
	off = acpi_tag(mbi_len - 8, 14, v1, 20);
	off = acpi_tag(off, 14, other, 20);
	finish_mbi(off);
	CHECK_EQ(mb2_parse(mbi, mbi_len, 0, &b), 0);
	CHECK_EQ(memcmp(b.acpi_old.bytes, v1, 20), 0);

	/* A tag 15 whose size runs past the information: the usual refusal. */
	build_mbi();
	size_t at = mbi_len - 8;
	finish_mbi(acpi_tag(at, 15, v2, 36));
	put32(at + 4, 8 + 200);
	CHECK_EQ(mb2_parse(mbi, mbi_len, 0, &b), -SV_EINVAL);
	CHECK_EQ(strcmp(b.error, "boot information tag overruns the table"), 0);
	CHECK_EQ(b.acpi_new.present, false);
}

static void test_mb2(void)
{
	static struct mb2_boot b;

	build_mbi();
	CHECK_EQ(mb2_parse(mbi, mbi_len, 0x10000, &b), 0);
	CHECK_EQ(strcmp(b.cmdline, "/boot/sealvisor.elf console=com2"), 0);
	CHECK_EQ(b.nmods, 1);
	CHECK_EQ(b.mods[0].start, 0x200000);
	CHECK_EQ(b.mods[0].end, 0x300000);
	CHECK_EQ(strcmp(b.mods[0].cmdline, "console=ttyS0"), 0);
	CHECK_EQ(b.nmmap, 3);
	CHECK_EQ(b.mmap[1].size, 0x1ff00000);
	CHECK_EQ(b.info_end - b.info_start, mbi_len);

	/* Total size larger than what is readable. */
	CHECK_EQ(mb2_parse(mbi, mbi_len - 8, 0, &b), -SV_EINVAL);
	CHECK_EQ(strcmp(b.error, "boot information size out of range"), 0);
	/* Truncated at every length: never accepted, never a crash. */
	for (size_t n = 0; n < mbi_len; n++) {
		build_mbi();
		put32(0, (uint32_t)n);
		CHECK(mb2_parse(mbi, n, 0, &b) < 0);
	}
	/* A tag whose size runs past the end. */
	build_mbi();
	put32(8 + 4, 0x10000);
	CHECK_EQ(mb2_parse(mbi, mbi_len, 0, &b), -SV_EINVAL);
	CHECK_EQ(strcmp(b.error, "boot information tag overruns the table"), 0);
	/* An unterminated command line. */
	build_mbi();
	memset(mbi + 16, 'A', 33);
	CHECK_EQ(mb2_parse(mbi, mbi_len, 0, &b), -SV_EINVAL);
	CHECK_EQ(strcmp(b.error, "VMM command line too long or unterminated"), 0);
	/* A module with end before start. */
	build_mbi();
	put32(56 + 12, 0x100000);
	CHECK_EQ(mb2_parse(mbi, mbi_len, 0, &b), -SV_EINVAL);
	CHECK_EQ(strcmp(b.error, "module with an empty or inverted range"), 0);
	/* A memory map entry that wraps around. */
	build_mbi();
	put64(88 + 16 + 24, 0xfffffffffffff000ULL);
	CHECK_EQ(mb2_parse(mbi, mbi_len, 0, &b), -SV_EINVAL);
	CHECK_EQ(strcmp(b.error, "memory map entry wraps around"), 0);
	/* A bad entry size. */
	build_mbi();
	put32(88 + 8, 20);
	CHECK_EQ(mb2_parse(mbi, mbi_len, 0, &b), -SV_EINVAL);
	CHECK_EQ(strcmp(b.error, "memory map entry size invalid"), 0);
	test_mb2_acpi();
}

/* ---- memory map ---- */
static void test_memmap(void)
{
	/* Unsorted, overlapping: reserved wins over usable, ACPI over usable. */
	struct mem_range in[] = {
		{ 0x100000, 0x7ff00000, MEM_USABLE },
		{ 0, 0x9fc00, MEM_USABLE },
		{ 0x7ffe0000, 0x20000, MEM_RESERVED },
		{ 0x1000000, 0x1000, MEM_ACPI },
		{ 0x200000, 0x100000, MEM_USABLE }, /* duplicate, merges */
	};
	struct mem_range out[MEMMAP_MAX];
	int n = memmap_normalize(in, 5, out, MEMMAP_MAX);
	CHECK_EQ(n, 5);
	CHECK_EQ(out[0].base, 0);
	CHECK_EQ(out[0].size, 0x9fc00);
	CHECK_EQ(out[1].base, 0x100000);
	CHECK_EQ(out[1].size, 0xf00000);
	CHECK_EQ(out[1].type, MEM_USABLE);
	CHECK_EQ(out[2].base, 0x1000000);
	CHECK_EQ(out[2].type, MEM_ACPI);
	CHECK_EQ(out[4].base, 0x7ffe0000);
	CHECK_EQ(out[4].type, MEM_RESERVED);
	CHECK_EQ(out[4].size, 0x20000);
	CHECK_EQ(memmap_top(out, (unsigned int)n), 0x7ffe0000);

	/* Pool: the highest 2 MiB-aligned 64 MiB below 4 GiB avoiding a module at the top. */
	struct sv_range avoid[] = { { 0, 16 << 20 }, { 0x7f000000, 0x100000 } };
	uint64_t pool = 0;
	CHECK_EQ(memmap_pick_pool(out, (unsigned int)n, 64 << 20, 4ULL << 30, avoid, 2, &pool), 0);
	CHECK_EQ(pool, 0x7f000000 - (64 << 20));
	CHECK_EQ(memmap_pick_pool(out, (unsigned int)n, 4ULL << 30, 4ULL << 30, avoid, 2, &pool), -SV_ENOMEM);
	CHECK_EQ(memmap_pick_pool(out, (unsigned int)n, 3 << 20, 4ULL << 30, avoid, 2, &pool), -SV_EINVAL);

	/* Guest map: hidden ranges become reserved; holes stay holes. */
	struct sv_range hidden[] = { { 0x400000, 0x200000 }, { 0x7d000000, 0x2000000 } };
	struct mem_range g[MEMMAP_MAX];
	int ng = memmap_guest(out, (unsigned int)n, hidden, 2, g, MEMMAP_MAX);
	CHECK_EQ(ng, 9);
	CHECK_EQ(g[1].base, 0x100000);
	CHECK_EQ(g[1].size, 0x300000);
	CHECK_EQ(g[2].base, 0x400000);
	CHECK_EQ(g[2].type, MEM_RESERVED);
	CHECK_EQ(g[3].base, 0x600000);
	CHECK_EQ(g[3].type, MEM_USABLE);
	CHECK(!memmap_is_usable(g, (unsigned int)ng, 0x5ff000, 0x1000));
	CHECK(memmap_is_usable(g, (unsigned int)ng, 0x600000, 0x1000));
	CHECK(!memmap_is_usable(g, (unsigned int)ng, 0x3ff000, 0x2000)); /* runs into hidden */
	CHECK(!memmap_is_usable(g, (unsigned int)ng, UINT64_MAX - 10, 100));
	for (int i = 0; i < ng; i++)
		CHECK(!(g[i].type == MEM_USABLE && ranges_overlap(g[i].base, g[i].size, 0x7d000000, 0x2000000)));

	/* More entries than the output holds. */
	struct mem_range many[64];
	for (int i = 0; i < 64; i++)
		many[i] = (struct mem_range){ (uint64_t)i * 0x2000, 0x1000, MEM_USABLE };
	CHECK_EQ(memmap_normalize(many, 64, out, 10), -SV_E2BIG);

	/* Memory claimed above what the VMM can map is dropped or cut off. */
	struct mem_range far[] = {
		{ 0, 0x100000000ULL, MEM_USABLE },
		{ MEMMAP_PHYS_LIMIT - 0x200000, 0x400000, MEM_USABLE },
		{ 0xffffffff00000000ULL, 0x10000000, MEM_USABLE },
	};
	n = memmap_normalize(far, 3, out, MEMMAP_MAX);
	CHECK_EQ(n, 2);
	CHECK_EQ(out[1].base, MEMMAP_PHYS_LIMIT - 0x200000);
	CHECK_EQ(out[1].size, 0x200000);
	CHECK_EQ(memmap_top(out, (unsigned int)n), MEMMAP_PHYS_LIMIT);
}

/* ---- Linux boot protocol ---- */
static uint8_t kimg[0x20000];

static void build_bzimage(void)
{
	memset(kimg, 0, sizeof(kimg));
	kimg[0x1f1] = 4;               /* setup_sects */
	kimg[0x1fe] = 0x55;
	kimg[0x1ff] = 0xaa;
	kimg[0x200] = 0xeb;
	kimg[0x201] = 0x6a;            /* header ends at 0x26c */
	memcpy(kimg + 0x202, "HdrS", 4);
	kimg[0x206] = 0x0f;            /* 2.15 */
	kimg[0x207] = 0x02;
	kimg[0x211] = 0x01;            /* LOADED_HIGH */
	uint32_t v = 0x7fffffff;       /* initrd_addr_max */
	memcpy(kimg + 0x22c, &v, 4);
	v = 0x200000;                  /* kernel_alignment */
	memcpy(kimg + 0x230, &v, 4);
	kimg[0x234] = 1;               /* relocatable */
	v = 2048;
	memcpy(kimg + 0x238, &v, 4);
	uint64_t pref = 0x1000000;
	memcpy(kimg + 0x258, &pref, 8);
	v = 0x4000000;                 /* init_size 64 MiB */
	memcpy(kimg + 0x260, &v, 4);
}

static void test_linux(void)
{
	struct linux_image k;
	const char *why = NULL;

	build_bzimage();
	CHECK_EQ(linux_parse(kimg, sizeof(kimg), &k, &why), 0);
	CHECK_EQ(k.version, 0x020f);
	CHECK_EQ(k.pm_offset, 5 * 512);
	CHECK_EQ(k.pm_size, sizeof(kimg) - 5 * 512);
	CHECK_EQ(k.hdr_end, 0x26c);

	/* Each broken field gets its own message. */
	struct { size_t off; uint8_t val; const char *msg; } bad[] = {
		{ 0x1fe, 0, "module is not a Linux bzImage (no HdrS setup header)" },
		{ 0x202, 'X', "module is not a Linux bzImage (no HdrS setup header)" },
		{ 0x206, 0x09, "Linux boot protocol older than 2.10 (kernel before 2.6.31)" },
		{ 0x211, 0, "zImage (loaded low) kernels are not supported; need a bzImage" },
		{ 0x1f1, 0xff, "bzImage setup sectors run past the end of the module" },
		{ 0x231, 0x30, "bzImage kernel_alignment is not a power of two" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		build_bzimage();
		kimg[bad[i].off] = bad[i].val;
		if (bad[i].off == 0x1f1)
			CHECK_EQ(linux_parse(kimg, 0x1000, &k, &why), -SV_EINVAL);
		else
			CHECK_EQ(linux_parse(kimg, sizeof(kimg), &k, &why), -SV_EINVAL);
		CHECK_EQ(strcmp(why, bad[i].msg), 0);
	}
	build_bzimage();
	CHECK_EQ(linux_parse(kimg, 0x100, &k, &why), -SV_EINVAL);
	CHECK_EQ(strcmp(why, "module too small to be a Linux bzImage"), 0);

	/* Plan in a 512 MiB guest with the VMM hidden at 4 MiB and 446 MiB. */
	struct mem_range map[] = {
		{ 0, 0x9fc00, MEM_USABLE },
		{ 0x100000, 0x300000, MEM_USABLE },
		{ 0x400000, 0x200000, MEM_RESERVED },
		{ 0x600000, 0x1b800000, MEM_USABLE },
		{ 0x1be00000, 0x4000000, MEM_RESERVED },
		{ 0x1fe00000, 0x1e0000, MEM_USABLE },
	};
	struct linux_plan p;
	build_bzimage();
	CHECK_EQ(linux_parse(kimg, sizeof(kimg), &k, &why), 0);
	struct sv_range avoid = { 0x1bd00000, 0x100000 }; /* kernel's source bytes */
	CHECK_EQ(linux_plan(&k, map, 6, 0x300000, &avoid, 1, NULL, 0, &p, &why), 0);
	CHECK_EQ(p.load_addr, 0x1000000);
	/* Highest fit: the 1.9 MiB range at the top is too small; below the hidden pool, below the avoided range. */
	CHECK_EQ(p.initrd_addr, 0x1bd00000 - 0x300000);
	CHECK_EQ(p.initrd_size, 0x300000);

	/*
	 * Kept ranges (UEFI boot-services memory): neither the kernel nor the
	 * initrd lands on them, though the map calls them usable.
	 */
	struct sv_range keep[] = { { 0x1000000, 0x100000 }, { 0x1b000000, 0xd00000 } };
	CHECK_EQ(linux_plan(&k, map, 6, 0x300000, &avoid, 1, keep, 2, &p, &why), 0);
	CHECK(p.load_addr >= 0x1100000 && p.load_addr % k.kernel_alignment == 0);
	CHECK_EQ(p.initrd_addr, 0x1b000000 - 0x300000);
	CHECK(p.initrd_addr + p.initrd_size <= keep[1].base);

	/* Not enough room: a 16 MiB guest. */
	struct mem_range tiny[] = { { 0, 0x9fc00, MEM_USABLE }, { 0x100000, 0xf00000, MEM_USABLE } };
	CHECK_EQ(linux_plan(&k, tiny, 2, 0, NULL, 0, NULL, 0, &p, &why), -SV_EINVAL);
	CHECK_EQ(strcmp(why, "no usable guest memory below 4 GiB for the kernel"), 0);

	/* boot_params: header copied, loader fields set, E820 table written. */
	static uint8_t zp[4096];
	CHECK_EQ(linux_plan(&k, map, 6, 0x300000, &avoid, 1, NULL, 0, &p, &why), 0);
	CHECK_EQ(linux_boot_params(zp, kimg, &k, &p, 20, map, 6, &why), 0);
	CHECK_EQ(memcmp(zp + 0x202, "HdrS", 4), 0);
	CHECK_EQ(zp[0x210], 0xff);
	uint32_t v;
	memcpy(&v, zp + 0x214, 4);
	CHECK_EQ(v, 0x1000000);
	memcpy(&v, zp + 0x218, 4);
	CHECK_EQ(v, p.initrd_addr);
	memcpy(&v, zp + 0x228, 4);
	CHECK_EQ(v, GUEST_CMDLINE_ADDR);
	CHECK_EQ(zp[0x1e8], 6);
	uint64_t base;
	memcpy(&base, zp + 0x2d0 + 4 * 20, 8);
	CHECK_EQ(base, 0x1be00000);
	memcpy(&v, zp + 0x2d0 + 4 * 20 + 16, 4);
	CHECK_EQ(v, MEM_RESERVED);
	CHECK_EQ(linux_boot_params(zp, kimg, &k, &p, 3000, map, 6, &why), -SV_EINVAL);
	CHECK_EQ(strcmp(why, "kernel command line longer than the kernel accepts"), 0);
}

/* ---- guest page walks over a fake 16 MiB guest ---- */
#define GMEM (16u << 20)
static uint8_t *gmem;

static void *fake_map(void *ctx, uint64_t gpa, size_t len)
{
	(void)ctx;
	/* The last MiB plays the VMM's hidden memory. */
	if (gpa >= GMEM - (1u << 20) || gpa + len > GMEM - (1u << 20))
		return NULL;
	return gmem + gpa;
}

static void set64(uint64_t gpa, uint64_t v) { memcpy(gmem + gpa, &v, 8); }
static void set32(uint64_t gpa, uint32_t v) { memcpy(gmem + gpa, &v, 4); }

static void test_guest_mem(void)
{
	struct gm_phys ph = { fake_map, NULL };
	struct sv_guest_paging pg = { 0 };
	uint64_t gpa;
	char buf[32];

	gmem = calloc(1, GMEM);
	/* Paging off: identity, truncated to 32 bits outside long mode. */
	CHECK_EQ(gm_translate(&ph, &pg, 0x100001234ULL, false, &gpa), 0);
	CHECK_EQ(gpa, 0x1234);

	/* 4-level: PML4 0x1000, PDPT 0x2000, PD 0x3000, PT 0x4000. */
	pg.cr0 = CR0_PG | CR0_PE | CR0_WP;
	pg.cr4 = CR4_PAE;
	pg.efer = EFER_LME | EFER_LMA;
	pg.cr3 = 0x1000;
	set64(0x1000, 0x2000 | PTE_P | PTE_W | PTE_U);
	set64(0x2000, 0x3000 | PTE_P | PTE_W | PTE_U);
	set64(0x3000, 0x4000 | PTE_P | PTE_W | PTE_U);
	set64(0x3008, 0x200000 | PTE_P | PTE_W | PTE_U | PTE_PS); /* 2 MiB page at va 2 MiB */
	set64(0x4000 + 1 * 8, 0x5000 | PTE_P | PTE_W | PTE_U);     /* va 0x1000: user rw */
	set64(0x4000 + 2 * 8, 0x6000 | PTE_P | PTE_U);             /* va 0x2000: user ro */
	set64(0x4000 + 3 * 8, 0x7000 | PTE_P | PTE_W);             /* va 0x3000: supervisor */
	set64(0x4000 + 5 * 8, (GMEM - 0x1000) | PTE_P | PTE_W | PTE_U); /* va 0x5000: "VMM" memory */
	/* va 0x4000 not present. */
	pg.cpl = 3;
	CHECK_EQ(gm_translate(&ph, &pg, 0x1234, true, &gpa), 0);
	CHECK_EQ(gpa, 0x5234);
	CHECK_EQ(gm_translate(&ph, &pg, 0x212345, false, &gpa), 0);
	CHECK_EQ(gpa, 0x212345);
	CHECK_EQ(gm_translate(&ph, &pg, 0x2000, true, &gpa), -SV_EFAULT);
	CHECK_EQ(gm_translate(&ph, &pg, 0x2000, false, &gpa), 0);
	CHECK_EQ(gm_translate(&ph, &pg, 0x3000, false, &gpa), -SV_EPERM);
	CHECK_EQ(gm_translate(&ph, &pg, 0x4000, false, &gpa), -SV_EFAULT);
	CHECK_EQ(gm_translate(&ph, &pg, 0x0000800000000000ULL, false, &gpa), -SV_EFAULT); /* non-canonical */
	pg.cpl = 0;
	CHECK_EQ(gm_translate(&ph, &pg, 0x3000, false, &gpa), 0);
	CHECK_EQ(gpa, 0x7000);
	CHECK_EQ(gm_translate(&ph, &pg, 0x2000, true, &gpa), -SV_EFAULT); /* CR0.WP */
	pg.cr0 &= ~CR0_WP;
	CHECK_EQ(gm_translate(&ph, &pg, 0x2000, true, &gpa), 0);
	pg.cr0 |= CR0_WP;
	pg.cpl = 3;

	/* Copies: across pages, into a hole, into VMM memory. */
	memcpy(gmem + 0x5ff8, "abcdefgh", 8);
	memcpy(gmem + 0x6000, "ijkl", 5);
	CHECK_EQ(gm_copy_from(&ph, &pg, buf, 0x1ff8, 13), 0);
	CHECK_EQ(memcmp(buf, "abcdefghijkl", 13), 0);
	CHECK_EQ(gm_read_string(&ph, &pg, 0x1ff8, buf, sizeof(buf)), 12);
	CHECK_EQ(gm_read_string(&ph, &pg, 0x1ff8, buf, 5), -SV_E2BIG);
	char before[4];
	memcpy(before, (char *)gmem + 0x5ffc, 4);
	CHECK_EQ(gm_copy_to(&ph, &pg, 0x1ffc, "XYZW1234", 8), -SV_EFAULT); /* second page read-only */
	CHECK_EQ(memcmp((char *)gmem + 0x5ffc, before, 4), 0); /* and the first page untouched */
	CHECK_EQ(gm_copy_from(&ph, &pg, buf, 0x5000, 4), -SV_EFAULT);     /* hidden memory */
	CHECK_EQ(gm_copy_from(&ph, &pg, buf, UINT64_MAX - 2, 8), -SV_EFAULT); /* wraps */
	CHECK_EQ(gm_copy_to(&ph, &pg, 0x1100, "ok", 3), 0);
	CHECK_EQ(strcmp((char *)gmem + 0x5100, "ok"), 0);

	/* A page-table pointer into hidden memory fails, not faults. */
	set64(0x4000 + 6 * 8, 0);
	set64(0x3010, (GMEM - 0x2000) | PTE_P | PTE_W | PTE_U); /* PD entry 2 -> table in "VMM" */
	CHECK_EQ(gm_translate(&ph, &pg, 0x400000, false, &gpa), -SV_EFAULT);

	/* PAE (32-bit): PDPT at 0x8000 (32-byte aligned), PD 0x9000, PT 0xa000. */
	struct sv_guest_paging pae = { .cr0 = CR0_PG | CR0_PE, .cr4 = CR4_PAE, .cr3 = 0x8000, .cpl = 3 };
	set64(0x8000, 0x9000 | PTE_P);
	set64(0x9000, 0xa000 | PTE_P | PTE_W | PTE_U);
	set64(0x9008, 0x400000 | PTE_P | PTE_W | PTE_U | PTE_PS);
	set64(0xa000 + 8, 0xb000 | PTE_P | PTE_W | PTE_U);
	CHECK_EQ(gm_translate(&ph, &pae, 0x1010, true, &gpa), 0);
	CHECK_EQ(gpa, 0xb010);
	CHECK_EQ(gm_translate(&ph, &pae, 0x2abcde, false, &gpa), 0);
	CHECK_EQ(gpa, 0x4abcde);
	CHECK_EQ(gm_translate(&ph, &pae, 0x40000000, false, &gpa), -SV_EFAULT); /* PDPTE 1 absent */

	/* Legacy 32-bit with a 4 MiB page. */
	struct sv_guest_paging p32 = { .cr0 = CR0_PG | CR0_PE, .cr4 = CR4_PSE, .cr3 = 0xc000, .cpl = 0 };
	set32(0xc000 + 1 * 4, 0x800000 | PTE_P | PTE_W | PTE_PS);
	set32(0xc000 + 0 * 4, 0xd000 | PTE_P | PTE_W);
	set32(0xd000 + 3 * 4, 0xe000 | PTE_P);
	CHECK_EQ(gm_translate(&ph, &p32, 0x401234, true, &gpa), 0);
	CHECK_EQ(gpa, 0x801234);
	CHECK_EQ(gm_translate(&ph, &p32, 0x3456, false, &gpa), 0);
	CHECK_EQ(gpa, 0xe456);
	p32.cpl = 3;
	CHECK_EQ(gm_translate(&ph, &p32, 0x3456, false, &gpa), -SV_EPERM);
	free(gmem);
}

static void test_text(void)
{
	struct {
		const char *in, *out;
		size_t replaced;
	} cases[] = {
		{ "plain text\n\ttab", "plain text\n\ttab", 0 },
		{ "esc \x1b[2J bell \x07 cr \r del \x7f", "esc ?[2J bell ? cr ? del ?", 4 },
		{ "csi8 \x9b" "31m", "csi8 ?31m", 1 },                 /* raw C1 CSI */
		{ "csi-utf8 \xc2\x9b" "31m", "csi-utf8 ??31m", 2 },   /* U+009B */
		{ "nel \xc2\x85 end", "nel ?? end", 2 },              /* U+0085 */
		{ "latin \xc3\xa9 ok", "latin \xc3\xa9 ok", 0 },     /* U+00E9 stays */
		{ "euro \xe2\x82\xac", "euro \xe2\x82\xac", 0 },
		{ "emoji \xf0\x9f\x98\x80", "emoji \xf0\x9f\x98\x80", 0 },
		{ "overlong \xc0\xaf", "overlong ??", 2 },
		{ "overlong3 \xe0\x80\xaf", "overlong3 ???", 3 },
		{ "surrogate \xed\xa0\x80", "surrogate ???", 3 },
		{ "too big \xf4\x90\x80\x80", "too big ????", 4 },
		{ "cut \xe2\x82", "cut ??", 2 },
		{ "lone cont \x80\xbf", "lone cont ??", 2 },
		{ "ff \xff\xfe", "ff ??", 2 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[64];
		size_t n = strlen(cases[i].in);
		memcpy(buf, cases[i].in, n + 1);
		size_t r = text_sanitize(buf, n);
		CHECK(r == cases[i].replaced);
		CHECK(strcmp(buf, cases[i].out) == 0);
	}
}

/* ---- console transmit ring ---- */

/* A UART model: takes `room` bytes, then is busy until given more room. */
struct fake_uart {
	char out[3 * TXRING_SIZE];
	size_t n;
	unsigned int room;
};

static bool fake_ready(void *ctx)
{
	return ((struct fake_uart *)ctx)->room > 0;
}

static void fake_put(void *ctx, char c)
{
	struct fake_uart *u = ctx;

	CHECK(u->room > 0 && u->n < sizeof(u->out));
	u->room--;
	u->out[u->n++] = c;
}

static void test_txring(void)
{
	static struct txring r;
	static struct fake_uart u;
	const struct txring_port port = { fake_ready, fake_put, &u };
	char line[4096];

	/* A 4 KiB write with a UART that takes 16 bytes now: 16 go out, no wait. */
	for (size_t i = 0; i < sizeof(line); i++)
		CHECK(txring_put(&r, line[i] = (char)('a' + i % 26)));
	u.room = 16;
	CHECK(txring_drain(&r, &port, TXRING_SIZE) == 16);
	CHECK(txring_pending(&r) == sizeof(line) - 16);
	CHECK(txring_drain(&r, &port, TXRING_SIZE) == 0); /* busy: returns at once */
	/* Later drains send the rest, in order, bounded by max. */
	u.room = 1000000;
	CHECK(txring_drain(&r, &port, 100) == 100);
	CHECK(txring_drain(&r, &port, TXRING_SIZE) == sizeof(line) - 116);
	CHECK(u.n == sizeof(line) && memcmp(u.out, line, sizeof(line)) == 0);
	CHECK(r.dropped == 0);

	/* Full: the excess is dropped and counted; the ring keeps what it had. */
	u.n = 0;
	u.room = 0;
	for (size_t i = 0; i < TXRING_SIZE + 100; i++)
		txring_put(&r, 'x');
	CHECK(r.dropped == 100 && txring_pending(&r) == TXRING_SIZE);
	/* Room for one byte only: the notice does not fit, so 'y' is dropped too. */
	u.room = 1;
	txring_drain(&r, &port, TXRING_SIZE);
	CHECK(!txring_put(&r, 'y') && r.dropped == 101);
	/* With room, the next byte comes after a whole notice of all 101. */
	u.room = 1000000;
	txring_drain(&r, &port, TXRING_SIZE);
	u.n = 0;
	CHECK(txring_put(&r, 'z'));
	txring_drain(&r, &port, TXRING_SIZE);
	static const char notice[] = "\r\n[sealvisor] console: 101 bytes dropped here (the log ring has them)\r\nz";
	CHECK(u.n == sizeof(notice) - 1 && memcmp(u.out, notice, u.n) == 0);
	CHECK(r.reported == r.dropped && txring_pending(&r) == 0);
	char c;
	CHECK(!txring_get(&r, &c));
}

int main(void)
{
	test_text();
	test_txring();
	test_format();
	test_mb2();
	test_memmap();
	test_linux();
	test_guest_mem();
	printf("%d checks, %d failures\n", tcheck_checks, tcheck_failures);
	return tcheck_failures ? 1 : 0;
}
