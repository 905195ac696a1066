/*
 * Unit tests of the manifest note (vmm/proc/elf_manifest.c) through the
 * ELF validator: a valid ELF64/ELF32 image with one or two PT_NOTE
 * segments whose bytes each case writes.  Every malformed case of issue 15
 * has its own code: truncated, duplicated, lengths past the segment or
 * the file, a string without NUL, a string longer than 31 bytes, a second
 * manifest in another segment, and a bad version/characters/trailing
 * bytes/reserved product.  A refused image leaves the plan zeroed; an
 * accepted one gives exactly the manifest written.  The real binaries
 * proc-cc made with --product/--svn/--name (argv) must read back as such.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <proc/elf.h>

#include "check.h"

#define IMG_SIZE 0x3000u
#define NOTE_AT 0x2000u

struct img {
	uint8_t b[IMG_SIZE];
	size_t size;
	int cls;
	unsigned int nnotes;
	uint64_t note_off[2], note_len[2], note_align[2];
};

static void w16(uint8_t *p, uint64_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void w32(uint8_t *p, uint64_t v) { w16(p, v); w16(p + 2, v >> 16); }
static void w64(uint8_t *p, uint64_t v) { w32(p, v); w32(p + 4, v >> 32); }

/* Headers: one R X PT_LOAD at 0x1000 (entry inside), then the notes. */
static void finish(struct img *m)
{
	uint8_t *b = m->b;
	unsigned int ph = m->cls == 64 ? 64 : 52, phsz = m->cls == 64 ? 56 : 32;

	memset(b, 0, ph + 3 * phsz);
	memcpy(b, "\177ELF", 4);
	b[4] = m->cls == 64 ? 2 : 1;
	b[5] = 1;
	b[6] = 1;
	w16(b + 16, 2);
	w16(b + 18, m->cls == 64 ? 62 : 3);
	w32(b + 20, 1);
	if (m->cls == 64) {
		w64(b + 24, 0x400000);
		w64(b + 32, ph);
		w16(b + 52, 64);
		w16(b + 54, 56);
		w16(b + 56, 1 + m->nnotes);
	} else {
		w32(b + 24, 0x400000);
		w32(b + 28, ph);
		w16(b + 40, 52);
		w16(b + 42, 32);
		w16(b + 44, 1 + m->nnotes);
	}
	for (unsigned int i = 0; i <= m->nnotes; i++) {
		uint8_t *p = b + ph + i * phsz;
		uint32_t type = i ? 4 : 1, flags = i ? 4 : 5;
		uint64_t off = i ? m->note_off[i - 1] : 0x1000, len = i ? m->note_len[i - 1] : 0x10;
		uint64_t va = i ? 0 : 0x400000, align = i ? m->note_align[i - 1] : 0x1000;

		w32(p, type);
		if (m->cls == 64) {
			w32(p + 4, flags);
			w64(p + 8, off);
			w64(p + 16, va);
			w64(p + 24, va);
			w64(p + 32, len);
			w64(p + 40, len);
			w64(p + 48, align);
		} else {
			w32(p + 4, off);
			w32(p + 8, va);
			w32(p + 12, va);
			w32(p + 16, len);
			w32(p + 20, len);
			w32(p + 24, flags);
			w32(p + 28, align);
		}
	}
}

/* Writes a note at off; returns its padded length. */
static size_t note(uint8_t *at, const char *owner, uint32_t namesz, uint32_t type,
		   const uint8_t *desc, uint32_t descsz)
{
	size_t n = 12;

	w32(at, namesz);
	w32(at + 4, descsz);
	w32(at + 8, type);
	memcpy(at + n, owner, namesz);
	n += (namesz + 3) & ~3u;
	memcpy(at + n, desc, descsz);
	n += (descsz + 3) & ~3u;
	return n;
}

/* A manifest descriptor: version, svn, product NUL, name NUL. */
static uint32_t desc(uint8_t *d, uint32_t version, uint32_t svn, const char *product,
		     const char *name)
{
	uint32_t n = 8;

	w32(d, version);
	w32(d + 4, svn);
	memcpy(d + n, product, strlen(product) + 1);
	n += (uint32_t)strlen(product) + 1;
	memcpy(d + n, name, strlen(name) + 1);
	return n + (uint32_t)strlen(name) + 1;
}

