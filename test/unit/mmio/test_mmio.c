/*
 * Host unit tests of the MMIO instruction decoder (vmm/guest/mmio_insn.c).
 *
 * The encodings below were checked against GNU as / objdump; each names
 * the AT&T instruction it is.  Every accepted encoding is also decoded
 * from every shorter prefix of itself, placed at the very end of a page
 * whose next page is inaccessible, so a read past n crashes the test (and
 * ASan, when the build has it, reports it as well).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <sv/mmio_insn.h>

static int failures, checks;

#define CHECK_EQ(got, want)                                                                  \
	do {                                                                                 \
		unsigned long long g_ = (unsigned long long)(got);                           \
		unsigned long long w_ = (unsigned long long)(want);                          \
		checks++;                                                                    \
		if (g_ != w_) {                                                              \
			printf("%s:%d: %s: %s == %#llx, expected %#llx\n", __FILE__, __LINE__, \
			       ctx, #got, g_, w_);                                           \
			failures++;                                                          \
		}                                                                            \
	} while (0)

#define M16 MMIO_MODE_16
#define M32 MMIO_MODE_32
#define M64 MMIO_MODE_64

/* Expected fields of one accepted encoding; len is the encoding's length. */
struct ok_case {
	const char *name;
	enum mmio_mode mode;
	uint8_t bytes[16];
	uint8_t n;
	bool write;
	uint8_t size;
	bool has_imm;
	uint64_t imm;
	int reg;
	bool high8, xchg, zero_extend;
	uint8_t reg_size;
};

#define B(...) .bytes = { __VA_ARGS__ }, .n = sizeof((uint8_t[]){ __VA_ARGS__ })

/* Shorthands: store / load / xchg of a register, store of an immediate. */
#define ST(sz, r) .write = true, .size = sz, .reg = r, .reg_size = sz
#define LD(sz, r) .size = sz, .reg = r, .reg_size = sz
#define XC(sz, r) .write = true, .xchg = true, .size = sz, .reg = r, .reg_size = sz
#define IMM(sz, v) .write = true, .size = sz, .has_imm = true, .imm = v, .reg = -1

/* The xAPIC fixmap page as Linux maps it (0xffffffffff5fc000) and the legacy base. */
#define FIX300 0x00, 0xc3, 0x5f, 0xff
#define FIX020 0x20, 0xc0, 0x5f, 0xff
#define MOFFS64 0x20, 0xc0, 0x5f, 0xff, 0xff, 0xff, 0xff, 0xff

