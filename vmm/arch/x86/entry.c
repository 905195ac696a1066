/*
 * The entry area: what stays mapped while a process runs (see
 * arch/entry.h), the CR3 values the stubs switch between, and the CPU
 * features that keep a process from reading or steering the VMM through
 * speculation (PCID; VERW, IBPB and legacy IBRS as arch/x86/spec.c's plan
 * for the boot CPU says).
 */
#include <arch/cpu.h>
#include <arch/desc.h>
#include <arch/entry.h>
#include <arch/paging.h>
#include <arch/spec.h>
#include <arch/uspace.h>
#include <sv/console.h>
#include <sv/cpu.h>
#include <sv/mm.h>

#include "fsstring.h"

/*
 * Read by the stubs while the process's tables may be loaded, so they
 * live in .entry.data (mapped there, read-only).  Written only here,
 * before any process exists.
 */
#define ENTRY_DATA __attribute__((section(".entry.data")))
ENTRY_DATA uint64_t entry_kcr3;    /* what the stubs load: the VMM's tables (no-flush bit with PCID) */
ENTRY_DATA uint64_t entry_kroot;   /* the same as CR3 reads it back */
ENTRY_DATA uint64_t entry_noflush; /* bit 63 with PCID, else 0 (a reserved bit then) */
ENTRY_DATA uint32_t entry_flags;   /* ENTRY_F_* */
ENTRY_DATA uint16_t entry_verw_sel = SEL_KDATA; /* VERW's operand: any valid selector */

struct entry_features entry_features;

/* Every process space runs under this PCID; the VMM's tables under 0. */
#define USER_PCID 1
#define CR4_PCIDE (1ULL << 17)

static uint64_t window_pd;  /* PD of the window, shared by the VMM's and every process's tables */
static uint64_t user_pdpt;  /* PDPT behind PML4[511] of process tables */
static uint64_t cr4_bits;

static uint64_t *tab(uint64_t pa)
{
	return phys_to_virt(pa);
}

/* The PTE for va in the 1 GiB the PD pd covers, allocating its PT. */
static uint64_t *pte_in(uint64_t pd, uint64_t va)
{
	uint64_t *e = &tab(pd)[(va >> 21) & 511];

	if (!(*e & PTE_P)) {
		uint64_t pt = palloc_page();
		if (!pt)
			return NULL;
		*e = pt | PTE_P | PTE_W;
	}
	return &tab(*e & PTE_ADDR)[(va >> 12) & 511];
}

/* Maps the image pages [start, end) at their own addresses under pd. */
static int map_image(uint64_t pd, const char *start, const char *end, uint64_t rights)
{
	for (uint64_t va = (uint64_t)(uintptr_t)start; va < (uint64_t)(uintptr_t)end; va += PAGE_SIZE) {
		uint64_t *e = pte_in(pd, va);
		if (!e)
			return -SV_ENOMEM;
		*e = (va - KERNEL_BASE) | PTE_P | rights;
	}
	return 0;
}

int entry_init(bool split)
{
	struct cpuid_regs r;
	uint64_t kroot = paging_kernel_root();
	uint64_t *kpdpt = tab(tab(kroot)[511] & PTE_ADDR);
	uint64_t img_pd;

	window_pd = palloc_page();
	user_pdpt = palloc_page();
	img_pd = palloc_page();
	if (!window_pd || !user_pdpt || !img_pd)
		return -SV_ENOMEM;
	kpdpt[(ENTRY_WINDOW >> 30) & 511] = window_pd | PTE_P | PTE_W;
	tab(user_pdpt)[(ENTRY_WINDOW >> 30) & 511] = window_pd | PTE_P | PTE_W;
	tab(user_pdpt)[(KERNEL_BASE >> 30) & 511] = img_pd | PTE_P | PTE_W;
	if (map_image(img_pd, _entry_text_start, _entry_text_end, 0) ||
	    map_image(img_pd, _entry_data_start, _entry_data_end, PTE_NX))
		return -SV_ENOMEM;

	cpuid_count(1, 0, &r);
	entry_features.split = split;
	entry_features.pcid = split && (r.ecx & (1u << 17));
	/* spec_setup_cpu ran on this CPU before (main.c); its plan decides. */
	const struct spec_plan *sp = spec_boot_plan();
	entry_features.verw = sp->verw_user;
	entry_features.ibpb = sp->ibpb;
	entry_features.ibrs = sp->spec_ctrl && sp->v2 == SPEC_V2_IBRS;
	entry_features.ibpb_exit = sp->ibpb_exit;
	if (entry_features.pcid)
		cr4_bits |= CR4_PCIDE;
	entry_noflush = entry_features.pcid ? 1ULL << 63 : 0;
	entry_kroot = kroot;
	entry_kcr3 = kroot | entry_noflush;
	entry_flags = (split ? ENTRY_F_SPLIT : 0) | (entry_features.verw ? ENTRY_F_VERW : 0) |
		      (entry_features.ibrs ? ENTRY_F_IBRS : 0) | (entry_features.ibpb_exit ? ENTRY_F_IBPB : 0);
	write_cr4(read_cr4() | cr4_bits); /* CR3's PCID is 0 here, as PCIDE needs */

	struct sv_cpu *bsp = this_cpu();
	if (entry_add_cpu(bsp))
		return -SV_ENOMEM;
	desc_init_cpu(bsp);
	return 0;
}

