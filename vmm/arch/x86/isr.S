/*
 * Exception entry stubs.  Each pushes a dummy error code where the CPU
 * does not push one (SDM 3A table 6-1), then its vector, saves the
 * general registers in struct trap_frame order and calls trap_dispatch.
 * If trap_dispatch returns, the frame (possibly changed) is resumed.
 */
#include <arch/desc.h>
#include <arch/entry.h>
#include <arch/fixup_asm.h>
#include <arch/nospec_asm.h>
#include <arch/spec.h>


	/* Mapped in every process's tables (arch/entry.h). */
	.section .entry.text, "ax"

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

	/*
	 * Every stub lands here with the vector and an error code pushed.
	 * From ring 3 the CPU pushed its frame on this CPU's entry stack,
	 * with the process's page tables loaded: switch to the VMM's, move
	 * the frame to the VMM stack of the running call (entry_hdr.kstack,
	 * 16-byte aligned as the CPU would have done), go on there.  From
	 * ring 0 the VMM's tables are normally loaded; only a trap inside
	 * these stubs (an NMI between the CR3 switch and IRETQ) finds a
	 * process's, which it loads back on the way out (saved_cr3).
	 */
	.globl isr_common
isr_common:
	testb $3, 24(%rsp)          /* CS: vector, error code, RIP, CS */
	jz from_ring0
	pushq %rax
	pushq %rbx
	testl $ENTRY_F_SPLIT, entry_flags(%rip)
	jz 1f
	movq entry_kcr3(%rip), %rax
	movq %rax, %cr3
1:	movq %rsp, %rbx
	andq $-ENTRY_REGION_SIZE, %rbx
	movq ENTRY_KSTACK(%rbx), %rbx
	andq $-16, %rbx
	subq $72, %rbx              /* rbx rax vector error RIP CS RFLAGS RSP SS */
	.irp off, 0, 8, 16, 24, 32, 40, 48, 56, 64
	movq \off(%rsp), %rax
	movq %rax, \off(%rbx)
	.endr
	movq %rbx, %rsp
	xorl %ebx, %ebx             /* saved_cr3: none */
	jmp save_rest

from_ring0:
	pushq %rax
	pushq %rbx
	xorl %ebx, %ebx
	testl $ENTRY_F_SPLIT, entry_flags(%rip)
	jz save_rest
	movq %cr3, %rax
	cmpq entry_kroot(%rip), %rax
	je save_rest
	movq %rax, %rbx
	movq entry_kcr3(%rip), %rax
	movq %rax, %cr3

	/* rax and rbx are on the stack already; rbx holds saved_cr3. */
save_rest:
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
	pushq %rbx                  /* saved_cr3 */
	pushq $0                    /* pad: keeps the call 16-byte aligned */
	/*
	 * Known flags for the VMM: ring 3 may have set AC (which would turn
	 * SMAP off in ring 0) or DF; IF is already clear (interrupt gates).
	 * IRETQ restores the interrupted code's own flags.
	 */
	pushq $2
	popfq
	/*
	 * Speculation (arch/nospec_asm.h, arch/spec.h): the interrupted
	 * code's registers are in the frame now, so none stays live into C.
	 * From ring 3, before the first RET: legacy IBRS acts only when
	 * written after the switch, Retbleed/SRSO parts get their IBPB, and
	 * the RSB still holds the process's return addresses.
	 */
	CLEAR_GPRS
	testb $3, 160(%rsp)         /* CS: pad, saved_cr3, 15 registers, vector, error code, RIP */
	jz 2f
	testl $ENTRY_F_IBRS, entry_flags(%rip)
	jz 1f
	/*
	 * The flags are the boot CPU's plan: a CPU whose microcode refuses
	 * the write (mixed microcode; spec.c says so at boot) takes #GP
	 * here, which the .sv_fixup entries turn into "go on" instead of
	 * halting the VMM on a process's syscall.
	 */
	movl $MSR_SPEC_CTRL, %ecx
	movq spec_host_ctrl(%rip), %rax
	movq %rax, %rdx
	shrq $32, %rdx
4:	wrmsr
1:	testl $ENTRY_F_IBPB, entry_flags(%rip)
	jz 3f
	movl $MSR_PRED_CMD, %ecx
	movl $1, %eax
	xorl %edx, %edx
