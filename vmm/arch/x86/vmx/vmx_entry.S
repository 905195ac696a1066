/*
 * int vmx_enter(struct sv_gprs *gprs, bool launched, struct spec_vm *spec)
 *
 * VM entry and exit switch RSP, RIP and RFLAGS through the VMCS but no
 * other general register (SDM 3C 27.3.2, 28.5.3), so those are loaded
 * from and stored to struct sv_gprs here.  The VMCS's host RSP is this
 * stack, with the gprs pointer on top and spec above it; its host RIP is
 * vmx_exit_stub.  Returns 0 after a VM exit, 1 for VMfailInvalid and 2
 * for VMfailValid (SDM 3C 31.2 "Conventions"); RFLAGS after an exit is
 * 0x2 (28.5.3), so the VMM runs with interrupts off, as it does with GIF
 * clear on SVM.
 *
 * Speculation (arch/spec.h, arch/nospec_asm.h): the guest's SPEC_CTRL in
 * before the entry and VERW as the very last step where the plan has it
 * (the L1D flush ran in C just before: spec_before_vmentry); after the
 * exit the guest's registers are saved and zeroed, the VMM's SPEC_CTRL
 * goes back and the RSB is filled, all before the first RET.  A failed
 * entry also puts the VMM's SPEC_CTRL back.
 */
#include <arch/gprs.h>
#include <arch/nospec_asm.h>
#include <arch/spec.h>

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
	pushq %rdx                 /* spec: at 8(%rsp) after the exit */
	pushq %rdi                 /* gprs: at (%rsp) after the exit */

	movl $HOST_RSP, %eax
	vmwrite %rsp, %rax
	jbe .Lfailed_early

	/* Below the host RSP, so the exit drops it: the choice below reads it. */
	pushq %rsi                 /* launched */
	movq %rdx, %rbx
	SPEC_CTRL_TO_GUEST %rbx
	movq 8(%rsp), %rdi         /* gprs */
	GPRS_LOAD_MOST %rdi
	movq G_RSI(%rdi), %rsi
	movq G_RAX(%rdi), %rax
	movq G_RDI(%rdi), %rdi
	SPEC_VERW_BEFORE_ENTRY
	cmpb $0, (%rsp)            /* launched; the MOVs below keep the flags */
	jne 1f
	vmlaunch
	jmp .Lfailed
1:	vmresume

.Lfailed:
	/* CF: VMfailInvalid, ZF: VMfailValid; MOV and CMOV keep the flags. */
	movl $1, %r12d
	movl $2, %ecx
	cmovzl %ecx, %r12d
	/* The guest's values loaded above must not outlive the failure either. */
	pushq %r12
	CLEAR_GPRS
	popq %r12
	addq $8, %rsp              /* launched */
	movq 8(%rsp), %rbx         /* spec */
	SPEC_CTRL_TO_HOST %rbx
	movl %r12d, %eax
	addq $16, %rsp             /* gprs, spec */
	jmp .Lreturn

.Lfailed_early:
	movl $1, %eax
	movl $2, %ecx
	cmovzl %ecx, %eax
	addq $16, %rsp             /* gprs, spec */
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
	CLEAR_GPRS
	movq 8(%rsp), %rbx         /* spec */
	SPEC_CTRL_TO_HOST %rbx
	RSB_FILL %ecx
	addq $16, %rsp             /* gprs, spec */
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
