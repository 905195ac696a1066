/*
 * void svm_enter(uint64_t vmcb_pa, struct sv_gprs *gprs, uint64_t host_vmcb_pa)
 *
 * VMRUN saves and restores only RAX, RSP, RIP and RFLAGS of the guest (in
 * the VMCB), so the other general registers are loaded from and stored to
 * struct sv_gprs here.  VMLOAD/VMSAVE switch the state VMRUN leaves alone
 * (FS/GS/TR/LDTR and the syscall MSRs, APM 2 15.5.2).  GIF stays clear
 * while the VMM runs: interrupts and NMIs wait for the guest, which owns them.
 */
#include <arch/gprs.h>

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
	GPRS_LOAD_MOST %rax
	movq G_RDI(%rax), %rdi
	movq G_RSI(%rax), %rsi
	movq (%rsp), %rax          /* vmcb_pa */
	vmload %rax
	vmrun %rax
	vmsave %rax

	pushq %rsi                 /* guest RSI */
	movq 16(%rsp), %rsi        /* gprs */
	GPRS_STORE_MOST %rsi
	movq %rdi, G_RDI(%rsi)
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
