/*
 * RSA public keys as sv_verify_keys() takes them, and the table of trusted
 * keys that the build generates from option trusted_keys
 * (sv_trusted_keys.c, written by sv-trusted-keys; see sv_keygen.c).
 */
#ifndef SV_KEYS_H
#define SV_KEYS_H

#include <stddef.h>
#include <stdint.h>

/* BearSSL's limits for RSA (BR_MIN_RSA_SIZE, BR_MAX_RSA_SIZE). */
#define SV_RSA_MIN_BITS 512
#define SV_RSA_MAX_BITS 4096
#define SV_RSA_MAX_BYTES (SV_RSA_MAX_BITS / 8)
/* Largest public exponent we accept, in bytes (65537 needs 3). */
#define SV_RSA_MAX_ELEN 8

/*
 * One RSA public key.  N and E are big-endian without leading zero bytes;
 * NLEN is therefore the length of every signature this key makes.
 */
struct sv_rsa_pubkey {
	const uint8_t *n;
	const uint8_t *e;
	uint16_t nlen;
	uint16_t elen;
	uint16_t bits;
	uint8_t id[32]; /* SHA-256 of the DER SubjectPublicKeyInfo */
};

/* Generated at build time (sv_trusted_keys.c). */
extern const struct sv_rsa_pubkey sv_trusted_keys[];
extern const unsigned int sv_trusted_keys_count;
/* The self-test blob and its signature; sv_selftest_sig_len == 0: none. */
extern const uint8_t sv_selftest_blob[];
extern const size_t sv_selftest_blob_len;
extern const uint8_t sv_selftest_sig[];
extern const size_t sv_selftest_sig_len;

#endif
