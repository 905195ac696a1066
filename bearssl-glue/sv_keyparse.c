/*
 * RSA key parsing from DER (X.690), key checks, messages, and our own
 * SubjectPublicKeyInfo encoding: see sv_keyparse.h (PEM is in sv_pem.c).
 * Written for hostile input and fuzzed (test/fuzz/crypto): every read is
 * bounds-checked against what is left of its enclosing structure, and no
 * length is trusted before it has been compared with the bytes present.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sv_keyparse.h"
#include "sv_verify.h"

/* DER tags (X.690 §8; universal class). */
#define TAG_INTEGER 0x02
#define TAG_BITSTRING 0x03
#define TAG_OCTETSTRING 0x04
#define TAG_NULL 0x05
#define TAG_OID 0x06
#define TAG_SEQUENCE 0x30

/* A window on DER bytes still to be read. */
struct der {
	const uint8_t *p;
	size_t len;
};

/*
 * Reads one TLV from D into TAG and OUT (its contents).  Lengths must be
 * minimal definite DER.  A length beyond the bytes left is "truncated" for
 * the outermost structure (TOP) and plain malformed inside one.
 */
static int der_next(struct der *d, uint8_t *tag, struct der *out, int top)
{
	const int short_err = top ? -SV_KEY_ETRUNCATED : -SV_KEY_EDER;
	size_t hdr = 2, l;

	if (d->len < 2)
		return short_err;
	*tag = d->p[0];
	if ((*tag & 0x1f) == 0x1f)
		return -SV_KEY_EDER; /* high tag numbers appear in no key format */
	l = d->p[1];
	if (l & 0x80) {
		size_t nb = l & 0x7f;

		if (nb == 0 || nb > 3)
			return -SV_KEY_EDER; /* indefinite, or over 16 MiB */
		if (d->len - 2 < nb)
			return short_err;
		if (d->p[2] == 0)
			return -SV_KEY_EDER; /* leading zero: not minimal */
		l = 0;
		for (size_t i = 0; i < nb; i++)
			l = (l << 8) | d->p[2 + i];
		if (l < 0x80)
			return -SV_KEY_EDER; /* fits the short form */
		hdr += nb;
	}
	if (l > d->len - hdr)
		return short_err;
	out->p = d->p + hdr;
	out->len = l;
	d->p += hdr + l;
	d->len -= hdr + l;
	return 0;
}

static int der_expect(struct der *d, uint8_t tag, struct der *out, int top)
{
	uint8_t t;
	int r = der_next(d, &t, out, top);

	if (r < 0)
		return r;
	return t == tag ? 0 : -SV_KEY_EDER;
}

/*
 * Reads a non-negative INTEGER in minimal encoding; V/VLEN get its value
 * without the sign byte (a lone 0x00 for zero).
 */
static int der_uint(struct der *d, const uint8_t **v, size_t *vlen)
{
	struct der c;
	int r = der_expect(d, TAG_INTEGER, &c, 0);

	if (r < 0)
		return r;
	if (c.len == 0 || (c.p[0] & 0x80))
		return -SV_KEY_EDER; /* empty or negative */
	if (c.p[0] == 0 && c.len > 1) {
		if (!(c.p[1] & 0x80))
			return -SV_KEY_EDER; /* superfluous leading zero */
		c.p++;
		c.len--;
	}
	*v = c.p;
	*vlen = c.len;
	return 0;
}

static void set_what(struct sv_rsa_keyinfo *out, const char *s, size_t n)
{
	if (n > sizeof out->what - 1)
		n = sizeof out->what - 1;
	memcpy(out->what, s, n);
	out->what[n] = 0;
}

static void set_what_str(struct sv_rsa_keyinfo *out, const char *s)
{
	set_what(out, s, strlen(s));
}

/* Checks and stores the public key. */
static int set_key(struct sv_rsa_keyinfo *out, const uint8_t *n, size_t nlen, const uint8_t *e,
		   size_t elen)
{
	unsigned int top;

	if (nlen == 1 && n[0] == 0)
		return -SV_KEY_EMODULUS;
	/* NLEN is below 2^24 (der_next), so the bit count cannot overflow. */
	top = 0;
	for (unsigned int b = n[0]; b; b >>= 1)
		top++;
	out->bits = (unsigned int)(nlen - 1) * 8 + top;
	if (out->bits < SV_RSA_MIN_BITS || out->bits > SV_RSA_MAX_BITS)
		return -SV_KEY_ESIZE;
	if (!(n[nlen - 1] & 1))
		return -SV_KEY_EMODULUS;
	if (elen > SV_RSA_MAX_ELEN || !(e[elen - 1] & 1) || (elen == 1 && e[0] < 3))
		return -SV_KEY_EEXPONENT;
	memcpy(out->n, n, nlen);
	out->nlen = nlen;
	memcpy(out->e, e, elen);
	out->elen = elen;
	return 0;
}

/* RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } */
static int parse_rsapub(struct der d, int top, struct sv_rsa_keyinfo *out)
{
	struct der seq;
	const uint8_t *n, *e;
	size_t nlen, elen;
	int r;

	if ((r = der_expect(&d, TAG_SEQUENCE, &seq, top)) < 0)
		return r;
	if (d.len != 0)
		return -SV_KEY_EDER;
	if ((r = der_uint(&seq, &n, &nlen)) < 0 || (r = der_uint(&seq, &e, &elen)) < 0)
		return r;
	if (seq.len != 0)
		return -SV_KEY_EDER;
	return set_key(out, n, nlen, e, elen);
}

/*
 * RSAPrivateKey ::= SEQUENCE { version, modulus, publicExponent,
 *   privateExponent, prime1, prime2, exponent1, exponent2, coefficient,
 *   otherPrimeInfos OPTIONAL }  (RFC 8017 §A.1.2).  Only n and e are kept;
 * the rest is checked for shape and otherwise not looked at.
 */
static int parse_rsapriv(struct der d, int top, struct sv_rsa_keyinfo *out)
{
	struct der seq, skip;
	const uint8_t *v, *n, *e;
	size_t vlen, nlen, elen;
	int r;

	if ((r = der_expect(&d, TAG_SEQUENCE, &seq, top)) < 0)
		return r;
	if (d.len != 0)
		return -SV_KEY_EDER;
	if ((r = der_uint(&seq, &v, &vlen)) < 0)
		return r;
	if (vlen != 1 || v[0] > 1)
		return -SV_KEY_EDER; /* 0: two-prime, 1: multi-prime */
	if ((r = der_uint(&seq, &n, &nlen)) < 0 || (r = der_uint(&seq, &e, &elen)) < 0)
		return r;
	for (int i = 0; i < 6; i++) {
		if ((r = der_expect(&seq, TAG_INTEGER, &skip, 0)) < 0)
			return r;
	}
	if (v[0] == 1 && seq.len != 0 && (r = der_expect(&seq, TAG_SEQUENCE, &skip, 0)) < 0)
		return r;
	if (seq.len != 0)
		return -SV_KEY_EDER;
	out->is_private = 1;
	return set_key(out, n, nlen, e, elen);
}

/* Algorithm OIDs (DER contents) and what to call them. */
static const struct {
	uint8_t len;
	uint8_t oid[9];
	int err; /* 0 for rsaEncryption */
	const char *what;
} known_algs[] = {
	{9, {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01}, 0, "RSA"},
	{9, {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a}, -SV_KEY_EUNSUPPORTED, "an RSA-PSS key"},
	{7, {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01}, -SV_KEY_ENOTRSA, "an EC key"},
	{7, {0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x01}, -SV_KEY_ENOTRSA, "a DSA key"},
	{9, {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x03, 0x01}, -SV_KEY_ENOTRSA, "a DH key"},
	{3, {0x2b, 0x65, 0x70}, -SV_KEY_ENOTRSA, "an Ed25519 key"},
	{3, {0x2b, 0x65, 0x71}, -SV_KEY_ENOTRSA, "an Ed448 key"},
	{3, {0x2b, 0x65, 0x6e}, -SV_KEY_ENOTRSA, "an X25519 key"},
	{3, {0x2b, 0x65, 0x6f}, -SV_KEY_ENOTRSA, "an X448 key"},
};

/*
 * AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL }
 * Only rsaEncryption passes, with NULL or absent parameters (RFC 8017 §A.1).
 */
static int parse_alg(struct der *d, struct sv_rsa_keyinfo *out)
{
	struct der seq, oid, params;
	int r;

	if ((r = der_expect(d, TAG_SEQUENCE, &seq, 0)) < 0)
		return r;
	if ((r = der_expect(&seq, TAG_OID, &oid, 0)) < 0)
		return r;
	for (size_t i = 0; i < sizeof known_algs / sizeof known_algs[0]; i++) {
		if (oid.len != known_algs[i].len || memcmp(oid.p, known_algs[i].oid, oid.len) != 0)
			continue;
		if (known_algs[i].err) {
			set_what_str(out, known_algs[i].what);
			return known_algs[i].err;
		}
		if (seq.len != 0) {
			if ((r = der_expect(&seq, TAG_NULL, &params, 0)) < 0)
				return r;
			if (params.len != 0 || seq.len != 0)
				return -SV_KEY_EDER;
		}
		return 0;
	}
	set_what_str(out, "a key of an unknown algorithm");
	return -SV_KEY_ENOTRSA;
}

