/*
 * Host unit tests of the ACPI table reader (vmm/drivers/acpi.c): RSDP
 * checks, the BIOS-area scan, root tables and the table walk, table
 * headers at hostile lengths and addresses.  The recorded machines and
 * the MADT parser are in test_madt.c.
 */
#include "tharness.h"

/* ---- RSDP ---- */
static void test_rsdp(void)
{
	struct acpi_rsdp r;
	const char *why;
	uint8_t b[64];
	const struct rec_blob *v1 = &qemu_pc_smp2.rsdp;

	memcpy(b, v1->bytes, 20);
	CHECK_EQ(acpi_rsdp_check(b, 20, &r, &why), 0);
	CHECK_EQ(r.revision, 0);
	CHECK_EQ(r.rsdt, 0x1ffe1b33);
	CHECK_EQ(r.pa, 0);
	for (size_t n = 0; n < 20; n++) {
		why = NULL;
		CHECK_EQ(acpi_rsdp_check(b, n, &r, &why), -SV_EINVAL);
		CHECK_WHY(why, "RSDP shorter than 20 bytes");
	}
	b[19] ^= 1;
	CHECK_EQ(acpi_rsdp_check(b, 20, &r, &why), -SV_EINVAL);
	CHECK_WHY(why, "RSDP checksum wrong");
	CHECK_EQ(r.rsdt, 0);
	memcpy(b, v1->bytes, 20);
	b[0] = 'r';
	CHECK_EQ(acpi_rsdp_check(b, 20, &r, &why), -SV_EINVAL);
	CHECK_WHY(why, "no \"RSD PTR \" signature");

	/* Revision 1 is treated as ACPI 1.0, as Linux does. */
	memcpy(b, v1->bytes, 20);
	b[15] = 1;
	fix_sum(b, 20, 8);
	CHECK_EQ(acpi_rsdp_check(b, 20, &r, &why), 0);
	CHECK_EQ(r.length, 20);

	/* v2 */
	make_rsdp2(b, 0x1000, 0x123456789000ULL);
	CHECK_EQ(acpi_rsdp_check(b, 36, &r, &why), 0);
	CHECK_EQ(r.revision, 2);
	CHECK_EQ(r.length, 36);
	CHECK_EQ(r.rsdt, 0x1000);
	CHECK_EQ(r.xsdt, 0x123456789000ULL);
	CHECK_EQ(strcmp(r.oem_id, "SVTEST"), 0);
	for (size_t n = 20; n < 36; n++) {
		CHECK_EQ(acpi_rsdp_check(b, n, &r, &why), -SV_EINVAL);
		CHECK_WHY(why, "ACPI 2.0 RSDP shorter than 36 bytes");
	}
	b[35] ^= 0x40; /* reserved byte: only the extended checksum sees it */
	CHECK_EQ(acpi_rsdp_check(b, 36, &r, &why), -SV_EINVAL);
	CHECK_WHY(why, "RSDP extended checksum wrong");
	make_rsdp2(b, 0x1000, 0x2000);
	b[26] ^= 1; /* the XSDT address */
	CHECK_EQ(acpi_rsdp_check(b, 36, &r, &why), -SV_EINVAL);
	CHECK_WHY(why, "RSDP extended checksum wrong");
	CHECK_EQ(r.xsdt, 0);
	/* The length field: below 36, above the bound, past the bytes given. */
	const uint32_t lens[] = { 0, 20, 35, 65, 0x1000, 0xffffffffu, 40 };
	const int codes[] = { -SV_EINVAL, -SV_EINVAL, -SV_EINVAL, -SV_E2BIG, -SV_E2BIG, -SV_E2BIG,
			      -SV_EINVAL };
	for (size_t i = 0; i < ARRAY_SIZE(lens); i++) {
		make_rsdp2(b, 0x1000, 0x2000);
		put32(b + 20, lens[i]);
		fix_sum(b, 20, 8);
		fix_sum(b, 36, 32);
		CHECK_EQ(acpi_rsdp_check(b, 36, &r, &why), codes[i]);
	}
	/* A longer RSDP with a valid extended checksum over all of it. */
	memset(b, 0, sizeof(b));
	make_rsdp2(b, 0x1000, 0x2000);
	put32(b + 20, 64);
	b[50] = 0x77;
	fix_sum(b, 20, 8);
	fix_sum(b, 64, 32);
	CHECK_EQ(acpi_rsdp_check(b, 64, &r, &why), 0);
	CHECK_EQ(r.length, 64);
	CHECK_EQ(acpi_rsdp_check(b, 63, &r, &why), -SV_EINVAL);
	CHECK_WHY(why, "RSDP length past the bytes given");
}