static const struct ok_case ok_cases[] = {
	/* ---- 64-bit mode: what Linux's native_apic_mem_write/read compile to ---- */
	{ "mov %eax,0xffffffffff5fc300", M64, B(0x89, 0x04, 0x25, FIX300), ST(4, 0) },
	{ "mov %edi,0x300(%rax)", M64, B(0x89, 0xb8, 0x00, 0x03, 0x00, 0x00), ST(4, 7) },
	{ "mov 0xffffffffff5fc020,%eax", M64, B(0x8b, 0x04, 0x25, FIX020), LD(4, 0),
	  .zero_extend = true },
	{ "movl $0x0,0xffffffffff5fc0b0", M64, B(0xc7, 0x04, 0x25, 0xb0, 0xc0, 0x5f, 0xff, 0, 0, 0, 0),
	  IMM(4, 0) },
	{ "xchg %eax,0xffffffffff5fc300", M64, B(0x87, 0x04, 0x25, FIX300), XC(4, 0), .zero_extend = true },
	{ "lock xchg %eax,(%rdx)", M64, B(0xf0, 0x87, 0x02), XC(4, 0), .zero_extend = true },
	/* REX.R/B: r8..r15 */
	{ "xchg %r9d,0x10(%rbx)", M64, B(0x44, 0x87, 0x4b, 0x10), XC(4, 9), .zero_extend = true },
	{ "mov %r8d,0x300(%rax)", M64, B(0x44, 0x89, 0x80, 0x00, 0x03, 0x00, 0x00), ST(4, 8) },
	{ "mov 0x20(%r12),%eax", M64, B(0x41, 0x8b, 0x44, 0x24, 0x20), LD(4, 0), .zero_extend = true },
	{ "mov 0x20(%r13),%r15d", M64, B(0x45, 0x8b, 0x7d, 0x20), LD(4, 15), .zero_extend = true },
	{ "mov 0x0(%r13),%eax", M64, B(0x41, 0x8b, 0x45, 0x00), LD(4, 0), .zero_extend = true },
	/* REX.B does not turn SIB base=101/mod=00 into r13: still no base, disp32. */
	{ "mov 0xffffffffff5fc300,%eax (41 = REX.B)", M64, B(0x41, 0x8b, 0x04, 0x25, FIX300), LD(4, 0),
	  .zero_extend = true },
	/* ... nor rm=101/mod=00: still RIP-relative. */
	{ "mov 0x100(%rip),%eax (41 = REX.B)", M64, B(0x41, 0x8b, 0x05, 0x00, 0x01, 0x00, 0x00), LD(4, 0),
	  .zero_extend = true },
	{ "mov %rax,0x300(%rdx)", M64, B(0x48, 0x89, 0x82, 0x00, 0x03, 0x00, 0x00), ST(8, 0) },
	{ "mov 0x300(%rdx),%r11", M64, B(0x4c, 0x8b, 0x9a, 0x00, 0x03, 0x00, 0x00), LD(8, 11) },
	{ "mov %ax,0xffffffffff5fc300", M64, B(0x66, 0x89, 0x04, 0x25, FIX300), ST(2, 0) },
	{ "mov (%rax),%r10w", M64, B(0x66, 0x44, 0x8b, 0x10), LD(2, 10) },
	/* Byte registers: AH..BH without REX, SPL..DIL and r8b.. with one. */
	{ "mov %ah,0xffffffffff5fc300", M64, B(0x88, 0x24, 0x25, FIX300), ST(1, 0), .high8 = true },
	{ "mov %spl,0xffffffffff5fc300", M64, B(0x40, 0x88, 0x24, 0x25, FIX300), ST(1, 4) },
	{ "mov %bh,(%rcx)", M64, B(0x88, 0x39), ST(1, 3), .high8 = true },
	{ "mov (%rsi),%dh", M64, B(0x8a, 0x36), LD(1, 2), .high8 = true },
	{ "mov (%rax),%sil", M64, B(0x40, 0x8a, 0x30), LD(1, 6) },
	{ "mov %r12b,(%rax)", M64, B(0x44, 0x88, 0x20), ST(1, 12) },
	{ "mov %cl,(%rax)", M64, B(0x88, 0x08), ST(1, 1) },
	{ "xchg %ch,(%rbx)", M64, B(0x86, 0x2b), XC(1, 1), .high8 = true },
	/* Immediates */
	{ "movb $0x7f,0x10(%rdi)", M64, B(0xc6, 0x47, 0x10, 0x7f), IMM(1, 0x7f) },
	{ "movb $0xff,(%rax)", M64, B(0xc6, 0x00, 0xff), IMM(1, 0xff) },
	{ "movw $0xbeef,0x10(%rdi)", M64, B(0x66, 0xc7, 0x47, 0x10, 0xef, 0xbe), IMM(2, 0xbeef) },
	{ "movl $0x80000000,(%rax)", M64, B(0xc7, 0x00, 0x00, 0x00, 0x00, 0x80), IMM(4, 0x80000000) },
	{ "movq $-2,0x10(%rdi)", M64, B(0x48, 0xc7, 0x47, 0x10, 0xfe, 0xff, 0xff, 0xff),
	  IMM(8, 0xfffffffffffffffeull) },
	{ "movq $0x7fffffff,0x10(%rdi)", M64, B(0x48, 0xc7, 0x47, 0x10, 0xff, 0xff, 0xff, 0x7f),
	  IMM(8, 0x7fffffff) },
	/* REX.R is ignored in an opcode-extension reg field: 4c c7 /0 is still MOV. */
	{ "movq $1,(%rax) (4c = REX.WR)", M64, B(0x4c, 0xc7, 0x00, 0x01, 0x00, 0x00, 0x00), IMM(8, 1) },
	/* moffs: 8-byte address in 64-bit mode, 4 with 67 */
	{ "movabs 0xffffffffff5fc020,%eax", M64, B(0xa1, MOFFS64), LD(4, 0), .zero_extend = true },
	{ "movabs %eax,0xffffffffff5fc020", M64, B(0xa3, MOFFS64), ST(4, 0) },
	{ "movabs 0xffffffffff5fc020,%al", M64, B(0xa0, MOFFS64), LD(1, 0) },
	{ "movabs %al,0xffffffffff5fc020", M64, B(0xa2, MOFFS64), ST(1, 0) },
	{ "movabs 0xffffffffff5fc020,%rax", M64, B(0x48, 0xa1, MOFFS64), LD(8, 0) },
	{ "movabs %ax,0xffffffffff5fc020", M64, B(0x66, 0xa3, MOFFS64), ST(2, 0) },
	{ "addr32 mov 0xff5fc020,%eax", M64, B(0x67, 0xa1, 0x20, 0xc0, 0x5f, 0xff), LD(4, 0),
	  .zero_extend = true },
	/* ModRM/SIB shapes */
	{ "mov %eax,0x100(%rip)", M64, B(0x89, 0x05, 0x00, 0x01, 0x00, 0x00), ST(4, 0) },
	{ "mov %eax,0x100(%rax,%rcx,4)", M64, B(0x89, 0x84, 0x88, 0x00, 0x01, 0x00, 0x00), ST(4, 0) },
	{ "mov %eax,0x0(%rbp)", M64, B(0x89, 0x45, 0x00), ST(4, 0) },
	{ "mov %ecx,0x12345678(,%rdx,8)", M64, B(0x89, 0x0c, 0xd5, 0x78, 0x56, 0x34, 0x12), ST(4, 1) },
	{ "mov %eax,(%rax,%r9,2) (42 = REX.X)", M64, B(0x42, 0x89, 0x04, 0x48), ST(4, 0) },
	{ "mov %eax,0x10(%rsp)", M64, B(0x89, 0x44, 0x24, 0x10), ST(4, 0) },
	{ "mov (%eax),%ecx", M64, B(0x67, 0x8b, 0x08), LD(4, 1), .zero_extend = true },
	{ "mov %eax,%fs:0x10(%rax)", M64, B(0x64, 0x89, 0x40, 0x10), ST(4, 0) },
	/* MOVZX */
	{ "movzbl 0x20(%rax),%ecx", M64, B(0x0f, 0xb6, 0x48, 0x20), .size = 1, .reg = 1, .reg_size = 4,
	  .zero_extend = true },
	{ "movzwl 0x20(%rax),%r10d", M64, B(0x44, 0x0f, 0xb7, 0x50, 0x20), .size = 2, .reg = 10,
	  .reg_size = 4, .zero_extend = true },
	{ "movzbq 0x20(%rax),%rcx", M64, B(0x48, 0x0f, 0xb6, 0x48, 0x20), .size = 1, .reg = 1,
	  .reg_size = 8, .zero_extend = true },
	{ "movzbw 0x20(%rax),%cx", M64, B(0x66, 0x0f, 0xb6, 0x48, 0x20), .size = 1, .reg = 1,
	  .reg_size = 2, .zero_extend = true },
	{ "movzbl (%rax),%esp (no AH: 16-bit+ destination)", M64, B(0x0f, 0xb6, 0x20), .size = 1, .reg = 4,
	  .reg_size = 4, .zero_extend = true },
	/* Prefix order rules */
	{ "48 66 89 00: REX before 66 is ignored", M64, B(0x48, 0x66, 0x89, 0x00), ST(2, 0) },
	{ "66 48 89 00: REX.W wins over 66", M64, B(0x66, 0x48, 0x89, 0x00), ST(8, 0) },
	{ "40 66 88 20: ignored REX leaves AH", M64, B(0x40, 0x66, 0x88, 0x20), ST(1, 0), .high8 = true },
	{ "4c 41 89 00: only the last REX counts", M64, B(0x4c, 0x41, 0x89, 0x00), ST(4, 0) },
	{ "66 88 00: 66 does not widen a byte form", M64, B(0x66, 0x88, 0x00), ST(1, 0) },
	{ "15 bytes: 5 DS + movw $0x1234,0x100(%rax,%rcx,4)", M64,
	  B(0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x66, 0xc7, 0x84, 0x88, 0x00, 0x01, 0x00, 0x00, 0x34, 0x12),
	  IMM(2, 0x1234) },
	{ "15 bytes: cs ds gs + movq $-2,0x100(%rax,%rcx,4)", M64,
	  B(0x2e, 0x3e, 0x65, 0x48, 0xc7, 0x84, 0x88, 0x00, 0x01, 0x00, 0x00, 0xfe, 0xff, 0xff, 0xff),
	  IMM(8, 0xfffffffffffffffeull) },

	/* ---- 32-bit mode ---- */
	{ "mov %eax,0xfee00300 (moffs)", M32, B(0xa3, 0x00, 0x03, 0xe0, 0xfe), ST(4, 0) },
	{ "mov %eax,0xfee00300 (ModRM: absolute disp32)", M32, B(0x89, 0x05, 0x00, 0x03, 0xe0, 0xfe),
	  ST(4, 0) },
	{ "mov %eax,(%esp)", M32, B(0x89, 0x04, 0x24), ST(4, 0) },
	{ "mov 0xfee00020,%eax", M32, B(0xa1, 0x20, 0x00, 0xe0, 0xfe), LD(4, 0) },
	{ "mov 0xfee00020,%ecx", M32, B(0x8b, 0x0d, 0x20, 0x00, 0xe0, 0xfe), LD(4, 1) },
	{ "movl $0,0xfee000b0", M32, B(0xc7, 0x05, 0xb0, 0x00, 0xe0, 0xfe, 0, 0, 0, 0), IMM(4, 0) },
	{ "mov %ax,0x10(%ebx)", M32, B(0x66, 0x89, 0x43, 0x10), ST(2, 0) },
	{ "mov 0x12(%esi,%edi,2),%edx", M32, B(0x8b, 0x54, 0x7e, 0x12), LD(4, 2) },
	{ "mov %eax,0xfee00300(,%ecx,1)", M32, B(0x89, 0x04, 0x0d, 0x00, 0x03, 0xe0, 0xfe), ST(4, 0) },
	{ "xchg %ebx,0x8(%ebp)", M32, B(0x87, 0x5d, 0x08), XC(4, 3) },
	{ "movw $0x1234,0x300(%eax)", M32, B(0x66, 0xc7, 0x80, 0x00, 0x03, 0x00, 0x00, 0x34, 0x12),
	  IMM(2, 0x1234) },
	{ "movzbl 0x4(%ecx),%eax", M32, B(0x0f, 0xb6, 0x41, 0x04), .size = 1, .reg = 0, .reg_size = 4,
	  .zero_extend = true },
	{ "mov %ah,(%eax)", M32, B(0x88, 0x20), ST(1, 0), .high8 = true },
	{ "mov (%edi),%bl", M32, B(0x8a, 0x1f), LD(1, 3) },
	{ "addr16 mov 0x20,%eax", M32, B(0x67, 0xa1, 0x20, 0x00), LD(4, 0) },
	{ "addr16 mov %eax,(%bx,%si)", M32, B(0x67, 0x89, 0x00), ST(4, 0) },
	{ "addr16 mov %eax,0x300(%bp)", M32, B(0x67, 0x89, 0x86, 0x00, 0x03), ST(4, 0) },
	{ "addr16 mov %eax,0x300", M32, B(0x67, 0x89, 0x06, 0x00, 0x03), ST(4, 0) },
	{ "addr16 mov %eax,(%si) (rm=100 is no SIB)", M32, B(0x67, 0x89, 0x04), ST(4, 0) },

	/* ---- 16-bit mode ---- */
	{ "mov %ax,0x300 (moffs)", M16, B(0xa3, 0x00, 0x03), ST(2, 0) },
	{ "mov %ax,0x300 (ModRM)", M16, B(0x89, 0x06, 0x00, 0x03), ST(2, 0) },
	{ "mov %ax,(%bx,%si)", M16, B(0x89, 0x00), ST(2, 0) },
	{ "mov 0x12(%bp),%cx", M16, B(0x8b, 0x4e, 0x12), LD(2, 1) },
	{ "mov 0x1234(%bx,%di),%dx", M16, B(0x8b, 0x91, 0x34, 0x12), LD(2, 2) },
	{ "mov %eax,(%bx)", M16, B(0x66, 0x89, 0x07), ST(4, 0) },
	{ "movw $0x1234,0x300", M16, B(0xc7, 0x06, 0x00, 0x03, 0x34, 0x12), IMM(2, 0x1234) },
	{ "movl $0x12345678,0x300", M16, B(0x66, 0xc7, 0x06, 0x00, 0x03, 0x78, 0x56, 0x34, 0x12),
	  IMM(4, 0x12345678) },
	{ "mov 0x300,%ax", M16, B(0xa1, 0x00, 0x03), LD(2, 0) },
	{ "mov 0x300,%eax", M16, B(0x66, 0xa1, 0x00, 0x03), LD(4, 0) },
	{ "addr32 mov 0x12345678,%eax", M16, B(0x67, 0x66, 0xa1, 0x78, 0x56, 0x34, 0x12), LD(4, 0) },
	{ "addr32 mov %eax,(%esp)", M16, B(0x67, 0x66, 0x89, 0x04, 0x24), ST(4, 0) },
	{ "mov %al,(%si)", M16, B(0x88, 0x04), ST(1, 0) },
	{ "movzbw (%bx),%ax", M16, B(0x0f, 0xb6, 0x07), .size = 1, .reg = 0, .reg_size = 2,
	  .zero_extend = true },
};

