/*
 * Exception entry stubs.  Each pushes a dummy error code where the CPU
 * does not push one (SDM 3A table 6-1), then its vector, saves the
 * general registers in struct trap_frame order and calls trap_dispatch.
 * If trap_dispatch returns, the frame (possibly changed) is resumed.
 */
	.text

.macro STUB vec, has_err
	.balign 16
isr_\vec:
	.if \has_err == 0
	pushq $0
	.endif
	pushq $\vec
	jmp isr_common
.endm

STUB 0, 0
STUB 1, 0
STUB 2, 0
STUB 3, 0
STUB 4, 0
STUB 5, 0
STUB 6, 0
STUB 7, 0
STUB 8, 1
STUB 9, 0
STUB 10, 1
STUB 11, 1
STUB 12, 1
STUB 13, 1
STUB 14, 1
STUB 15, 0
STUB 16, 0
STUB 17, 1
STUB 18, 0
STUB 19, 0
STUB 20, 0
STUB 21, 1
STUB 22, 0
STUB 23, 0
STUB 24, 0
STUB 25, 0
STUB 26, 0
STUB 27, 0
STUB 28, 0
STUB 29, 1
STUB 30, 1
STUB 31, 0

	.globl isr_common
isr_common:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	/*
	 * Known flags for the VMM: ring 3 may have set AC (which would turn
	 * SMAP off in ring 0) or DF; IF is already clear (interrupt gates).
	 * IRETQ restores the interrupted code's own flags.
	 */
	pushq $2
	popfq
	movq %rsp, %rdi
	call trap_dispatch
	.globl isr_return
isr_return:
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp
	/*
	 * Back to ring 3: DS/ES may hold the kernel's selector (a nested
	 * handler call reloads them), which IRET would null (SDM 3A, IRET)
	 * and a 32-bit process would #GP on.  Give it the user data segment.
	 */
	testb $3, 8(%rsp)
	jz 1f
	pushq %rax
	movl $0x23, %eax
	movl %eax, %ds
	movl %eax, %es
	popq %rax
1:	iretq

	.section .rodata
	.balign 8
	.globl isr_stubs
isr_stubs:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad isr_\v
	.endr
