/*
 * Unit tests of the ELF validator and mapping plan (vmm/proc/elf.c,
 * elf_plan.c).
 *
 * A synthetic, valid image (three segments, both classes) is built from a
 * neutral description; each case breaks exactly one rule and must be
 * refused with that rule's code.  Every SV_EELF_* code must be hit by some
 * case.  Truncations at every header boundary, and at every byte, of the
 * synthetic and the real libproc images (hello, hello32: paths in argv)
 * must be refused with the right code.  Accepted images must give the
 * expected plan, cross-checked against glibc's <elf.h> reading.
 */
#define _GNU_SOURCE /* memmem */
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include <proc/elf.h>

#include "check.h"

/* ---- A neutral image description and its encoder ---- */

struct tseg {
	uint32_t type, flags;
	uint64_t offset, vaddr, filesz, memsz;
};

struct timg {
	int cls; /* 32 or 64 */
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff;
	uint16_t ehsize, phentsize, phnum;
	unsigned int nseg; /* phdrs written; phnum may say otherwise */
	struct tseg seg[40];
	size_t size;
};

static void w16(uint8_t *p, uint64_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void w32(uint8_t *p, uint64_t v)
{
	w16(p, v);
	w16(p + 2, v >> 16);
}

static void w64(uint8_t *p, uint64_t v)
{
	w32(p, v);
	w32(p + 4, v >> 32);
}

/* Writes whatever fits of the headers into a fresh buffer of t->size. */
static uint8_t *encode(const struct timg *t)
{
	uint8_t *b = calloc(1, t->size ? t->size : 1);
	uint8_t hdr[64] = { 0x7f, 'E', 'L', 'F' };

	hdr[EI_CLASS] = t->cls == 64 ? ELFCLASS64 : ELFCLASS32;
	hdr[EI_DATA] = ELFDATA2LSB;
	hdr[EI_VERSION] = EV_CURRENT;
	w16(hdr + 16, t->type);
	w16(hdr + 18, t->machine);
	w32(hdr + 20, t->version);
	if (t->cls == 64) {
		w64(hdr + 24, t->entry);
		w64(hdr + 32, t->phoff);
		w16(hdr + 52, t->ehsize);
		w16(hdr + 54, t->phentsize);
		w16(hdr + 56, t->phnum);
	} else {
		w32(hdr + 24, t->entry);
		w32(hdr + 28, t->phoff);
		w16(hdr + 40, t->ehsize);
		w16(hdr + 42, t->phentsize);
		w16(hdr + 44, t->phnum);
	}
	memcpy(b, hdr, t->size < 64 ? t->size : 64);
	/* Segment bytes: a pattern, so the copies can be recognised. */
	for (size_t i = 64; i < t->size; i++)
		b[i] = (uint8_t)(i * 7 + 1);
	for (unsigned int i = 0; i < t->nseg; i++) {
		uint8_t ph[56] = { 0 };
		const struct tseg *s = &t->seg[i];
		size_t at = t->phoff + (size_t)i * (t->cls == 64 ? 56 : 32);
		size_t len = t->cls == 64 ? 56 : 32;

		w32(ph, s->type);
		if (t->cls == 64) {
			w32(ph + 4, s->flags);
			w64(ph + 8, s->offset);
			w64(ph + 16, s->vaddr);
			w64(ph + 24, s->vaddr);
			w64(ph + 32, s->filesz);
			w64(ph + 40, s->memsz);
			w64(ph + 48, 0x1000);
		} else {
			w32(ph + 4, s->offset);
			w32(ph + 8, s->vaddr);
			w32(ph + 12, s->vaddr);
			w32(ph + 16, s->filesz);
			w32(ph + 20, s->memsz);
			w32(ph + 24, s->flags);
			w32(ph + 28, 0x1000);
		}
		/* A table that wraps or starts past the end is not written. */
		if (at < t->phoff || at >= t->size)
			continue;
		for (size_t k = 0; k < len && at + k < t->size; k++)
			b[at + k] = ph[k];
	}
	return b;
}

/*
 * The good image: text R-X at 0x400000 (0x100 bytes from 0x1000), rodata
 * R at 0x401000 (0x80 from 0x2000), data RW at 0x402000 (0x10 bytes from
 * 0x3000, 0x2000 in memory), and a PT_GNU_STACK.
 */
static void good(struct timg *t, int cls)
{
	memset(t, 0, sizeof(*t));
	t->cls = cls;
	t->type = ET_EXEC;
	t->machine = cls == 64 ? EM_X86_64 : EM_386;
	t->version = EV_CURRENT;
	t->entry = 0x400010;
	t->phoff = cls == 64 ? 64 : 52;
	t->ehsize = cls == 64 ? 64 : 52;
	t->phentsize = cls == 64 ? 56 : 32;
	t->nseg = t->phnum = 4;
	t->seg[0] = (struct tseg){ PT_LOAD, PF_R | PF_X, 0x1000, 0x400000, 0x100, 0x100 };
	t->seg[1] = (struct tseg){ PT_LOAD, PF_R, 0x2000, 0x401000, 0x80, 0x80 };
	t->seg[2] = (struct tseg){ PT_LOAD, PF_R | PF_W, 0x3000, 0x402000, 0x10, 0x2000 };
	t->seg[3] = (struct tseg){ PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0 };
	t->size = 0x3010;
}

static int validate_timg(const struct timg *t, struct elf_plan *plan)
{
	uint8_t *b = encode(t);
	int r = elf_validate(b, t->size, plan);

	if (r == 0)
		CHECK_EQ(elf_plan_check(plan, t->size), 0);
	free(b);
	return r;
}

/* ---- One case per rule ---- */

struct bad_case {
	const char *name;
	void (*mutate)(struct timg *t);
	int patch_off; /* byte to overwrite after encoding, or -1 */
	int patch_val;
	int expect; /* positive SV_EELF_* code */
	int only;   /* 0: both classes; 32 or 64: that class only */
};

#define M(fn, ...) \
	static void fn(struct timg *t) { __VA_ARGS__; }

M(m_none, (void)t)
M(m_size3, t->size = 3)
M(m_size10, t->size = 10)
M(m_size_ehdr_minus1, t->size = t->ehsize - 1u)
M(m_version, t->version = 2)
M(m_machine_other, t->machine = t->cls == 64 ? EM_386 : EM_X86_64)
M(m_machine_zero, t->machine = 0)
M(m_machine_arm, t->machine = EM_AARCH64)
M(m_type_dyn, t->type = ET_DYN)
M(m_type_rel, t->type = ET_REL)
M(m_type_core, t->type = ET_CORE)
M(m_ehsize, t->ehsize++)
M(m_phentsize, t->phentsize = (uint16_t)(t->phentsize + 8))
M(m_phentsize_small, t->phentsize = 8)
M(m_phnum0, t->phnum = 0)
M(m_phnum33, t->phnum = 33)
M(m_phnum_xnum, t->phnum = 0xffff)
M(m_phoff_end, t->phoff = t->size - 10)
M(m_phoff_past, t->phoff = t->size + 4096)
M(m_phoff_wrap, t->phoff = t->cls == 64 ? UINT64_MAX - 8 : UINT32_MAX - 8)
M(m_cut_in_table, t->size = t->phoff + t->phentsize * 2u + 5u)
M(m_interp, t->seg[3].type = PT_INTERP)
M(m_dynamic, t->seg[3].type = PT_DYNAMIC)
M(m_tls, t->seg[3].type = PT_TLS)
M(m_shlib, t->seg[3].type = PT_SHLIB)
M(m_loproc, t->seg[3].type = 0x70000000)
M(m_flags_extra, t->seg[1].flags |= 0x8)
M(m_flags_os, t->seg[1].flags |= 0x0ff00000)
M(m_no_read, t->seg[1].flags = 0)
M(m_x_only, t->seg[0].flags = PF_X)
M(m_file_past, t->seg[2].filesz = 0x20)
M(m_off_past, t->seg[1].offset = 0x4000; t->seg[1].vaddr = 0x401000 + 0x0)
M(m_off_wrap, t->seg[1].offset = t->cls == 64 ? UINT64_MAX - 0xfff : 0xfffff000;
  t->seg[1].filesz = 0x2000; t->seg[1].memsz = 0x2000)
M(m_cut_in_data, t->size = 0x3008)
M(m_filesz_big, t->seg[2].filesz = 0x3000; t->seg[2].memsz = 0x2000; t->size = 0x6000)
M(m_vaddr_low, t->seg[1].vaddr = 0x3ff000)
M(m_vaddr_zero, t->seg[1].vaddr = 0)
M(m_end_high, t->seg[2].vaddr = PROC_IMAGE_END - 0x1000)
M(m_vaddr_tramp, t->seg[2].vaddr = PROC_TRAMPOLINE_ADDR)
M(m_vaddr_stack, t->seg[2].vaddr = PROC_STACK_BASE)
M(m_vaddr_kernel, t->seg[2].vaddr = 0xffffffff80000000ull)
M(m_memsz_wrap, t->seg[2].memsz = t->cls == 64 ? UINT64_MAX - 0x401000 : 0xfffff000)
M(m_memsz_huge, t->seg[2].memsz = PROC_IMAGE_END)
M(m_misaligned, t->seg[1].offset = 0x2010)
M(m_misaligned_vaddr, t->seg[1].vaddr = 0x401800)
M(m_overlap_page, t->seg[1].vaddr = 0x400800; t->seg[1].offset = 0x2800)
M(m_overlap_full, t->seg[1].vaddr = 0x400000)
M(m_overlap_bss, t->seg[1].vaddr = 0x403000; t->seg[1].offset = 0x2000)
M(m_overlap_last_page, t->seg[0].memsz = 0x1001)
M(m_wx, t->seg[0].flags = PF_R | PF_W | PF_X)
M(m_wx_data, t->seg[2].flags = PF_R | PF_W | PF_X)
M(m_entry_ro, t->entry = 0x401000)
M(m_entry_data, t->entry = 0x402000)
M(m_entry_zero, t->entry = 0)
M(m_entry_past_text, t->entry = 0x400100)
M(m_entry_below, t->entry = 0x3fffff)
M(m_no_loads, t->seg[0].type = PT_NOTE; t->seg[1].type = PT_NULL;
  t->seg[2].type = PT_GNU_STACK)
M(m_empty_loads, t->seg[0].memsz = t->seg[0].filesz = 0;
  t->seg[1].memsz = t->seg[1].filesz = 0; t->seg[2].memsz = t->seg[2].filesz = 0)
M(m_seventeen_loads, t->nseg = t->phnum = 17;
  for (unsigned int i = 3; i < 17; i++) t->seg[i] = (struct tseg){
	  PT_LOAD, PF_R, 0x2000, 0x500000 + 0x1000ull * i, 0x10, 0x10 })

static const struct bad_case bad_cases[] = {
	{ "truncated to 3 bytes", m_size3, -1, 0, SV_EELF_TRUNCATED, 0 },
	{ "truncated inside e_ident", m_size10, -1, 0, SV_EELF_TRUNCATED, 0 },
	{ "truncated ELF header", m_size_ehdr_minus1, -1, 0, SV_EELF_TRUNCATED, 0 },
	{ "bad magic", m_none, 1, 'X', SV_EELF_MAGIC, 0 },
	{ "bad magic byte 0", m_none, 0, 0x7e, SV_EELF_MAGIC, 0 },
	{ "class 0", m_none, EI_CLASS, 0, SV_EELF_CLASS, 0 },
	{ "class 3", m_none, EI_CLASS, 3, SV_EELF_CLASS, 0 },
	{ "big-endian", m_none, EI_DATA, ELFDATA2MSB, SV_EELF_DATA, 0 },
	{ "data encoding 0", m_none, EI_DATA, 0, SV_EELF_DATA, 0 },
	{ "ident version 0", m_none, EI_VERSION, 0, SV_EELF_VERSION, 0 },
	{ "e_version 2", m_version, -1, 0, SV_EELF_VERSION, 0 },
	{ "OS ABI FreeBSD", m_none, EI_OSABI, ELFOSABI_FREEBSD, SV_EELF_VERSION, 0 },
	{ "ABI version 1", m_none, EI_ABIVERSION, 1, SV_EELF_VERSION, 0 },
	{ "machine of the other class", m_machine_other, -1, 0, SV_EELF_MACHINE, 0 },
	{ "machine 0", m_machine_zero, -1, 0, SV_EELF_MACHINE, 0 },
	{ "machine aarch64", m_machine_arm, -1, 0, SV_EELF_MACHINE, 0 },
	{ "type DYN", m_type_dyn, -1, 0, SV_EELF_TYPE, 0 },
	{ "type REL", m_type_rel, -1, 0, SV_EELF_TYPE, 0 },
	{ "type CORE", m_type_core, -1, 0, SV_EELF_TYPE, 0 },
	{ "e_ehsize", m_ehsize, -1, 0, SV_EELF_HDRSIZE, 0 },
	{ "e_phentsize larger", m_phentsize, -1, 0, SV_EELF_HDRSIZE, 0 },
	{ "e_phentsize smaller", m_phentsize_small, -1, 0, SV_EELF_HDRSIZE, 0 },
	{ "phnum 0", m_phnum0, -1, 0, SV_EELF_PHNUM, 0 },
	{ "phnum 33", m_phnum33, -1, 0, SV_EELF_PHNUM, 0 },
	{ "phnum PN_XNUM", m_phnum_xnum, -1, 0, SV_EELF_PHNUM, 0 },
	{ "table runs past the end", m_phoff_end, -1, 0, SV_EELF_PHTABLE, 0 },
	{ "table starts past the end", m_phoff_past, -1, 0, SV_EELF_PHTABLE, 0 },
	{ "table offset wraps", m_phoff_wrap, -1, 0, SV_EELF_PHTABLE, 0 },
	{ "truncated in the table", m_cut_in_table, -1, 0, SV_EELF_PHTABLE, 0 },
	{ "PT_INTERP", m_interp, -1, 0, SV_EELF_SEGTYPE, 0 },
	{ "PT_DYNAMIC", m_dynamic, -1, 0, SV_EELF_SEGTYPE, 0 },
	{ "PT_TLS", m_tls, -1, 0, SV_EELF_SEGTYPE, 0 },
	{ "PT_SHLIB", m_shlib, -1, 0, SV_EELF_SEGTYPE, 0 },
	{ "processor-specific type", m_loproc, -1, 0, SV_EELF_SEGTYPE, 0 },
	{ "unknown flag bit", m_flags_extra, -1, 0, SV_EELF_SEGTYPE, 0 },
	{ "OS flag bits", m_flags_os, -1, 0, SV_EELF_SEGTYPE, 0 },
	{ "segment not readable", m_no_read, -1, 0, SV_EELF_SEGTYPE, 0 },
	{ "execute-only segment", m_x_only, -1, 0, SV_EELF_SEGTYPE, 0 },
	{ "file bytes past the end", m_file_past, -1, 0, SV_EELF_SEGFILE, 0 },
	{ "offset past the end", m_off_past, -1, 0, SV_EELF_SEGFILE, 0 },
	{ "offset + filesz wraps", m_off_wrap, -1, 0, SV_EELF_SEGFILE, 0 },
	{ "truncated in segment data", m_cut_in_data, -1, 0, SV_EELF_SEGFILE, 0 },
	{ "filesz > memsz", m_filesz_big, -1, 0, SV_EELF_SEGSIZE, 0 },
	{ "below the user window", m_vaddr_low, -1, 0, SV_EELF_SEGRANGE, 0 },
	{ "at address 0", m_vaddr_zero, -1, 0, SV_EELF_SEGRANGE, 0 },
	{ "past the image end", m_end_high, -1, 0, SV_EELF_SEGRANGE, 0 },
	{ "on the trampoline", m_vaddr_tramp, -1, 0, SV_EELF_SEGRANGE, 0 },
	{ "on the stack", m_vaddr_stack, -1, 0, SV_EELF_SEGRANGE, 0 },
	{ "in the VMM's half", m_vaddr_kernel, -1, 0, SV_EELF_SEGRANGE, 64 },
	{ "vaddr + memsz wraps", m_memsz_wrap, -1, 0, SV_EELF_SEGRANGE, 0 },
	{ "memsz too large", m_memsz_huge, -1, 0, SV_EELF_SEGRANGE, 0 },
	{ "offset not congruent", m_misaligned, -1, 0, SV_EELF_ALIGN, 0 },
	{ "vaddr not congruent", m_misaligned_vaddr, -1, 0, SV_EELF_ALIGN, 0 },
	{ "segments share a page", m_overlap_page, -1, 0, SV_EELF_OVERLAP, 0 },
	{ "segments coincide", m_overlap_full, -1, 0, SV_EELF_OVERLAP, 0 },
	{ "segment inside BSS", m_overlap_bss, -1, 0, SV_EELF_OVERLAP, 0 },
	{ "text's last page shared", m_overlap_last_page, -1, 0, SV_EELF_OVERLAP, 0 },
	{ "text writable", m_wx, -1, 0, SV_EELF_WX, 0 },
	{ "data executable", m_wx_data, -1, 0, SV_EELF_WX, 0 },
	{ "entry in rodata", m_entry_ro, -1, 0, SV_EELF_ENTRY, 0 },
	{ "entry in data", m_entry_data, -1, 0, SV_EELF_ENTRY, 0 },
	{ "entry 0", m_entry_zero, -1, 0, SV_EELF_ENTRY, 0 },
	{ "entry just past text", m_entry_past_text, -1, 0, SV_EELF_ENTRY, 0 },
	{ "entry below text", m_entry_below, -1, 0, SV_EELF_ENTRY, 0 },
	{ "no PT_LOAD", m_no_loads, -1, 0, SV_EELF_LOADS, 0 },
	{ "only empty PT_LOADs", m_empty_loads, -1, 0, SV_EELF_LOADS, 0 },
	{ "17 PT_LOADs", m_seventeen_loads, -1, 0, SV_EELF_LOADS, 0 },
};

static void test_bad_cases(void)
{
	bool seen[40] = { false };

	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];

		for (int cls = 32; cls <= 64; cls += 32) {
			struct timg t;
			struct elf_plan plan;
			uint8_t *b;
			int r;

			if (c->only && c->only != cls)
				continue;
			good(&t, cls);
			c->mutate(&t);
			b = encode(&t);
			if (c->patch_off >= 0 && (size_t)c->patch_off < t.size)
				b[c->patch_off] = (uint8_t)c->patch_val;
			memset(&plan, 0xa5, sizeof(plan));
			r = elf_validate(b, t.size, &plan);
			if (r != -c->expect)
				fprintf(stderr, "case \"%s\" (ELF%d): got %d (%s), want %d\n", c->name,
					cls, r, sv_strerror(r), -c->expect);
			CHECK_EQ(r, -c->expect);
			/* A refused image leaves no half-made plan behind. */
			CHECK_EQ(plan.nregions, 0);
			if (r < 0 && -r < 40)
				seen[-r] = true;
			free(b);
		}
	}
	/* Every rule has its own code, and every code has a case. */
	for (int code = SV_EELF_TRUNCATED; code <= SV_EELF_LOADS; code++) {
		if (!seen[code])
			fprintf(stderr, "no case refused with %d (%s)\n", code, sv_strerror(code));
		CHECK(seen[code]);
	}
	/* And each code has a message of its own. */
	for (int a = SV_EELF; a <= SV_EELF_LOADS; a++)
		for (int b = a + 1; b <= SV_EELF_LOADS; b++)
			CHECK(strcmp(sv_strerror(a), sv_strerror(b)) != 0);
}