/*
 * SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier,
 *   subjectPublicKey BIT STRING }  (RFC 5280 §4.1.2.7)
 */
static int parse_spki(struct der d, struct sv_rsa_keyinfo *out)
{
	struct der seq, bits;
	int r;

	if ((r = der_expect(&d, TAG_SEQUENCE, &seq, 1)) < 0)
		return r;
	if (d.len != 0)
		return -SV_KEY_EDER;
	if ((r = parse_alg(&seq, out)) < 0)
		return r;
	if ((r = der_expect(&seq, TAG_BITSTRING, &bits, 0)) < 0)
		return r;
	if (seq.len != 0 || bits.len < 1 || bits.p[0] != 0)
		return -SV_KEY_EDER; /* trailing fields, or unused bits */
	bits.p++;
	bits.len--;
	return parse_rsapub(bits, 0, out);
}

/*
 * PrivateKeyInfo ::= SEQUENCE { version INTEGER, privateKeyAlgorithm
 *   AlgorithmIdentifier, privateKey OCTET STRING, attributes [0] OPTIONAL,
 *   publicKey [1] OPTIONAL }  (RFC 5208 §5, RFC 5958 §2)
 */
static int parse_pkcs8(struct der d, struct sv_rsa_keyinfo *out)
{
	struct der seq, key, skip;
	const uint8_t *v;
	size_t vlen;
	uint8_t tag;
	int r;

	if ((r = der_expect(&d, TAG_SEQUENCE, &seq, 1)) < 0)
		return r;
	if (d.len != 0)
		return -SV_KEY_EDER;
	if ((r = der_uint(&seq, &v, &vlen)) < 0)
		return r;
	if (vlen != 1 || v[0] > 1)
		return -SV_KEY_EDER;
	if ((r = parse_alg(&seq, out)) < 0)
		return r;
	if ((r = der_expect(&seq, TAG_OCTETSTRING, &key, 0)) < 0)
		return r;
	/* Optional [0] attributes, then optional [1] public key. */
	if (seq.len != 0 && seq.p[0] == 0xa0 && (r = der_next(&seq, &tag, &skip, 0)) < 0)
		return r;
	if (seq.len != 0 && (seq.p[0] == 0x81 || seq.p[0] == 0xa1) &&
	    (r = der_next(&seq, &tag, &skip, 0)) < 0)
		return r;
	if (seq.len != 0)
		return -SV_KEY_EDER;
	return parse_rsapriv(key, 0, out);
}

/* see sv_keyparse.h */
int sv_key_parse_der(const void *der, size_t len, int format, struct sv_rsa_keyinfo *out)
{
	struct der d = {der, len};

	memset(out, 0, sizeof *out);
	out->format = format;
	if (der == NULL && len != 0)
		return -SV_KEY_EDER;
	if (len > SV_DER_MAX)
		return -SV_KEY_ETOOBIG;
	switch (format) {
	case SV_KEY_FMT_SPKI:
		return parse_spki(d, out);
	case SV_KEY_FMT_RSAPUB:
		return parse_rsapub(d, 1, out);
	case SV_KEY_FMT_RSAPRIV:
		return parse_rsapriv(d, 1, out);
	case SV_KEY_FMT_PKCS8:
		return parse_pkcs8(d, out);
	default:
		return -SV_KEY_EDER;
	}
}

/* see sv_keyparse.h */
const char *sv_key_strerror(int err)
{
	switch (err < 0 ? -err : err) {
	case 0:
		return "success";
	case SV_KEY_ENOPEM:
		return "no PEM data (no -----BEGIN line)";
	case SV_KEY_ETRUNCATED:
		return "truncated PEM (key data cut short or -----END line missing)";
	case SV_KEY_EBASE64:
		return "bad base64 in PEM";
	case SV_KEY_EDER:
		return "malformed key data (bad DER)";
	case SV_KEY_ENOTKEY:
		return "PEM holds no key";
	case SV_KEY_ENOTRSA:
		return "not an RSA key";
	case SV_KEY_EENCRYPTED:
		return "encrypted private key";
	case SV_KEY_EUNSUPPORTED:
		return "unsupported key type";
	case SV_KEY_ESIZE:
		return "unsupported RSA key size (512 to 4096 bits)";
	case SV_KEY_EMODULUS:
		return "bad RSA modulus";
	case SV_KEY_EEXPONENT:
		return "unsupported RSA public exponent (must be odd, at least 3, at most 64 bits)";
	case SV_KEY_ETOOBIG:
		return "key file too large";
	default:
		return "unknown key error";
	}
}

