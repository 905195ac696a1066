/*
 * SHA-256 for the signature code: a BearSSL hash class over the x86 SHA
 * extensions, the choice between it and BearSSL's portable br_sha256, and
 * sv_sha256().
 *
 * This file is built without SSE (inside the VMM, -mgeneral-regs-only): it
 * never touches an XMM register itself.  The SSE code lives in
 * sv_sha256_x86ni.c, and every call into it is bracketed here by FXSAVE and
 * FXRSTOR: the VMM does not save the guest's FPU/SSE state on VM exit, so
 * the XMM registers still hold the guest's values (the VMM sets CR4.OSFXSR
 * at boot so that FXSAVE covers them).  FXSAVE saves x87, MXCSR and
 * XMM0-15; legacy-encoded SSE instructions leave the upper halves of the
 * YMM/ZMM registers alone, so those need no saving.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <sealvisor/errors.h>

#include "sv_sha256.h"
#include "sv_verify.h"

/* CPUID feature bits (Intel SDM vol. 2A, CPUID; AMD APM vol. 3, E.3). */
#define CPUID1_ECX_SSSE3 (1u << 9)
#define CPUID1_ECX_SSE41 (1u << 19)
#define CPUID7_EBX_SHA (1u << 29)

static void cpuid(uint32_t leaf, uint32_t subleaf, uint32_t r[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(subleaf));
}

/* -1: not probed yet; 0 or 1 afterwards.  Probing twice is harmless. */
static int shani_present = -1;
/* The implementation in use: SV_SHA256_PORTABLE or SV_SHA256_X86_SHANI. */
static int impl_in_use = SV_SHA256_AUTO;

/* see sv_sha256.h */
int sv_sha256_shani_available(void)
{
	if (shani_present < 0) {
		uint32_t r[4];
		int ok = 0;

		cpuid(0, 0, r);
		if (r[0] >= 7) {
			uint32_t ecx1, ebx7;

			cpuid(1, 0, r);
			ecx1 = r[2];
			cpuid(7, 0, r);
			ebx7 = r[1];
			ok = (ecx1 & CPUID1_ECX_SSSE3) && (ecx1 & CPUID1_ECX_SSE41) &&
			     (ebx7 & CPUID7_EBX_SHA);
		}
		shani_present = ok;
	}
	return shani_present;
}

/* see sv_verify.h */
int sv_sha256_select(int impl)
{
	switch (impl) {
	case SV_SHA256_AUTO:
		impl_in_use = sv_sha256_shani_available() ? SV_SHA256_X86_SHANI : SV_SHA256_PORTABLE;
		break;
	case SV_SHA256_PORTABLE:
		impl_in_use = SV_SHA256_PORTABLE;
		break;
	case SV_SHA256_X86_SHANI:
		if (!sv_sha256_shani_available())
			return -SV_ENODEV;
		impl_in_use = SV_SHA256_X86_SHANI;
		break;
	default:
		return -SV_EINVAL;
	}
	return impl_in_use;
}

/* see sv_sha256.h */
const br_hash_class *sv_sha256_class(void)
{
	if (impl_in_use == SV_SHA256_AUTO)
		sv_sha256_select(SV_SHA256_AUTO);
	return impl_in_use == SV_SHA256_X86_SHANI ? &sv_sha256_shani_vtable : &br_sha256_vtable;
}

/* see sv_verify.h */
const char *sv_sha256_impl_name(void)
{
	return sv_sha256_class() == &sv_sha256_shani_vtable ? "x86 SHA extensions"
							    : "portable (BearSSL br_sha256)";
}

/* see sv_sha256.h */
void sv_sha256_shani_blocks(uint32_t val[8], const unsigned char *data, size_t nblocks)
{
	/*
	 * FXSAVE needs a 16-byte aligned 512-byte area.  Align by hand: the
	 * VMM's stacks need not follow the ABI's alignment everywhere.
	 */
	unsigned char raw[512 + 15];
	unsigned char *area = (unsigned char *)(((uintptr_t)raw + 15) & ~(uintptr_t)15);

	if (nblocks == 0)
		return;
	__asm__ volatile("fxsave64 %0" : "=m"(*(unsigned char(*)[512])area) : : "memory");
	sv_sha256_x86ni_blocks(val, data, nblocks);
	__asm__ volatile("fxrstor64 %0" : : "m"(*(const unsigned char(*)[512])area) : "memory");
}