/* ---- Accepted synthetic images ---- */

static void check_good_plan(const struct elf_plan *p, int cls)
{
	CHECK_EQ(p->elf_class, cls);
	CHECK_EQ(p->entry, 0x400010);
	CHECK_EQ(p->nregions, 5);
	CHECK_EQ(p->region[0].vaddr, 0x400000);
	CHECK_EQ(p->region[0].size, 0x1000);
	CHECK_EQ(p->region[0].rights, PROC_R | PROC_X);
	CHECK_EQ(p->region[0].copy_to, 0x400000);
	CHECK_EQ(p->region[0].file_off, 0x1000);
	CHECK_EQ(p->region[0].file_len, 0x100);
	CHECK_EQ(p->region[0].kind, ELF_REGION_IMAGE);
	CHECK_EQ(p->region[1].vaddr, 0x401000);
	CHECK_EQ(p->region[1].rights, PROC_R);
	CHECK_EQ(p->region[1].file_len, 0x80);
	CHECK_EQ(p->region[2].vaddr, 0x402000);
	CHECK_EQ(p->region[2].size, 0x2000);
	CHECK_EQ(p->region[2].rights, PROC_R | PROC_W);
	CHECK_EQ(p->region[2].file_off, 0x3000);
	CHECK_EQ(p->region[2].file_len, 0x10);
	CHECK_EQ(p->region[3].kind, ELF_REGION_TRAMPOLINE);
	CHECK_EQ(p->region[3].vaddr, PROC_TRAMPOLINE_ADDR);
	CHECK_EQ(p->region[3].rights, PROC_R | PROC_X);
	CHECK_EQ(p->region[4].kind, ELF_REGION_STACK);
	CHECK_EQ(p->region[4].vaddr, PROC_STACK_BASE);
	CHECK_EQ(p->region[4].size, PROC_STACK_SIZE);
	CHECK_EQ(p->region[4].rights, PROC_R | PROC_W);
	CHECK_EQ(p->image_pages, 4);
	CHECK_EQ(p->total_pages, 4 + PROC_STACK_SIZE / 4096);
	CHECK_EQ(p->guard_base, PROC_STACK_BASE - 4096);
	CHECK_EQ(p->guard_size, 4096);
	CHECK_EQ(p->stack_top, PROC_USER_END);
	CHECK(elf_plan_in_guard(p, PROC_STACK_BASE - 1));
	CHECK(!elf_plan_in_guard(p, PROC_STACK_BASE));
	CHECK(elf_plan_find(p, PROC_STACK_BASE - 1) == NULL);
	CHECK(elf_plan_find(p, 0x400fff) == &p->region[0]);
	CHECK(elf_plan_find(p, 0x403fff) == &p->region[2]);
	CHECK(elf_plan_find(p, 0x404000) == NULL);
	CHECK(elf_plan_find(p, 0) == NULL);
	CHECK(elf_plan_find(p, PROC_USER_END) == NULL);
}

