/*
 * Multiboot2 header and the 32-bit to 64-bit entry.
 *
 * GRUB enters _start in 32-bit protected mode with paging off, EAX holding
 * the multiboot2 magic and EBX the physical address of the boot
 * information (Multiboot2 spec, "Machine state").  We build temporary
 * page tables with 2 MiB pages that map the first 4 GiB three times: at 0
 * (so the next instruction after enabling paging still exists), at the
 * direct-map base 0xFFFF800000000000, and the first 1 GiB at the kernel
 * base 0xFFFFFFFF80000000 where the C code is linked.  Then we switch to
 * long mode and call vmm_main(magic, info).  The C side builds its own
 * page tables over the whole memory map and drops the low mapping.
 */
#define MB2_MAGIC 0xE85250D6
#define MB2_ARCH_I386 0
#define MSR_EFER 0xC0000080
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)
#define CR0_PE (1 << 0)
#define CR0_WP (1 << 16)
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)
#define COM1 0x3f8

	.section .multiboot2, "a"
	.balign 8
mb2_header:
	.long MB2_MAGIC
	.long MB2_ARCH_I386
	.long mb2_header_end - mb2_header
	.long -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
	/*
	 * Information request (Multiboot2 spec, 3.1.4), marked optional so
	 * that a loader without one of them still boots us: the memory map,
	 * the ACPI RSDP (old and new), and on UEFI the 64-bit system table,
	 * the EFI memory map and the image handle.  There is deliberately no
	 * "EFI boot services" tag (type 7): GRUB exits boot services before
	 * it jumps here, in 32-bit protected mode as on BIOS (docs/uefi.md).
	 */
	.balign 8
mb2_info_request:
	.short 1
	.short 1                   /* flags: optional */
	.long mb2_info_request_end - mb2_info_request
	.long 6, 14, 15, 12, 17, 20
mb2_info_request_end:
	.balign 8
	/* End tag: GRUB loads the ELF's program headers as they are. */
	.short 0
	.short 0
	.long 8
mb2_header_end:

	.section .text.boot, "ax"
	.code32
	.globl _start
_start:
	cli
	cld
	movl $boot_stack_top_phys, %esp
	movl %eax, boot_mb_magic
	movl %ebx, boot_mb_info

	/* Long mode? (CPUID 0x80000001 EDX bit 29) Otherwise say so and stop. */
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb no_long_mode
	movl $0x80000001, %eax
	cpuid
	btl $29, %edx
	jnc no_long_mode
	movl %edx, %edi            /* keep: bit 20 is NX */

	/*
	 * PML4[0] and PML4[256] -> PDPT; PDPT[0..3] -> four page directories
	 * of 2 MiB pages.  PML4[511] -> PDPT_HI whose entry 510 (-2 GiB)
	 * points at the first of those directories.
	 */
	movl $boot_pdpt, %eax
	orl $0x3, %eax
	movl %eax, boot_pml4
	movl %eax, boot_pml4 + 256 * 8
	movl $boot_pdpt_hi, %eax
	orl $0x3, %eax
	movl %eax, boot_pml4 + 511 * 8
	movl $boot_pd, %eax
	orl $0x3, %eax
	movl %eax, boot_pdpt_hi + 510 * 8
	xorl %ecx, %ecx
1:	movl %ecx, %eax
	shll $12, %eax
	addl $boot_pd, %eax
	orl $0x3, %eax
	movl %eax, boot_pdpt(,%ecx,8)
	incl %ecx
	cmpl $4, %ecx
	jne 1b
	xorl %ecx, %ecx            /* 2048 entries cover 4 GiB */
2:	movl %ecx, %eax
	shll $21, %eax
	orl $0x83, %eax            /* present, writable, 2 MiB page */
	movl %eax, boot_pd(,%ecx,8)
	movl %ecx, %eax
	shrl $11, %eax             /* high dword: bits 32+ of the address */
	movl %eax, boot_pd+4(,%ecx,8)
	incl %ecx
	cmpl $2048, %ecx
	jne 2b

	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl $boot_pml4, %eax
	movl %eax, %cr3
	/*
	 * EFER from scratch: LME (and NXE below), nothing firmware left, so
	 * no SCE (a process's SYSCALL must be #UD; vmm/arch/x86/sysmsr.c
	 * clears it again on every CPU and sets the VMM's syscall MSRs).
	 */
	movl $MSR_EFER, %ecx
	movl $EFER_LME, %eax
	xorl %edx, %edx
	btl $20, %edi
	jnc 3f
	orl $EFER_NXE, %eax
3:	wrmsr
	movl %cr0, %eax
	orl $(CR0_PG | CR0_WP | CR0_PE), %eax
	movl %eax, %cr0

	lgdt boot_gdt_ptr
	ljmp $0x08, $long_entry_low

no_long_mode:
	movl $no_lm_msg, %esi
4:	lodsb
	testb %al, %al
	jz 6f
	movb %al, %bl
	movw $(COM1 + 5), %dx
5:	inb %dx, %al
	testb $0x20, %al
	jz 5b
	movw $COM1, %dx
	movb %bl, %al
	outb %al, %dx
	jmp 4b
6:	hlt
	jmp 6b

	.code64
long_entry_low:
	/* Still at the physical address: jump into the kernel-base mapping. */
	movabsq $long_entry, %rax
	jmp *%rax

	.text
long_entry:
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	xorl %eax, %eax
	movl %eax, %fs
	movl %eax, %gs
	movabsq $boot_stack_top, %rsp
	xorl %ebp, %ebp
	movabsq $boot_mb_magic, %rax
	movl (%rax), %edi
	movabsq $boot_mb_info, %rax
	movl (%rax), %esi
	call vmm_main
7:	cli
	hlt
	jmp 7b

	.section .data.boot, "aw"
no_lm_msg:
	.asciz "[sealvisor] FATAL: this CPU has no 64-bit long mode\r\n"
	.balign 8
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff   /* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff   /* 0x10: data */
boot_gdt_end:
boot_gdt_ptr:
	.short boot_gdt_end - boot_gdt - 1
	.long boot_gdt

	.balign 4
boot_mb_magic: .long 0
boot_mb_info: .long 0

	/* GRUB zeroes the NOLOAD .bootbss along with the rest of memsz. */
	.section .bss.boot, "aw", @nobits
	.balign 4096
	.globl boot_pml4
boot_pml4: .skip 4096
boot_pdpt: .skip 4096
boot_pdpt_hi: .skip 4096
boot_pd: .skip 4096 * 4

	/* The VMM's stack, in the kernel mapping. */
	.bss
	.balign 16
	.globl boot_stack, boot_stack_top
	/*
	 * 64 KiB-aligned: its first word points to the boot CPU's struct
	 * sv_cpu, which this_cpu() finds by masking RSP (sv/cpu.h).
	 */
	.balign 65536
boot_stack: .skip 65536
boot_stack_top:
