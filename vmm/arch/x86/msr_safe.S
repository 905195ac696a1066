/*
 * Instructions that may take #GP in the VMM when the value comes from the
 * guest or when a CPU may not implement an MSR bit (VM_CR.R_INIT).  Each
 * faulting instruction has an entry in the section .sv_fixup: the pair
 * (address of the instruction, address to resume at).  trap.c looks a
 * ring-0 #GP up in that table; the resume point returns -1.
 *
 *   int wrmsr_safe(uint32_t msr, uint64_t value)          0, or -1 on #GP
 *   int rdmsr_safe(uint32_t msr, uint64_t *value)         0, or -1 on #GP
 *   int xsetbv_safe(uint32_t index, uint64_t value)       0, or -1 on #GP
 */
#include <arch/fixup_asm.h>

	.text
	.globl wrmsr_safe, rdmsr_safe, xsetbv_safe
wrmsr_safe:
	movl %edi, %ecx
	movl %esi, %eax
	movq %rsi, %rdx
	shrq $32, %rdx
1:	wrmsr
	xorl %eax, %eax
	ret
	FIXUP 1b, safe_fail

rdmsr_safe:
	movl %edi, %ecx
1:	rdmsr
	shlq $32, %rdx
	movl %eax, %eax
	orq %rdx, %rax
	movq %rax, (%rsi)
	xorl %eax, %eax
	ret
	FIXUP 1b, safe_fail

xsetbv_safe:
	movl %edi, %ecx
	movl %esi, %eax
	movq %rsi, %rdx
	shrq $32, %rdx
1:	xsetbv
	xorl %eax, %eax
	ret
	FIXUP 1b, safe_fail

safe_fail:
	movl $-1, %eax
	ret
