/*
 * int vmx_enter(struct sv_gprs *gprs, bool launched)
 *
 * VM entry and exit switch RSP, RIP and RFLAGS through the VMCS but no
 * other general register (SDM 3C 27.3.2, 28.5.3), so those are loaded
 * from and stored to struct sv_gprs here.  The VMCS's host RSP is this
 * stack, with the gprs pointer on top; its host RIP is vmx_exit_stub.
 * Returns 0 after a VM exit, 1 for VMfailInvalid and 2 for VMfailValid
 * (SDM 3C 31.2 "Conventions"); RFLAGS after an exit is 0x2 (28.5.3), so
 * the VMM runs with interrupts off, as it does with GIF clear on SVM.
 */
#include <arch/gprs.h>

#define HOST_RSP 0x6c14

	.text
	.globl vmx_enter
vmx_enter:
	pushq %rbx
	pushq %rbp
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	pushq %rdi                 /* gprs: at (%rsp) again after the exit */

	movl $HOST_RSP, %eax
	vmwrite %rsp, %rax
	jbe .Lfailed

	testb %sil, %sil           /* MOVs below keep ZF for the choice */
	GPRS_LOAD_MOST %rdi
	movq G_RSI(%rdi), %rsi
	movq G_RAX(%rdi), %rax
	movq G_RDI(%rdi), %rdi
	jnz 1f
	vmlaunch
	jmp .Lfailed
1:	vmresume

.Lfailed:
	/* CF: VMfailInvalid, ZF: VMfailValid; MOV and CMOV keep the flags. */
	movl $1, %eax
	movl $2, %ecx
	cmovzl %ecx, %eax
	addq $8, %rsp
	jmp .Lreturn

	.globl vmx_exit_stub
vmx_exit_stub:
	pushq %rdi                 /* guest RDI */
	movq 8(%rsp), %rdi         /* gprs */
	movq %rax, G_RAX(%rdi)
	movq %rsi, G_RSI(%rdi)
	GPRS_STORE_MOST %rdi
	popq %rax
	movq %rax, G_RDI(%rdi)
	addq $8, %rsp              /* gprs */
	xorl %eax, %eax

.Lreturn:
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	ret
	.section .note.GNU-stack,"",@progbits