int entry_add_cpu(struct sv_cpu *c)
{
	uint64_t base = ENTRY_WINDOW + (uint64_t)c->index * ENTRY_REGION_SIZE;

	if (c->index >= CPU_SLOTS)
		return -SV_EINVAL;
	for (uint64_t off = 0; off < ENTRY_REGION_SIZE; off += PAGE_SIZE) {
		uint64_t pa = palloc_page();
		uint64_t *e = pte_in(window_pd, base + off);
		if (!pa || !e) {
			/* Pages mapped so far stay: the slot is retried by nobody. */
			if (pa)
				pfree_pages(pa, 1);
			return -SV_ENOMEM;
		}
		*e = pa | PTE_P | PTE_W | PTE_NX;
	}
	struct entry_hdr *h = (struct entry_hdr *)(uintptr_t)base;
	h->self = c;
	c->entry_base = base;
	return 0;
}

struct entry_hdr *entry_hdr_of(struct sv_cpu *c)
{
	return (struct entry_hdr *)(uintptr_t)c->entry_base;
}

uint64_t entry_cr4_bits(void)
{
	return cr4_bits;
}

void entry_fill_user_top(uint64_t *l4)
{
	if (!entry_features.split) {
		memcpy(l4 + 256, tab(entry_kroot) + 256, 256 * sizeof(uint64_t));
		return;
	}
	memset(l4 + 256, 0, 256 * sizeof(uint64_t));
	l4[511] = user_pdpt | PTE_P | PTE_W; /* no U bit: supervisor-only below */
}

/*
 * Puts u's CR3 where the exit stubs find it (or loads it, without the
 * split), and marks this CPU for an L1D flush before its next VM entry.
 * One IBPB when the guest (after_guest) or another process space
 * ran last: its branch history must not steer this one.
 */
static void load(struct entry_hdr *h, const struct uspace *u, bool after_guest)
{
	/* Its lines will be in the L1D when the guest runs next: flush then (L1TF). */
	spec_note_process();
	if (after_guest || (entry_features.split && h->pcid_space != u->id))
		entry_ibpb();
	if (!entry_features.split) {
		h->ucr3 = u->pml4;
		write_cr3(u->pml4);
		return;
	}
	uint64_t v = u->pml4;
	if (entry_features.pcid) {
		v |= USER_PCID;
		/*
		 * No flush only when the CPU really has this space's entries:
		 * pcid_space is what exit_to_ring3 last loaded, not what was
		 * last chosen (a nested call may have run another space since).
		 */
		if (h->pcid_space == u->id)
			v |= entry_noflush;
	}
	h->ucr3 = v;
	h->ucr3_space = u->id;
}

uint64_t entry_set_user(const struct uspace *u, bool after_guest)
{
	struct entry_hdr *h = entry_hdr_of(this_cpu());
	uint64_t prev = h->ucr3;

	load(h, u, after_guest);
	return prev;
}

void entry_restore_user(uint64_t prev, const struct uspace *outer)
{
	struct entry_hdr *h = entry_hdr_of(this_cpu());

	if (outer) {
		load(h, outer, false);
		return;
	}
	h->ucr3 = prev;
	if (!entry_features.split)
		write_cr3(entry_kroot);
}

uint64_t *entry_kstack_slot(void)
{
	return &entry_hdr_of(this_cpu())->kstack;
}

void entry_ibpb(void)
{
	if (entry_features.ibpb)
		wrmsr(MSR_PRED_CMD, 1);
}

_Static_assert(__builtin_offsetof(struct entry_hdr, self) == ENTRY_SELF, "entry_hdr.self");
_Static_assert(__builtin_offsetof(struct entry_hdr, kstack) == ENTRY_KSTACK, "entry_hdr.kstack");
_Static_assert(__builtin_offsetof(struct entry_hdr, ucr3) == ENTRY_UCR3, "entry_hdr.ucr3");
_Static_assert(__builtin_offsetof(struct entry_hdr, ucr3_space) == ENTRY_UCR3_SPACE, "entry_hdr.ucr3_space");
_Static_assert(__builtin_offsetof(struct entry_hdr, pcid_space) == ENTRY_PCID_SPACE, "entry_hdr.pcid_space");
_Static_assert(sizeof(struct entry_hdr) <= PAGE_SIZE, "entry header below the entry stack");
_Static_assert(ENTRY_REGION_SIZE == CPU_STACK_SIZE, "this_cpu() masks entry stacks like VMM stacks");
_Static_assert((uint64_t)CPU_SLOTS * ENTRY_REGION_SIZE <= (1ULL << 30), "window in one PDPT entry");
