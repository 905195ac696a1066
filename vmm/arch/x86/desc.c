/*
 * Segmentation and interrupt tables (Intel SDM vol. 3A ch. 3 and 6; AMD
 * APM vol. 2 ch. 4 and 8).  Long mode ignores most of segmentation, but a
 * GDT with ring-3 code segments and a TSS is still needed to run processes
 * in ring 3 and to have known-good stacks for #DF, NMI and #MC.
 */
#include <arch/desc.h>
#include <arch/entry.h>
#include <sv/cpu.h>
#include <sv/mm.h>

#include "fsstring.h"

struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __packed;
_Static_assert(sizeof(struct tss64) == 104, "TSS layout (SDM 3A 8.7)");

struct idt_gate {
	uint16_t off0;
	uint16_t sel;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t off1;
	uint32_t off2;
	uint32_t reserved;
} __packed;
_Static_assert(sizeof(struct idt_gate) == 16, "IDT gate layout");

struct dtr {
	uint16_t limit;
	uint64_t base;
} __packed;

_Static_assert(sizeof(struct tss64) == sizeof(((struct entry_hdr *)0)->tss), "TSS slot in the entry header");

/*
 * One IDT for every CPU: it never changes after the boot CPU filled it.
 * In .entry.data, because the CPU reads it when a process traps, with
 * the process's page tables still loaded (arch/entry.h).
 */
static struct idt_gate idt[256] __aligned(4096) __attribute__((section(".entry.data")));

static struct tss64 *tss_of(struct sv_cpu *c)
{
	return (struct tss64 *)(void *)entry_hdr_of(c)->tss;
}

void idt_set_gate(unsigned int vector, void (*stub)(void), unsigned int dpl, unsigned int ist)
{
	uint64_t a = (uint64_t)(uintptr_t)stub;
	struct idt_gate *g = &idt[vector & 0xff];

	g->off0 = (uint16_t)a;
	g->sel = SEL_KCODE;
	g->ist = (uint8_t)ist;
	g->type_attr = (uint8_t)(0x8e | ((dpl & 3) << 5)); /* present, 64-bit interrupt gate */
	g->off1 = (uint16_t)(a >> 16);
	g->off2 = (uint32_t)(a >> 32);
	g->reserved = 0;
}

static void idt_fill(void)
{
	for (unsigned int v = 0; v < 32; v++) {
		unsigned int ist = 0;
		if (v == 2)
			ist = 1; /* NMI */
		else if (v == 8)
			ist = 2; /* double fault */
		else if (v == 18)
			ist = 3; /* machine check */
		idt_set_gate(v, isr_stubs[v], 0, ist);
	}
	for (unsigned int v = 32; v < 256; v++)
		idt_set_gate(v, (void (*)(void))(isr_irq_base + (v - 32) * 16), 0, 0);
	/* Syscalls: the only gate ring 3 may use. */
	idt_set_gate(0x80, isr_syscall, 3, 0);
}

void desc_init(void)
{
	idt_fill();
	desc_init_cpu(this_cpu());
}

void desc_init_cpu(struct sv_cpu *c)
{
	uint64_t *gdt = entry_hdr_of(c)->gdt;
	struct tss64 *tss = tss_of(c);
	uint64_t t = (uint64_t)(uintptr_t)tss;

	gdt[0] = 0;
	gdt[1] = 0x00af9a000000ffffULL; /* 0x08 ring-0 64-bit code */
	gdt[2] = 0x00cf92000000ffffULL; /* 0x10 ring-0 data */
	gdt[3] = 0x00cffa000000ffffULL; /* 0x18 ring-3 32-bit code */
	gdt[4] = 0x00cff2000000ffffULL; /* 0x20 ring-3 data */
	gdt[5] = 0x00affa000000ffffULL; /* 0x28 ring-3 64-bit code */
	/* 0x30: 16-byte available 64-bit TSS descriptor (type 9). */
	gdt[6] = (sizeof(*tss) - 1) | ((t & 0xffffff) << 16) | (0x89ULL << 40) |
		 (((t >> 24) & 0xff) << 56);
	gdt[7] = t >> 32;

	memset(tss, 0, sizeof(*tss));
	tss->iomap_base = sizeof(*tss); /* no I/O bitmap: ring 3 gets no ports */
	/*
	 * The entry region (arch/entry.h): ring-3 traps land on its entry
	 * stack, NMI, #DF and #MC on its three IST stacks.
	 */
	tss->rsp[0] = c->entry_base + ENTRY_STACK_TOP;
	for (int i = 0; i < 3; i++)
		tss->ist[i] = c->entry_base + (uint64_t)(i + 2) * ENTRY_IST_STACK;

	struct dtr g = { sizeof(entry_hdr_of(c)->gdt) - 1, (uint64_t)(uintptr_t)gdt };
	struct dtr i = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };
	__asm__ volatile("lgdt %0" : : "m"(g));
	__asm__ volatile("lidt %0" : : "m"(i));
	/* Reload CS through a far return, then the data segments and TR. */
	__asm__ volatile("pushq %0\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "movl %1, %%eax\n\t"
			 "movl %%eax, %%ds\n\t"
			 "movl %%eax, %%es\n\t"
			 "movl %%eax, %%ss\n\t"
			 "ltr %w2"
			 :
			 : "i"(SEL_KCODE), "i"(SEL_KDATA), "r"((uint16_t)SEL_TSS)
			 : "rax", "memory");
}
