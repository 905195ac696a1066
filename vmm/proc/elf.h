/*
 * The strict ELF validator and the mapping plan it produces.
 *
 * A process image arrives as untrusted bytes (even a signed one: a signature
 * says who built it, not that the builder's linker was sane).  elf_validate()
 * checks every rule of docs/processes.md ("Loading") before anything is
 * mapped, and only then describes what to map: a short list of page-aligned
 * regions with their rights and where their bytes come from.  The VMM maps
 * exactly that list and nothing else; it never looks at the ELF again.
 *
 * Portable: no hardware access, no allocation; compiles freestanding for the
 * VMM and hosted for the unit tests and the fuzzer.
 */
#ifndef SV_PROC_ELF_H
#define SV_PROC_ELF_H

#include <sv/types.h>
#include <sealvisor/proc_abi.h>

/* Program headers an image may have, and PT_LOAD segments among them. */
#define ELF_MAX_PHDRS 32u
#define ELF_MAX_LOADS 16u
/* Image segments, the trampoline page and the stack. */
#define ELF_PLAN_MAX_REGIONS (ELF_MAX_LOADS + 2u)

enum elf_region_kind {
	ELF_REGION_IMAGE,      /* a PT_LOAD segment */
	ELF_REGION_TRAMPOLINE, /* PROC_TRAMPOLINE_CODE, shared read-only */
	ELF_REGION_STACK,      /* zeroed, read-write, guard page below */
};

/*
 * One region to map.  Every page in [vaddr, vaddr + size) is fresh, zeroed
 * memory with the given rights (PROC_R always; PROC_W or PROC_X, never
 * both; NX when PROC_X is absent).  Then file_len bytes of the image,
 * starting at file_off, are copied to user address copy_to.  Bytes of the
 * file outside [file_off, file_off + file_len) are never mapped, so no
 * header or stray data leaks into a page, and BSS is zero by construction.
 * Guarantees (checked by elf_plan_check): vaddr and size are page multiples,
 * size > 0, vaddr <= copy_to, copy_to + file_len <= vaddr + size, and
 * file_off + file_len <= the image size.
 */
struct elf_region {
	uint64_t vaddr;
	uint64_t size;
	uint64_t copy_to;
	uint64_t file_off;
	uint64_t file_len;
	uint32_t rights; /* PROC_R | PROC_W | PROC_X */
	uint32_t kind;   /* enum elf_region_kind */
};

/*
 * The manifest a process binary carries in an ELF note (docs/signatures.md,
 * "Manifest"): who it is and its security version.  A binary without one
 * is product "none", SVN 0, no name.
 */
#define ELF_MANIFEST_STR_MAX 32u /* product and name, with their NUL */
#define ELF_MANIFEST_VERSION 1u
#define ELF_NOTE_SEALVISOR "Sealvisor" /* the note's owner name */
#define ELF_NT_SEALVISOR_MANIFEST 1u   /* its type */
#define ELF_PRODUCT_NONE "none"

struct elf_manifest {
	uint32_t present; /* 1 when the binary has a manifest */
	uint32_t svn;
	char product[ELF_MANIFEST_STR_MAX]; /* ELF_PRODUCT_NONE without a manifest */
	char name[ELF_MANIFEST_STR_MAX];    /* "" when absent */
};

/* A PT_NOTE segment as the validator found it: where its notes lie. */
struct elf_note_seg {
	uint64_t offset, filesz, align;
};

/*
 * Reads the manifest from the PT_NOTE segments segs[0, n) of image[0,
 * size) into *m.  0, or the SV_EMF_* code of the first malformed note
 * (every note of each segment is walked, foreign ones too).  Called by
 * elf_validate once the headers passed; the rules are in elf_manifest.c.
 */
int elf_manifest_scan(const uint8_t *image, size_t size, const struct elf_note_seg *segs,
		      unsigned int n, struct elf_manifest *m);

struct elf_plan {
	uint32_t elf_class;  /* 32 or 64: compatibility or long mode */
	uint32_t nregions;   /* image regions first, sorted by vaddr */
	uint64_t entry;      /* handler 0 (_start) */
	uint64_t image_pages; /* pages of the PT_LOAD regions */
	uint64_t total_pages; /* image + stack: what the quota is charged;
			       * the trampoline page is shared, not charged */
	uint64_t stack_base, stack_top;
	uint64_t guard_base, guard_size; /* left unmapped on purpose */
	struct elf_region region[ELF_PLAN_MAX_REGIONS];
	struct elf_manifest manifest; /* from the PT_NOTE segments */
};

/*
 * Validates image[0, size) as a Sealvisor process and fills *plan.
 * Returns 0, or the negated SV_EELF_* code of the first rule broken (see
 * errors.h; docs/processes.md lists the rules), or an SV_EMF_* code for a
 * malformed manifest note (plan->manifest; docs/signatures.md).  On failure *plan is
 * zeroed.  Reads only inside the image, whatever its bytes.
 */
int elf_validate(const void *image, size_t size, struct elf_plan *plan);

/*
 * The region containing user address addr, or NULL.  The VMM uses it to
 * check a handler address given to msgregister (it must be executable) and
 * to name the region a fault hit.
 */
const struct elf_region *elf_plan_find(const struct elf_plan *plan, uint64_t addr);

/* True when addr lies in the stack's guard page: a stack overflow. */
bool elf_plan_in_guard(const struct elf_plan *plan, uint64_t addr);

/*
 * Checks the plan's invariants against the image size it was made for:
 * regions page-aligned, inside the user window, sorted, disjoint, never
 * both writable and executable, copies inside region and image, entry in
 * an executable image region.  0 or -SV_EINVAL.  elf_validate's output
 * always passes; the VMM may call it again as a cheap defence before
 * mapping, and the fuzzer calls it on every accepted input.
 */
int elf_plan_check(const struct elf_plan *plan, size_t image_size);

#endif
