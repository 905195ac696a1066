/*
 * Host unit tests of the ACPI table reader and the MADT parser
 * (vmm/drivers/acpi.c, madt.c) over tables recorded from QEMU and Bochs
 * (recorded_tables.h) and over hostile ones.  Physical memory is a list
 * of regions, each in a heap block of exactly its size, so that a read
 * past a region is caught by AddressSanitizer (the build adds it where
 * the compiler has it) and a map request beyond one is refused and
 * counted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sv/acpi.h>

#include "recorded_tables.h"

static int failures, checks;

#define CHECK_EQ(got, want)                                                              \
	do {                                                                             \
		long long g_ = (long long)(got), w_ = (long long)(want);                 \
		checks++;                                                                \
		if (g_ != w_) {                                                          \
			printf("%s:%d: %s == %lld (0x%llx), expected %s == %lld (0x%llx)\n", \
			       __FILE__, __LINE__, #got, g_, (unsigned long long)g_, #want, w_, \
			       (unsigned long long)w_);                                  \
			failures++;                                                      \
		}                                                                        \
	} while (0)
#define CHECK(cond) CHECK_EQ(!!(cond), 1)
#define CHECK_WHY(why, want)                                                             \
	do {                                                                             \
		checks++;                                                                \
		if (!(why) || strcmp((why), (want)) != 0) {                              \
			printf("%s:%d: reason \"%s\", expected \"%s\"\n", __FILE__, __LINE__, \
			       (why) ? (why) : "(null)", (want));                         \
			failures++;                                                      \
		}                                                                        \
	} while (0)

/* ---- fake physical memory ---- */

#define MAX_REGIONS 16

struct region {
	uint64_t pa;
	size_t len;
	uint8_t *buf;
};

struct fakemem {
	struct region r[MAX_REGIONS];
	unsigned int n;
	unsigned int calls, refused;
	bool refuse_all;
};

static uint8_t *fm_add(struct fakemem *m, uint64_t pa, size_t len, const void *init)
{
	struct region *r = &m->r[m->n++];

	if (m->n > MAX_REGIONS)
		abort();
	r->pa = pa;
	r->len = len;
	r->buf = malloc(len ? len : 1);
	if (!r->buf)
		abort();
	if (init)
		memcpy(r->buf, init, len);
	else
		memset(r->buf, 0, len);
	return r->buf;
}

static void fm_free(struct fakemem *m)
{
	for (unsigned int i = 0; i < m->n; i++)
		free(m->r[i].buf);
	memset(m, 0, sizeof(*m));
}

/*
 * The map callback: the reader promises len > 0 and no wrap; a broken
 * promise fails the test.  Written without pa + len, so that a region
 * ending at the top of the address space works.
 */
static const void *fm_map(void *ctx, uint64_t pa, uint64_t len)
{
	struct fakemem *m = ctx;

	m->calls++;
	if (len == 0 || len > UINT64_MAX - pa) {
		printf("map callback called with pa 0x%llx len 0x%llx: contract broken\n",
		       (unsigned long long)pa, (unsigned long long)len);
		failures++;
		return NULL;
	}
	for (unsigned int i = 0; !m->refuse_all && i < m->n; i++) {
		struct region *r = &m->r[i];
		if (pa >= r->pa && pa - r->pa <= r->len && len <= r->len - (pa - r->pa))
			return r->buf + (pa - r->pa);
	}
	m->refused++;
	return NULL;
}

static struct acpi_mem fm_mem(struct fakemem *m)
{
	struct acpi_mem mem = { .map = fm_map, .ctx = m };
	return mem;
}

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }
static uint32_t get32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

/* Sets the checksum byte so that the first len bytes sum to 0. */
static void fix_sum(uint8_t *p, size_t len, size_t at)
{
	uint8_t s = 0;

	p[at] = 0;
	for (size_t i = 0; i < len; i++)
		s = (uint8_t)(s + p[i]);
	p[at] = (uint8_t)-s;
}

static void fix_table(uint8_t *t) { fix_sum(t, get32(t + 4), 9); }

/* A table header of length len, signature sig, checksum fixed later. */
static void make_hdr(uint8_t *t, const char *sig, uint32_t len, uint8_t rev)
{
	memset(t, 0, ACPI_HDR_LEN);
	memcpy(t, sig, 4);
	put32(t + 4, len);
	t[8] = rev;
	memcpy(t + 10, "SVTEST", 6);
	memcpy(t + 16, "UNITTEST", 8);
}

