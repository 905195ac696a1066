/*
 * Host unit tests of the MADT parser (vmm/drivers/madt.c) and of the whole
 * walk, RSDP to CPU list, over the tables recorded from QEMU and Bochs
 * (recorded_tables.h), every truncation of them, and hostile MADTs.
 */
#include <stdlib.h>

#include "tharness.h"

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

/* A held CPU disappears from the OS's view; the table stays valid. */
static void test_disable(void)
{
	const struct rec_machine *m = &qemu_pc_smp4;
	uint8_t buf[4096];
	struct madt_cpu cpus[8];
	struct madt_info mi;
	const char *why;
	const struct rec_blob *t = NULL;

	for (size_t i = 0; i < m->ntables; i++) {
		if (!memcmp(m->tables[i].bytes, "APIC", 4))
			t = &m->tables[i];
	}
	CHECK(t != NULL);
	if (!t)
		return;
	memcpy(buf, t->bytes, t->len);
	CHECK_EQ(madt_disable_cpu(buf, t->len, 2), 1);
	CHECK_EQ(madt_disable_cpu(buf, t->len, 9), 0);
	CHECK_EQ(madt_parse(buf, t->len, cpus, 8, &mi, &why), 0);
	CHECK_EQ(mi.total, 4);
	CHECK_EQ(mi.nenabled, 3);
	CHECK_EQ(cpus[2].apic_id, 2);
	CHECK_EQ(cpus[2].enabled, false);
	CHECK_EQ(cpus[2].online_capable, false);
	CHECK_EQ(cpus[3].enabled, true);
	buf[9] ^= 1; /* a broken checksum is refused, nothing changed */
	CHECK_EQ(madt_disable_cpu(buf, t->len, 3), -SV_EINVAL);
	CHECK_EQ(madt_disable_cpu(buf, 20, 3) < 0, 1);
}

int main(void)
{
	test_disable();
	test_recorded();
	test_truncated();
	test_madt();
	return t_report();
}
