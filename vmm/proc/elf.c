/*
 * The strict ELF validator: documented in elf.h, rules listed in
 * docs/processes.md.
 *
 * Shape: decode the class-specific headers into one neutral form (so the
 * rules are written once for ELF32 and ELF64), check every header rule,
 * check every segment, check the segments against each other, then build
 * the plan.  Nothing is mapped and nothing is written outside *plan until
 * every rule has passed.  Fields are read byte by byte, little-endian, so
 * no alignment of the image is assumed and no struct overlays hostile
 * bytes.  Every sum of two untrusted numbers is checked before it is used.
 */
#include "elf.h"

#include <fsstring.h>

/* From the System V ABI (gABI) and its x86 supplements. */
#define EI_NIDENT 16
#define EI_CLASS 4
#define EI_DATA 5
#define EI_VERSION 6
#define EI_OSABI 7
#define EI_ABIVERSION 8
#define ELFCLASS32 1
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define EV_CURRENT 1
#define ELFOSABI_SYSV 0
#define ELFOSABI_GNU 3
#define ET_EXEC 2
#define EM_386 3
#define EM_X86_64 62
#define EHDR32_SIZE 52
#define EHDR64_SIZE 64
#define PHDR32_SIZE 32
#define PHDR64_SIZE 56

#define PT_NULL 0
#define PT_LOAD 1
#define PT_NOTE 4
#define PT_PHDR 6
#define PT_GNU_EH_FRAME 0x6474e550u
#define PT_GNU_STACK 0x6474e551u
#define PT_GNU_RELRO 0x6474e552u
#define PT_GNU_PROPERTY 0x6474e553u

#define PF_X 1u
#define PF_W 2u
#define PF_R 4u

/* The ELF header, whatever the class. */
struct ehdr {
	uint32_t elf_class; /* 32 or 64 */
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff;
	uint16_t ehsize, phentsize, phnum;
};

/* One program header, whatever the class. */
struct phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, filesz, memsz;
};

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (uint16_t)p[1] << 8);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
	return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

/* a + b into *sum; false when it wraps. */
static bool add_ok(uint64_t a, uint64_t b, uint64_t *sum)
{
	*sum = a + b;
	return *sum >= a;
}

/* The identification bytes and the fixed-size header. */
static int decode_ehdr(const uint8_t *img, size_t size, struct ehdr *eh)
{
	size_t need;

	/* The magic first: anything else is simply "not ELF". */
	if (size < 4)
		return -SV_EELF_TRUNCATED;
	if (img[0] != 0x7f || img[1] != 'E' || img[2] != 'L' || img[3] != 'F')
		return -SV_EELF_MAGIC;
	if (size < EI_NIDENT)
		return -SV_EELF_TRUNCATED;
	if (img[EI_CLASS] == ELFCLASS32)
		eh->elf_class = 32;
	else if (img[EI_CLASS] == ELFCLASS64)
		eh->elf_class = 64;
	else
		return -SV_EELF_CLASS;
	need = eh->elf_class == 64 ? EHDR64_SIZE : EHDR32_SIZE;
	if (size < need)
		return -SV_EELF_TRUNCATED;
	if (img[EI_DATA] != ELFDATA2LSB)
		return -SV_EELF_DATA;
	if (img[EI_VERSION] != EV_CURRENT ||
	    (img[EI_OSABI] != ELFOSABI_SYSV && img[EI_OSABI] != ELFOSABI_GNU) ||
	    img[EI_ABIVERSION] != 0)
		return -SV_EELF_VERSION;

	eh->type = rd16(img + 16);
	eh->machine = rd16(img + 18);
	eh->version = rd32(img + 20);
	if (eh->elf_class == 64) {
		eh->entry = rd64(img + 24);
		eh->phoff = rd64(img + 32);
		eh->ehsize = rd16(img + 52);
		eh->phentsize = rd16(img + 54);
		eh->phnum = rd16(img + 56);
	} else {
		eh->entry = rd32(img + 24);
		eh->phoff = rd32(img + 28);
		eh->ehsize = rd16(img + 40);
		eh->phentsize = rd16(img + 42);
		eh->phnum = rd16(img + 44);
	}
	return 0;
}

