/*
 * Layout of struct sv_gprs (sv/vcpu.h) for the assembly that switches to
 * a guest or a process, and the moves all of them share.  The order is
 * rax rbx rcx rdx rsi rdi rbp r8..r15; struct uregs (arch/uentry.h)
 * starts with the same fifteen.  vcpu.h pins the offsets with
 * _Static_assert.
 */
#ifndef ARCH_GPRS_H
#define ARCH_GPRS_H

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

#ifdef __ASSEMBLER__
/* Loads rbx, rcx, rdx, rbp and r8..r15 from the block at \base; the
 * caller handles rax, rsi, rdi (one of which is \base). */
.macro GPRS_LOAD_MOST base
	movq G_RBX(\base), %rbx
	movq G_RCX(\base), %rcx
	movq G_RDX(\base), %rdx
	movq G_RBP(\base), %rbp
	movq G_R8(\base), %r8
	movq G_R9(\base), %r9
	movq G_R10(\base), %r10
	movq G_R11(\base), %r11
	movq G_R12(\base), %r12
	movq G_R13(\base), %r13
	movq G_R14(\base), %r14
	movq G_R15(\base), %r15
.endm

/* Stores the same registers into the block at \base. */
.macro GPRS_STORE_MOST base
	movq %rbx, G_RBX(\base)
	movq %rcx, G_RCX(\base)
	movq %rdx, G_RDX(\base)
	movq %rbp, G_RBP(\base)
	movq %r8, G_R8(\base)
	movq %r9, G_R9(\base)
	movq %r10, G_R10(\base)
	movq %r11, G_R11(\base)
	movq %r12, G_R12(\base)
	movq %r13, G_R13(\base)
	movq %r14, G_R14(\base)
	movq %r15, G_R15(\base)
.endm
#endif

#endif