/* see sv_keyparse.h */
char *sv_key_describe(int err, const struct sv_rsa_keyinfo *k, char *buf, size_t cap)
{
	const char *msg = sv_key_strerror(err);

	if (err < 0)
		err = -err;
	if ((err == SV_KEY_ENOTRSA || err == SV_KEY_EUNSUPPORTED) && k->what[0])
		snprintf(buf, cap, "%s (it is %s)", msg, k->what);
	else if (err == SV_KEY_ENOTKEY && k->what[0])
		snprintf(buf, cap, "%s (found %s)", msg, k->what);
	else if (err == SV_KEY_ESIZE && k->bits)
		snprintf(buf, cap, "%u-bit RSA key; 512 to 4096 bits are supported", k->bits);
	else
		snprintf(buf, cap, "%s", msg);
	return buf;
}

/* see sv_keyparse.h */
const char *sv_key_format_name(int format)
{
	switch (format) {
	case SV_KEY_FMT_SPKI:
		return "public key";
	case SV_KEY_FMT_RSAPUB:
		return "RSA public key (PKCS#1)";
	case SV_KEY_FMT_RSAPRIV:
		return "RSA private key (PKCS#1)";
	case SV_KEY_FMT_PKCS8:
		return "private key (PKCS#8)";
	default:
		return "key";
	}
}

/* ---- encoding ----------------------------------------------------------- */

static size_t len_size(size_t len)
{
	return len < 0x80 ? 1 : len < 0x100 ? 2 : 3;
}

static uint8_t *put_hdr(uint8_t *p, uint8_t tag, size_t len)
{
	*p++ = tag;
	if (len < 0x80) {
		*p++ = (uint8_t)len;
	} else if (len < 0x100) {
		*p++ = 0x81;
		*p++ = (uint8_t)len;
	} else {
		*p++ = 0x82;
		*p++ = (uint8_t)(len >> 8);
		*p++ = (uint8_t)len;
	}
	return p;
}

/* Length of INTEGER contents for big-endian V without leading zeros. */
static size_t int_len(const uint8_t *v, size_t vlen)
{
	return vlen + ((v[0] & 0x80) ? 1 : 0);
}

static uint8_t *put_int(uint8_t *p, const uint8_t *v, size_t vlen)
{
	size_t l = int_len(v, vlen);

	p = put_hdr(p, TAG_INTEGER, l);
	if (l > vlen)
		*p++ = 0;
	memcpy(p, v, vlen);
	return p + vlen;
}

/* see sv_keyparse.h */
size_t sv_key_spki(const struct sv_rsa_keyinfo *k, uint8_t *buf, size_t cap)
{
	static const uint8_t alg[] = {0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
				      0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
	size_t nl, el, rsapub, bitstr, spki, total;
	uint8_t *p = buf;

	if (k->nlen == 0 || k->nlen > SV_RSA_MAX_BYTES || k->elen == 0 ||
	    k->elen > SV_RSA_MAX_ELEN)
		return 0;
	nl = int_len(k->n, k->nlen);
	el = int_len(k->e, k->elen);
	rsapub = 1 + len_size(nl) + nl + 1 + len_size(el) + el;
	bitstr = 1 + rsapub + 1 + len_size(rsapub); /* unused-bits byte + SEQUENCE */
	spki = sizeof alg + 1 + len_size(bitstr) + bitstr;
	total = 1 + len_size(spki) + spki;
	if (total > cap)
		return 0;
	p = put_hdr(p, TAG_SEQUENCE, spki);
	memcpy(p, alg, sizeof alg);
	p += sizeof alg;
	p = put_hdr(p, TAG_BITSTRING, bitstr);
	*p++ = 0;
	p = put_hdr(p, TAG_SEQUENCE, rsapub);
	p = put_int(p, k->n, k->nlen);
	p = put_int(p, k->e, k->elen);
	return (size_t)(p - buf);
}

/* see sv_keyparse.h */
void sv_key_id(const struct sv_rsa_keyinfo *k, uint8_t id[32])
{
	uint8_t spki[SV_SPKI_MAX];
	size_t n = sv_key_spki(k, spki, sizeof spki);

	sv_sha256(spki, n, id);
}

/* see sv_keyparse.h */
void sv_key_to_pubkey(const struct sv_rsa_keyinfo *k, struct sv_rsa_pubkey *pk)
{
	pk->n = k->n;
	pk->nlen = (uint16_t)k->nlen;
	pk->e = k->e;
	pk->elen = (uint16_t)k->elen;
	pk->bits = (uint16_t)k->bits;
	sv_key_id(k, pk->id);
}