static void start(struct img *m, int cls)
{
	memset(m, 0, sizeof(*m));
	m->cls = cls;
	m->size = IMG_SIZE;
	m->b[0x1000] = 0xc3;
}

static void one_segment(struct img *m, size_t len)
{
	m->nnotes = 1;
	m->note_off[0] = NOTE_AT;
	m->note_len[0] = len;
	m->note_align[0] = 4;
}

/* Two PT_NOTE segments: len0 bytes at NOTE_AT, len1 at NOTE_AT + 0x100. */
static void two_segments(struct img *m, size_t len0, size_t len1)
{
	m->nnotes = 2;
	m->note_off[0] = NOTE_AT;
	m->note_len[0] = len0;
	m->note_off[1] = NOTE_AT + 0x100;
	m->note_len[1] = len1;
	m->note_align[0] = m->note_align[1] = 4;
}

static int validate(struct img *m, struct elf_plan *plan)
{
	static const struct elf_plan zero;
	int r;

	finish(m);
	r = elf_validate(m->b, m->size, plan);
	if (r)
		CHECK(memcmp(plan, &zero, sizeof(zero)) == 0);
	return r;
}

/* One manifest with these fields in one segment. */
static int one(int cls, uint32_t version, uint32_t svn, const char *product, const char *name,
	       struct elf_plan *plan)
{
	struct img m;
	uint8_t d[256];

	start(&m, cls);
	one_segment(&m, note(m.b + NOTE_AT, "Sealvisor", 10, 1, d,
			     desc(d, version, svn, product, name)));
	return validate(&m, plan);
}

static void test_good(void)
{
	struct elf_plan plan;
	struct img m;
	uint8_t d[256];

	for (int cls = 32; cls <= 64; cls += 32) {
		CHECK_EQ(one(cls, 1, 7, "vpnd", "vpn-daemon", &plan), 0);
		CHECK_EQ(plan.manifest.present, 1);
		CHECK_EQ(plan.manifest.svn, 7);
		CHECK(!strcmp(plan.manifest.product, "vpnd"));
		CHECK(!strcmp(plan.manifest.name, "vpn-daemon"));
		CHECK_EQ(plan.elf_class, (uint32_t)cls);
		/* Empty name, 31-byte strings, the largest SVN. */
		CHECK_EQ(one(cls, 1, 0xffffffffu, "p", "", &plan), 0);
		CHECK_EQ(plan.manifest.svn, 0xffffffffu);
		CHECK(!strcmp(plan.manifest.name, ""));
		CHECK_EQ(one(cls, 1, 1, "abcdefghijklmnopqrstuvwxyz01234", "ABCDEFGHIJKLMNOPQRSTUVWXYZ._-01", &plan), 0);
		CHECK(!strcmp(plan.manifest.product, "abcdefghijklmnopqrstuvwxyz01234"));

		/* No note at all: product "none", SVN 0. */
		start(&m, cls);
		CHECK_EQ(validate(&m, &plan), 0);
		CHECK_EQ(plan.manifest.present, 0);
		CHECK(!strcmp(plan.manifest.product, "none"));
		CHECK_EQ(plan.manifest.svn, 0);

		/* A foreign note before the manifest, and one after it. */
		start(&m, cls);
		size_t n = note(m.b + NOTE_AT, "GNU", 4, 3, (const uint8_t *)"12345678901234567890", 20);
		n += note(m.b + NOTE_AT + n, "Sealvisor", 10, 1, d, desc(d, 1, 3, "a.b_c-d", "x"));
		n += note(m.b + NOTE_AT + n, "GNU", 4, 1, (const uint8_t *)"\0\0\0\0", 4);
		one_segment(&m, n);
		CHECK_EQ(validate(&m, &plan), 0);
		CHECK_EQ(plan.manifest.svn, 3);
		CHECK(!strcmp(plan.manifest.product, "a.b_c-d"));
		/* The same with the last note's padding outside the segment. */
		start(&m, cls);
		n = note(m.b + NOTE_AT, "Sealvisor", 10, 1, d, desc(d, 1, 4, "prod", "n"));
		one_segment(&m, n - 1);
		CHECK_EQ(validate(&m, &plan), 0);
		CHECK_EQ(plan.manifest.svn, 4);
		/* A manifest in one PT_NOTE and a foreign note in another. */
		start(&m, cls);
		n = note(m.b + NOTE_AT, "Sealvisor", 10, 1, d, desc(d, 1, 5, "prod", "nm"));
		two_segments(&m, n, note(m.b + NOTE_AT + 0x100, "GNU", 4, 3, (const uint8_t *)"abcd", 4));
		CHECK_EQ(validate(&m, &plan), 0);
		CHECK_EQ(plan.manifest.svn, 5);
	}
}

