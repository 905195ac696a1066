/*
 * Assembly the VMM runs on every way in from a less privileged context
 * (VM exit: svm_entry.S, vmx_entry.S; ring 3: isr.S), before its first
 * RET and before any C code.
 *
 * RSB_FILL: the return stack buffer still holds the guest's or the
 * process's return addresses; a VMM RET that underflows it or pops one
 * of them would speculate into code they chose (SpectreRSB, Retbleed's
 * RSB half, Intel PBRSB).  Thirty-two CALLs, each of whose return
 * addresses points at a PAUSE/LFENCE loop that speculation cannot leave,
 * overwrite every entry (32 is the deepest RSB of current parts); the
 * stack pointer is then put back.  The loop counter is \reg (a 32-bit
 * register the caller may clobber); flags are clobbered too.
 *
 * CLEAR_GPRS: once the guest's (or a process's) registers are saved, none of their
 * values may sit in a register the VMM's C code then spills or uses as a
 * speculative pointer: every general register but RSP is zeroed.
 */
#ifndef ARCH_NOSPEC_ASM_H
#define ARCH_NOSPEC_ASM_H

#ifdef __ASSEMBLER__
#define RSB_ENTRIES 32

.macro RSB_FILL reg
	movl $(RSB_ENTRIES / 2), \reg
.Lrsb_loop_\@:
	call .Lrsb_next1_\@
.Lrsb_trap1_\@:
	pause
	lfence
	jmp .Lrsb_trap1_\@
.Lrsb_next1_\@:
	call .Lrsb_next2_\@
.Lrsb_trap2_\@:
	pause
	lfence
	jmp .Lrsb_trap2_\@
.Lrsb_next2_\@:
	decl \reg
	jnz .Lrsb_loop_\@
	addq $(RSB_ENTRIES * 8), %rsp
	/* The loop's exit branch can be mispredicted too: nothing runs ahead. */
	lfence
.endm

.macro CLEAR_GPRS
	xorl %eax, %eax
	xorl %ebx, %ebx
	xorl %ecx, %ecx
	xorl %edx, %edx
	xorl %esi, %esi
	xorl %edi, %edi
	xorl %ebp, %ebp
	xorl %r8d, %r8d
	xorl %r9d, %r9d
	xorl %r10d, %r10d
	xorl %r11d, %r11d
	xorl %r12d, %r12d
	xorl %r13d, %r13d
	xorl %r14d, %r14d
	xorl %r15d, %r15d
.endm
#endif

#endif