/* A v2 RSDP (36 bytes) naming rsdt and xsdt. */
static void make_rsdp2(uint8_t *p, uint32_t rsdt, uint64_t xsdt)
{
	memset(p, 0, 36);
	memcpy(p, "RSD PTR ", 8);
	memcpy(p + 9, "SVTEST", 6);
	p[15] = 2;
	put32(p + 16, rsdt);
	put32(p + 20, 36);
	put64(p + 24, xsdt);
	fix_sum(p, 20, 8);
	fix_sum(p, 36, 32);
}

/* ---- the recorded machines ---- */

struct want_cpu {
	uint32_t id, uid;
	bool enabled;
};

struct want_machine {
	const struct rec_machine *m;
	unsigned int ncpus;
	struct want_cpu cpus[4];
	unsigned int nioapic, nentries;
	const char *sigs; /* the tables the RSDT lists, in order */
};

static const struct want_machine recorded[] = {
	{ &qemu_pc_smp2, 2, { { 0, 0, true }, { 1, 1, true } }, 1, 9, "FACP APIC HPET WAET" },
	{ &qemu_pc_smp4, 4, { { 0, 0, true }, { 1, 1, true }, { 2, 2, true }, { 3, 3, true } }, 1, 11,
	  "FACP APIC HPET WAET" },
	{ &qemu_q35_smp4, 4, { { 0, 0, true }, { 1, 1, true }, { 2, 2, true }, { 3, 3, true } }, 1, 11,
	  "FACP APIC HPET MCFG WAET" },
	{ &qemu_pc_smp2_max4, 4,
	  { { 0, 0, true }, { 1, 1, true }, { 2, 2, false }, { 3, 3, false } }, 1, 11,
	  "FACP APIC HPET WAET" },
	{ &bochs_smp2, 2, { { 0, 0, true }, { 1, 1, true } }, 1, 4, "FACP APIC SSDT HPET" },
};

#define LOW_MEM (1u << 20)

/* The machine's first MiB (EBDA word, RSDP) and each of its tables. */
static void load_machine(struct fakemem *fm, const struct rec_machine *m)
{
	memset(fm, 0, sizeof(*fm));
	uint8_t *low = fm_add(fm, 0, LOW_MEM, NULL);
	low[ACPI_EBDA_PTR] = (uint8_t)m->ebda_seg;
	low[ACPI_EBDA_PTR + 1] = (uint8_t)(m->ebda_seg >> 8);
	memcpy(low + m->rsdp.pa, m->rsdp.bytes, m->rsdp.len);
	for (size_t i = 0; i < m->ntables; i++)
		fm_add(fm, m->tables[i].pa, m->tables[i].len, m->tables[i].bytes);
}

static const struct rec_blob *rec_table(const struct rec_machine *m, const char *sig)
{
	for (size_t i = 0; i < m->ntables; i++)
		if (memcmp(m->tables[i].bytes, sig, 4) == 0)
			return &m->tables[i];
	return NULL;
}

static void check_cpus(const struct want_machine *w, const struct madt_cpu *c, unsigned int n)
{
	for (unsigned int i = 0; i < n && i < w->ncpus; i++) {
		CHECK_EQ(c[i].apic_id, w->cpus[i].id);
		CHECK_EQ(c[i].uid, w->cpus[i].uid);
		CHECK_EQ(c[i].enabled, w->cpus[i].enabled);
		CHECK_EQ(c[i].online_capable, false);
		CHECK_EQ(c[i].x2apic, false);
	}
}