/* Encodings that must be refused with -SV_EINVAL. */
struct bad_case {
	const char *name;
	enum mmio_mode mode;
	uint8_t bytes[20];
	uint8_t n;
};

static const struct bad_case bad_cases[] = {
	/* Register operands are not memory accesses. */
	{ "mov %eax,%eax", M64, B(0x89, 0xc0) },
	{ "mov %eax,%ecx", M64, B(0x8b, 0xc8) },
	{ "mov %ah,%al", M64, B(0x88, 0xe0) },
	{ "movl $1,%eax (c7 c0)", M64, B(0xc7, 0xc0, 0x01, 0x00, 0x00, 0x00) },
	{ "xchg %ecx,%eax (87 c8)", M64, B(0x87, 0xc8) },
	{ "movzbl %al,%eax", M64, B(0x0f, 0xb6, 0xc0) },
	{ "xabort $0 (c6 f8)", M64, B(0xc6, 0xf8, 0x00) },
	{ "mov %ax,%bx (16-bit)", M16, B(0x89, 0xc3) },
	/* LOCK is #UD on MOV and MOVZX. */
	{ "lock mov %eax,0xffffffffff5fc300", M64, B(0xf0, 0x89, 0x04, 0x25, FIX300) },
	{ "lock mov (%rax),%eax", M64, B(0xf0, 0x8b, 0x00) },
	{ "lock movl $0,(%rax)", M64, B(0xf0, 0xc7, 0x00, 0, 0, 0, 0) },
	{ "lock mov moffs,%eax", M32, B(0xf0, 0xa1, 0x20, 0x00, 0xe0, 0xfe) },
	{ "lock movzbl (%rax),%eax", M64, B(0xf0, 0x0f, 0xb6, 0x00) },
	/* REP on anything but MOVS, REPNE, other string instructions, HLE hints. */
	{ "rep mov %eax,(%rax)", M64, B(0xf3, 0x89, 0x00) },
	{ "repne movsl", M64, B(0xf2, 0xa5) },
	{ "lock movsl", M64, B(0xf0, 0xa5) },
	{ "rep stosl", M64, B(0xf3, 0xab) },
	{ "rep lodsl", M64, B(0xf3, 0xad) },
	{ "rep cmpsb", M64, B(0xf3, 0xa6) },
	{ "xacquire xchg %eax,(%rax)", M64, B(0xf2, 0x87, 0x00) },
	{ "66 f3 89 00", M32, B(0x66, 0xf3, 0x89, 0x00) },
	/* Other opcodes. */
	{ "lea 0x10(%rax),%eax", M64, B(0x8d, 0x40, 0x10) },
	{ "incl (%rax)", M64, B(0xff, 0x00) },
	{ "push (%rax)", M64, B(0xff, 0x30) },
	{ "or %eax,(%rax)", M64, B(0x09, 0x00) },
	{ "movups (%rax),%xmm0", M64, B(0x0f, 0x10, 0x00) },
	{ "movsbl (%rax),%eax", M64, B(0x0f, 0xbe, 0x00) },
	{ "mov %es,(%rax)", M64, B(0x8c, 0x00) },
	{ "int3", M64, B(0xcc) },
	{ "movl $0,(%rax) as c7 /1", M64, B(0xc7, 0x08, 0, 0, 0, 0) },
	{ "movb $0,(%rax) as c6 /7", M64, B(0xc6, 0x38, 0x00) },
	/* REX exists only in 64-bit mode: 40..4f are INC/DEC elsewhere. */
	{ "inc %eax; ... (40 in 32-bit mode)", M32, B(0x40, 0x89, 0x00) },
	{ "dec %eax; ... (48 in 16-bit mode)", M16, B(0x48, 0x89, 0x00) },
	/* Longer than 15 bytes. */
	{ "16 bytes of prefixes", M64,
	  B(0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	    0x66) },
	{ "15 prefixes + mov %eax,(%rax)", M64,
	  B(0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e,
	    0x89, 0x00) },
	{ "14 prefixes + mov %eax,(%rax): 16 bytes", M64,
	  B(0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x89,
	    0x00) },
	{ "16 bytes: 4 prefixes + movq $-2,0x100(%rax,%rcx,4)", M64,
	  B(0x2e, 0x3e, 0x65, 0x64, 0x48, 0xc7, 0x84, 0x88, 0x00, 0x01, 0x00, 0x00, 0xfe, 0xff, 0xff,
	    0xff) },
};