/* ---- the BIOS-area scan ---- */
static uint8_t *fake_low(struct fakemem *fm, uint16_t ebda_seg)
{
	memset(fm, 0, sizeof(*fm));
	uint8_t *low = fm_add(fm, 0, LOW_MEM, NULL);
	low[ACPI_EBDA_PTR] = (uint8_t)ebda_seg;
	low[ACPI_EBDA_PTR + 1] = (uint8_t)(ebda_seg >> 8);
	return low;
}

static void test_scan(void)
{
	struct fakemem fm;
	struct acpi_rsdp r;
	const char *why;
	const uint8_t *v1 = qemu_pc_smp2.rsdp.bytes;
	uint8_t v2[36];
	struct acpi_mem mem = fm_mem(&fm);

	/* In the EBDA (first KiB only). */
	uint8_t *low = fake_low(&fm, 0x9fc0);
	memcpy(low + 0x9fc00 + 0x3f0, v1, 20);
	CHECK_EQ(acpi_rsdp_scan(&mem, &r, &why), 0);
	CHECK_EQ(r.pa, 0x9fc00 + 0x3f0);
	CHECK_EQ(r.rsdt, 0x1ffe1b33);
	fm_free(&fm);
	low = fake_low(&fm, 0x9f00); /* the same bytes are now past its first KiB */
	memcpy(low + 0x9fc00 + 0x3f0, v1, 20);
	CHECK_EQ(acpi_rsdp_scan(&mem, &r, &why), -SV_ENOENT);
	CHECK_WHY(why, "no RSDP in the EBDA or the BIOS area");
	CHECK_EQ(r.pa, 0);
	fm_free(&fm);

	/* In 0xe0000-0xfffff, first and last slots, v1 and v2. */
	const uint64_t at[] = { 0xe0000, 0xf59d0, 0xfffe0 };
	for (size_t i = 0; i < ARRAY_SIZE(at); i++) {
		low = fake_low(&fm, 0x9fc0);
		memcpy(low + at[i], v1, 20);
		CHECK_EQ(acpi_rsdp_scan(&mem, &r, &why), 0);
		CHECK_EQ(r.pa, at[i]);
		fm_free(&fm);
	}
	low = fake_low(&fm, 0);
	make_rsdp2(v2, 0x1000, 0x2000);
	memcpy(low + 0xfffd0, v2, 36);
	CHECK_EQ(acpi_rsdp_scan(&mem, &r, &why), 0);
	CHECK_EQ(r.pa, 0xfffd0);
	CHECK_EQ(r.revision, 2);
	CHECK_EQ(r.xsdt, 0x2000);
	fm_free(&fm);

	/* A v2 RSDP in the last slot runs past 1 MiB: its tail is not readable. */
	low = fake_low(&fm, 0);
	memcpy(low + 0xffff0, v2, 16);
	memcpy(low + 0xfffc0, v1, 20); /* ... and a v1 one before it wins */
	CHECK_EQ(acpi_rsdp_scan(&mem, &r, &why), 0);
	CHECK_EQ(r.pa, 0xfffc0);
	memset(low + 0xfffc0, 0, 20);
	CHECK_EQ(acpi_rsdp_scan(&mem, &r, &why), -SV_ENOENT);
	CHECK_WHY(why, "RSDP not readable");
	fm_free(&fm);

	/* Off the 16-byte grid: not found. */
	low = fake_low(&fm, 0x9fc0);
	memcpy(low + 0xe0008, v1, 20);
	CHECK_EQ(acpi_rsdp_scan(&mem, &r, &why), -SV_ENOENT);
	fm_free(&fm);

	/* A corrupted one is refused and named; a good one after it is found. */
	low = fake_low(&fm, 0x9fc0);
	memcpy(low + 0x9fc00, v1, 20);
	low[0x9fc00 + 12] ^= 0x20;
	CHECK_EQ(acpi_rsdp_scan(&mem, &r, &why), -SV_ENOENT);
	CHECK_WHY(why, "RSDP checksum wrong");
	memcpy(low + 0xe1230, v1, 20);
	CHECK_EQ(acpi_rsdp_scan(&mem, &r, &why), 0);
	CHECK_EQ(r.pa, 0xe1230);
	memcpy(low + 0xe0010, v2, 36);
	low[0xe0010 + 30] ^= 1; /* bad extended checksum, found first */
	CHECK_EQ(acpi_rsdp_scan(&mem, &r, &why), 0);
	CHECK_EQ(r.pa, 0xe1230);
	fm_free(&fm);

	/* An EBDA pointer out of range (0xa0000 and above, or below 0x400) is ignored. */
	const uint16_t segs[] = { 0xa000, 0xffff, 0x0020, 0x9fc1 };
	for (size_t i = 0; i < ARRAY_SIZE(segs); i++) {
		low = fake_low(&fm, segs[i]);
		uint64_t ebda = (uint64_t)segs[i] << 4;
		if (ebda + 20 <= LOW_MEM)
			memcpy(low + ebda, v1, 20);
		int want = (ebda >= 0xe0000 && ebda + 20 <= LOW_MEM) ? 0 : -SV_ENOENT;
		if (segs[i] == 0x9fc1)
			want = 0; /* ebda 0x9fc10: a valid EBDA */
		CHECK_EQ(acpi_rsdp_scan(&mem, &r, &why), want);
		fm_free(&fm);
	}

	/*
	 * Conventional memory and the BIOS area mapped, the hole between
	 * them not: an EBDA near 0xa0000 is scanned only up to it.
	 */
	memset(&fm, 0, sizeof(fm));
	low = fm_add(&fm, 0, ACPI_EBDA_LIMIT, NULL);
	fm_add(&fm, ACPI_BIOS_START, ACPI_BIOS_END - ACPI_BIOS_START, NULL);
	low[ACPI_EBDA_PTR] = 0xc1;
	low[ACPI_EBDA_PTR + 1] = 0x9f;
	memcpy(low + 0x9fc10 + 0x3d0, v1, 20);
	CHECK_EQ(acpi_rsdp_scan(&mem, &r, &why), 0);
	CHECK_EQ(r.pa, 0x9fc10 + 0x3d0);
	fm_free(&fm);

	/* Nothing mapped: EFAULT for the BIOS area. */
	low = fake_low(&fm, 0x9fc0);
	fm.refuse_all = true;
	CHECK_EQ(acpi_rsdp_scan(&mem, &r, &why), -SV_EFAULT);
	CHECK_WHY(why, "BIOS area 0xe0000-0xfffff not readable");
	fm_free(&fm);

	/* Only the BIOS area mapped (no page 0): the EBDA is skipped. */
	memset(&fm, 0, sizeof(fm));
	uint8_t *bios = fm_add(&fm, 0xe0000, 0x20000, NULL);
	memcpy(bios + 0x100, v1, 20);
	CHECK_EQ(acpi_rsdp_scan(&mem, &r, &why), 0);
	CHECK_EQ(r.pa, 0xe0100);
	fm_free(&fm);
}

