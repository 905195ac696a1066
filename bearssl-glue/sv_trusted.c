/*
 * The trusted keys compiled into this build (sv_trusted_keys.c, generated
 * from option trusted_keys) and the API over them (sv_verify.h).
 */
#include <stddef.h>
#include <stdint.h>

#include <sealvisor/errors.h>

#include "sv_keys.h"
#include "sv_verify.h"

/* see sv_verify.h */
int sv_verify(const void *bin, size_t len, const void *sig, size_t siglen, int *key_index)
{
	return sv_verify_keys(sv_trusted_keys, sv_trusted_keys_count, bin, len, sig, siglen,
			      key_index);
}

/* see sv_verify.h */
int sv_verify_digest(const uint8_t digest[32], const void *sig, size_t siglen, int *key_index)
{
	return sv_verify_keys_digest(sv_trusted_keys, sv_trusted_keys_count, digest, sig, siglen,
				     key_index);
}

/* see sv_verify.h */
unsigned int sv_trusted_key_count(void)
{
	return sv_trusted_keys_count;
}

/* see sv_verify.h */
const uint8_t *sv_trusted_key_id(unsigned int i)
{
	return i < sv_trusted_keys_count ? sv_trusted_keys[i].id : NULL;
}

/* see sv_verify.h */
unsigned int sv_trusted_key_bits(unsigned int i)
{
	return i < sv_trusted_keys_count ? sv_trusted_keys[i].bits : 0;
}

/* see sv_verify.h */
int sv_crypto_selftest(int *key_index)
{
	int r, idx = -1;

	if (sv_selftest_sig_len == 0)
		return -SV_ENOENT;
	r = sv_verify(sv_selftest_blob, sv_selftest_blob_len, sv_selftest_sig, sv_selftest_sig_len,
		      &idx);
	if (r < 0)
		return r;
	/* The same signature over one byte less must be refused. */
	if (sv_selftest_blob_len == 0 ||
	    sv_verify(sv_selftest_blob, sv_selftest_blob_len - 1, sv_selftest_sig,
		      sv_selftest_sig_len, NULL) != -SV_ESIG_MISMATCH)
		return -SV_EINVAL;
	if (key_index)
		*key_index = idx;
	return 0;
}