static const char *ctx = "";

/*
 * A page followed by an inaccessible one: decode input is copied to the end
 * of the first, so reading byte n faults.
 */
static uint8_t *guard_page;
static size_t page_size;

static void setup_guard(void)
{
	page_size = (size_t)sysconf(_SC_PAGESIZE);
	guard_page = mmap(NULL, 2 * page_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (guard_page == MAP_FAILED || mprotect(guard_page + page_size, page_size, PROT_NONE) != 0) {
		perror("mmap guard page");
		exit(2);
	}
}

static int decode_at_end(const uint8_t *bytes, size_t n, enum mmio_mode mode, struct mmio_insn *out)
{
	uint8_t *p = guard_page + page_size - n;

	memcpy(p, bytes, n);
	return mmio_insn_decode(p, n, mode, out);
}

static void check_fields(const struct ok_case *c, const struct mmio_insn *d)
{
	CHECK_EQ(d->len, c->n);
	CHECK_EQ(d->write, c->write);
	CHECK_EQ(d->size, c->size);
	CHECK_EQ(d->has_imm, c->has_imm);
	CHECK_EQ(d->imm, c->imm);
	CHECK_EQ(d->reg, c->reg);
	CHECK_EQ(d->high8, c->high8);
	CHECK_EQ(d->xchg, c->xchg);
	CHECK_EQ(d->zero_extend, c->zero_extend);
	CHECK_EQ(d->reg_size, c->reg_size);
	CHECK_EQ(d->mode, c->mode);
}

static void test_ok_cases(void)
{
	for (size_t i = 0; i < sizeof(ok_cases) / sizeof(ok_cases[0]); i++) {
		const struct ok_case *c = &ok_cases[i];
		struct mmio_insn d, before;
		uint8_t padded[32];
		int r;

		ctx = c->name;
		/* Exactly the encoding. */
		memset(&d, 0x5a, sizeof(d));
		r = decode_at_end(c->bytes, c->n, c->mode, &d);
		CHECK_EQ(r, 0);
		if (r == 0)
			check_fields(c, &d);

		/* Followed by more fetched bytes: the length stays exact. */
		memset(padded, 0xcc, sizeof(padded));
		memcpy(padded, c->bytes, c->n);
		memset(&d, 0xa5, sizeof(d));
		r = mmio_insn_decode(padded, MMIO_INSN_MAX_LEN, c->mode, &d);
		CHECK_EQ(r, 0);
		if (r == 0)
			check_fields(c, &d);
		/* More than 15 fetched bytes: only 15 count. */
		r = mmio_insn_decode(padded, sizeof(padded), c->mode, &d);
		CHECK_EQ(r, 0);
		CHECK_EQ(d.len, c->n);

		/* Every truncation wants more bytes, touches none past n, leaves *out. */
		for (size_t k = 0; k < c->n; k++) {
			memset(&d, 0x5a, sizeof(d));
			memcpy(&before, &d, sizeof(d));
			r = decode_at_end(c->bytes, k, c->mode, &d);
			CHECK_EQ(r, -SV_E2BIG);
			CHECK_EQ(memcmp(&d, &before, sizeof(d)), 0);
		}
	}
}

static void test_bad_cases(void)
{
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct mmio_insn d, before;
		int r;

		ctx = c->name;
		memset(&d, 0x5a, sizeof(d));
		memcpy(&before, &d, sizeof(d));
		r = decode_at_end(c->bytes, c->n, c->mode, &d);
		CHECK_EQ(r, -SV_EINVAL);
		CHECK_EQ(memcmp(&d, &before, sizeof(d)), 0);
	}

	/* An unknown mode, and an empty fetch. */
	{
		static const uint8_t mov[] = { 0x89, 0x00 };
		struct mmio_insn d;

		ctx = "mode 3";
		CHECK_EQ(mmio_insn_decode(mov, sizeof(mov), (enum mmio_mode)3, &d), -SV_EINVAL);
		ctx = "n = 0";
		CHECK_EQ(mmio_insn_decode(mov, 0, MMIO_MODE_64, &d), -SV_E2BIG);
	}
}

