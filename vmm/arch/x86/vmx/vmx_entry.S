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
#define G_RAX 0
#define G_RBX 8
#define G_RCX 16
#define G_RDX 24
#define G_RSI 32
#define G_RDI 40
#define G_RBP 48
#define G_R8 56
#define G_R9 64
#define G_R10 72
#define G_R11 80
#define G_R12 88
#define G_R13 96
#define G_R14 104
#define G_R15 112
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
	movq G_RBX(%rdi), %rbx
	movq G_RCX(%rdi), %rcx
	movq G_RDX(%rdi), %rdx
	movq G_RSI(%rdi), %rsi
	movq G_RBP(%rdi), %rbp
	movq G_R8(%rdi), %r8
	movq G_R9(%rdi), %r9
	movq G_R10(%rdi), %r10
	movq G_R11(%rdi), %r11
	movq G_R12(%rdi), %r12
	movq G_R13(%rdi), %r13
	movq G_R14(%rdi), %r14
	movq G_R15(%rdi), %r15
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
	movq %rbx, G_RBX(%rdi)
	movq %rcx, G_RCX(%rdi)
	movq %rdx, G_RDX(%rdi)
	movq %rsi, G_RSI(%rdi)
	movq %rbp, G_RBP(%rdi)
	movq %r8, G_R8(%rdi)
	movq %r9, G_R9(%rdi)
	movq %r10, G_R10(%rdi)
	movq %r11, G_R11(%rdi)
	movq %r12, G_R12(%rdi)
	movq %r13, G_R13(%rdi)
	movq %r14, G_R14(%rdi)
	movq %r15, G_R15(%rdi)
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