/* ---- root tables and the walk ---- */

#define XSDT_PA 0x7fff0000ULL
#define RSDT_PA 0x7fff1000ULL
#define RSDP_PA 0xf0000ULL

static void test_root(void)
{
	struct fakemem fm;
	struct acpi_rsdp r;
	struct acpi_root root;
	struct acpi_table t;
	const char *why;
	const struct rec_machine *m = &qemu_q35_smp4;
	struct acpi_mem mem = fm_mem(&fm);

	/*
	 * q35's tables, behind an XSDT listing: 0, a wrapping address, an
	 * unreadable one, FACP, APIC, HPET, APIC (a second instance: Bochs's
	 * MADT, copied next to it), and an MADT with a bad checksum.
	 */
	load_machine(&fm, m);
	const struct rec_blob *b = rec_table(&bochs_smp2, "APIC");
	fm_add(&fm, 0x40000000, b->len, b->bytes);
	uint8_t *bad = fm_add(&fm, 0x40001000, b->len, b->bytes);
	bad[50] ^= 1;
	const uint64_t ent[] = { 0, 0xfffffffffffffff0ULL, 0x123400000000ULL, rec_table(m, "FACP")->pa,
				 rec_table(m, "APIC")->pa, rec_table(m, "HPET")->pa, 0x40000000,
				 0x40001000 };
	uint32_t xl = ACPI_HDR_LEN + 8 * ARRAY_SIZE(ent) + 4; /* 4 trailing bytes: ignored */
	uint8_t *x = fm_add(&fm, XSDT_PA, xl, NULL);
	make_hdr(x, "XSDT", xl, 1);
	for (size_t i = 0; i < ARRAY_SIZE(ent); i++)
		put64(x + ACPI_HDR_LEN + 8 * i, ent[i]);
	fix_table(x);
	uint8_t *low = fm.r[0].buf;
	make_rsdp2(low + RSDP_PA, (uint32_t)m->tables[0].pa, XSDT_PA);

	CHECK_EQ(acpi_rsdp_scan(&mem, &r, &why), 0);
	CHECK_EQ(r.pa, RSDP_PA); /* below the recorded v1 one: found first */
	CHECK_EQ(r.revision, 2);
	CHECK_EQ(r.xsdt, XSDT_PA);
	CHECK_EQ(acpi_root_open(&mem, &r, &root, &why), 0);
	CHECK_EQ(root.xsdt, true);
	CHECK_EQ(root.entry_size, 8);
	CHECK_EQ(root.count, ARRAY_SIZE(ent));
	CHECK_EQ(root.table.pa, XSDT_PA);
	CHECK_EQ(acpi_table_find(&root, "APIC", 0, &t, &why), 0);
	CHECK_EQ(t.pa, rec_table(m, "APIC")->pa);
	CHECK_EQ(acpi_table_find(&root, "APIC", 1, &t, &why), 0);
	CHECK_EQ(t.pa, 0x40000000);
	CHECK_EQ(acpi_table_find(&root, "APIC", 2, &t, &why), -SV_EINVAL);
	CHECK_WHY(why, "table checksum wrong");
	CHECK(t.data == NULL);
	CHECK_EQ(acpi_table_find(&root, "APIC", 3, &t, &why), -SV_ENOENT);
	CHECK_EQ(acpi_table_find(&root, "MCFG", 0, &t, &why), -SV_ENOENT); /* only in the RSDT */
	CHECK_EQ(acpi_table_find(&root, "FACP", 0, &t, &why), 0);
	CHECK_EQ(t.revision, 3);

	/* An XSDT with a bad checksum: the RSDT, and why the XSDT was refused. */
	x[40] ^= 1;
	CHECK_EQ(acpi_root_open(&mem, &r, &root, &why), 0);
	CHECK_EQ(root.xsdt, false);
	CHECK_WHY(root.xsdt_refused, "table checksum wrong");
	CHECK_EQ(root.count, 5);
	CHECK_EQ(acpi_table_find(&root, "MCFG", 0, &t, &why), 0);
	/* ... and without an RSDT either: the XSDT's fault. */
	uint8_t p2[36];
	make_rsdp2(p2, 0, XSDT_PA);
	CHECK_EQ(acpi_rsdp_check(p2, 36, &r, &why), 0);
	CHECK_EQ(acpi_root_open(&mem, &r, &root, &why), -SV_EINVAL);
	CHECK_WHY(why, "table checksum wrong");
	x[40] ^= 1;
	CHECK_EQ(acpi_root_open(&mem, &r, &root, &why), 0);
	CHECK_EQ(root.xsdt, true);
	/* An XSDT address that is not readable, or 0: the RSDT. */
	make_rsdp2(p2, (uint32_t)m->tables[0].pa, 0xdead0000);
	CHECK_EQ(acpi_rsdp_check(p2, 36, &r, &why), 0);
	CHECK_EQ(acpi_root_open(&mem, &r, &root, &why), 0);
	CHECK_EQ(root.xsdt, false);
	CHECK_WHY(root.xsdt_refused, "table header not readable");
	make_rsdp2(p2, (uint32_t)m->tables[0].pa, 0);
	CHECK_EQ(acpi_rsdp_check(p2, 36, &r, &why), 0);
	CHECK_EQ(acpi_root_open(&mem, &r, &root, &why), 0);
	CHECK_EQ(root.xsdt, false);
	CHECK(root.xsdt_refused == NULL);
	/* A revision-0 RSDP's XSDT field is not read. */
	r.revision = 0;
	r.xsdt = XSDT_PA;
	CHECK_EQ(acpi_root_open(&mem, &r, &root, &why), 0);
	CHECK_EQ(root.xsdt, false);
	/* Neither table named. */
	make_rsdp2(p2, 0, 0);
	CHECK_EQ(acpi_rsdp_check(p2, 36, &r, &why), 0);
	CHECK_EQ(acpi_root_open(&mem, &r, &root, &why), -SV_ENOENT);
	CHECK_WHY(why, "the RSDP names neither an XSDT nor an RSDT");
	/* The RSDT is where an XSDT should be: wrong signature. */
	make_rsdp2(p2, 0, m->tables[0].pa);
	CHECK_EQ(acpi_rsdp_check(p2, 36, &r, &why), 0);
	CHECK_EQ(acpi_root_open(&mem, &r, &root, &why), -SV_EINVAL);
	CHECK_WHY(why, "table signature not the one expected");
	fm_free(&fm);

	/* An empty RSDT (just a header) finds nothing. */
	memset(&fm, 0, sizeof(fm));
	uint8_t *e = fm_add(&fm, RSDT_PA, ACPI_HDR_LEN, NULL);
	make_hdr(e, "RSDT", ACPI_HDR_LEN, 1);
	fix_table(e);
	memset(&r, 0, sizeof(r));
	r.rsdt = (uint32_t)RSDT_PA;
	CHECK_EQ(acpi_root_open(&mem, &r, &root, &why), 0);
	CHECK_EQ(root.count, 0);
	CHECK_EQ(acpi_table_find(&root, "APIC", 0, &t, &why), -SV_ENOENT);
	fm_free(&fm);
}

/* ---- table headers: lengths and addresses that must be refused ---- */
static void test_table_map(void)
{
	struct fakemem fm;
	struct acpi_table t;
	const char *why;
	struct acpi_mem mem = fm_mem(&fm);
	const struct rec_blob *hpet = rec_table(&qemu_pc_smp2, "HPET");

	memset(&fm, 0, sizeof(fm));
	uint8_t *h = fm_add(&fm, 0x100000, 0x3000, NULL);
	memcpy(h, hpet->bytes, hpet->len);
	CHECK_EQ(acpi_table_map(&mem, 0x100000, "HPET", &t, &why), 0);
	CHECK_EQ(acpi_table_map(&mem, 0x100000, NULL, &t, &why), 0);
	CHECK_EQ(strcmp(t.oem_table_id, "BXPC    "), 0);
	CHECK_EQ(acpi_table_map(&mem, 0x100000, "APIC", &t, &why), -SV_EINVAL);
	CHECK_WHY(why, "table signature not the one expected");
	CHECK_EQ(acpi_table_check(h, hpet->len, "HPET", &why), (int)hpet->len);
	CHECK_EQ(acpi_table_check(h, 0x3000, NULL, &why), (int)hpet->len);

	const uint32_t bad_len[] = { 0, 1, 35 };
	for (size_t i = 0; i < ARRAY_SIZE(bad_len); i++) {
		put32(h + 4, bad_len[i]);
		CHECK_EQ(acpi_table_map(&mem, 0x100000, NULL, &t, &why), -SV_EINVAL);
		CHECK_WHY(why, "table length field below its 36-byte header");
		CHECK_EQ(acpi_table_check(h, 0x3000, NULL, &why), -SV_EINVAL);
	}
	const uint32_t huge[] = { ACPI_TABLE_MAX_LEN + 1, 0x7fffffff, 0xffffffffu };
	for (size_t i = 0; i < ARRAY_SIZE(huge); i++) {
		put32(h + 4, huge[i]);
		CHECK_EQ(acpi_table_map(&mem, 0x100000, NULL, &t, &why), -SV_E2BIG);
		CHECK_WHY(why, "table length field above 1 MiB");
		CHECK_EQ(acpi_table_check(h, 0x3000, NULL, &why), -SV_E2BIG);
	}
	/* Within bounds but past the region: refused by the callback. */
	put32(h + 4, 0x3001);
	CHECK_EQ(acpi_table_map(&mem, 0x100000, NULL, &t, &why), -SV_EFAULT);
	CHECK_WHY(why, "table not readable for its whole length");
	CHECK_EQ(acpi_table_check(h, 0x3000, NULL, &why), -SV_EINVAL);
	CHECK_WHY(why, "table length past the bytes given");
	/* Exactly 1 MiB passes the bound; this region is shorter. */
	put32(h + 4, ACPI_TABLE_MAX_LEN);
	CHECK_EQ(acpi_table_map(&mem, 0x100000, NULL, &t, &why), -SV_EFAULT);
	fm_free(&fm);

	/* Addresses at the top of the address space. */
	memset(&fm, 0, sizeof(fm));
	uint64_t top = 0xffffffffffffff00ULL; /* a region ending exactly at 2^64 */
	uint8_t *tt = fm_add(&fm, top, 0x100, NULL);
	memcpy(tt + 0x80, hpet->bytes, hpet->len);
	CHECK_EQ(acpi_table_map(&mem, top + 0x80, "HPET", &t, &why), 0);
	put32(tt + 0x80 + 4, 0x7f); /* its last byte is the address space's last */
	CHECK_EQ(acpi_table_map(&mem, top + 0x80, NULL, &t, &why), -SV_EINVAL);
	CHECK_WHY(why, "table checksum wrong");
	put32(tt + 0x80 + 4, 0x80); /* pa + length would be 2^64: refused */
	CHECK_EQ(acpi_table_map(&mem, top + 0x80, NULL, &t, &why), -SV_EFAULT);
	CHECK_WHY(why, "table wraps around the address space");
	put32(tt + 0x80 + 4, 0x1000);
	CHECK_EQ(acpi_table_map(&mem, top + 0x80, NULL, &t, &why), -SV_EFAULT);
	CHECK_WHY(why, "table wraps around the address space");
	memcpy(tt + 0xdc, hpet->bytes, 36); /* a header in the last 36 bytes */
	put32(tt + 0xdc + 4, 36);
	fix_table(tt + 0xdc);
	CHECK_EQ(acpi_table_map(&mem, UINT64_MAX - 35, NULL, &t, &why), -SV_EFAULT);
	CHECK_WHY(why, "table address wraps around");
	memcpy(tt + 0xdb, hpet->bytes, 36);
	put32(tt + 0xdb + 4, 36);
	fix_table(tt + 0xdb);
	CHECK_EQ(acpi_table_map(&mem, UINT64_MAX - 36, "HPET", &t, &why), 0);
	CHECK_EQ(t.length, 36);
	CHECK_EQ(acpi_table_map(&mem, UINT64_MAX, NULL, &t, &why), -SV_EFAULT);
	CHECK_WHY(why, "table address wraps around");
	fm_free(&fm);

	/* An RSDT entry count comes from its length alone, and entries are bounded. */
	memset(&fm, 0, sizeof(fm));
	uint8_t *rs = fm_add(&fm, RSDT_PA, ACPI_HDR_LEN + 7, NULL);
	make_hdr(rs, "RSDT", ACPI_HDR_LEN + 7, 1);
	put32(rs + 36, 0xffffffff);
	fix_table(rs);
	struct acpi_rsdp r;
	struct acpi_root root;
	memset(&r, 0, sizeof(r));
	r.rsdt = (uint32_t)RSDT_PA;
	CHECK_EQ(acpi_root_open(&mem, &r, &root, &why), 0);
	CHECK_EQ(root.count, 1);
	CHECK_EQ(acpi_table_find(&root, "APIC", 0, &t, &why), -SV_ENOENT);
	fm_free(&fm);
}

