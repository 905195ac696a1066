/*
 * int wrmsr_safe(uint32_t msr, uint64_t value): 0, or -1 when the CPU
 * refused the write with #GP.  For MSR bits a CPU may not implement
 * (VM_CR.R_INIT): trap.c sends a #GP at wrmsr_safe_insn to the fixup.
 */
	.text
	.globl wrmsr_safe, wrmsr_safe_insn, wrmsr_safe_fixup
wrmsr_safe:
	movl %edi, %ecx
	movl %esi, %eax
	movq %rsi, %rdx
	shrq $32, %rdx
wrmsr_safe_insn:
	wrmsr
	xorl %eax, %eax
	ret
wrmsr_safe_fixup:
	movl $-1, %eax
	ret