static void test_recorded(void)
{
	for (size_t k = 0; k < ARRAY_SIZE(recorded); k++) {
		const struct want_machine *w = &recorded[k];
		const struct rec_machine *m = w->m;
		struct fakemem fm;
		struct acpi_rsdp rsdp;
		struct acpi_root root;
		struct acpi_table t;
		struct madt_info mi;
		struct madt_cpu cpus[8];
		const char *why = NULL;

		printf("recorded: %s\n", m->name);
		load_machine(&fm, m);
		struct acpi_mem mem = fm_mem(&fm);

		/* The whole walk, as the VMM does it. */
		CHECK_EQ(acpi_rsdp_scan(&mem, &rsdp, &why), 0);
		CHECK_EQ(rsdp.pa, m->rsdp.pa);
		CHECK_EQ(rsdp.revision, 0);
		CHECK_EQ(rsdp.length, 20);
		CHECK_EQ(rsdp.xsdt, 0);
		CHECK_EQ(rsdp.rsdt, m->tables[0].pa);
		CHECK_EQ(strcmp(rsdp.oem_id, "BOCHS "), 0);
		CHECK_EQ(acpi_root_open(&mem, &rsdp, &root, &why), 0);
		CHECK_EQ(root.xsdt, false);
		CHECK(root.xsdt_refused == NULL);
		CHECK_EQ(root.entry_size, 4);
		CHECK_EQ(root.count, m->ntables - 1);
		CHECK_EQ(strcmp(root.table.sig, "RSDT"), 0);
		for (unsigned int i = 0; i < root.count; i++) {
			uint64_t pa = 0;
			CHECK_EQ(acpi_root_entry(&root, i, &pa), 0);
			CHECK_EQ(pa, m->tables[i + 1].pa);
			CHECK_EQ(memcmp(m->tables[i + 1].bytes, w->sigs + 5 * i, 4), 0);
		}
		uint64_t pa;
		CHECK_EQ(acpi_root_entry(&root, root.count, &pa), -SV_ENOENT);

		CHECK_EQ(acpi_table_find(&root, "APIC", 0, &t, &why), 0);
		const struct rec_blob *apic = rec_table(m, "APIC");
		CHECK_EQ(t.pa, apic->pa);
		CHECK_EQ(t.length, apic->len);
		CHECK_EQ(t.revision, 1);
		CHECK_EQ(strcmp(t.sig, "APIC"), 0);
		CHECK_EQ(strcmp(t.oem_id, "BOCHS "), 0);
		CHECK_EQ(acpi_table_find(&root, "APIC", 1, &t, &why), -SV_ENOENT);
		CHECK_WHY(why, "no such table in the root table");
		CHECK_EQ(acpi_table_find(&root, "DMAR", 0, &t, &why), -SV_ENOENT);
		CHECK_EQ(acpi_table_find(&root, "FACP", 0, &t, &why), 0);
		CHECK_EQ(acpi_table_find(&root, "HPET", 0, &t, &why), 0);
		CHECK_EQ(t.length, 56);
		CHECK_EQ(acpi_table_find(&root, "APIC", 0, &t, &why), 0);

		memset(cpus, 0xa5, sizeof(cpus));
		CHECK_EQ(madt_parse(t.data, t.length, cpus, ARRAY_SIZE(cpus), &mi, &why), 0);
		CHECK_EQ(mi.lapic_addr, 0xfee00000);
		CHECK_EQ(mi.lapic_override, false);
		CHECK_EQ(mi.flags, MADT_PCAT_COMPAT);
		CHECK_EQ(mi.ncpus, w->ncpus);
		CHECK_EQ(mi.total, w->ncpus);
		unsigned int en = 0;
		for (unsigned int i = 0; i < w->ncpus; i++)
			en += w->cpus[i].enabled;
		CHECK_EQ(mi.nenabled, en);
		CHECK_EQ(mi.duplicates, 0);
		CHECK_EQ(mi.invalid, 0);
		CHECK_EQ(mi.nioapic, w->nioapic);
		CHECK_EQ(mi.nentries, w->nentries);
		check_cpus(w, cpus, mi.ncpus);

		/* A limit below the count: the first CPUs kept, all counted. */
		CHECK_EQ(madt_parse(t.data, t.length, cpus, 1, &mi, &why), 0);
		CHECK_EQ(mi.ncpus, 1);
		CHECK_EQ(mi.total, w->ncpus);
		CHECK_EQ(cpus[0].apic_id, 0);
		CHECK_EQ(madt_parse(t.data, t.length, NULL, 0, &mi, &why), 0);
		CHECK_EQ(mi.ncpus, 0);
		CHECK_EQ(mi.total, w->ncpus);

		/* Every read went to a region that exists. */
		CHECK_EQ(fm.refused, 0);
		fm_free(&fm);
	}
}

/*
 * Truncation, two ways, for every length from 0 to full - 1: the bytes
 * cut (header length unchanged: always refused), and the table cut with
 * its length field and checksum fixed (refused, or a strict prefix of the
 * full CPU list).  Each copy sits in a block of exactly its size.
 */
