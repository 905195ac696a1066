/*
 * void svm_enter(uint64_t vmcb_pa, struct sv_gprs *gprs, uint64_t host_vmcb_pa)
 *
 * VMRUN saves and restores only RAX, RSP, RIP and RFLAGS of the guest (in
 * the VMCB), so the other general registers are loaded from and stored to
 * struct sv_gprs here.  VMLOAD/VMSAVE switch the state VMRUN leaves alone
 * (FS/GS/TR/LDTR and the syscall MSRs, APM 2 15.5.2).  GIF stays clear
 * while the VMM runs: interrupts and NMIs wait for the guest, which owns them.
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

	.text
	.globl svm_enter
svm_enter:
	pushq %rbx
	pushq %rbp
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	pushq %rdx                 /* host_vmcb_pa */
	pushq %rsi                 /* gprs */
	pushq %rdi                 /* vmcb_pa */

	clgi
	movq %rsi, %rax
	movq G_RBX(%rax), %rbx
	movq G_RCX(%rax), %rcx
	movq G_RDX(%rax), %rdx
	movq G_RDI(%rax), %rdi
	movq G_RBP(%rax), %rbp
	movq G_R8(%rax), %r8
	movq G_R9(%rax), %r9
	movq G_R10(%rax), %r10
	movq G_R11(%rax), %r11
	movq G_R12(%rax), %r12
	movq G_R13(%rax), %r13
	movq G_R14(%rax), %r14
	movq G_R15(%rax), %r15
	movq G_RSI(%rax), %rsi
	movq (%rsp), %rax          /* vmcb_pa */
	vmload %rax
	vmrun %rax
	vmsave %rax

	pushq %rsi                 /* guest RSI */
	movq 16(%rsp), %rsi        /* gprs */
	movq %rbx, G_RBX(%rsi)
	movq %rcx, G_RCX(%rsi)
	movq %rdx, G_RDX(%rsi)
	movq %rdi, G_RDI(%rsi)
	movq %rbp, G_RBP(%rsi)
	movq %r8, G_R8(%rsi)
	movq %r9, G_R9(%rsi)
	movq %r10, G_R10(%rsi)
	movq %r11, G_R11(%rsi)
	movq %r12, G_R12(%rsi)
	movq %r13, G_R13(%rsi)
	movq %r14, G_R14(%rsi)
	movq %r15, G_R15(%rsi)
	popq %rax
	movq %rax, G_RSI(%rsi)

	addq $16, %rsp             /* vmcb_pa, gprs */
	popq %rax                  /* host_vmcb_pa */
	vmload %rax

	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	ret