static int decode_or_die(const uint8_t *bytes, size_t n, enum mmio_mode mode, struct mmio_insn *d)
{
	int r = mmio_insn_decode(bytes, n, mode, d);

	CHECK_EQ(r, 0);
	if (r != 0) {
		printf("%s: cannot go on\n", ctx);
		exit(1);
	}
	return r;
}

#define DECODE(mode, ...)                                                       \
	do {                                                                    \
		static const uint8_t enc_[] = { __VA_ARGS__ };                  \
		decode_or_die(enc_, sizeof(enc_), mode, &d);                    \
	} while (0)

static void reset(uint64_t *g)
{
	for (int i = 0; i < 16; i++)
		g[i] = 0x1111111111111111ull * (uint64_t)(i + 1);
}

static void test_store_reg(void)
{
	uint64_t g[16];
	struct mmio_insn d;

	ctx = "store_reg: mov fixmap,%eax (64-bit) zero-extends";
	DECODE(M64, 0x8b, 0x04, 0x25, FIX020);
	reset(g);
	g[0] = 0xdeadbeefcafebabeull;
	mmio_insn_store_reg(&d, g, 0xffffffff12345678ull);
	CHECK_EQ(g[0], 0x12345678);
	CHECK_EQ(g[1], 0x2222222222222222ull);

	ctx = "store_reg: mov 0xfee00020,%ecx (32-bit) keeps bits 63:32";
	DECODE(M32, 0x8b, 0x0d, 0x20, 0x00, 0xe0, 0xfe);
	reset(g);
	mmio_insn_store_reg(&d, g, 0x12345678);
	CHECK_EQ(g[1], 0x2222222212345678ull);

	ctx = "store_reg: mov (%rax),%r10w merges 16 bits";
	DECODE(M64, 0x66, 0x44, 0x8b, 0x10);
	reset(g);
	mmio_insn_store_reg(&d, g, 0xffffbeef);
	CHECK_EQ(g[10], 0xbbbbbbbbbbbbbeefull);

	ctx = "store_reg: mov (%rsi),%dh merges bits 15:8";
	DECODE(M64, 0x8a, 0x36);
	reset(g);
	mmio_insn_store_reg(&d, g, 0x1ab);
	CHECK_EQ(g[2], 0x333333333333ab33ull);
	CHECK_EQ(g[6], 0x7777777777777777ull);

	ctx = "store_reg: mov (%rax),%sil merges bits 7:0";
	DECODE(M64, 0x40, 0x8a, 0x30);
	reset(g);
	mmio_insn_store_reg(&d, g, 0xab);
	CHECK_EQ(g[6], 0x77777777777777abull);
	CHECK_EQ(g[2], 0x3333333333333333ull);

	ctx = "store_reg: movabs moffs,%al";
	DECODE(M64, 0xa0, MOFFS64);
	reset(g);
	mmio_insn_store_reg(&d, g, 0x99);
	CHECK_EQ(g[0], 0x1111111111111199ull);

	ctx = "store_reg: mov 0x300(%rdx),%r11 full 64 bits";
	DECODE(M64, 0x4c, 0x8b, 0x9a, 0x00, 0x03, 0x00, 0x00);
	reset(g);
	mmio_insn_store_reg(&d, g, 0x0123456789abcdefull);
	CHECK_EQ(g[11], 0x0123456789abcdefull);

	ctx = "store_reg: movzbl (64-bit)";
	DECODE(M64, 0x0f, 0xb6, 0x48, 0x20);
	reset(g);
	mmio_insn_store_reg(&d, g, 0xfedcba98);
	CHECK_EQ(g[1], 0x98);

	ctx = "store_reg: movzbw merges 16 bits";
	DECODE(M64, 0x66, 0x0f, 0xb6, 0x48, 0x20);
	reset(g);
	mmio_insn_store_reg(&d, g, 0xfedcba98);
	CHECK_EQ(g[1], 0x2222222222220098ull);

	ctx = "store_reg: movzwq";
	DECODE(M64, 0x48, 0x0f, 0xb7, 0x48, 0x20);
	reset(g);
	mmio_insn_store_reg(&d, g, 0xfedcba98);
	CHECK_EQ(g[1], 0xba98);

	ctx = "store_reg: movzbl (32-bit) keeps bits 63:32";
	DECODE(M32, 0x0f, 0xb6, 0x41, 0x04);
	reset(g);
	mmio_insn_store_reg(&d, g, 0xfedcba98);
	CHECK_EQ(g[0], 0x1111111100000098ull);

	ctx = "store_reg: mov 0x12(%bp),%cx (16-bit)";
	DECODE(M16, 0x8b, 0x4e, 0x12);
	reset(g);
	mmio_insn_store_reg(&d, g, 0x12345678);
	CHECK_EQ(g[1], 0x2222222222225678ull);

	ctx = "store_reg: mov 0x300,%eax (16-bit, 66) keeps bits 63:32";
	DECODE(M16, 0x66, 0xa1, 0x00, 0x03);
	reset(g);
	mmio_insn_store_reg(&d, g, 0x12345678);
	CHECK_EQ(g[0], 0x1111111112345678ull);

	ctx = "store_reg: a store of an immediate writes no register";
	DECODE(M64, 0xc7, 0x04, 0x25, 0xb0, 0xc0, 0x5f, 0xff, 0, 0, 0, 0);
	reset(g);
	mmio_insn_store_reg(&d, g, 0x12345678);
	for (int i = 0; i < 16; i++)
		CHECK_EQ(g[i], 0x1111111111111111ull * (uint64_t)(i + 1));
}