static void test_truncated(void)
{
	for (size_t k = 0; k < ARRAY_SIZE(recorded); k++) {
		const struct want_machine *w = &recorded[k];
		const struct rec_blob *apic = rec_table(w->m, "APIC");
		struct madt_cpu cpus[8];
		struct madt_info mi;
		const char *why;

		for (size_t n = 0; n < apic->len; n++) {
			uint8_t *b = malloc(n ? n : 1);
			memcpy(b, apic->bytes, n);
			why = NULL;
			CHECK(madt_parse(b, n, cpus, ARRAY_SIZE(cpus), &mi, &why) < 0);
			CHECK(why != NULL);
			CHECK_EQ(mi.ncpus, 0);
			if (n >= ACPI_HDR_LEN) {
				put32(b + 4, (uint32_t)n);
				fix_table(b);
				int r = madt_parse(b, n, cpus, ARRAY_SIZE(cpus), &mi, &why);
				CHECK(r == 0 || r == -SV_EINVAL);
				CHECK(mi.ncpus <= w->ncpus);
				check_cpus(w, cpus, mi.ncpus);
				if (n < 44)
					CHECK_EQ(r, -SV_EINVAL);
			}
			free(b);
		}
	}

	/* The table walk with the MADT cut short in memory: never read past. */
	const struct rec_machine *m = &qemu_pc_smp4;
	const struct rec_blob *apic = rec_table(m, "APIC");
	for (size_t n = 1; n < apic->len; n++) {
		struct fakemem fm;
		struct acpi_table t;
		const char *why = NULL;
		memset(&fm, 0, sizeof(fm));
		fm_add(&fm, apic->pa, n, apic->bytes);
		struct acpi_mem mem = fm_mem(&fm);
		int r = acpi_table_map(&mem, apic->pa, "APIC", &t, &why);
		CHECK_EQ(r, -SV_EFAULT);
		CHECK_WHY(why, n < ACPI_HDR_LEN ? "table header not readable"
						: "table not readable for its whole length");
		fm_free(&fm);
	}
}

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

/* ---- MADT: hostile and synthetic tables ---- */

static uint8_t madt_buf[1 << 16];
static size_t madt_len;

static void madt_begin(uint8_t rev, uint32_t lapic, uint32_t flags)
{
	memset(madt_buf, 0, sizeof(madt_buf));
	make_hdr(madt_buf, "APIC", 0, rev);
	put32(madt_buf + 36, lapic);
	put32(madt_buf + 40, flags);
	madt_len = 44;
}

static uint8_t *madt_entry(uint8_t type, uint8_t len)
{
	uint8_t *e = madt_buf + madt_len;
	e[0] = type;
	e[1] = len;
	madt_len += len;
	return e;
}

static void madt_lapic(uint8_t uid, uint8_t id, uint32_t flags)
{
	uint8_t *e = madt_entry(MADT_LAPIC, 8);
	e[2] = uid;
	e[3] = id;
	put32(e + 4, flags);
}

static void madt_x2apic(uint32_t id, uint32_t flags, uint32_t uid)
{
	uint8_t *e = madt_entry(MADT_X2APIC, 16);
	put32(e + 4, id);
	put32(e + 8, flags);
	put32(e + 12, uid);
}

static void madt_end(void)
{
	put32(madt_buf + 4, (uint32_t)madt_len);
	fix_table(madt_buf);
}

static int madt_run(struct madt_cpu *cpus, unsigned int max, struct madt_info *mi, const char **why)
{
	/* An exact-size copy: a read past the table end is an ASan report. */
	uint8_t *b = malloc(madt_len);
	memcpy(b, madt_buf, madt_len);
	*why = NULL;
	int r = madt_parse(b, madt_len, cpus, max, mi, why);
	free(b);
	return r;
}