5:	wrmsr
3:	RSB_FILL %ecx
	FIXUP 4b, 1b
	FIXUP 5b, 3b
2:	movq %rsp, %rdi
	call trap_dispatch
	.globl isr_return
isr_return:
	addq $8, %rsp               /* pad */
	popq %rax                   /* saved_cr3 */
	testq %rax, %rax
	jz 1f
	movq %rax, %cr3             /* this stack and code are mapped there too */
	/* Back into exit_to_ring3, maybe past its VERW: clear what we left. */
	testl $ENTRY_F_VERW, entry_flags(%rip)
	jz 1f
	verw entry_verw_sel(%rip)
1:	testb $3, 144(%rsp)         /* CS, after the 15 registers, vector, error code, RIP */
	jnz to_ring3
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
	iretq

	/*
	 * Back to ring 3.  DS/ES may hold the kernel's selector (a nested
	 * handler call reloads them), which IRET would null (SDM 3A, IRET)
	 * and a 32-bit process would #GP on: give it the user data segment.
	 * Then the process's RAX and IRETQ frame go to the entry stack
	 * (mapped in its tables; this VMM stack is not), every other
	 * register is restored here, and exit_to_ring3 switches CR3.
	 */
to_ring3:
	movl $SEL_UDATA, %eax
	movl %eax, %ds
	movl %eax, %es
	movq %rsp, %rbx
	andq $-ENTRY_REGION_SIZE, %rbx /* = CPU_STACK_SIZE: the VMM stack's tag */
	movq (%rbx), %rbx           /* struct sv_cpu * */
	movq (%rbx), %rbx           /* its entry_base */
	leaq ENTRY_STACK_TOP-48(%rbx), %rbx
	movq 112(%rsp), %rax        /* RAX */
	movq %rax, 0(%rbx)
	movq 136(%rsp), %rax        /* RIP, CS, RFLAGS, RSP, SS */
	movq %rax, 8(%rbx)
	movq 144(%rsp), %rax
	movq %rax, 16(%rbx)
	movq 152(%rsp), %rax
	movq %rax, 24(%rbx)
	movq 160(%rsp), %rax
	movq %rax, 32(%rbx)
	movq 168(%rsp), %rax
	movq %rax, 40(%rbx)
	movq 0(%rsp), %r15
	movq 8(%rsp), %r14
	movq 16(%rsp), %r13
	movq 24(%rsp), %r12
	movq 32(%rsp), %r11
	movq 40(%rsp), %r10
	movq 48(%rsp), %r9
	movq 56(%rsp), %r8
	movq 64(%rsp), %rbp
	movq 72(%rsp), %rdi
	movq 80(%rsp), %rsi
	movq 88(%rsp), %rdx
	movq 96(%rsp), %rcx
	movq 104(%rsp), %rax        /* the process's RBX */
	movq %rbx, %rsp
	movq %rax, %rbx
	/* fall through */

	/*
	 * On the entry stack: the process's RAX, then its IRETQ frame; every
	 * other register is the process's.  Loads its CR3 (with PCID: then
	 * marks it loaded, so the next exit does not flush), clears CPU
	 * buffers where MD_CLEAR says VERW does, and returns to ring 3.
	 */
	.globl exit_to_ring3
exit_to_ring3:
	testl $ENTRY_F_SPLIT, entry_flags(%rip)
	jz 2f
	pushq %rbx
	movq %rsp, %rbx
	andq $-ENTRY_REGION_SIZE, %rbx
	movq ENTRY_UCR3(%rbx), %rax
	movq %rax, %cr3
	movq entry_noflush(%rip), %rax
	orq %rax, ENTRY_UCR3(%rbx)
	movq ENTRY_UCR3_SPACE(%rbx), %rax
	movq %rax, ENTRY_PCID_SPACE(%rbx)
	popq %rbx
2:	popq %rax
	testl $ENTRY_F_VERW, entry_flags(%rip)
	jz 3f
	verw entry_verw_sel(%rip)
3:	iretq

	.section .rodata
	.balign 8
	.globl isr_stubs
isr_stubs:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad isr_\v
	.endr