static void test_xchg(void)
{
	uint64_t g[16];
	struct mmio_insn d;

	ctx = "xchg %eax,fixmap: memory gets eax, eax the old value";
	DECODE(M64, 0x87, 0x04, 0x25, FIX300);
	reset(g);
	g[0] = 0xaaaaaaaa00000042ull;
	CHECK_EQ(mmio_insn_store_value(&d, g), 0x42);
	mmio_insn_store_reg(&d, g, 0x77);
	CHECK_EQ(g[0], 0x77);

	ctx = "xchg %ch,(%rbx)";
	DECODE(M64, 0x86, 0x2b);
	reset(g);
	g[1] = 0x000000000000ab00ull;
	CHECK_EQ(mmio_insn_store_value(&d, g), 0xab);
	mmio_insn_store_reg(&d, g, 0xcd);
	CHECK_EQ(g[1], 0xcd00);

	ctx = "xchg %ebx,0x8(%ebp) (32-bit)";
	DECODE(M32, 0x87, 0x5d, 0x08);
	reset(g);
	CHECK_EQ(mmio_insn_store_value(&d, g), 0x44444444);
	mmio_insn_store_reg(&d, g, 0x1);
	CHECK_EQ(g[3], 0x4444444400000001ull);
}

static void test_store_value(void)
{
	uint64_t g[16];
	struct mmio_insn d;

	reset(g);
	g[0] = 0x1122334455667788ull;
	g[4] = 0x99aabbccddeeff00ull | 0x5a;
	g[8] = 0x8888888887654321ull;

	ctx = "store_value: mov %eax,fixmap";
	DECODE(M64, 0x89, 0x04, 0x25, FIX300);
	CHECK_EQ(mmio_insn_store_value(&d, g), 0x55667788);

	ctx = "store_value: mov %ah,fixmap";
	DECODE(M64, 0x88, 0x24, 0x25, FIX300);
	CHECK_EQ(mmio_insn_store_value(&d, g), 0x77);

	ctx = "store_value: mov %spl,fixmap";
	DECODE(M64, 0x40, 0x88, 0x24, 0x25, FIX300);
	CHECK_EQ(mmio_insn_store_value(&d, g), 0x5a);

	ctx = "store_value: mov %ax,fixmap";
	DECODE(M64, 0x66, 0x89, 0x04, 0x25, FIX300);
	CHECK_EQ(mmio_insn_store_value(&d, g), 0x7788);

	ctx = "store_value: mov %rax,0x300(%rdx)";
	DECODE(M64, 0x48, 0x89, 0x82, 0x00, 0x03, 0x00, 0x00);
	CHECK_EQ(mmio_insn_store_value(&d, g), 0x1122334455667788ull);

	ctx = "store_value: mov %r8d,0x300(%rax)";
	DECODE(M64, 0x44, 0x89, 0x80, 0x00, 0x03, 0x00, 0x00);
	CHECK_EQ(mmio_insn_store_value(&d, g), 0x87654321);

	ctx = "store_value: movq $-2";
	DECODE(M64, 0x48, 0xc7, 0x47, 0x10, 0xfe, 0xff, 0xff, 0xff);
	CHECK_EQ(mmio_insn_store_value(&d, g), 0xfffffffffffffffeull);

	ctx = "store_value: movw $0xbeef";
	DECODE(M64, 0x66, 0xc7, 0x47, 0x10, 0xef, 0xbe);
	CHECK_EQ(mmio_insn_store_value(&d, g), 0xbeef);

	ctx = "store_value: movl $0x80000000 is not sign-extended";
	DECODE(M64, 0xc7, 0x00, 0x00, 0x00, 0x00, 0x80);
	CHECK_EQ(mmio_insn_store_value(&d, g), 0x80000000);

	ctx = "store_value: movb $0xff";
	DECODE(M64, 0xc6, 0x00, 0xff);
	CHECK_EQ(mmio_insn_store_value(&d, g), 0xff);
}

