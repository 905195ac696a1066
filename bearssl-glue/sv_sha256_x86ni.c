/*
 * SHA-256 compression with the x86 SHA extensions (Intel SDM vol. 2,
 * SHA256RNDS2, SHA256MSG1, SHA256MSG2).  This is the one file of the
 * signature code built with SSE enabled; everything here runs between the
 * FXSAVE and FXRSTOR of sv_sha256_shani_blocks() (sv_sha256.c), because
 * inside the VMM the XMM registers still hold the guest's values.
 *
 * SHA256RNDS2 keeps the eight working variables in two registers, one
 * holding A, B, E, F and the other C, D, G, H (highest dword first), and
 * does two rounds per instruction with W[t] + K[t] taken from the low two
 * dwords of its implicit third operand.
 */
#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>

#include "sv_sha256.h"

/* FIPS 180-4 §4.2.2: the 64 SHA-256 round constants. */
static const uint32_t K256[64] __attribute__((aligned(16))) = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
	0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
	0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
	0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
	0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
	0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
	0xc67178f2,
};

/* see sv_sha256.h */
__attribute__((noinline)) void sv_sha256_x86ni_blocks(uint32_t val[8], const unsigned char *data,
						      size_t nblocks)
{
	/* Reverses the bytes of each dword: the message is big-endian. */
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
	__m128i abef, cdgh, t;

	/* val[] = {A..H}: rearrange into {A,B,E,F} and {C,D,G,H}. */
	t = _mm_loadu_si128((const __m128i *)&val[0]);    /* D C B A */
	cdgh = _mm_loadu_si128((const __m128i *)&val[4]); /* H G F E */
	t = _mm_shuffle_epi32(t, 0xB1);                   /* C D A B */
	cdgh = _mm_shuffle_epi32(cdgh, 0x1B);             /* E F G H */
	abef = _mm_alignr_epi8(t, cdgh, 8);               /* A B E F */
	cdgh = _mm_blend_epi16(cdgh, t, 0xF0);            /* C D G H */

	while (nblocks-- > 0) {
		const __m128i abef_in = abef, cdgh_in = cdgh;
		__m128i w[4];

#pragma GCC unroll 16
		for (int g = 0; g < 16; g++) {
			__m128i m, wk;

			if (g < 4) {
				m = _mm_loadu_si128((const __m128i *)(data + 16 * g));
				m = _mm_shuffle_epi8(m, bswap);
			} else {
				/*
				 * W[t..t+3] from W[t-16..t-1] (FIPS 180-4 §6.2.2):
				 * MSG1 adds sigma0, the ALIGNR brings W[t-7..t-4],
				 * MSG2 adds sigma1.
				 */
				m = _mm_sha256msg1_epu32(w[g & 3], w[(g + 1) & 3]);
				m = _mm_add_epi32(m, _mm_alignr_epi8(w[(g + 3) & 3], w[(g + 2) & 3], 4));
				m = _mm_sha256msg2_epu32(m, w[(g + 3) & 3]);
			}
			w[g & 3] = m;
			wk = _mm_add_epi32(m, _mm_load_si128((const __m128i *)&K256[4 * g]));
			/* Two rounds; the registers swap roles after each pair. */
			cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);
			wk = _mm_shuffle_epi32(wk, 0x0E);
			abef = _mm_sha256rnds2_epu32(abef, cdgh, wk);
		}
		abef = _mm_add_epi32(abef, abef_in);
		cdgh = _mm_add_epi32(cdgh, cdgh_in);
		data += 64;
	}

	/* Back from {A,B,E,F}, {C,D,G,H} to val[] = {A..H}. */
	t = _mm_shuffle_epi32(abef, 0x1B);     /* F E B A */
	cdgh = _mm_shuffle_epi32(cdgh, 0xB1);  /* D C H G */
	abef = _mm_blend_epi16(t, cdgh, 0xF0); /* D C B A */
	cdgh = _mm_alignr_epi8(cdgh, t, 8);    /* H G F E */
	_mm_storeu_si128((__m128i *)&val[0], abef);
	_mm_storeu_si128((__m128i *)&val[4], cdgh);
}
