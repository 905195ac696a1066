/*
 * The PEM/DER key parser on hand-made inputs: every accepted form, and
 * each way a key file can be broken, with the exact error expected.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sv_keyparse.h"

static int failures, checks;

#define CHECK(cond, ...)                                      \
	do {                                                  \
		checks++;                                     \
		if (!(cond)) {                                \
			printf("FAIL %s:%d: ", __FILE__, __LINE__); \
			printf(__VA_ARGS__);                  \
			printf("\n");                         \
			failures++;                           \
		}                                             \
	} while (0)

/* ---- a tiny DER writer -------------------------------------------------- */

struct buf {
	uint8_t b[16384];
	size_t n;
};

static void put(struct buf *o, const void *p, size_t n)
{
	memcpy(o->b + o->n, p, n);
	o->n += n;
}

static void tlv(struct buf *o, uint8_t tag, const struct buf *content)
{
	uint8_t h[4];
	size_t l = content->n, hl = 0;

	h[hl++] = tag;
	if (l < 0x80) {
		h[hl++] = (uint8_t)l;
	} else if (l < 0x100) {
		h[hl++] = 0x81;
		h[hl++] = (uint8_t)l;
	} else {
		h[hl++] = 0x82;
		h[hl++] = (uint8_t)(l >> 8);
		h[hl++] = (uint8_t)l;
	}
	put(o, h, hl);
	put(o, content->b, content->n);
}

static void integer(struct buf *o, const uint8_t *v, size_t n, int pad)
{
	struct buf c = {.n = 0};

	if (pad)
		put(&c, "\0", 1);
	put(&c, v, n);
	tlv(o, 0x02, &c);
}

static const uint8_t OID_RSA[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01};
static const uint8_t OID_PSS[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a};
static const uint8_t OID_EC[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01};

static uint8_t modulus[512];
static const uint8_t F4[] = {0x01, 0x00, 0x01};

/* RSAPublicKey with an NBITS modulus (top bit set, odd unless EVEN). */
static void rsapub(struct buf *o, unsigned int nbits, int even, const uint8_t *e, size_t elen)
{
	struct buf s = {.n = 0};
	size_t nlen = (nbits + 7) / 8;
	uint8_t n[520];

	unsigned int top = nbits - 8 * (unsigned int)(nlen - 1); /* bits in n[0] */

	memcpy(n, modulus, nlen);
	n[0] = (uint8_t)((modulus[0] & ((1u << top) - 1)) | (1u << (top - 1)));
	n[nlen - 1] = (uint8_t)(even ? n[nlen - 1] & 0xfe : n[nlen - 1] | 1);
	integer(&s, n, nlen, n[0] & 0x80);
	integer(&s, e, elen, e[0] & 0x80);
	tlv(o, 0x30, &s);
}

static void spki_with(struct buf *o, const uint8_t *oid, size_t oidlen, const struct buf *params,
		      const struct buf *pub, uint8_t unused_bits)
{
	struct buf alg = {.n = 0}, a = {.n = 0}, bits = {.n = 0}, s = {.n = 0}, oidb = {.n = 0};

	put(&oidb, oid, oidlen);
	tlv(&a, 0x06, &oidb);
	if (params)
		put(&a, params->b, params->n);
	tlv(&alg, 0x30, &a);
	put(&bits, &unused_bits, 1);
	put(&bits, pub->b, pub->n);
	put(&s, alg.b, alg.n);
	tlv(&s, 0x03, &bits);
	tlv(o, 0x30, &s);
}

static const struct buf NULL_PARAMS = {{0x05, 0x00}, 2};

static void spki(struct buf *o, unsigned int nbits)
{
	struct buf pub = {.n = 0};

	rsapub(&pub, nbits, 0, F4, sizeof F4);
	spki_with(o, OID_RSA, sizeof OID_RSA, &NULL_PARAMS, &pub, 0);
}

/* ---- PEM ---------------------------------------------------------------- */