/* The MOVS forms memcpy_toio/memcpy_fromio use (arch/x86/lib/iomem.c) and OVMF's CopyMem. */
struct movs_case {
	const char *name;
	enum mmio_mode mode;
	uint8_t bytes[8];
	uint8_t n;
	uint8_t size, addr_size, seg;
	bool rep;
};

static const struct movs_case movs_cases[] = {
	{ "movsb", M64, B(0xa4), .size = 1, .addr_size = 8 },
	{ "movsw", M64, B(0x66, 0xa5), .size = 2, .addr_size = 8 },
	{ "movsl", M64, B(0xa5), .size = 4, .addr_size = 8 },
	{ "movsq", M64, B(0x48, 0xa5), .size = 8, .addr_size = 8 },
	{ "rep movsb", M64, B(0xf3, 0xa4), .size = 1, .addr_size = 8, .rep = true },
	{ "rep movsl", M64, B(0xf3, 0xa5), .size = 4, .addr_size = 8, .rep = true },
	{ "rep movsq", M64, B(0xf3, 0x48, 0xa5), .size = 8, .addr_size = 8, .rep = true },
	{ "rep movsw (66 f3)", M64, B(0x66, 0xf3, 0xa5), .size = 2, .addr_size = 8, .rep = true },
	{ "rep movsl %ds:(%esi),%es:(%edi) (67)", M64, B(0xf3, 0x67, 0xa5), .size = 4, .addr_size = 4, .rep = true },
	{ "rep movsl %fs:(%rsi)", M64, B(0x64, 0xf3, 0xa5), .size = 4, .addr_size = 8, .seg = 0x64, .rep = true },
	{ "rep movsl (32-bit)", M32, B(0xf3, 0xa5), .size = 4, .addr_size = 4, .rep = true },
	{ "rep movsw (16-bit)", M16, B(0xf3, 0xa5), .size = 2, .addr_size = 2, .rep = true },
	{ "rex.w then 66: movsq", M64, B(0x66, 0x48, 0xa5), .size = 8, .addr_size = 8 },
	{ "rex.w lost to f3: movsl", M64, B(0x48, 0xf3, 0xa5), .size = 4, .addr_size = 8, .rep = true },
};

