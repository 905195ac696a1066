/*
 * Decoder for the few x86 memory-access instructions a guest kernel uses on
 * an MMIO page such as the xAPIC's (guest/mmio_insn.c).  When a guest access
 * to an emulated page causes a nested page fault, the VMM already knows the
 * guest-physical address; without decode assists (AMD SVM under QEMU) it
 * still has to fetch the instruction bytes and learn how long the
 * instruction is, whether it reads or writes, how many bytes it moves and
 * which register or immediate is the other operand.  That is all this
 * decodes: effective addresses are not computed.
 *
 * Supported (SDM 2A/2B, "MOV", "MOVZX", "XCHG"; everything else is refused):
 *   88/89 MOV r/m,r      8A/8B MOV r,r/m      C6/C7 /0 MOV r/m,imm
 *   A0-A3 MOV with moffs 86/87 XCHG r/m,r     0F B6/B7 MOVZX r,r/m
 * with the prefixes 66, 67, segment overrides (ignored), LOCK (XCHG only)
 * and, in 64-bit mode, REX.  F2/F3, register operands (mod=3) and LOCK on
 * anything but XCHG are refused.
 *
 * Portable: no hardware access and no libc; unit tests run it hosted.
 */
#ifndef SV_MMIO_INSN_H
#define SV_MMIO_INSN_H

#include <sv/types.h>

/* The longest x86 instruction, prefixes included (SDM 2A 2.1.1). */
#define MMIO_INSN_MAX_LEN 15

/*
 * The code segment's mode: CS.D=0 (16), CS.D=1 (32), or EFER.LMA=1 with
 * CS.L=1 (64).  Compatibility mode is MMIO_MODE_16 or MMIO_MODE_32 by CS.D.
 */
enum mmio_mode { MMIO_MODE_16, MMIO_MODE_32, MMIO_MODE_64 };

/* One decoded access; every field is set by a successful mmio_insn_decode. */
struct mmio_insn {
	uint8_t len; /* instruction length in bytes, 1..15 */
	bool write; /* true: stores to memory (MOV store, XCHG); false: a load */
	uint8_t size; /* bytes of memory accessed: 1, 2, 4 or 8 */
	bool has_imm; /* a store of an immediate (C6/C7); reg is -1 */
	uint64_t imm; /* the immediate as the CPU stores it: imm32 sign-extended under REX.W */
	/*
	 * The register operand in SDM numbering (rax=0, rcx=1, rdx=2, rbx=3,
	 * rsp=4, rbp=5, rsi=6, rdi=7, r8..r15 = 8..15): the source of a
	 * store, the destination of a load, both for XCHG; -1 when none.
	 * With high8 it is 0..3 for AH, CH, DH, BH.
	 */
	int reg;
	bool high8; /* the register is AH/CH/DH/BH (8-bit operand, no REX) */
	bool xchg; /* XCHG: memory gets the register and the register the old memory value */
	/*
	 * The register write zero-extends: MOVZX (size bytes into reg_size),
	 * or a 32-bit destination in 64-bit mode, which clears bits 63:32.
	 * mmio_insn_store_reg applies it; it is here for the caller's logs.
	 */
	bool zero_extend;
	uint8_t reg_size; /* width of the register operand: size, except for MOVZX; 0 without reg */
	enum mmio_mode mode; /* the mode it was decoded in */
	/*
	 * MOVS: size bytes per element from [rSI] to ES:[rDI]; write, reg and
	 * has_imm say nothing then.  rep: F3, RCX elements (ECX, CX by
	 * addr_size).  seg: the last segment override prefix (0x26, 0x2e,
	 * 0x36, 0x3e, 0x64, 0x65) or 0; it applies to the source only.
	 */
	bool movs;
	bool rep;
	uint8_t addr_size; /* bytes of an address: 2, 4 or 8 (67 toggles it) */
	uint8_t seg;
};

/*
 * Decodes the instruction at bytes[0, n), where n is how many bytes could be
 * fetched (more than 15 are never looked at).  Returns 0 and fills *out, or
 * a negative code and leaves *out untouched: -SV_EINVAL when the bytes are
 * not one of the supported forms (or the instruction would be longer than
 * 15 bytes), -SV_E2BIG when they begin a supported form that needs more
 * than n bytes.  Never reads bytes[n] or beyond.
 */
int mmio_insn_decode(const uint8_t *bytes, size_t n, enum mmio_mode mode, struct mmio_insn *out);

/*
 * Completes a load (or the register half of an XCHG) whose memory read
 * returned value (its low size bytes count) into gpr16, a 16-entry register
 * file in SDM order, with the architectural rules (SDM 1 3.4.1.1): an 8- or
 * 16-bit destination merges into the register (AH..BH into bits 15:8), a
 * 32-bit destination clears bits 63:32 in 64-bit mode and keeps them
 * otherwise, MOVZX zero-extends to its destination width.  Does nothing when
 * the instruction has no register operand.
 */
void mmio_insn_store_reg(const struct mmio_insn *in, uint64_t *gpr16, uint64_t value);

/*
 * The value a store (or the memory half of an XCHG) writes: the register's
 * contents (bits 15:8 for AH..BH) or the immediate, truncated to size bytes.
 */
uint64_t mmio_insn_store_value(const struct mmio_insn *in, const uint64_t *gpr16);

#endif