static void pem(char *out, const char *label, const uint8_t *der, size_t n, const char *headers)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *p = out;
	size_t col = 0;

	p += sprintf(p, "-----BEGIN %s-----\n%s", label, headers ? headers : "");
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)der[i] << 16;

		if (i + 1 < n)
			v |= (uint32_t)der[i + 1] << 8;
		if (i + 2 < n)
			v |= der[i + 2];
		*p++ = b64[(v >> 18) & 63];
		*p++ = b64[(v >> 12) & 63];
		*p++ = i + 1 < n ? b64[(v >> 6) & 63] : '=';
		*p++ = i + 2 < n ? b64[v & 63] : '=';
		if ((col += 4) == 64) {
			*p++ = '\n';
			col = 0;
		}
	}
	if (col)
		*p++ = '\n';
	sprintf(p, "-----END %s-----\n", label);
}

static char text[65536];
static struct sv_rsa_keyinfo k;

static int parse_text(void)
{
	return sv_key_parse_pem(text, strlen(text), &k);
}

static int parse_der(const struct buf *d, const char *label)
{
	pem(text, label, d->b, d->n, NULL);
	return parse_text();
}

#define EXPECT(expr, want) \
	do { \
		int got_ = (expr); \
		CHECK(got_ == (want), "%s: got %d (%s), want %d", #expr, got_, sv_key_strerror(got_), \
		      (want)); \
	} while (0)

