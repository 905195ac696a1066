/*
 * Parsing RSA keys from PEM and DER, for the build-time key generator,
 * vmmsign, the tests and the fuzzers (host only; the VMM gets its keys as
 * generated C data and never parses anything).
 *
 * Accepted, all for RSA (rsaEncryption) keys:
 *   -----BEGIN PUBLIC KEY-----       X.509 SubjectPublicKeyInfo
 *   -----BEGIN RSA PUBLIC KEY-----   PKCS#1 RSAPublicKey
 *   -----BEGIN RSA PRIVATE KEY-----  PKCS#1 RSAPrivateKey (public half kept)
 *   -----BEGIN PRIVATE KEY-----      PKCS#8 PrivateKeyInfo (public half kept)
 * Only n and e are ever extracted; the private parts are skipped, never
 * copied.  Input is untrusted: every length is checked, DER must be strict
 * (minimal lengths, no trailing bytes) and the result is a clear error code.
 */
#ifndef SV_KEYPARSE_H
#define SV_KEYPARSE_H

#include <stddef.h>
#include <stdint.h>

#include "sv_keys.h"

/* Largest PEM input (bytes) and decoded DER body we accept. */
#define SV_PEM_MAX (1u << 20)
#define SV_DER_MAX 8192

/* Errors, returned negated (their own range: these are not VMM codes). */
enum sv_key_error {
	SV_KEY_ENOPEM = 1,      /* no -----BEGIN ...----- line at all */
	SV_KEY_ETRUNCATED = 2,  /* no matching END line, or DER cut short */
	SV_KEY_EBASE64 = 3,     /* bad base64 in the PEM body */
	SV_KEY_EDER = 4,        /* malformed DER structure */
	SV_KEY_ENOTKEY = 5,     /* PEM blocks, but none holds a key */
	SV_KEY_ENOTRSA = 6,     /* a key, but not RSA (alg says which) */
	SV_KEY_EENCRYPTED = 7,  /* an encrypted private key */
	SV_KEY_EUNSUPPORTED = 8, /* RSA-PSS key or another unsupported form */
	SV_KEY_ESIZE = 9,       /* modulus outside 512..4096 bits */
	SV_KEY_EMODULUS = 10,   /* modulus even */
	SV_KEY_EEXPONENT = 11,  /* exponent even, below 3 or above 64 bits */
	SV_KEY_ETOOBIG = 12,    /* input larger than SV_PEM_MAX / SV_DER_MAX */
};

/* DER formats, for sv_key_parse_der() and keyinfo.format. */
enum sv_key_format {
	SV_KEY_FMT_SPKI = 1,    /* SubjectPublicKeyInfo */
	SV_KEY_FMT_RSAPUB = 2,  /* PKCS#1 RSAPublicKey */
	SV_KEY_FMT_RSAPRIV = 3, /* PKCS#1 RSAPrivateKey */
	SV_KEY_FMT_PKCS8 = 4,   /* PKCS#8 PrivateKeyInfo */
};

/* What a parse found.  N and E are big-endian without leading zeros. */
struct sv_rsa_keyinfo {
	uint8_t n[SV_RSA_MAX_BYTES];
	uint8_t e[SV_RSA_MAX_ELEN];
	size_t nlen;
	size_t elen;
	unsigned int bits;
	int format;     /* enum sv_key_format */
	int is_private; /* it came from a private key */
	/*
	 * For SV_KEY_ENOTRSA and EUNSUPPORTED what it is instead ("an EC
	 * key"); for SV_KEY_ENOTKEY the first PEM label found ("CERTIFICATE").
	 */
	char what[48];
};

/*
 * Parses the first key in PEM text (other blocks such as EC PARAMETERS or
 * CERTIFICATE before it are skipped).  Returns 0 or -SV_KEY_E*.  The key is
 * also checked: 512..4096-bit odd modulus, odd exponent 3..2^64-1.
 */
int sv_key_parse_pem(const void *pem, size_t len, struct sv_rsa_keyinfo *out);

/* Same for DER in the given format. */
int sv_key_parse_der(const void *der, size_t len, int format, struct sv_rsa_keyinfo *out);

/* Message for a -SV_KEY_E* code (either sign). */
const char *sv_key_strerror(int err);

/*
 * A full message for ERR with the details the parse left in K, e.g. "not
 * an RSA key (it is an EC key)" or "8192-bit RSA key; 512 to 4096 bits are
 * supported".  Returns BUF.
 */
char *sv_key_describe(int err, const struct sv_rsa_keyinfo *k, char *buf, size_t cap);

/* "public key", "RSA private key (PKCS#1)" etc. */
const char *sv_key_format_name(int format);

/*
 * Writes the DER SubjectPublicKeyInfo of the key into BUF (CAP bytes);
 * returns its length, or 0 when it does not fit.  SV_SPKI_MAX always fits.
 */
#define SV_SPKI_MAX 600
size_t sv_key_spki(const struct sv_rsa_keyinfo *k, uint8_t *buf, size_t cap);

/* The key id: SHA-256 of the DER SubjectPublicKeyInfo. */
void sv_key_id(const struct sv_rsa_keyinfo *k, uint8_t id[32]);

/* A struct sv_rsa_pubkey that points into K (K must outlive it). */
void sv_key_to_pubkey(const struct sv_rsa_keyinfo *k, struct sv_rsa_pubkey *pk);

#endif