static void test_bad(void)
{
	struct elf_plan plan;
	struct img m;
	uint8_t d[256];
	size_t n;

	for (int cls = 32; cls <= 64; cls += 32) {
		/* Truncated: note header cut, descriptor shorter than 8, no name. */
		start(&m, cls);
		n = note(m.b + NOTE_AT, "Sealvisor", 10, 1, d, desc(d, 1, 1, "p", "n"));
		one_segment(&m, 11);
		CHECK_EQ(validate(&m, &plan), -SV_EMF_TRUNCATED);
		start(&m, cls);
		one_segment(&m, note(m.b + NOTE_AT, "Sealvisor", 10, 1, d, 7));
		CHECK_EQ(validate(&m, &plan), -SV_EMF_TRUNCATED);
		start(&m, cls);
		w32(d, 1);
		w32(d + 4, 1);
		memcpy(d + 8, "p", 2);
		one_segment(&m, note(m.b + NOTE_AT, "Sealvisor", 10, 1, d, 10));
		CHECK_EQ(validate(&m, &plan), -SV_EMF_TRUNCATED);
		/* A note after the manifest with only part of its header. */
		start(&m, cls);
		n = note(m.b + NOTE_AT, "Sealvisor", 10, 1, d, desc(d, 1, 1, "p", "n"));
		one_segment(&m, n + 8);
		CHECK_EQ(validate(&m, &plan), -SV_EMF_TRUNCATED);

		/* Duplicated in one segment. */
		start(&m, cls);
		n = note(m.b + NOTE_AT, "Sealvisor", 10, 1, d, desc(d, 1, 1, "p", "n"));
		n += note(m.b + NOTE_AT + n, "Sealvisor", 10, 1, d, desc(d, 1, 2, "p", "n"));
		one_segment(&m, n);
		CHECK_EQ(validate(&m, &plan), -SV_EMF_DUPLICATE);

		/* Lengths past the segment: descsz, namesz; segment past the file. */
		start(&m, cls);
		n = note(m.b + NOTE_AT, "Sealvisor", 10, 1, d, desc(d, 1, 1, "p", "n"));
		w32(m.b + NOTE_AT + 4, 0x100);
		one_segment(&m, n);
		CHECK_EQ(validate(&m, &plan), -SV_EMF_PASTEND);
		start(&m, cls);
		n = note(m.b + NOTE_AT, "Sealvisor", 10, 1, d, desc(d, 1, 1, "p", "n"));
		w32(m.b + NOTE_AT, 0xfffffff0u);
		one_segment(&m, n);
		CHECK_EQ(validate(&m, &plan), -SV_EMF_PASTEND);
		start(&m, cls);
		n = note(m.b + NOTE_AT, "Sealvisor", 10, 1, d, desc(d, 1, 1, "p", "n"));
		w32(m.b + NOTE_AT + 4, 0xffffffffu);
		one_segment(&m, n);
		CHECK_EQ(validate(&m, &plan), -SV_EMF_PASTEND);
		start(&m, cls);
		one_segment(&m, 0x2000);
		CHECK_EQ(validate(&m, &plan), -SV_EMF_PASTEND);
		start(&m, cls);
		one_segment(&m, 16);
		m.note_off[0] = cls == 64 ? 0xfffffffffffffff8ull : 0xfffffff8u;
		CHECK_EQ(validate(&m, &plan), -SV_EMF_PASTEND);

		/* No NUL: the product, then the name, runs to the descriptor's end. */
		start(&m, cls);
		w32(d, 1);
		w32(d + 4, 1);
		memcpy(d + 8, "product", 7);
		one_segment(&m, note(m.b + NOTE_AT, "Sealvisor", 10, 1, d, 15));
		CHECK_EQ(validate(&m, &plan), -SV_EMF_NONUL);
		start(&m, cls);
		memcpy(d + 8, "p\0name", 6);
		one_segment(&m, note(m.b + NOTE_AT, "Sealvisor", 10, 1, d, 14));
		CHECK_EQ(validate(&m, &plan), -SV_EMF_NONUL);

		/* Longer than the limit: 32 characters, product and name. */
		CHECK_EQ(one(cls, 1, 1, "abcdefghijklmnopqrstuvwxyz012345", "n", &plan), -SV_EMF_TOOLONG);
		CHECK_EQ(one(cls, 1, 1, "p", "abcdefghijklmnopqrstuvwxyz012345", &plan), -SV_EMF_TOOLONG);

		/* A second manifest in another segment (even the same bytes twice). */
		start(&m, cls);
		n = note(m.b + NOTE_AT, "Sealvisor", 10, 1, d, desc(d, 1, 1, "p", "n"));
		note(m.b + NOTE_AT + 0x100, "Sealvisor", 10, 1, d, desc(d, 1, 9, "p", "n"));
		two_segments(&m, n, n);
		CHECK_EQ(validate(&m, &plan), -SV_EMF_SECOND);
		m.note_off[1] = NOTE_AT;
		CHECK_EQ(validate(&m, &plan), -SV_EMF_SECOND);

		/* Format: version, type, characters, empty or reserved product, trailing bytes. */
		CHECK_EQ(one(cls, 2, 1, "p", "n", &plan), -SV_EMF_FORMAT);
		CHECK_EQ(one(cls, 0, 1, "p", "n", &plan), -SV_EMF_FORMAT);
		CHECK_EQ(one(cls, 1, 1, "a b", "n", &plan), -SV_EMF_FORMAT);
		CHECK_EQ(one(cls, 1, 1, "p", "n/x", &plan), -SV_EMF_FORMAT);
		CHECK_EQ(one(cls, 1, 1, "", "n", &plan), -SV_EMF_FORMAT);
		CHECK_EQ(one(cls, 1, 1, "none", "n", &plan), -SV_EMF_FORMAT);
		start(&m, cls);
		one_segment(&m, note(m.b + NOTE_AT, "Sealvisor", 10, 2, d, desc(d, 1, 1, "p", "n")));
		CHECK_EQ(validate(&m, &plan), -SV_EMF_FORMAT);
		start(&m, cls);
		n = desc(d, 1, 1, "p", "n");
		d[n] = 'x';
		one_segment(&m, note(m.b + NOTE_AT, "Sealvisor", 10, 1, d, (uint32_t)n + 1));
		CHECK_EQ(validate(&m, &plan), -SV_EMF_FORMAT);
		/* An owner that only starts like ours is a foreign note. */
		start(&m, cls);
		one_segment(&m, note(m.b + NOTE_AT, "Sealvisor", 9, 1, d, desc(d, 9, 1, "", "")));
		CHECK_EQ(validate(&m, &plan), 0);
		CHECK_EQ(plan.manifest.present, 0);
	}
}