/* The rules on the header alone, in the order docs/processes.md lists. */
static int check_ehdr(const struct ehdr *eh, size_t size)
{
	uint64_t table_len, table_end;

	if (eh->version != EV_CURRENT)
		return -SV_EELF_VERSION;
	/* x32 (ELF32 + EM_X86_64) and ELF64 + EM_386 are refused too. */
	if ((eh->elf_class == 64 && eh->machine != EM_X86_64) ||
	    (eh->elf_class == 32 && eh->machine != EM_386))
		return -SV_EELF_MACHINE;
	if (eh->type != ET_EXEC)
		return -SV_EELF_TYPE;
	if (eh->ehsize != (eh->elf_class == 64 ? EHDR64_SIZE : EHDR32_SIZE) ||
	    eh->phentsize != (eh->elf_class == 64 ? PHDR64_SIZE : PHDR32_SIZE))
		return -SV_EELF_HDRSIZE;
	/* Also refuses PN_XNUM (0xffff), the "count is elsewhere" escape. */
	if (eh->phnum == 0 || eh->phnum > ELF_MAX_PHDRS)
		return -SV_EELF_PHNUM;
	/* phnum <= 32 and phentsize <= 56: the product cannot wrap. */
	table_len = (uint64_t)eh->phnum * eh->phentsize;
	if (!add_ok(eh->phoff, table_len, &table_end) || table_end > size)
		return -SV_EELF_PHTABLE;
	return 0;
}

static void decode_phdr(const uint8_t *p, uint32_t elf_class, struct phdr *ph)
{
	ph->type = rd32(p);
	if (elf_class == 64) {
		ph->flags = rd32(p + 4);
		ph->offset = rd64(p + 8);
		ph->vaddr = rd64(p + 16);
		ph->filesz = rd64(p + 32);
		ph->memsz = rd64(p + 40);
	} else {
		ph->offset = rd32(p + 4);
		ph->vaddr = rd32(p + 8);
		ph->filesz = rd32(p + 16);
		ph->memsz = rd32(p + 20);
		ph->flags = rd32(p + 24);
	}
}

/* p_align of program header i (decode_phdr leaves it out: only notes need it). */
static uint64_t rd_align(const uint8_t *img, const struct ehdr *eh, unsigned int i)
{
	const uint8_t *p = img + eh->phoff + (uint64_t)i * eh->phentsize;

	return eh->elf_class == 64 ? rd64(p + 48) : rd32(p + 28);
}

/*
 * Types that carry nothing the loader needs and cannot change what gets
 * mapped.  Everything else is refused: PT_DYNAMIC and PT_INTERP (a process
 * is static; nobody would relocate it), PT_TLS (no thread pointer is set
 * up), PT_SHLIB and anything unknown (strictness beats guessing).
 */
static bool ignorable_type(uint32_t type)
{
	switch (type) {
	case PT_NULL:
	case PT_NOTE:
	case PT_PHDR:
	case PT_GNU_EH_FRAME:
	case PT_GNU_STACK:    /* the stack is never executable anyway */
	case PT_GNU_RELRO:    /* static: nothing is relocated, stays RW */
	case PT_GNU_PROPERTY:
		return true;
	default:
		return false;
	}
}

/* The rules on one PT_LOAD segment by itself. */
static int check_load(const struct phdr *ph, size_t size)
{
	uint64_t file_end, mem_end;

	if (ph->flags & ~(PF_R | PF_W | PF_X))
		return -SV_EELF_SEGTYPE;
	if ((ph->flags & PF_W) && (ph->flags & PF_X))
		return -SV_EELF_WX;
	/* x86 pages are always readable; a segment that says otherwise is
	 * asking for something we cannot give. */
	if (!(ph->flags & PF_R))
		return -SV_EELF_SEGTYPE;
	if (ph->filesz > ph->memsz)
		return -SV_EELF_SEGSIZE;
	if (!add_ok(ph->offset, ph->filesz, &file_end) || file_end > size)
		return -SV_EELF_SEGFILE;
	if (ph->vaddr < PROC_USER_BASE || !add_ok(ph->vaddr, ph->memsz, &mem_end) ||
	    mem_end > PROC_IMAGE_END)
		return -SV_EELF_SEGRANGE;
	/* A page holds one run of file bytes at one offset: the file offset
	 * and the address must agree within the page. */
	if ((ph->offset & (PAGE_SIZE - 1)) != (ph->vaddr & (PAGE_SIZE - 1)))
		return -SV_EELF_ALIGN;
	return 0;
}

static uint32_t rights_of(uint32_t pf)
{
	/* PROC_* share PF_*'s bit values; spelled out to keep that visible. */
	return PROC_R | (pf & PF_W ? PROC_W : 0) | (pf & PF_X ? PROC_X : 0);
}

/* Insertion sort by address: at most ELF_MAX_LOADS entries. */
static void sort_loads(struct phdr *load, unsigned int n)
{
	for (unsigned int i = 1; i < n; i++) {
		struct phdr key = load[i];
		unsigned int j = i;

		while (j > 0 && load[j - 1].vaddr > key.vaddr) {
			load[j] = load[j - 1];
			j--;
		}
		load[j] = key;
	}
}

