/*
 * Decoder for MMIO-access instructions; documented in sv/mmio_insn.h.
 *
 * Encoding facts come from SDM 2A chapter 2 ("Instruction Format") and its
 * tables 2-1 (16-bit ModR/M), 2-2 (32-bit ModR/M) and 2-3 (SIB), and from
 * 2.2.1 (REX) and 2.2.1.6 (RIP-relative addressing); AMD APM 3 chapter 1
 * says the same.  The decoder only measures the memory operand, it never
 * computes its address: the nested page fault already gave the VMM that.
 */
#include <sv/mmio_insn.h>

#define PFX_OPSIZE 0x66
#define PFX_ADSIZE 0x67
#define PFX_LOCK 0xf0
#define PFX_REPNE 0xf2
#define PFX_REP 0xf3

#define REX_W 0x8
#define REX_R 0x4

/* A cursor over the fetched bytes that knows both limits. */
struct cursor {
	const uint8_t *bytes;
	size_t n; /* fetched bytes, at most MMIO_INSN_MAX_LEN */
	size_t pos;
};

/*
 * Checks that k more bytes exist.  Past 15 the instruction cannot be valid
 * (#GP), whatever was fetched; short of that, missing bytes only mean the
 * caller must fetch more.
 */
static int need(const struct cursor *c, size_t k)
{
	if (c->pos + k > MMIO_INSN_MAX_LEN)
		return -SV_EINVAL;
	if (c->pos + k > c->n)
		return -SV_E2BIG;
	return 0;
}

/* Reads k (1, 2 or 4) little-endian bytes; need() has checked them. */
static uint64_t take(struct cursor *c, size_t k)
{
	uint64_t v = 0;

	for (size_t i = 0; i < k; i++)
		v |= (uint64_t)c->bytes[c->pos + i] << (8 * i);
	c->pos += k;
	return v;
}

/*
 * Skips the ModR/M byte's memory operand: SIB and displacement.  Returns
 * the ModR/M byte (0..255) or a negative code; mod=3 (a register, not
 * memory) is refused, and so is a reg field other than 0 when it is an
 * opcode extension that must be /0 (C6/C7 are group 11, where only /0 is
 * MOV; REX.R does not take part, SDM 2A 2.2.1.2).
 */
static int skip_modrm(struct cursor *c, unsigned int addr_size, bool slash0)
{
	unsigned int modrm, mod, rm;
	size_t disp;
	int r;

	if ((r = need(c, 1)) < 0)
		return r;
	modrm = (unsigned int)take(c, 1);
	mod = modrm >> 6;
	rm = modrm & 7;
	if (mod == 3 || (slash0 && ((modrm >> 3) & 7) != 0))
		return -SV_EINVAL;

	if (addr_size == 2) {
		/* Table 2-1: no SIB; mod=00 rm=110 is a bare disp16. */
		if (mod == 0)
			disp = rm == 6 ? 2 : 0;
		else
			disp = mod == 1 ? 1 : 2;
	} else {
		/*
		 * Table 2-2: rm=100 brings a SIB byte; mod=00 rm=101 is disp32
		 * (RIP-relative in 64-bit mode).  REX.B plays no part in
		 * either rule (SDM 2A 2.2.1.2, table 2-5).
		 */
		if (mod == 0)
			disp = rm == 5 ? 4 : 0;
		else
			disp = mod == 1 ? 1 : 4;
		if (rm == 4) {
			unsigned int sib;

			if ((r = need(c, 1)) < 0)
				return r;
			sib = (unsigned int)take(c, 1);
			/* Table 2-3: base=101 with mod=00 is no base, disp32. */
			if (mod == 0 && (sib & 7) == 5)
				disp = 4;
		}
	}
	if ((r = need(c, disp)) < 0)
		return r;
	c->pos += disp;
	return (int)modrm;
}

