/*
 * libFuzzer target over key parsing (sv_keyparse.c).
 *
 * Input: byte 0 selects the parser (0: PEM; 1-4: DER in format 1-4), the
 * rest is the file.  Whatever parses must survive a round trip (our
 * SubjectPublicKeyInfo encoding parses back to the same key), and is then
 * used as a one-key table for sv_verify_keys() with a signature made of
 * the input's own bytes, which drives BearSSL's modular exponentiation
 * with odd moduli and exponents no real key has.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sealvisor/errors.h>

#include "sv_keyparse.h"
#include "sv_verify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sv_rsa_keyinfo k, k2;
	struct sv_rsa_pubkey pk;
	uint8_t spki[SV_SPKI_MAX];
	char msg[160];
	size_t n;
	int r, idx;

	if (size < 1)
		return 0;
	if (data[0] % 5 == 0)
		r = sv_key_parse_pem(data + 1, size - 1, &k);
	else
		r = sv_key_parse_der(data + 1, size - 1, data[0] % 5, &k);
	sv_key_describe(r, &k, msg, sizeof msg);
	if (memchr(msg, 0, sizeof msg) == NULL)
		abort();
	if (r < 0)
		return 0;
	if (k.bits < SV_RSA_MIN_BITS || k.bits > SV_RSA_MAX_BITS || k.nlen != (k.bits + 7) / 8 ||
	    k.n[0] == 0 || !(k.n[k.nlen - 1] & 1) || k.elen == 0 || k.elen > SV_RSA_MAX_ELEN ||
	    !(k.e[k.elen - 1] & 1))
		abort();
	n = sv_key_spki(&k, spki, sizeof spki);
	if (n == 0 || sv_key_parse_der(spki, n, SV_KEY_FMT_SPKI, &k2) != 0 || k2.nlen != k.nlen ||
	    memcmp(k2.n, k.n, k.nlen) != 0 || k2.elen != k.elen || memcmp(k2.e, k.e, k.elen) != 0)
		abort();
	sv_key_to_pubkey(&k, &pk);
	/* A signature of the key's length from the input (zero-padded). */
	{
		uint8_t sig[SV_RSA_MAX_BYTES] = {0};
		size_t take = size < k.nlen ? size : k.nlen;

		memcpy(sig + k.nlen - take, data + size - take, take);
		r = sv_verify_keys(&pk, 1, data, size, sig, k.nlen, &idx);
		if (r != 0 && r != -SV_ESIG_MALFORMED && r != -SV_ESIG_MISMATCH)
			abort();
	}
	return 0;
}