static void add_region(struct elf_plan *plan, uint64_t vaddr, uint64_t size,
		       uint32_t rights, uint32_t kind)
{
	struct elf_region *r = &plan->region[plan->nregions++];

	r->vaddr = vaddr;
	r->size = size;
	r->copy_to = vaddr;
	r->file_off = 0;
	r->file_len = 0;
	r->rights = rights;
	r->kind = kind;
}

/* Validates and plans; see elf.h. */
int elf_validate(const void *image, size_t size, struct elf_plan *plan)
{
	const uint8_t *img = image;
	struct phdr load[ELF_MAX_LOADS];
	struct elf_note_seg notes[ELF_MAX_PHDRS];
	unsigned int nload = 0, nnotes = 0;
	struct ehdr eh;
	bool entry_ok = false;
	int err;

	memset(plan, 0, sizeof(*plan));
	if (img == NULL)
		return -SV_EELF_TRUNCATED;
	err = decode_ehdr(img, size, &eh);
	if (err == 0)
		err = check_ehdr(&eh, size);
	if (err)
		return err;

	for (unsigned int i = 0; i < eh.phnum; i++) {
		struct phdr ph;

		decode_phdr(img + eh.phoff + (uint64_t)i * eh.phentsize, eh.elf_class, &ph);
		if (ph.type == PT_NOTE)
			notes[nnotes++] = (struct elf_note_seg){ ph.offset, ph.filesz,
								 rd_align(img, &eh, i) };
		if (ph.type != PT_LOAD) {
			if (!ignorable_type(ph.type))
				return -SV_EELF_SEGTYPE;
			continue;
		}
		/* An empty PT_LOAD maps nothing; linker scripts with PHDRS
		 * emit them for absent sections, so they are skipped rather
		 * than refused. */
		if (ph.memsz == 0 && ph.filesz == 0)
			continue;
		err = check_load(&ph, size);
		if (err)
			return err;
		if (nload == ELF_MAX_LOADS)
			return -SV_EELF_LOADS;
		load[nload++] = ph;
	}
	if (nload == 0)
		return -SV_EELF_LOADS;

	/*
	 * Rights are per page, so two segments may not even share a page:
	 * compare page-rounded ranges.  Rounding cannot wrap, every end is
	 * at most PROC_IMAGE_END.
	 */
	sort_loads(load, nload);
	for (unsigned int i = 1; i < nload; i++) {
		uint64_t prev_end = ALIGN_UP(load[i - 1].vaddr + load[i - 1].memsz, PAGE_SIZE);

		if (ALIGN_DOWN(load[i].vaddr, PAGE_SIZE) < prev_end)
			return -SV_EELF_OVERLAP;
	}

	for (unsigned int i = 0; i < nload; i++) {
		if ((load[i].flags & PF_X) && eh.entry >= load[i].vaddr &&
		    eh.entry - load[i].vaddr < load[i].memsz)
			entry_ok = true;
	}
	if (!entry_ok)
		return -SV_EELF_ENTRY;
	/* The manifest last: its rules are about notes, not about mapping. */
	err = elf_manifest_scan(img, size, notes, nnotes, &plan->manifest);
	if (err) {
		memset(plan, 0, sizeof(*plan));
		return err;
	}

	/* Every rule passed: describe what to map. */
	plan->elf_class = eh.elf_class;
	plan->entry = eh.entry;
	for (unsigned int i = 0; i < nload; i++) {
		uint64_t start = ALIGN_DOWN(load[i].vaddr, PAGE_SIZE);
		uint64_t end = ALIGN_UP(load[i].vaddr + load[i].memsz, PAGE_SIZE);
		struct elf_region *r;

		add_region(plan, start, end - start, rights_of(load[i].flags), ELF_REGION_IMAGE);
		r = &plan->region[plan->nregions - 1];
		r->copy_to = load[i].vaddr;
		r->file_off = load[i].offset;
		r->file_len = load[i].filesz;
		plan->image_pages += (end - start) / PAGE_SIZE;
	}
	add_region(plan, PROC_TRAMPOLINE_ADDR, PAGE_SIZE, PROC_R | PROC_X,
		   ELF_REGION_TRAMPOLINE);
	add_region(plan, PROC_STACK_BASE, PROC_STACK_SIZE, PROC_R | PROC_W, ELF_REGION_STACK);
	plan->stack_base = PROC_STACK_BASE;
	plan->stack_top = PROC_STACK_TOP;
	plan->guard_base = PROC_STACK_GUARD;
	plan->guard_size = PAGE_SIZE;
	plan->total_pages = plan->image_pages + PROC_STACK_SIZE / PAGE_SIZE;
	return 0;
}
