/*
 * Per-CPU data (vmm/cpu/percpu.c) and bringing the CPUs into the VMM
 * (vmm/cpu/smp.c).
 *
 * Every CPU the VMM runs on has one struct sv_cpu.  A CPU finds its own
 * through its stack: each of its stacks lies in a CPU_STACK_SIZE-aligned
 * region whose first word points to the struct, so this_cpu() is a mask
 * and a load, needs no segment register a process could change, and works
 * in exception and NMI handlers (their IST stacks are laid out the same).
 */
#ifndef SV_CPU_H
#define SV_CPU_H

#include <sv/types.h>
#include <sv/vcpu.h>

#include <sv_config.h>

#define CPU_STACK_SIZE 65536ULL

/*
 * CPUs the VMM acts on: the first SV_MAX_CPUS found run the guest, any
 * further ones (up to CPU_SLOTS) are brought in and held so that the
 * guest cannot start them outside the VMM.
 */
#define CPU_SLOTS 256

enum cpu_state {
	CPU_ABSENT = 0,   /* slot unused */
	CPU_STARTING,     /* INIT-SIPI-SIPI sent, not answered yet */
	CPU_NO_ANSWER,    /* did not arrive in time; held if it ever does */
	CPU_HELD,         /* in the VMM, never runs the guest (failed, or over the limit) */
	CPU_READY,        /* virtualization on, vCPU set up */
	CPU_GUEST,        /* runs its vCPU */
};

/* Software INIT/SIPI mailbox bits (guest/apic.c). */
#define MBOX_INIT (1u << 8)
#define MBOX_SIPI (1u << 9)

struct sv_cpu {
	/* First: the exit stubs (isr.S) find the entry region from here. */
	uint64_t entry_base;      /* VA of the entry region: GDT, TSS, entry and IST stacks (arch/entry.h) */
	unsigned int index;       /* 0 = the boot CPU */
	uint32_t apic_id;         /* from the MADT (the BSP's from its LAPIC) */
	volatile int state;       /* enum cpu_state */
	bool virtualize;          /* index < SV_MAX_CPUS: runs the guest */
	struct sv_vcpu vcpu;
	uint64_t stack_base;      /* VA of the main stack region */
	/* Set by other CPUs (guest/apic.c), read by this one. */
	volatile uint32_t mbox;   /* MBOX_* | SIPI vector */
	volatile uint32_t kick;   /* an NMI of ours is on its way */
	/* What a call from this CPU waits for (proc/process.c, under vmm_lock). */
	void *waiting_for;
	const char *why_held;
	bool held_in_vmm;         /* held with SVM/VMX on: INIT cannot reach it */
};

extern struct sv_cpu *cpus[CPU_SLOTS];
extern unsigned int cpu_count;     /* slots in use */
extern unsigned int cpu_virtualized; /* of those, CPUs that run the guest */

static inline struct sv_cpu *this_cpu(void)
{
	uint64_t sp;

	__asm__("movq %%rsp, %0" : "=r"(sp));
	return *(struct sv_cpu *const *)(uintptr_t)(sp & ~(CPU_STACK_SIZE - 1));
}

static inline unsigned int cpu_index(void)
{
	return this_cpu()->index;
}

/* The boot CPU's struct, usable from the first instruction of vmm_main. */
void percpu_init_bsp(uint32_t apic_id);
/* Adds a CPU slot with its stacks from the pool; NULL when out of memory. */
struct sv_cpu *percpu_add(uint32_t apic_id);
/* The slot of a local APIC id, or NULL. */
struct sv_cpu *cpu_by_apic_id(uint32_t apic_id);

/*
 * Brings every CPU of the MADT into the VMM (INIT-SIPI-SIPI with a
 * trampoline of its own), reports what it found, and leaves each AP
 * waiting as a vCPU for the guest's SIPI.  trampoline_pa: a page below
 * 1 MiB reserved from the guest (smp_pick_trampoline).
 */
void smp_boot_aps(uint64_t trampoline_pa, const uint32_t *apic_ids, unsigned int n);
/* A usable page below 64 KiB for the AP trampoline, avoiding [avoid]; 0 if none. */
struct mem_range;
uint64_t smp_pick_trampoline(const struct mem_range *map, unsigned int n,
			     const struct sv_range *avoid, unsigned int navoid);
/* CR0/CR4 as the VMM wants them on every CPU: SMEP, SMAP, OSFXSR, OSXSAVE. */
void cpu_setup_features(void);
/* Finds the CPUs in the MADT (RSDP from multiboot2, else the BIOS area) and boots them. */
struct mb2_boot;
void smp_start(const struct mb2_boot *mb, uint64_t trampoline_pa);
/* The per-CPU loop: runs this CPU's vCPU forever (guest/run.c). */
__noreturn void vcpu_loop(struct sv_cpu *c);

#endif
