/*
 * SHA-256 as BearSSL hash classes: our class over the x86 SHA extensions,
 * and the choice between it and BearSSL's br_sha256_vtable.  Only glue
 * code and tests include this (it pulls in BearSSL's headers); the VMM
 * uses sv_sha256() from sv_verify.h.
 */
#ifndef SV_SHA256_H
#define SV_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include "bearssl_hash.h"

/*
 * Context of sv_sha256_shani_vtable; VTABLE first, as BearSSL's classes
 * expect.  BUF holds the partial block, COUNT the bytes hashed so far.
 */
struct sv_sha256_shani_context {
	const br_hash_class *vtable;
	unsigned char buf[64];
	uint64_t count;
	uint32_t val[8];
};

/*
 * SHA-256 over the SHA extensions, with BearSSL's br_sha256 semantics
 * (state() and set_state() exchange the same encoding, so a context can
 * move between the two classes).  Use only where
 * sv_sha256_shani_available() is true.
 */
extern const br_hash_class sv_sha256_shani_vtable;

/* A context for either class. */
union sv_sha256_context {
	const br_hash_class *vtable;
	br_sha256_context portable;
	struct sv_sha256_shani_context shani;
};

/* Whether CPUID reports SHA, SSSE3 and SSE4.1 (checked once). */
int sv_sha256_shani_available(void);

/* The class sv_sha256() uses now (see sv_sha256_select()). */
const br_hash_class *sv_sha256_class(void);

/*
 * The raw compression function over NBLOCKS 64-byte blocks, in
 * sv_sha256_x86ni.c, the only file compiled with SSE enabled.  It uses XMM
 * registers freely: call it only between sv_sha256_shani_blocks()'s save
 * and restore of the SSE state.
 */
void sv_sha256_x86ni_blocks(uint32_t val[8], const unsigned char *data, size_t nblocks);

/* sv_sha256_x86ni_blocks() bracketed by FXSAVE/FXRSTOR. */
void sv_sha256_shani_blocks(uint32_t val[8], const unsigned char *data, size_t nblocks);

#endif