M(m_unsorted, struct tseg s0 = t->seg[0]; t->seg[0] = t->seg[2]; t->seg[2] = s0)
M(m_with_empty_load, t->seg[3] = (struct tseg){ PT_LOAD, PF_R | PF_W | PF_X, 0, 0, 0, 0 })
M(m_with_notes, t->nseg = t->phnum = 8;
  /* Notes are read since issue 15 (test_manifest.c): an empty segment. */
  t->seg[4] = (struct tseg){ PT_NOTE, PF_R, 0x3000, 0, 0, 0 };
  t->seg[5] = (struct tseg){ PT_GNU_PROPERTY, PF_R, 0, 0, 0, 0 };
  t->seg[6] = (struct tseg){ PT_GNU_RELRO, PF_R, 0x3000, 0x402000, 0x10, 0x10 };
  t->seg[7] = (struct tseg){ PT_NULL, 0, 0, 0, 0, 0 })
M(m_table_at_end, t->phoff = 0x3010; t->size = 0x3010 + 4u * t->phentsize)
M(m_phnum_smaller, t->phnum = 3)

static void test_good(void)
{
	void (*const variants[])(struct timg *) = {
		m_none, m_unsorted, m_with_empty_load, m_with_notes, m_table_at_end, m_phnum_smaller,
	};

	for (int cls = 32; cls <= 64; cls += 32) {
		for (size_t v = 0; v < sizeof(variants) / sizeof(variants[0]); v++) {
			struct timg t;
			struct elf_plan plan;

			good(&t, cls);
			variants[v](&t);
			CHECK_EQ(validate_timg(&t, &plan), 0);
			check_good_plan(&plan, cls);
		}
	}
}

