/*
 * The verify policy shared by the VMM and the host tools (sv_verify.h):
 * which keys are candidates, which error a failure gets, and the constant-
 * time digest comparison.  BearSSL does the RSA operation and checks the
 * PKCS#1 v1.5 padding and the SHA-256 DigestInfo.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <sealvisor/errors.h>

#include "bearssl_hash.h"
#include "bearssl_rsa.h"
#include "sv_keys.h"
#include "sv_verify.h"

/* 1 when the 32-byte A and B are equal; time independent of the contents. */
static int digest_equal(const uint8_t *a, const uint8_t *b)
{
	uint32_t diff = 0;

	for (size_t i = 0; i < 32; i++)
		diff |= (uint32_t)(a[i] ^ b[i]);
	/* diff - 1 has bit 31 set only when diff is 0. */
	return (int)(((diff - 1) >> 31) & 1);
}

/*
 * Whether the big-endian SIG is below the modulus N of the same length.
 * Both are public, so an early exit is fine.
 */
static int below_modulus(const uint8_t *sig, const uint8_t *n, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (sig[i] != n[i])
			return sig[i] < n[i];
	}
	return 0;
}

/*
 * The checks that need no hashing: a signature length no RSA key has, or
 * none of the trusted keys has.  0 when some key has that size.
 */
static int check_size(const struct sv_rsa_pubkey *keys, unsigned int nkeys, size_t siglen)
{
	if (siglen == 0 || siglen > SV_RSA_MAX_BYTES)
		return -SV_ESIG_MALFORMED;
	for (unsigned int i = 0; i < nkeys; i++) {
		if (keys[i].nlen == siglen)
			return 0;
	}
	return -SV_ESIG_NOKEY;
}

/* see sv_verify.h */
int sv_verify_keys_digest(const struct sv_rsa_pubkey *keys, unsigned int nkeys,
			  const uint8_t digest[32], const void *sig, size_t siglen, int *key_index)
{
	br_rsa_pkcs1_vrfy vrfy = br_rsa_pkcs1_vrfy_get_default();
	uint8_t recovered[32];
	unsigned int in_range = 0;
	int r;

	if (digest == NULL || (sig == NULL && siglen != 0) || (keys == NULL && nkeys))
		return -SV_EINVAL;
	if ((r = check_size(keys, nkeys, siglen)) < 0)
		return r;

	for (unsigned int i = 0; i < nkeys; i++) {
		const struct sv_rsa_pubkey *k = &keys[i];
		br_rsa_public_key pk;

		if (k->nlen != siglen || !below_modulus(sig, k->n, siglen))
			continue;
		in_range++;
		pk.n = (unsigned char *)k->n;
		pk.nlen = k->nlen;
		pk.e = (unsigned char *)k->e;
		pk.elen = k->elen;
		/*
		 * With a hash OID, BearSSL checks the whole encoding
		 * 00 01 FF..FF 00 DigestInfo(SHA-256) and hands back the
		 * digest inside it; what remains is comparing that digest.
		 */
		if (!vrfy(sig, siglen, BR_HASH_OID_SHA256, sizeof recovered, &pk, recovered))
			continue;
		if (digest_equal(recovered, digest)) {
			if (key_index)
				*key_index = (int)i;
			return 0;
		}
	}
	return in_range ? -SV_ESIG_MISMATCH : -SV_ESIG_MALFORMED;
}

/* see sv_verify.h */
int sv_verify_keys(const struct sv_rsa_pubkey *keys, unsigned int nkeys, const void *bin,
		   size_t len, const void *sig, size_t siglen, int *key_index)
{
	uint8_t digest[32];
	int r;

	if ((bin == NULL && len != 0) || (sig == NULL && siglen != 0) || (keys == NULL && nkeys))
		return -SV_EINVAL;
	/* No hashing of 16 MiB for a signature no key can have made. */
	if ((r = check_size(keys, nkeys, siglen)) < 0)
		return r;
	sv_sha256(bin, len, digest);
	return sv_verify_keys_digest(keys, nkeys, digest, sig, siglen, key_index);
}
