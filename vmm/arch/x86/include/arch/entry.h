/*
 * The entry area (arch/x86/entry.c): the little that must stay mapped
 * while a process runs in ring 3, so that an interrupt, exception or
 * syscall can reach the VMM.  Everything else of the VMM (its image, the
 * direct map of physical memory, guest RAM, other CPUs' state) is absent
 * from a process's page tables, so a CPU that reads supervisor pages
 * speculatively (Meltdown, MDS) finds nothing of it to read.
 *
 * What a process's tables hold in their upper half, supervisor-only:
 *   - the entry text (isr.S, uentry.S: section .entry.text) and the entry
 *     data (the IDT and the constants below: section .entry.data), at
 *     their image addresses;
 *   - the entry window: for every CPU a 64 KiB region with its GDT, TSS,
 *     the entry stack the TSS points ring-3 traps at, and its three IST
 *     stacks (NMI, #DF, #MC).
 * The stubs switch CR3 to the VMM's tables first thing on entry and back
 * to the process's last thing before IRETQ, copying the CPU's trap frame
 * to the VMM stack of the running call (struct entry_hdr.kstack).
 *
 * A CPU's region is CPU_STACK_SIZE-aligned with its struct sv_cpu pointer
 * in the first word, like every VMM stack, so this_cpu() works on the
 * entry and IST stacks too.
 */
#ifndef ARCH_ENTRY_H
#define ARCH_ENTRY_H

/* Fixed virtual window: PML4[511], PDPT[509], one 64 KiB region per CPU slot. */
#define ENTRY_WINDOW 0xFFFFFFFF40000000
#define ENTRY_REGION_SIZE 0x10000
/* Offsets in a region (the header is struct entry_hdr). */
#define ENTRY_SELF 0
#define ENTRY_KSTACK 8
#define ENTRY_UCR3 16
#define ENTRY_UCR3_SPACE 24  /* the space ucr3 belongs to */
#define ENTRY_PCID_SPACE 32  /* the space whose entries the process PCID holds (set on load) */
#define ENTRY_STACK_TOP 0x4000 /* entry stack: [0x1000, 0x4000) */
#define ENTRY_IST_STACK 0x4000 /* IST n (1..3) tops at region + (n + 1) * 0x4000 */

/* entry_flags bits (read by the stubs). */
#define ENTRY_F_SPLIT 1   /* CR3 switch on every ring-3 entry and exit */
#define ENTRY_F_VERW 2    /* clear CPU buffers before IRETQ to ring 3 (the speculation plan) */
#define ENTRY_F_IBRS 4    /* legacy IBRS: write SPEC_CTRL on every ring-3 exit */
#define ENTRY_F_IBPB 8    /* IBPB on every ring-3 exit (Retbleed/SRSO parts) */

#ifndef __ASSEMBLER__
#include <sv/types.h>

struct sv_cpu;

struct entry_hdr {
	struct sv_cpu *self;  /* this_cpu()'s tag */
	uint64_t kstack;      /* VMM stack a ring-3 trap's frame is copied to */
	uint64_t ucr3;        /* CR3 of the process that runs in ring 3 */
	uint64_t ucr3_space;  /* its uspace id */
	uint64_t pcid_space;  /* the uspace id whose TLB entries the process PCID holds: set by
				 exit_to_ring3 when it loads ucr3, so it is what the CPU has */
	uint64_t reserved;
	uint64_t gdt[8] __aligned(16);
	uint8_t tss[104] __aligned(16);
};

/*
 * What the boot CPU learnt (entry_init): which of the features below the
 * CPU has and Sealvisor uses.  Printed at boot and by the docs' table.
 */
struct entry_features {
	bool split;   /* process tables without the VMM (off only with pti=off) */
	bool pcid;    /* CR4.PCIDE: the VMM's and the process's TLB entries kept apart */
	bool verw;    /* VERW clears buffers on every return to ring 3 (MDS, TAA, MMIO, RFDS, TSA) */
	bool ibpb;    /* IBPB between guest, processes and the VMM */
	bool ibrs;    /* legacy IBRS: SPEC_CTRL written on every ring-3 exit */
	bool ibpb_exit; /* IBPB on every ring-3 exit */
};
extern struct entry_features entry_features;

/*
 * After paging_init on the boot CPU: builds the window and the template
 * upper half of process tables, moves the boot CPU's GDT/TSS/IST stacks
 * into its region.  split = false (pti=off) keeps the VMM mapped in
 * process tables, for measuring what the split costs.  -SV_ENOMEM.
 */
int entry_init(bool split);
/* Maps a fresh region for c (an AP's, from the pool); -SV_ENOMEM. */
int entry_add_cpu(struct sv_cpu *c);
/* c's header (its region's first bytes). */
struct entry_hdr *entry_hdr_of(struct sv_cpu *c);

/* CR4 bits entry_init decided for every CPU (PCIDE where the CPU has it). */
uint64_t entry_cr4_bits(void);
/* Upper half of a new process table: writes entries 256..511 of l4. */
void entry_fill_user_top(uint64_t *l4);

/*
 * The process space about to run in ring 3 on this CPU: sets the CR3 the
 * exit stubs load, flushing the process PCID when another space used it
 * last on this CPU, with an IBPB then or when after_guest (the outermost
 * call: the guest ran last).  Returns what entry_restore_user needs.
 */
struct uspace;
uint64_t entry_set_user(const struct uspace *u, bool after_guest);
/* After the call: back to the outer call's space (NULL: no outer call). */
void entry_restore_user(uint64_t prev, const struct uspace *outer);
/* The slot of this CPU's header that says where ring-3 traps land. */
uint64_t *entry_kstack_slot(void);
/* Indirect branch predictor barrier where the CPU has one; else nothing. */
void entry_ibpb(void);

/* Section bounds (boot/vmm.ld). */
extern char _entry_text_start[], _entry_text_end[], _entry_data_start[], _entry_data_end[];
#endif

#endif