/* Every truncation of an image with a manifest is refused or has none. */
static void test_truncations(void)
{
	struct elf_plan plan;
	struct img m;
	uint8_t d[64];

	start(&m, 64);
	size_t n = note(m.b + NOTE_AT, "Sealvisor", 10, 1, d, desc(d, 1, 1, "p", "n"));
	one_segment(&m, n);
	finish(&m);
	for (size_t len = NOTE_AT; len < NOTE_AT + n; len++)
		CHECK_EQ(elf_validate(m.b, len, &plan), -SV_EMF_PASTEND);
}

/* A proc-cc binary: path, expected product, SVN, name. */
static void test_real(const char *path, const char *product, uint32_t svn, const char *name)
{
	static uint8_t buf[1 << 20];
	struct elf_plan plan;
	FILE *f = fopen(path, "rb");
	size_t len;

	CHECK(f != NULL);
	if (!f)
		return;
	len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	CHECK_EQ(elf_validate(buf, len, &plan), 0);
	CHECK_EQ(plan.manifest.present, 1);
	CHECK(!strcmp(plan.manifest.product, product));
	CHECK_EQ(plan.manifest.svn, svn);
	CHECK(!strcmp(plan.manifest.name, name));
}

int main(int argc, char **argv)
{
	test_good();
	test_bad();
	test_truncations();
	/* argv: PATH PRODUCT SVN NAME ... */
	for (int i = 1; i + 3 < argc; i += 4)
		test_real(argv[i], argv[i + 1], (uint32_t)strtoul(argv[i + 2], NULL, 0), argv[i + 3]);
	return check_report("test_manifest");
}