/* Limits accepted exactly at the edge, refused one step past it. */
static void test_edges(void)
{
	for (int cls = 32; cls <= 64; cls += 32) {
		struct timg t;
		struct elf_plan plan;

		/* Data ending exactly at PROC_IMAGE_END. */
		good(&t, cls);
		t.seg[2].vaddr = PROC_IMAGE_END - 0x2000;
		CHECK_EQ(validate_timg(&t, &plan), 0);
		CHECK_EQ(plan.region[2].vaddr + plan.region[2].size, PROC_IMAGE_END);
		t.seg[2].memsz++;
		CHECK_EQ(validate_timg(&t, &plan), -SV_EELF_SEGRANGE);

		/* Text starting exactly at PROC_USER_BASE is the good image;
		 * one page lower is refused (covered above). Entry at the
		 * last byte of text. */
		good(&t, cls);
		t.entry = 0x4000ff;
		CHECK_EQ(validate_timg(&t, &plan), 0);
		/* Entry in text's BSS tail still lies in the segment. */
		t.seg[0].memsz = 0x800;
		t.entry = 0x4007ff;
		CHECK_EQ(validate_timg(&t, &plan), 0);

		/* Segments on adjacent pages are fine. */
		good(&t, cls);
		t.seg[0].memsz = 0x1000;
		t.seg[0].filesz = 0x1000;
		t.size = 0x3010;
		CHECK_EQ(validate_timg(&t, &plan), 0);

		/* A segment not at a page start: region rounded down, copy
		 * lands at the segment's own address. */
		good(&t, cls);
		t.seg[1].vaddr = 0x401234;
		t.seg[1].offset = 0x2234;
		CHECK_EQ(validate_timg(&t, &plan), 0);
		CHECK_EQ(plan.region[1].vaddr, 0x401000);
		CHECK_EQ(plan.region[1].copy_to, 0x401234);
		CHECK_EQ(plan.region[1].file_off, 0x2234);
		CHECK_EQ(plan.region[1].size, 0x1000);
		/* Crossing into the next page makes the region two pages
		 * (data moved out of the way first). */
		t.seg[2].vaddr = 0x404000;
		t.seg[1].filesz = t.seg[1].memsz = 0xe00;
		t.size = 0x4000;
		CHECK_EQ(validate_timg(&t, &plan), 0);
		CHECK_EQ(plan.region[1].size, 0x2000);
		/* Data on the very next page is fine, on the shared one not. */
		t.seg[2].vaddr = 0x403000;
		CHECK_EQ(validate_timg(&t, &plan), 0);
		t.seg[2].vaddr = 0x402000;
		CHECK_EQ(validate_timg(&t, &plan), -SV_EELF_OVERLAP);

		/* Exactly 32 program headers and 16 loads are allowed. */
		good(&t, cls);
		t.nseg = t.phnum = 32;
		for (unsigned int i = 3; i < 16; i++)
			t.seg[i] = (struct tseg){ PT_LOAD, PF_R, 0x2000, 0x500000 + 0x1000ull * i,
						  0x10, 0x10 };
		for (unsigned int i = 16; i < 32; i++)
			t.seg[i] = (struct tseg){ PT_NULL, 0, 0, 0, 0, 0 };
		t.size = 0x3010;
		CHECK_EQ(validate_timg(&t, &plan), 0);
		CHECK_EQ(plan.nregions, 18);

		/* A NULL image is refused, not dereferenced. */
		CHECK_EQ(elf_validate(NULL, 100, &plan), -SV_EELF_TRUNCATED);
	}
}

