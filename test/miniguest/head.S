/*
 * Entry of the mini guest and its exception stubs.  The VMM enters at the
 * first byte of the protected-mode image, in flat 32-bit protected mode
 * with paging off, CS 0x10, DS 0x18 and ESI = boot_params, exactly like a
 * Linux bzImage (Documentation/arch/x86/boot.rst, "32-bit boot protocol").
 * The image is linked at 0 and position-independent: the GOT address is
 * worked out from EIP, the stack found relative to it, and main.c applies
 * the R_386_RELATIVE relocations before anything uses a pointer in data.
 */
	.code32
	.section .text.entry, "ax"
	.globl _start
_start:
	cli
	cld
	movl %esi, %edi
	/*
	 * No stack yet: like Linux, borrow boot_params.scratch (offset
	 * 0x1e4, zero-page.rst) for the one push that finds our address.
	 */
	leal 0x1e8(%esi), %esp
	call 1f
1:	popl %ebx
	addl $_GLOBAL_OFFSET_TABLE_ + (. - 1b), %ebx
	leal mg_stack@GOTOFF+16384(%ebx), %esp
	pushl %edi
	call mg_main
2:	cli
	hlt
	jmp 2b

/* Exception stubs: a dummy error code where the CPU pushes none. */
	.text
.macro STUB n, err
	.globl mg_stub\n
mg_stub\n:
	.if \err == 0
	pushl $0
	.endif
	pushl $\n
	jmp mg_trap_common
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

mg_trap_common:
	pushal
	pushl %esp                 /* struct mg_frame * */
	call mg_trap
	addl $4, %esp
	popal
	addl $8, %esp              /* vector, error code */
	iret

	.section .note.GNU-stack, "", @progbits