/*
 * Memory that changes between two reads (firmware tables are not the
 * VMM's): the header mapping sees one length, the whole-table mapping
 * another, with a checksum that is right for it.
 */
static uint8_t race_hdr[64], race_full[64];

static const void *race_map(void *ctx, uint64_t pa, uint64_t len)
{
	(void)ctx;
	if (pa != 0x5000 || len > sizeof(race_full))
		return NULL;
	return len == ACPI_HDR_LEN ? race_hdr : race_full;
}

static void test_table_race(void)
{
	struct acpi_mem mem = { .map = race_map, .ctx = NULL };
	struct acpi_table t;
	const char *why;

	make_hdr(race_hdr, "HPET", 56, 1);
	memcpy(race_full, race_hdr, ACPI_HDR_LEN);
	put32(race_full + 4, 40);
	fix_table(race_full);
	CHECK_EQ(acpi_table_map(&mem, 0x5000, "HPET", &t, &why), -SV_EINVAL);
	CHECK_WHY(why, "table length changed while it was read");
	put32(race_full + 4, 56);
	fix_table(race_full);
	CHECK_EQ(acpi_table_map(&mem, 0x5000, "HPET", &t, &why), 0);
	CHECK(t.data == race_full);
}

int main(void)
{
	test_rsdp();
	test_scan();
	test_root();
	test_table_map();
	test_table_race();
	return t_report();
}
