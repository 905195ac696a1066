/*
 * FIXUP insn, resume: an entry of .sv_fixup, the table trap.c consults
 * when a ring-0 #GP hits one of the few instructions allowed to fault in
 * the VMM (arch/cpu.h, struct fixup_entry): the CPU resumes at resume.
 */
#ifndef ARCH_FIXUP_ASM_H
#define ARCH_FIXUP_ASM_H

#ifdef __ASSEMBLER__
.macro FIXUP insn, resume
	.pushsection .sv_fixup, "a"
	.balign 8
	.quad \insn, \resume
	.popsection
.endm
#endif

#endif
