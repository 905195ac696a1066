/* The VMM's GDT, TSS and IDT (arch/x86/desc.c). */
#ifndef ARCH_DESC_H
#define ARCH_DESC_H

#ifndef __ASSEMBLER__
#include <sv/types.h>
#endif

#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UCODE32 0x1b /* ring 3, compatibility mode, for ELF32 processes */
#define SEL_UDATA 0x23
#define SEL_UCODE64 0x2b
#define SEL_TSS 0x30

#ifndef __ASSEMBLER__

/*
 * Saved by the exception stubs (isr.S), in push order reversed.
 * saved_cr3: a process's CR3 the stubs found loaded when the trap came in
 * ring 0 (only inside the entry stubs themselves), put back on the way
 * out; 0 otherwise.
 */
struct trap_frame {
	uint64_t pad, saved_cr3;
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

/* The boot CPU: fills the shared IDT, then desc_init_cpu for itself. */
void desc_init(void);
/* Loads c's own GDT and TSS and the shared IDT on the CPU running it. */
struct sv_cpu;
void desc_init_cpu(struct sv_cpu *c);
/* Installs a handler for a vector; dpl 3 lets ring 3 use `int n`. */
void idt_set_gate(unsigned int vector, void (*stub)(void), unsigned int dpl, unsigned int ist);

/*
 * Called by the exception stubs.  Hooks decide what a trap means: a fault
 * in a process kills the process, a fault in the VMM itself is fatal.
 */
void trap_dispatch(struct trap_frame *f);
extern bool (*trap_user_hook)(struct trap_frame *f);
extern void (*trap_syscall_hook)(struct trap_frame *f);
extern void (*trap_irq_hook)(struct trap_frame *f);
/* #SX in ring 0 (SVM's redirected INIT, guest/apic.c). */
extern void (*trap_sx_hook)(struct trap_frame *f);
const char *trap_name(uint64_t vector);
/* Exception stubs for vectors 0..31 (isr.S). */
extern void (*const isr_stubs[32])(void);
/* Interrupt stubs for vectors 32..255, 16 bytes apart (uentry.S). */
extern char isr_irq_base[];
extern void isr_syscall(void);
#endif

#endif