int mmio_insn_decode(const uint8_t *bytes, size_t n, enum mmio_mode mode, struct mmio_insn *out)
{
	struct cursor c = { .bytes = bytes, .n = n < MMIO_INSN_MAX_LEN ? n : MMIO_INSN_MAX_LEN };
	struct mmio_insn d = { .reg = -1, .mode = mode };
	bool opsize = false, adsize = false, lock = false, twobyte = false, rep = false;
	unsigned int rex = 0, op, opsz, addr_size, modrm = 0;
	bool is_modrm = true, reg_is_dest = false;
	int r;

	if (mode != MMIO_MODE_16 && mode != MMIO_MODE_32 && mode != MMIO_MODE_64)
		return -SV_EINVAL;

	/*
	 * Legacy prefixes in any order, then in 64-bit mode an optional REX.
	 * A REX that a legacy prefix follows is ignored (SDM 2A 2.2.1), so
	 * only the byte right before the opcode counts.
	 */
	for (;;) {
		if ((r = need(&c, 1)) < 0)
			return r;
		op = bytes[c.pos];
		if (mode == MMIO_MODE_64 && (op & 0xf0) == 0x40) {
			rex = op;
			c.pos++;
			continue;
		}
		switch (op) {
		case PFX_OPSIZE:
			opsize = true;
			break;
		case PFX_ADSIZE:
			adsize = true;
			break;
		case PFX_LOCK:
			lock = true;
			break;
		case PFX_REPNE:
			/* REPNE MOVS and HLE hints are not supported forms. */
			return -SV_EINVAL;
		case PFX_REP:
			rep = true; /* only MOVS takes it (checked at the opcode) */
			break;
		case 0x2e: /* CS, SS, DS, ES, FS, GS: the address is known already */
		case 0x36:
		case 0x3e:
		case 0x26:
		case 0x64:
		case 0x65:
			d.seg = (uint8_t)op; /* MOVS's source segment */
			break;
		default:
			goto opcode;
		}
		rex = 0;
		c.pos++;
	}

opcode:
	c.pos++;
	if (op == 0x0f) {
		if ((r = need(&c, 1)) < 0)
			return r;
		op = (unsigned int)take(&c, 1);
		if (op != 0xb6 && op != 0xb7)
			return -SV_EINVAL;
		twobyte = true;
	}

	/* Operand size of the non-byte forms: REX.W wins over 66 (SDM 2A 2.2.1.2). */
	if (rex & REX_W)
		opsz = 8;
	else if (mode == MMIO_MODE_16)
		opsz = opsize ? 4 : 2;
	else
		opsz = opsize ? 2 : 4;
	if (mode == MMIO_MODE_64)
		addr_size = adsize ? 4 : 8;
	else if (mode == MMIO_MODE_32)
		addr_size = adsize ? 2 : 4;
	else
		addr_size = adsize ? 4 : 2;

	if (twobyte) {
		/* MOVZX r16/32/64, r/m8 (B6) or r/m16 (B7). */
		d.size = op == 0xb6 ? 1 : 2;
		d.reg_size = (uint8_t)opsz;
		d.zero_extend = true;
		reg_is_dest = true;
	} else {
		switch (op) {
		case 0x88: /* MOV r/m8, r8 */
		case 0x89: /* MOV r/m, r */
			d.write = true;
			break;
		case 0x8a: /* MOV r8, r/m8 */
		case 0x8b: /* MOV r, r/m */
			reg_is_dest = true;
			break;
		case 0x86: /* XCHG r/m8, r8 */
		case 0x87: /* XCHG r/m, r */
			d.write = true;
			d.xchg = true;
			reg_is_dest = true;
			break;
		case 0xc6: /* MOV r/m8, imm8 */
		case 0xc7: /* MOV r/m, imm16/32 */
			d.write = true;
			d.has_imm = true;
			break;
		case 0xa0: /* MOV AL, moffs8 */
		case 0xa1: /* MOV rAX, moffs */
			reg_is_dest = true;
			is_modrm = false;
			break;
		case 0xa2: /* MOV moffs8, AL */
		case 0xa3: /* MOV moffs, rAX */
			d.write = true;
			is_modrm = false;
			break;
		case 0xa4: /* MOVS m8, m8 */
		case 0xa5: /* MOVS m16/32/64, m16/32/64: no ModR/M, no operand bytes */
			d.movs = true;
			d.rep = rep;
			is_modrm = false;
			break;
		default:
			return -SV_EINVAL;
		}
		/* Bit 0 clear: the byte form. */
		d.size = (op & 1) ? (uint8_t)opsz : 1;
		d.reg_size = d.has_imm || d.movs ? 0 : d.size;
	}

	/* LOCK is #UD on anything but XCHG here (SDM 2A, "LOCK"); F3 only for MOVS. */
	if ((lock && !d.xchg) || (rep && !d.movs))
		return -SV_EINVAL;
	d.addr_size = (uint8_t)addr_size;

	if (d.movs) {
		/* The operands are implicit: rSI, rDI (and rCX with REP). */
	} else if (is_modrm) {
		if ((r = skip_modrm(&c, addr_size, d.has_imm)) < 0)
			return r;
		modrm = (unsigned int)r;
	} else {
		/* The moffs is as wide as the address (SDM 2B, "MOV"). */
		if ((r = need(&c, addr_size)) < 0)
			return r;
		c.pos += addr_size;
	}

	if (d.has_imm) {
		size_t ilen = d.size == 8 ? 4 : d.size;
		uint64_t imm;

		if ((r = need(&c, ilen)) < 0)
			return r;
		imm = take(&c, ilen);
		if (d.size == 8 && (imm & 0x80000000u))
			imm |= 0xffffffff00000000ull;
		d.imm = imm;
	} else if (is_modrm) {
		d.reg = (int)((modrm >> 3) & 7) | ((rex & REX_R) ? 8 : 0);
	} else if (!d.movs) {
		d.reg = 0;
	}

	/* Without any REX, byte registers 4..7 are AH, CH, DH, BH (SDM 2A 2.2.1.2). */
	if (d.reg >= 4 && d.reg_size == 1 && !rex) {
		d.reg -= 4;
		d.high8 = true;
	}
	if (reg_is_dest && d.reg_size == 4 && mode == MMIO_MODE_64)
		d.zero_extend = true;

	d.len = (uint8_t)c.pos;
	*out = d;
	return 0;
}

static uint64_t size_mask(unsigned int size)
{
	return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

/* Documented in sv/mmio_insn.h. */
void mmio_insn_store_reg(const struct mmio_insn *in, uint64_t *gpr16, uint64_t value)
{
	uint64_t *g, mask;

	if (in->reg < 0 || in->reg > 15)
		return;
	g = &gpr16[in->reg];
	value &= size_mask(in->size);
	if (in->high8) {
		*g = (*g & ~0xff00ull) | (value << 8);
		return;
	}
	if (in->reg_size == 4 && in->mode == MMIO_MODE_64) {
		*g = value;
		return;
	}
	mask = size_mask(in->reg_size);
	*g = (*g & ~mask) | (value & mask);
}

/* Documented in sv/mmio_insn.h. */
uint64_t mmio_insn_store_value(const struct mmio_insn *in, const uint64_t *gpr16)
{
	uint64_t v;

	if (in->has_imm)
		v = in->imm;
	else if (in->reg < 0 || in->reg > 15)
		return 0;
	else if (in->high8)
		v = gpr16[in->reg] >> 8;
	else
		v = gpr16[in->reg];
	return v & size_mask(in->size);
}
