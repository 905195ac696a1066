/*
 * Entering and leaving ring 3 for processes.
 *
 * int64_t uentry_enter(struct uctx *save, const struct uregs *r, uint64_t *kstack)
 *   Saves the callee-saved registers and the stack pointer in *save and
 *   in *kstack (this CPU's entry header: where a trap from ring 3 moves
 *   its frame to, right below what was saved), puts the process's RAX
 *   and IRETQ frame on the entry stack, loads its other registers from
 *   *r and leaves through exit_to_ring3 (isr.S), which switches CR3.
 *   It "returns" only when somebody calls uentry_leave(save, value).
 * void uentry_leave(struct uctx *save, int64_t value)
 *   Unwinds everything the VMM did since the matching enter (trap frames,
 *   syscall handlers) and returns value from uentry_enter.
 *
 * struct uregs (C): rax rbx rcx rdx rsi rdi rbp r8..r15, rip, cs, rflags, rsp, ss
 */
#include <arch/entry.h>
#include <arch/gprs.h>

/* After the fifteen general registers (arch/gprs.h): */
#define U_RIP 120
#define U_CS 128
#define U_RFLAGS 136
#define U_RSP 144
#define U_SS 152

	/* Mapped in every process's tables (arch/entry.h). */
	.section .entry.text, "ax"
	.globl uentry_enter
uentry_enter:
	pushq %rbx
	pushq %rbp
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rdi)
	movq %rsp, (%rdx)

	/* The entry stack: RAX, then the IRETQ frame RIP, CS, RFLAGS, RSP, SS. */
	leaq (ENTRY_STACK_TOP - 48 - ENTRY_KSTACK)(%rdx), %rcx
	movq G_RAX(%rsi), %rax
	movq %rax, 0(%rcx)
	movq U_RIP(%rsi), %rax
	movq %rax, 8(%rcx)
	movq U_CS(%rsi), %rax
	movq %rax, 16(%rcx)
	movq U_RFLAGS(%rsi), %rax
	movq %rax, 24(%rcx)
	movq U_RSP(%rsi), %rax
	movq %rax, 32(%rcx)
	movq U_SS(%rsi), %rax
	movq %rax, 40(%rcx)
	/* Compatibility mode uses DS/ES: give it the user data segment. */
	movl U_SS(%rsi), %eax
	movl %eax, %ds
	movl %eax, %es
	movq %rcx, %rsp
	movq G_RDI(%rsi), %rdi
	GPRS_LOAD_MOST %rsi
	movq G_RSI(%rsi), %rsi
	jmp exit_to_ring3

	/* Called from C with the VMM's tables loaded: ordinary text. */
	.text
	.globl uentry_leave
uentry_leave:
	movq (%rdi), %rsp
	pushq $2                    /* clean flags: no AC, DF or IF from ring 3 */
	popfq
	movq %rsi, %rax
	movl $0x10, %ecx            /* kernel data segment back in DS/ES */
	movl %ecx, %ds
	movl %ecx, %es
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	ret

	.section .entry.text, "ax"
	/* int $0x80 from ring 3: same frame as the exception stubs. */
	.globl isr_syscall
isr_syscall:
	pushq $0
	pushq $0x80
	jmp isr_common

	/*
	 * Interrupt vectors 32..255, 16 bytes apart from isr_irq_base, so
	 * that C can find each one.  They reach the VMM only while a process
	 * runs with interrupts on: the budget timer, and rarely one of the
	 * guest's, which is handed back to it (guest/irq.c).
	 */
	.balign 16
	.globl isr_irq_base
isr_irq_base:
	.set vec, 32
	.rept 224
	.balign 16
	pushq $0
	pushq $vec
	jmp isr_common
	.set vec, vec + 1
	.endr