/* FIPS 180-4 §5.3.3: initial hash value. */
static const uint32_t SHA256_IV[8] = {
	0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static uint32_t get_be32(const unsigned char *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static void shani_init(const br_hash_class **vt)
{
	struct sv_sha256_shani_context *c = (struct sv_sha256_shani_context *)vt;

	c->vtable = &sv_sha256_shani_vtable;
	memcpy(c->val, SHA256_IV, sizeof c->val);
	c->count = 0;
}

static void shani_update(const br_hash_class **vt, const void *data, size_t len)
{
	struct sv_sha256_shani_context *c = (struct sv_sha256_shani_context *)vt;
	const unsigned char *p = data;
	size_t used = (size_t)c->count & 63;
	size_t n;

	c->count += len;
	if (used) {
		n = 64 - used;
		if (n > len)
			n = len;
		memcpy(c->buf + used, p, n);
		p += n;
		len -= n;
		if (used + n < 64)
			return;
		sv_sha256_shani_blocks(c->val, c->buf, 1);
	}
	/* The bulk goes straight from the caller's buffer, in one bracket. */
	n = len / 64;
	sv_sha256_shani_blocks(c->val, p, n);
	p += n * 64;
	len -= n * 64;
	memcpy(c->buf, p, len);
}

static void shani_out(const br_hash_class *const *vt, void *dst)
{
	const struct sv_sha256_shani_context *c = (const struct sv_sha256_shani_context *)vt;
	unsigned char block[128];
	uint32_t val[8];
	size_t used = (size_t)c->count & 63;
	size_t padlen = used < 56 ? 64 : 128;
	uint64_t bits = c->count << 3;

	/* FIPS 180-4 §5.1.1: 0x80, zeros, then the bit length big-endian. */
	memcpy(block, c->buf, used);
	block[used] = 0x80;
	memset(block + used + 1, 0, padlen - used - 1 - 8);
	put_be32(block + padlen - 8, (uint32_t)(bits >> 32));
	put_be32(block + padlen - 4, (uint32_t)bits);
	memcpy(val, c->val, sizeof val);
	sv_sha256_shani_blocks(val, block, padlen / 64);
	for (int i = 0; i < 8; i++)
		put_be32((unsigned char *)dst + 4 * i, val[i]);
}

/* Same encoding as br_sha256_state(): big-endian chaining value. */
static uint64_t shani_state(const br_hash_class *const *vt, void *dst)
{
	const struct sv_sha256_shani_context *c = (const struct sv_sha256_shani_context *)vt;

	for (int i = 0; i < 8; i++)
		put_be32((unsigned char *)dst + 4 * i, c->val[i]);
	return c->count;
}

static void shani_set_state(const br_hash_class **vt, const void *stb, uint64_t count)
{
	struct sv_sha256_shani_context *c = (struct sv_sha256_shani_context *)vt;

	for (int i = 0; i < 8; i++)
		c->val[i] = get_be32((const unsigned char *)stb + 4 * i);
	c->count = count;
}

/* see sv_sha256.h */
const br_hash_class sv_sha256_shani_vtable = {
	sizeof(struct sv_sha256_shani_context),
	BR_HASHDESC_ID(br_sha256_ID) | BR_HASHDESC_OUT(32) | BR_HASHDESC_STATE(32) |
		BR_HASHDESC_LBLEN(6) | BR_HASHDESC_MD_PADDING | BR_HASHDESC_MD_PADDING_BE,
	shani_init,
	shani_update,
	shani_out,
	shani_state,
	shani_set_state,
};

/* see sv_verify.h */
void sv_sha256(const void *data, size_t len, uint8_t out[32])
{
	union sv_sha256_context ctx;
	const br_hash_class *cls = sv_sha256_class();

	cls->init(&ctx.vtable);
	cls->update(&ctx.vtable, data, len);
	cls->out(&ctx.vtable, out);
}
