/*
 * The application processors' way into the VMM.
 *
 * ap_tramp_start .. ap_tramp_end is copied to a page below 1 MiB
 * (cpu/smp.c), whose address the SIPI names: the AP starts there in real
 * mode with CS = page >> 4, IP = 0 (SDM 3A 9.4.4, 10.6.1 "startup IPI").
 * It loads a GDT of the trampoline's own, enters protected mode, turns on
 * PAE and long mode with a temporary page table (the VMM's, plus an
 * identity map of the first 2 MiB so that the next instruction still
 * exists), and jumps to ap_entry64 in the VMM image.  smp.c fills the
 * data fields at the end before each SIPI.
 *
 * ap_entry64 switches to the VMM's own page tables, finds this CPU's slot
 * by its APIC id (CPUID 0xB, or CPUID 1 without it) in ap_slots, and
 * calls ap_main on that CPU's stack.  A CPU without a slot halts.
 */
#define OFF(x) ((x) - ap_tramp_start)
#define MSR_EFER 0xC0000080

	.section .rodata, "a"
	.balign 16
	.globl ap_tramp_start, ap_tramp_end
	.globl ap_tramp_gdtr, ap_tramp_jmp32, ap_tramp_jmp64, ap_tramp_cr3
	.globl ap_tramp_efer, ap_tramp_kcr3, ap_tramp_entry
	.globl tramp32, tramp64, tramp_gdt

	.code16
ap_tramp_start:
	cli
	cld
	movw %cs, %ax
	movw %ax, %ds
	movzwl %ax, %ebx
	shll $4, %ebx                   /* EBX = the page's physical address */
	/*
	 * An empty IDT until the VMM loads its own: an NMI now shuts this
	 * CPU down instead of running the real-mode vector in guest memory.
	 */
	lidtl OFF(tramp_null_idtr)
	lgdtl OFF(ap_tramp_gdtr)
	movl %cr0, %eax
	orl $1, %eax                    /* PE */
	movl %eax, %cr0
	ljmpl *OFF(ap_tramp_jmp32)

	.code32
tramp32:
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %cr4, %eax
	orl $0x20, %eax                 /* PAE */
	movl %eax, %cr4
	movl OFF(ap_tramp_cr3)(%ebx), %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	movl OFF(ap_tramp_efer)(%ebx), %eax /* LME and NXE as the boot CPU has them */
	xorl %edx, %edx
	wrmsr
	movl %cr0, %eax
	orl $0x80010001, %eax           /* PG, WP, PE */
	movl %eax, %cr0
	ljmpl *OFF(ap_tramp_jmp64)(%ebx)

	.code64
tramp64:
	movl %ebx, %ebx
	movq OFF(ap_tramp_kcr3)(%rbx), %rcx
	movq OFF(ap_tramp_entry)(%rbx), %rax
	jmpq *%rax

	.balign 8
tramp_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff        /* 0x08 32-bit code */
	.quad 0x00cf92000000ffff        /* 0x10 data */
	.quad 0x00af9a000000ffff        /* 0x18 64-bit code */
tramp_gdt_end:
	.balign 8
tramp_null_idtr:
	.word 0
	.long 0
	.balign 8
ap_tramp_gdtr:
	.word tramp_gdt_end - tramp_gdt - 1
	.long 0                         /* page + OFF(tramp_gdt) */
	.balign 8
ap_tramp_jmp32:
	.long 0                         /* page + OFF(tramp32) */
	.word 0x08
	.balign 8
ap_tramp_jmp64:
	.long 0                         /* page + OFF(tramp64) */
	.word 0x18
	.balign 8
ap_tramp_cr3:
	.long 0                         /* temporary page table, below 4 GiB */
ap_tramp_efer:
	.long 0
ap_tramp_kcr3:
	.quad 0                         /* the VMM's own page tables */
ap_tramp_entry:
	.quad 0                         /* ap_entry64 */
ap_tramp_end:


	.text
	.globl ap_entry64
ap_entry64:
	movq %rcx, %cr3
	/* This CPU's APIC id: CPUID 0xB EDX (x2APIC id) when the leaf exists. */
	xorl %eax, %eax
	cpuid
	cmpl $0xb, %eax
	jb 1f
	movl $0xb, %eax
	xorl %ecx, %ecx
	cpuid
	testl %ebx, %ebx
	jz 1f
	movl %edx, %esi
	jmp 2f
1:	movl $1, %eax
	cpuid
	shrl $24, %ebx
	movl %ebx, %esi
2:	movabsq $ap_slots, %rdi
	movabsq $ap_nslots, %rax
	movl (%rax), %ecx
3:	testl %ecx, %ecx
	jz 5f
	cmpl (%rdi), %esi
	je 4f
	addq $16, %rdi
	decl %ecx
	jmp 3b
4:	movq 8(%rdi), %rsp              /* the slot's stack top */
	xorl %ebp, %ebp
	movl %esi, %edi
	call ap_main
5:	cli
	hlt
	jmp 5b