static void test_movs(void)
{
	for (size_t i = 0; i < sizeof(movs_cases) / sizeof(movs_cases[0]); i++) {
		const struct movs_case *c = &movs_cases[i];
		struct mmio_insn d;

		ctx = c->name;
		CHECK_EQ(decode_at_end(c->bytes, c->n, c->mode, &d), 0);
		CHECK_EQ(d.movs, 1);
		CHECK_EQ(d.len, c->n);
		CHECK_EQ(d.size, c->size);
		CHECK_EQ(d.addr_size, c->addr_size);
		CHECK_EQ(d.seg, c->seg);
		CHECK_EQ(d.rep, c->rep);
		CHECK_EQ(d.reg, -1);
		CHECK_EQ(d.reg_size, 0);
		CHECK_EQ(d.has_imm, 0);
		for (size_t k = 0; k < c->n; k++)
			CHECK_EQ(decode_at_end(c->bytes, k, c->mode, &d), -SV_E2BIG);
	}
	/* A plain MOV is no MOVS and has the address size too. */
	struct mmio_insn d;
	static const uint8_t mov[] = { 0x67, 0x8b, 0x00 };
	ctx = "addr32 mov (%eax),%eax";
	CHECK_EQ(decode_at_end(mov, sizeof(mov), M64, &d), 0);
	CHECK_EQ(d.movs, 0);
	CHECK_EQ(d.addr_size, 4);
}

int main(void)
{
	setup_guard();
	test_movs();
	test_ok_cases();
	test_bad_cases();
	test_store_reg();
	test_xchg();
	test_store_value();
	printf("mmio: %zu accepted and %zu refused encodings, %d checks, %d failures\n",
	       sizeof(ok_cases) / sizeof(ok_cases[0]), sizeof(bad_cases) / sizeof(bad_cases[0]), checks,
	       failures);
	return failures ? 1 : 0;
}