/*
 * Cuts an accepted image at every byte below the end of its last header
 * or segment: each cut is refused with the code of the structure it cuts
 * (header: TRUNCATED, table: PHTABLE, segment bytes: SEGFILE).  Cuts past
 * that point (section headers, debug data) are accepted.
 */
static void sweep_truncations(const uint8_t *img, size_t size, const char *what)
{
	struct elf_plan plan;
	int cls = img[EI_CLASS] == ELFCLASS64 ? 64 : 32;
	size_t ehsize = cls == 64 ? 64 : 52;
	uint64_t phoff, table_end, seg_end = 0;
	unsigned int phnum, phentsize;
	int bad = 0;

	if (cls == 64) {
		const Elf64_Ehdr *eh = (const void *)img;

		phoff = eh->e_phoff;
		phnum = eh->e_phnum;
		phentsize = eh->e_phentsize;
	} else {
		const Elf32_Ehdr *eh = (const void *)img;

		phoff = eh->e_phoff;
		phnum = eh->e_phnum;
		phentsize = eh->e_phentsize;
	}
	table_end = phoff + (uint64_t)phnum * phentsize;
	for (unsigned int i = 0; i < phnum; i++) {
		uint64_t off, filesz, type;

		if (cls == 64) {
			const Elf64_Phdr *ph = (const void *)(img + phoff + (uint64_t)i * phentsize);

			type = ph->p_type;
			off = ph->p_offset;
			filesz = ph->p_filesz;
		} else {
			const Elf32_Phdr *ph = (const void *)(img + phoff + (uint64_t)i * phentsize);

			type = ph->p_type;
			off = ph->p_offset;
			filesz = ph->p_filesz;
		}
		if (type == PT_LOAD && filesz && off + filesz > seg_end)
			seg_end = off + filesz;
	}
	CHECK(table_end < seg_end);

	for (size_t cut = 0; cut <= size; cut++) {
		int want = cut < ehsize	     ? -SV_EELF_TRUNCATED
			   : cut < table_end ? -SV_EELF_PHTABLE
			   : cut < seg_end   ? -SV_EELF_SEGFILE
					     : 0;
		/* Copy into an exact-size buffer so ASan sees any overread. */
		uint8_t *b = malloc(cut ? cut : 1);
		int r;

		memcpy(b, img, cut);
		r = elf_validate(b, cut, &plan);
		if (r != want && bad++ < 5)
			fprintf(stderr, "%s cut at %zu: got %d, want %d\n", what, cut, r, want);
		CHECK_EQ(r, want);
		if (r == 0)
			CHECK_EQ(elf_plan_check(&plan, cut), 0);
		free(b);
	}
}

static void test_truncations_synthetic(void)
{
	for (int cls = 32; cls <= 64; cls += 32) {
		struct timg t;
		uint8_t *b;

		good(&t, cls);
		b = encode(&t);
		sweep_truncations(b, t.size, cls == 64 ? "synthetic ELF64" : "synthetic ELF32");
		free(b);
	}
}

static uint8_t *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b;
	long n;

	if (f == NULL) {
		perror(path);
		exit(2);
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = malloc((size_t)n);
	if (fread(b, 1, (size_t)n, f) != (size_t)n) {
		perror(path);
		exit(2);
	}
	fclose(f);
	*size = (size_t)n;
	return b;
}

/*
 * A real libproc image: accepted; its plan cross-checked with an
 * independent reading through glibc's structures: one region per
 * non-empty PT_LOAD with matching rights and copies, text first.
 */
static void test_real(const char *path, int cls)
{
	size_t size;
	uint8_t *img = read_file(path, &size);
	struct elf_plan plan;
	unsigned int nload = 0;

	CHECK_EQ(elf_validate(img, size, &plan), 0);
	CHECK_EQ(elf_plan_check(&plan, size), 0);
	CHECK_EQ(plan.elf_class, cls);
	CHECK_EQ(plan.region[0].vaddr, PROC_USER_BASE);
	CHECK_EQ(plan.region[0].rights, PROC_R | PROC_X);
	if (cls == 64) {
		const Elf64_Ehdr *eh = (const void *)img;

		CHECK_EQ(plan.entry, eh->e_entry);
		for (unsigned int i = 0; i < eh->e_phnum; i++) {
			const Elf64_Phdr *ph = (const void *)(img + eh->e_phoff + i * sizeof(*ph));
			const struct elf_region *r;

			if (ph->p_type != PT_LOAD || ph->p_memsz == 0)
				continue;
			r = elf_plan_find(&plan, ph->p_vaddr);
			CHECK(r != NULL);
			if (r == NULL)
				continue;
			nload++;
			CHECK_EQ(r->copy_to, ph->p_vaddr);
			CHECK_EQ(r->file_off, ph->p_offset);
			CHECK_EQ(r->file_len, ph->p_filesz);
			CHECK_EQ(r->rights, PROC_R | (ph->p_flags & PF_W ? PROC_W : 0) |
						   (ph->p_flags & PF_X ? PROC_X : 0));
		}
	} else {
		const Elf32_Ehdr *eh = (const void *)img;

		CHECK_EQ(plan.entry, eh->e_entry);
		for (unsigned int i = 0; i < eh->e_phnum; i++) {
			const Elf32_Phdr *ph = (const void *)(img + eh->e_phoff + i * sizeof(*ph));
			const struct elf_region *r;

			if (ph->p_type != PT_LOAD || ph->p_memsz == 0)
				continue;
			r = elf_plan_find(&plan, ph->p_vaddr);
			CHECK(r != NULL);
			if (r == NULL)
				continue;
			nload++;
			CHECK_EQ(r->copy_to, ph->p_vaddr);
			CHECK_EQ(r->file_off, ph->p_offset);
			CHECK_EQ(r->file_len, ph->p_filesz);
			CHECK_EQ(r->rights, PROC_R | (ph->p_flags & PF_W ? PROC_W : 0) |
						   (ph->p_flags & PF_X ? PROC_X : 0));
		}
	}
	/* hello has text and rodata ("Hello, World!"), maybe data. */
	CHECK(nload >= 2);
	CHECK_EQ(plan.nregions, nload + 2);
	/* The string is really in the rodata region's copy. */
	{
		const struct elf_region *ro = &plan.region[1];

		CHECK_EQ(ro->rights, PROC_R);
		CHECK(memmem(img + ro->file_off, ro->file_len, "Hello, World!", 13) != NULL);
	}
	sweep_truncations(img, size, path);
	free(img);
}

int main(int argc, char **argv)
{
	test_bad_cases();
	test_good();
	test_edges();
	test_truncations_synthetic();
	if (argc >= 3) {
		test_real(argv[1], 64);
		test_real(argv[2], 32);
	} else {
		fprintf(stderr, "usage: %s hello hello32\n", argv[0]);
		return 2;
	}
	return check_report("test_elf");
}
