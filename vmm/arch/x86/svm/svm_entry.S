/*
 * void svm_enter(uint64_t vmcb_pa, struct sv_gprs *gprs, uint64_t host_vmcb_pa,
 *                struct spec_vm *spec)
 *
 * VMRUN saves and restores only RAX, RSP, RIP and RFLAGS of the guest (in
 * the VMCB), so the other general registers are loaded from and stored to
 * struct sv_gprs here.  VMLOAD/VMSAVE switch the state VMRUN leaves alone
 * (FS/GS/TR/LDTR and the syscall MSRs, APM 2 15.5.2).  GIF stays clear
 * while the VMM runs: interrupts and NMIs wait for the guest, which owns them.
 *
 * Speculation (arch/spec.h, arch/nospec_asm.h): the guest's SPEC_CTRL in
 * before VMRUN, VERW last where the plan has it; after #VMEXIT the guest's
 * registers are saved and zeroed, the VMM's SPEC_CTRL (and an IBPB where
 * planned) goes back and the RSB is filled, all before the first RET.
 * V_SPEC_CTRL is not used.
 */
#include <arch/gprs.h>
#include <arch/nospec_asm.h>
#include <arch/spec.h>

	.text
	.globl svm_enter
svm_enter:
	pushq %rbx
	pushq %rbp
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	pushq %rcx                 /* spec */
	pushq %rdx                 /* host_vmcb_pa */
	pushq %rsi                 /* gprs */
	pushq %rdi                 /* vmcb_pa */

	clgi
	movq %rcx, %rbx
	SPEC_CTRL_TO_GUEST %rbx
	movq 8(%rsp), %rax         /* gprs */
	GPRS_LOAD_MOST %rax
	movq G_RDI(%rax), %rdi
	movq G_RSI(%rax), %rsi
	movq (%rsp), %rax          /* vmcb_pa */
	vmload %rax
	SPEC_VERW_BEFORE_ENTRY
	vmrun %rax
	vmsave %rax

	pushq %rsi                 /* guest RSI */
	movq 16(%rsp), %rsi        /* gprs */
	GPRS_STORE_MOST %rsi
	movq %rdi, G_RDI(%rsi)
	popq %rax
	movq %rax, G_RSI(%rsi)
	CLEAR_GPRS
	movq 24(%rsp), %rbx        /* spec */
	SPEC_CTRL_TO_HOST %rbx
	RSB_FILL %ecx

	addq $16, %rsp             /* vmcb_pa, gprs */
	popq %rax                  /* host_vmcb_pa */
	vmload %rax
	addq $8, %rsp              /* spec */

	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	ret
	.section .note.GNU-stack,"",@progbits