int main(void)
{
	struct buf d = {.n = 0}, pub = {.n = 0}, t = {.n = 0};
	uint8_t spki_out[SV_SPKI_MAX];
	char msg[160];
	size_t n;

	for (size_t i = 0; i < sizeof modulus; i++)
		modulus[i] = (uint8_t)(i * 131 + 17);

	/* Good SubjectPublicKeyInfo, 512..4096 bits, and its re-encoding. */
	static const unsigned int sizes[] = {512, 1024, 2047, 2048, 3072, 4095, 4096};
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		d.n = 0;
		spki(&d, sizes[i]);
		EXPECT(parse_der(&d, "PUBLIC KEY"), 0);
		CHECK(k.bits == sizes[i] && k.format == SV_KEY_FMT_SPKI && !k.is_private,
		      "bits %u format %d", k.bits, k.format);
		n = sv_key_spki(&k, spki_out, sizeof spki_out);
		CHECK(n == d.n && memcmp(spki_out, d.b, n) == 0, "SPKI re-encoding of %u bits",
		      sizes[i]);
	}
	CHECK(sv_key_spki(&k, spki_out, 10) == 0, "SPKI into a small buffer must fail");

	/* Bare PKCS#1 RSAPublicKey; text around the block is ignored. */
	d.n = 0;
	rsapub(&d, 2048, 0, F4, sizeof F4);
	pem(text, "RSA PUBLIC KEY", d.b, d.n, NULL);
	memmove(text + 20, text, strlen(text) + 1);
	memcpy(text, "Some comment line.\r\n", 20);
	EXPECT(parse_text(), 0);
	CHECK(k.format == SV_KEY_FMT_RSAPUB && k.bits == 2048, "RSAPublicKey");

	/* Sizes and exponents out of policy. */
	d.n = 0;
	spki(&d, 511);
	EXPECT(parse_der(&d, "PUBLIC KEY"), -SV_KEY_ESIZE);
	CHECK(strcmp(sv_key_describe(-SV_KEY_ESIZE, &k, msg, sizeof msg),
		     "511-bit RSA key; 512 to 4096 bits are supported") == 0,
	      "describe: %s", msg);
	d.n = 0;
	spki(&d, 4097);
	EXPECT(parse_der(&d, "PUBLIC KEY"), -SV_KEY_ESIZE);
	CHECK(k.bits == 4097, "bits of a too-large key: %u", k.bits);
	d.n = 0;
	rsapub(&d, 2048, 1, F4, sizeof F4);
	EXPECT(parse_der(&d, "RSA PUBLIC KEY"), -SV_KEY_EMODULUS);
	static const uint8_t e1[] = {1}, e2[] = {2}, e9[] = {1, 0, 0, 0, 0, 0, 0, 0, 1},
			     e3[] = {3}, e8[] = {0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	d.n = 0;
	rsapub(&d, 2048, 0, e1, 1);
	EXPECT(parse_der(&d, "RSA PUBLIC KEY"), -SV_KEY_EEXPONENT);
	d.n = 0;
	rsapub(&d, 2048, 0, e2, 1);
	EXPECT(parse_der(&d, "RSA PUBLIC KEY"), -SV_KEY_EEXPONENT);
	d.n = 0;
	rsapub(&d, 2048, 0, e9, sizeof e9);
	EXPECT(parse_der(&d, "RSA PUBLIC KEY"), -SV_KEY_EEXPONENT);
	d.n = 0;
	rsapub(&d, 2048, 0, e3, 1);
	EXPECT(parse_der(&d, "RSA PUBLIC KEY"), 0);
	d.n = 0;
	rsapub(&d, 2048, 0, e8, sizeof e8);
	EXPECT(parse_der(&d, "RSA PUBLIC KEY"), 0);

	/* Other algorithms. */
	pub.n = 0;
	rsapub(&pub, 2048, 0, F4, sizeof F4);
	d.n = 0;
	spki_with(&d, OID_EC, sizeof OID_EC, NULL, &pub, 0);
	EXPECT(parse_der(&d, "PUBLIC KEY"), -SV_KEY_ENOTRSA);
	CHECK(strcmp(sv_key_describe(-SV_KEY_ENOTRSA, &k, msg, sizeof msg),
		     "not an RSA key (it is an EC key)") == 0,
	      "describe: %s", msg);
	d.n = 0;
	spki_with(&d, OID_PSS, sizeof OID_PSS, NULL, &pub, 0);
	EXPECT(parse_der(&d, "PUBLIC KEY"), -SV_KEY_EUNSUPPORTED);
	static const uint8_t OID_ODD[] = {0x2a, 0x03, 0x04};
	d.n = 0;
	spki_with(&d, OID_ODD, sizeof OID_ODD, NULL, &pub, 0);
	EXPECT(parse_der(&d, "PUBLIC KEY"), -SV_KEY_ENOTRSA);

	/* rsaEncryption with absent parameters is fine; other parameters are not. */
	d.n = 0;
	spki_with(&d, OID_RSA, sizeof OID_RSA, NULL, &pub, 0);
	EXPECT(parse_der(&d, "PUBLIC KEY"), 0);
	static const struct buf bad_params = {{0x05, 0x01, 0x00}, 3};
	d.n = 0;
	spki_with(&d, OID_RSA, sizeof OID_RSA, &bad_params, &pub, 0);
	EXPECT(parse_der(&d, "PUBLIC KEY"), -SV_KEY_EDER);
	d.n = 0;
	spki_with(&d, OID_RSA, sizeof OID_RSA, &NULL_PARAMS, &pub, 1);
	EXPECT(parse_der(&d, "PUBLIC KEY"), -SV_KEY_EDER);

	/* Strict DER. */
	d.n = 0;
	spki(&d, 2048);
	t = d;
	t.b[t.n++] = 0; /* trailing byte */
	EXPECT(parse_der(&t, "PUBLIC KEY"), -SV_KEY_EDER);
	t = d;
	t.n--; /* cut short */
	EXPECT(parse_der(&t, "PUBLIC KEY"), -SV_KEY_ETRUNCATED);
	t = d;
	t.b[1] = 0x80; /* indefinite length */
	EXPECT(parse_der(&t, "PUBLIC KEY"), -SV_KEY_EDER);
	t = d;
	t.b[0] = 0x31; /* SET instead of SEQUENCE */
	EXPECT(parse_der(&t, "PUBLIC KEY"), -SV_KEY_EDER);
	{
		/* A short length written in long form (0x81 0x05). */
		static const uint8_t nonmin[] = {0x30, 0x81, 0x05, 0x02, 0x01, 0x03, 0x02, 0x00};
		memcpy(t.b, nonmin, sizeof nonmin);
		t.n = sizeof nonmin;
		EXPECT(parse_der(&t, "RSA PUBLIC KEY"), -SV_KEY_EDER);
		/* A negative modulus, and a superfluous leading zero. */
		static const uint8_t neg[] = {0x30, 0x06, 0x02, 0x01, 0x83, 0x02, 0x01, 0x03};
		memcpy(t.b, neg, sizeof neg);
		t.n = sizeof neg;
		EXPECT(parse_der(&t, "RSA PUBLIC KEY"), -SV_KEY_EDER);
		static const uint8_t lz[] = {0x30, 0x07, 0x02, 0x01, 0x03, 0x02, 0x02, 0x00, 0x03};
		memcpy(t.b, lz, sizeof lz);
		t.n = sizeof lz;
		EXPECT(parse_der(&t, "RSA PUBLIC KEY"), -SV_KEY_EDER);
		static const uint8_t empty_int[] = {0x30, 0x04, 0x02, 0x00, 0x02, 0x00};
		memcpy(t.b, empty_int, sizeof empty_int);
		t.n = sizeof empty_int;
		EXPECT(parse_der(&t, "RSA PUBLIC KEY"), -SV_KEY_EDER);
		static const uint8_t hightag[] = {0x1f, 0x81, 0x01, 0x00};
		memcpy(t.b, hightag, sizeof hightag);
		t.n = sizeof hightag;
		EXPECT(parse_der(&t, "RSA PUBLIC KEY"), -SV_KEY_EDER);
		static const uint8_t huge[] = {0x30, 0x84, 0x01, 0x00, 0x00, 0x00};
		memcpy(t.b, huge, sizeof huge);
		t.n = sizeof huge;
		EXPECT(parse_der(&t, "RSA PUBLIC KEY"), -SV_KEY_EDER);
		static const uint8_t inner_over[] = {0x30, 0x03, 0x02, 0x05, 0x01};
		memcpy(t.b, inner_over, sizeof inner_over);
		t.n = sizeof inner_over;
		EXPECT(parse_der(&t, "RSA PUBLIC KEY"), -SV_KEY_EDER);
	}

	/* PEM framing. */
	d.n = 0;
	spki(&d, 2048);
	pem(text, "PUBLIC KEY", d.b, d.n, NULL);
	*strstr(text, "-----END") = 0;
	EXPECT(parse_text(), -SV_KEY_ETRUNCATED);
	pem(text, "PUBLIC KEY", d.b, d.n, NULL);
	memcpy(strstr(text, "-----END PUBLIC KEY"), "-----END PUBLIC KEZ", 19);
	EXPECT(parse_text(), -SV_KEY_ETRUNCATED);
	pem(text, "PUBLIC KEY", d.b, d.n, NULL);
	text[40] = '*';
	EXPECT(parse_text(), -SV_KEY_EBASE64);
	pem(text, "PUBLIC KEY", d.b, d.n, NULL);
	{
		/* Drop one base64 character: no longer whole quanta. */
		char *q = text + 30;
		memmove(q, q + 1, strlen(q + 1) + 1);
	}
	EXPECT(parse_text(), -SV_KEY_EBASE64);
	strcpy(text, "-----BEGIN PUBLIC KEY-----\nMA==\nMA==\n-----END PUBLIC KEY-----\n");
	EXPECT(parse_text(), -SV_KEY_EBASE64); /* data after padding */
	strcpy(text, "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n");
	EXPECT(parse_text(), -SV_KEY_ETRUNCATED);
	strcpy(text, "just some text\n");
	EXPECT(parse_text(), -SV_KEY_ENOPEM);
	EXPECT(sv_key_parse_pem("", 0, &k), -SV_KEY_ENOPEM);
	EXPECT(sv_key_parse_pem(NULL, 0, &k), -SV_KEY_ENOPEM);
	strcpy(text, "-----BEGIN CERTIFICATE-----\nMA==\n-----END CERTIFICATE-----\n");
	EXPECT(parse_text(), -SV_KEY_ENOTKEY);
	CHECK(strcmp(sv_key_describe(-SV_KEY_ENOTKEY, &k, msg, sizeof msg),
		     "PEM holds no key (found CERTIFICATE)") == 0,
	      "describe: %s", msg);
	strcpy(text, "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n");
	EXPECT(parse_text(), -SV_KEY_ENOTRSA);
	strcpy(text, "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMA==\n-----END ENCRYPTED PRIVATE KEY-----\n");
	EXPECT(parse_text(), -SV_KEY_EENCRYPTED);
	strcpy(text, "-----BEGIN OPENSSH PRIVATE KEY-----\nMA==\n-----END OPENSSH PRIVATE KEY-----\n");
	EXPECT(parse_text(), -SV_KEY_EUNSUPPORTED);
	/* Legacy (RFC 1421) encryption headers. */
	d.n = 0;
	rsapub(&d, 2048, 0, F4, sizeof F4);
	pem(text, "RSA PRIVATE KEY", d.b, d.n,
	    "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\n");
	EXPECT(parse_text(), -SV_KEY_EENCRYPTED);
	/* A certificate first, then the key: the key is found. */
	d.n = 0;
	spki(&d, 3072);
	strcpy(text, "-----BEGIN CERTIFICATE-----\nMA==\n-----END CERTIFICATE-----\n");
	pem(text + strlen(text), "PUBLIC KEY", d.b, d.n, NULL);
	EXPECT(parse_text(), 0);
	CHECK(k.bits == 3072, "key after certificate");

	/* Private keys: PKCS#1 and PKCS#8; only n and e come out. */
	{
		struct buf s = {.n = 0}, priv = {.n = 0}, p8 = {.n = 0}, a = {.n = 0}, alg = {.n = 0},
			   oct = {.n = 0}, oidb = {.n = 0};
		static const uint8_t zero[] = {0}, one[] = {1}, seven[] = {7};
		uint8_t n2048[256];

		memcpy(n2048, modulus, 256);
		n2048[0] |= 0x80;
		n2048[255] |= 1;
		integer(&s, zero, 1, 0);
		integer(&s, n2048, 256, 1);
		integer(&s, F4, 3, 0);
		for (int i = 0; i < 6; i++)
			integer(&s, seven, 1, 0);
		tlv(&priv, 0x30, &s);
		EXPECT(parse_der(&priv, "RSA PRIVATE KEY"), 0);
		CHECK(k.is_private && k.bits == 2048 && k.format == SV_KEY_FMT_RSAPRIV,
		      "RSAPrivateKey");

		put(&oidb, OID_RSA, sizeof OID_RSA);
		tlv(&a, 0x06, &oidb);
		put(&a, NULL_PARAMS.b, NULL_PARAMS.n);
		tlv(&alg, 0x30, &a);
		s.n = 0;
		integer(&s, zero, 1, 0);
		put(&s, alg.b, alg.n);
		put(&oct, priv.b, priv.n);
		tlv(&s, 0x04, &oct);
		tlv(&p8, 0x30, &s);
		EXPECT(parse_der(&p8, "PRIVATE KEY"), 0);
		CHECK(k.is_private && k.bits == 2048 && k.format == SV_KEY_FMT_PKCS8, "PKCS#8");

		/* Version 2 and a missing component are refused. */
		s.n = 0;
		integer(&s, seven, 1, 0);
		integer(&s, n2048, 256, 1);
		integer(&s, F4, 3, 0);
		for (int i = 0; i < 6; i++)
			integer(&s, seven, 1, 0);
		priv.n = 0;
		tlv(&priv, 0x30, &s);
		EXPECT(parse_der(&priv, "RSA PRIVATE KEY"), -SV_KEY_EDER);
		s.n = 0;
		integer(&s, one, 1, 0);
		integer(&s, n2048, 256, 1);
		integer(&s, F4, 3, 0);
		for (int i = 0; i < 5; i++)
			integer(&s, seven, 1, 0);
		priv.n = 0;
		tlv(&priv, 0x30, &s);
		EXPECT(parse_der(&priv, "RSA PRIVATE KEY"), -SV_KEY_EDER);
	}

	/* Oversized input. */
	{
		size_t big = SV_PEM_MAX + 1;
		char *p = malloc(big);

		memset(p, 'A', big);
		EXPECT(sv_key_parse_pem(p, big, &k), -SV_KEY_ETOOBIG);
		free(p);
	}
	strcpy(text, "-----BEGIN PUBLIC KEY-----\n");
	for (int i = 0; i < 200; i++)
		strcat(text, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n");
	strcat(text, "-----END PUBLIC KEY-----\n");
	EXPECT(parse_text(), -SV_KEY_ETOOBIG);
	EXPECT(sv_key_parse_der(d.b, d.n, 99, &k), -SV_KEY_EDER);

	if (failures) {
		printf("%d of %d checks failed\n", failures, checks);
		return 1;
	}
	printf("all %d key-parsing checks passed\n", checks);
	return 0;
}