static void test_madt(void)
{
	struct madt_cpu cpus[8];
	struct madt_info mi;
	const char *why;

	/* x2APIC entries, an override, unknown types, longer entries. */
	madt_begin(5, 0xfee00000, 0);
	madt_lapic(1, 0, MADT_CPU_ENABLED);
	madt_x2apic(0x100, MADT_CPU_ENABLED, 0x1000);
	madt_x2apic(0x101, MADT_CPU_ONLINE_CAPABLE, 0x1001);
	madt_x2apic(0x102, 0, 0x1002);
	madt_entry(0x7f, 3);            /* unknown type */
	madt_entry(0x10, 2);            /* unknown, header only */
	uint8_t *o = madt_entry(MADT_LAPIC_OVERRIDE, 12);
	put64(o + 4, 0xfed000000ULL);
	o = madt_entry(MADT_LAPIC_OVERRIDE, 12); /* a second one: ignored */
	put64(o + 4, 0x1234000ULL);
	uint8_t *l = madt_entry(MADT_LAPIC, 10); /* longer than 8: accepted */
	l[2] = 2;
	l[3] = 7;
	put32(l + 4, MADT_CPU_ENABLED | MADT_CPU_ONLINE_CAPABLE);
	madt_entry(MADT_IOAPIC, 12);
	madt_entry(MADT_IOAPIC, 12);
	madt_end();
	CHECK_EQ(madt_run(cpus, 8, &mi, &why), 0);
	CHECK_EQ(mi.revision, 5);
	CHECK_EQ(mi.lapic_addr, 0xfed000000ULL);
	CHECK_EQ(mi.lapic_override, true);
	CHECK_EQ(mi.flags, 0);
	CHECK_EQ(mi.ncpus, 5);
	CHECK_EQ(mi.total, 5);
	CHECK_EQ(mi.nenabled, 3);
	CHECK_EQ(mi.nioapic, 2);
	CHECK_EQ(mi.nentries, 11);
	CHECK_EQ(cpus[0].apic_id, 0);
	CHECK_EQ(cpus[0].uid, 1);
	CHECK_EQ(cpus[0].x2apic, false);
	CHECK_EQ(cpus[1].apic_id, 0x100);
	CHECK_EQ(cpus[1].uid, 0x1000);
	CHECK_EQ(cpus[1].x2apic, true);
	CHECK_EQ(cpus[1].enabled, true);
	CHECK_EQ(cpus[2].enabled, false);
	CHECK_EQ(cpus[2].online_capable, true);
	CHECK_EQ(cpus[3].enabled, false);
	CHECK_EQ(cpus[3].online_capable, false);
	CHECK_EQ(cpus[4].apic_id, 7);
	CHECK_EQ(cpus[4].uid, 2);
	CHECK_EQ(cpus[4].enabled, true);
	/* Before revision 5 bit 1 is reserved: not read. */
	madt_buf[8] = 4;
	madt_end();
	CHECK_EQ(madt_run(cpus, 8, &mi, &why), 0);
	CHECK_EQ(cpus[2].online_capable, false);
	CHECK_EQ(cpus[2].enabled, false);

	/* Duplicates, invalid IDs, and more CPUs than the limit. */
	madt_begin(1, 0xfee00000, 1);
	for (unsigned int i = 0; i < 255; i++)
		madt_lapic((uint8_t)i, (uint8_t)i, MADT_CPU_ENABLED); /* 0 .. 254 */
	madt_lapic(0xff, 0xff, MADT_CPU_ENABLED);                   /* invalid */
	madt_lapic(9, 3, MADT_CPU_ENABLED);                         /* duplicate of 3 */
	madt_x2apic(3, MADT_CPU_ENABLED, 3);                        /* the same CPU as x2APIC */
	madt_x2apic(0xff, MADT_CPU_ENABLED, 0xff);                  /* valid in x2APIC */
	madt_x2apic(0xffffffffu, MADT_CPU_ENABLED, 0);              /* invalid */
	for (unsigned int i = 0; i < 45; i++)
		madt_x2apic(0x1000 + i, i % 2 ? MADT_CPU_ENABLED : 0, 0x2000 + i);
	madt_end();
	CHECK_EQ(madt_run(cpus, 8, &mi, &why), 0);
	CHECK_EQ(mi.ncpus, 8);
	CHECK_EQ(mi.total, 255 + 1 + 45);
	CHECK_EQ(mi.nenabled, 255 + 1 + 22);
	CHECK_EQ(mi.duplicates, 2);
	CHECK_EQ(mi.invalid, 2);
	for (unsigned int i = 0; i < 8; i++)
		CHECK_EQ(cpus[i].apic_id, i);
	/* With room for all: the x2APIC ones kept in order. */
	static struct madt_cpu many[400];
	CHECK_EQ(madt_run(many, ARRAY_SIZE(many), &mi, &why), 0);
	CHECK_EQ(mi.ncpus, 301);
	CHECK_EQ(many[255].apic_id, 0xff);
	CHECK_EQ(many[255].x2apic, true);
	CHECK_EQ(many[300].apic_id, 0x1000 + 44);
	CHECK_EQ(many[300].uid, 0x2000 + 44);
	/* Large x2APIC IDs repeated among the kept CPUs. */
	madt_begin(1, 0xfee00000, 0);
	madt_x2apic(0x5000, MADT_CPU_ENABLED, 1);
	madt_x2apic(0x5001, MADT_CPU_ENABLED, 2);
	madt_x2apic(0x5000, MADT_CPU_ENABLED, 3);
	madt_end();
	CHECK_EQ(madt_run(cpus, 8, &mi, &why), 0);
	CHECK_EQ(mi.total, 2);
	CHECK_EQ(mi.duplicates, 1);
	CHECK_EQ(cpus[1].uid, 2);

	/* Malformed entries: each stops the walk with a reason, none loops. */
	struct {
		uint8_t type, len;
		size_t cut; /* bytes of the entry present at the table end (0: all) */
		const char *why;
	} bad[] = {
		{ MADT_LAPIC, 0, 0, "MADT entry of length 0" },
		{ 0x42, 0, 0, "MADT entry of length 0" },
		{ MADT_LAPIC, 1, 0, "MADT entry shorter than 2 bytes" },
		{ MADT_LAPIC, 7, 0, "MADT entry shorter than its type requires" },
		{ MADT_X2APIC, 12, 0, "MADT entry shorter than its type requires" },
		{ MADT_IOAPIC, 8, 0, "MADT entry shorter than its type requires" },
		{ MADT_LAPIC_OVERRIDE, 11, 0, "MADT entry shorter than its type requires" },
		{ MADT_LAPIC, 8, 6, "MADT entry past the table end" },
		{ 0x80, 255, 20, "MADT entry past the table end" },
		{ MADT_LAPIC, 8, 1, "MADT entry header past the table end" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		madt_begin(1, 0xfee00000, 0);
		madt_lapic(0, 0, MADT_CPU_ENABLED);
		size_t at = madt_len;
		uint8_t *e = madt_entry(bad[i].type, bad[i].len < 2 ? 2 : bad[i].len);
		e[1] = bad[i].len;
		put32(e + 4, 0x11);
		if (bad[i].cut)
			madt_len = at + bad[i].cut;
		else if (bad[i].len < 2)
			madt_lapic(1, 1, MADT_CPU_ENABLED); /* must not be reached */
		madt_end();
		CHECK_EQ(madt_run(cpus, 8, &mi, &why), -SV_EINVAL);
		CHECK_WHY(why, bad[i].why);
		CHECK_EQ(mi.ncpus, 1); /* the entry before the fault */
		CHECK_EQ(mi.nentries, 1);
	}

	/* Header faults. */
	madt_begin(1, 0xfee00000, 0);
	madt_lapic(0, 0, 1);
	madt_end();
	CHECK_EQ(madt_run(cpus, 8, &mi, &why), 0);
	memcpy(madt_buf, "APIX", 4);
	fix_table(madt_buf);
	CHECK_EQ(madt_run(cpus, 8, &mi, &why), -SV_EINVAL);
	CHECK_WHY(why, "table signature not the one expected");
	madt_begin(1, 0xfee00000, 0);
	madt_len = 40; /* no room for the flags */
	madt_end();
	CHECK_EQ(madt_run(cpus, 8, &mi, &why), -SV_EINVAL);
	CHECK_WHY(why, "MADT shorter than 44 bytes");
	madt_begin(1, 0xfee00000, 0);
	madt_end();
	CHECK_EQ(madt_run(cpus, 8, &mi, &why), 0); /* no entries: no CPUs */
	CHECK_EQ(mi.total, 0);
	put32(madt_buf + 4, 0x200000);
	CHECK_EQ(madt_run(cpus, 8, &mi, &why), -SV_E2BIG);
	put32(madt_buf + 4, 20);
	CHECK_EQ(madt_run(cpus, 8, &mi, &why), -SV_EINVAL);
	madt_end();
	madt_buf[30] ^= 1;
	CHECK_EQ(madt_run(cpus, 8, &mi, &why), -SV_EINVAL);
	CHECK_WHY(why, "table checksum wrong");
}

int main(void)
{
	test_recorded();
	test_truncated();
	test_rsdp();
	test_scan();
	test_root();
	test_table_map();
	test_table_race();
	test_madt();
	printf("%d checks, %d failures\n", checks, failures);
	return failures ? 1 : 0;
}
