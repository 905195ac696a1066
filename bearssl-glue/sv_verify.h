/*
 * Sealvisor's signature verification: the one API the hypervisor and the
 * host tools share (DESIGN.md, "Signatures").  The same sources are built
 * twice: freestanding into sv_crypto_vmm_lib for the VMM, hosted into
 * sv_crypto_host_dep for vmmsign, tests and benchmarks.
 *
 * A signature is RSA PKCS#1 v1.5 over SHA-256 of the whole binary, exactly
 * what `openssl dgst -sha256 -sign KEY -out SIG BINARY` writes.  Error codes
 * are the shared ones of <sealvisor/errors.h>, returned negated.
 *
 * This header needs only <stddef.h> and <stdint.h>, so VMM code can include
 * it without any BearSSL or C library header.
 */
#ifndef SV_VERIFY_H
#define SV_VERIFY_H

#include <stddef.h>
#include <stdint.h>

struct sv_rsa_pubkey; /* sv_keys.h */

/*
 * Verifies SIG (SIGLEN bytes) over BIN (LEN bytes) against the trusted keys
 * compiled into this build.  Returns 0 and sets *KEY_INDEX (when KEY_INDEX
 * is not NULL) to the index of the key that verified it, or:
 *   -SV_ESIG_MALFORMED  SIGLEN is 0 or larger than the largest supported
 *                       RSA size (4096 bits), or the signature, read as a
 *                       number, is not below the modulus of any trusted key
 *                       of its size;
 *   -SV_ESIG_NOKEY      no trusted key has a modulus of SIGLEN bytes;
 *   -SV_ESIG_MISMATCH   no trusted key of that size verifies it (a changed
 *                       binary, a foreign key, another hash such as SHA-1 or
 *                       SHA-512, or bad padding);
 *   -SV_EINVAL          BIN or SIG is NULL while its length is not 0.
 * The caller must own BIN and SIG for the duration (the VMM verifies its own
 * copy).  Uses about 4 KiB of stack (BearSSL's RSA buffers); no allocation.
 */
int sv_verify(const void *bin, size_t len, const void *sig, size_t siglen, int *key_index);

/*
 * sv_verify() for a binary whose SHA-256 the caller has computed already
 * with sv_sha256() (say, because the audit log records it): same results,
 * without hashing the binary a second time.
 */
int sv_verify_digest(const uint8_t digest[32], const void *sig, size_t siglen, int *key_index);

/* Both against a caller-supplied table of NKEYS keys instead. */
int sv_verify_keys(const struct sv_rsa_pubkey *keys, unsigned int nkeys, const void *bin,
		   size_t len, const void *sig, size_t siglen, int *key_index);
int sv_verify_keys_digest(const struct sv_rsa_pubkey *keys, unsigned int nkeys,
			  const uint8_t digest[32], const void *sig, size_t siglen, int *key_index);

/*
 * SHA-256 of DATA.  Uses the CPU's SHA extensions when CPUID reports them
 * (saving and restoring every XMM register around their use, so the guest's
 * SSE state survives inside the VMM) and BearSSL's portable br_sha256
 * otherwise.
 */
void sv_sha256(const void *data, size_t len, uint8_t out[32]);

/* Which SHA-256 implementation sv_sha256() and sv_verify() use. */
enum sv_sha256_impl {
	SV_SHA256_AUTO = 0,     /* SHA extensions when present (the default) */
	SV_SHA256_PORTABLE = 1, /* BearSSL's br_sha256 */
	SV_SHA256_X86_SHANI = 2 /* the SHA extensions; -SV_ENODEV when absent */
};

/*
 * Selects the implementation; returns the one now in use (SV_SHA256_PORTABLE
 * or SV_SHA256_X86_SHANI) or -SV_ENODEV (nothing changed) when the SHA
 * extensions were asked for and the CPU lacks them.
 */
int sv_sha256_select(int impl);

/* "x86 SHA extensions" or "portable (BearSSL br_sha256)". */
const char *sv_sha256_impl_name(void);

/* Number of keys compiled into this build (at least 1). */
unsigned int sv_trusted_key_count(void);

/*
 * The 32-byte id of trusted key I: SHA-256 of its DER SubjectPublicKeyInfo,
 * i.e. `openssl pkey -pubin -in KEY.pem -outform DER | sha256sum`.  NULL
 * when I is out of range.
 */
const uint8_t *sv_trusted_key_id(unsigned int i);

/* Modulus size of trusted key I in bits; 0 when I is out of range. */
unsigned int sv_trusted_key_bits(unsigned int i);

/*
 * Verifies the blob signed at build time with the first trusted private
 * key (the development key when no keys were configured).  Returns 0 and
 * sets *KEY_INDEX (when not NULL) on success; -SV_ENOENT when no blob could
 * be signed because only public keys were configured; the sv_verify() error
 * when the blob does not verify; -SV_EINVAL when a one-byte-shorter blob
 * *does* verify (a broken verifier).
 */
int sv_crypto_selftest(int *key_index);

#endif
