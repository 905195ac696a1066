/*
 * PEM (RFC 7468, with RFC 1421 headers) around the DER key formats of
 * sv_keyparse.c: finds the first key block, decodes its base64 strictly and
 * hands the DER on.  Input is untrusted: lines, labels and the decoded size
 * are all bounded.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sv_keyparse.h"

static void set_what(struct sv_rsa_keyinfo *out, const char *s, size_t n)
{
	if (n > sizeof out->what - 1)
		n = sizeof out->what - 1;
	memcpy(out->what, s, n);
	out->what[n] = 0;
}

/* One line of text, without its end of line and trailing blanks. */
struct line {
	const char *p;
	size_t len;
};

/* Takes the next line from [*POS, END); 0 at end of input. */
static int next_line(const char **pos, const char *end, struct line *l)
{
	const char *s = *pos, *e;

	if (s >= end)
		return 0;
	e = memchr(s, '\n', (size_t)(end - s));
	*pos = e ? e + 1 : end;
	if (!e)
		e = end;
	while (e > s && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
		e--;
	l->p = s;
	l->len = (size_t)(e - s);
	return 1;
}

static int has_prefix(const struct line *l, const char *prefix)
{
	size_t n = strlen(prefix);

	return l->len >= n && memcmp(l->p, prefix, n) == 0;
}

/*
 * If L is "-----BEGIN label-----" (or END), sets LABEL to label.  Labels are
 * 1..64 printable characters.
 */
static int boundary(const struct line *l, const char *kind, struct line *label)
{
	size_t k = strlen(kind);

	if (!has_prefix(l, kind) || l->len < k + 5 + 1 ||
	    memcmp(l->p + l->len - 5, "-----", 5) != 0)
		return 0;
	label->p = l->p + k;
	label->len = l->len - k - 5;
	if (label->len == 0 || label->len > 64)
		return 0;
	for (size_t i = 0; i < label->len; i++) {
		if (label->p[i] < 0x20 || label->p[i] > 0x7e)
			return 0;
	}
	return 1;
}

static int label_is(const struct line *label, const char *s)
{
	return label->len == strlen(s) && memcmp(label->p, s, label->len) == 0;
}

/* What a BEGIN label means to us. */
enum label_kind { LABEL_OTHER, LABEL_KEY, LABEL_ERROR };

static int classify(const struct line *label, int *format, int *err, const char **what)
{
	static const struct {
		const char *label;
		int format;
		int err;
		const char *what;
	} labels[] = {
		{"PUBLIC KEY", SV_KEY_FMT_SPKI, 0, NULL},
		{"RSA PUBLIC KEY", SV_KEY_FMT_RSAPUB, 0, NULL},
		{"RSA PRIVATE KEY", SV_KEY_FMT_RSAPRIV, 0, NULL},
		{"PRIVATE KEY", SV_KEY_FMT_PKCS8, 0, NULL},
		{"ENCRYPTED PRIVATE KEY", 0, -SV_KEY_EENCRYPTED, "an encrypted PKCS#8 key"},
		{"EC PRIVATE KEY", 0, -SV_KEY_ENOTRSA, "an EC key"},
		{"EC PARAMETERS", 0, -SV_KEY_ENOTRSA, "an EC key"},
		{"DSA PRIVATE KEY", 0, -SV_KEY_ENOTRSA, "a DSA key"},
		{"DSA PARAMETERS", 0, -SV_KEY_ENOTRSA, "a DSA key"},
		{"OPENSSH PRIVATE KEY", 0, -SV_KEY_EUNSUPPORTED, "an OpenSSH-format key"},
		{"SSH2 PUBLIC KEY", 0, -SV_KEY_EUNSUPPORTED, "an SSH2-format key"},
	};

	for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++) {
		if (label_is(label, labels[i].label)) {
			*format = labels[i].format;
			*err = labels[i].err;
			*what = labels[i].what;
			return labels[i].err ? LABEL_ERROR : LABEL_KEY;
		}
	}
	return LABEL_OTHER;
}

static int b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Base64 state across the lines of one body. */
struct b64 {
	uint8_t *out;
	size_t cap, len;
	uint32_t acc;
	unsigned int bits;
	size_t nchars; /* data and '=' characters so far */
	unsigned int npad;
};

static int b64_line(struct b64 *b, const struct line *l)
{
	for (size_t i = 0; i < l->len; i++) {
		char c = l->p[i];
		int v;

		if (c == ' ' || c == '\t' || c == '\r')
			continue;
		if (c == '=') {
			/* Padding only in the last two places of a quantum. */
			if (b->nchars % 4 < 2 || ++b->npad > 2)
				return -SV_KEY_EBASE64;
			b->nchars++;
			continue;
		}
		v = b64_value(c);
		if (v < 0 || b->npad)
			return -SV_KEY_EBASE64;
		b->nchars++;
		b->acc = (b->acc << 6) | (uint32_t)v;
		b->bits += 6;
		if (b->bits >= 8) {
			b->bits -= 8;
			if (b->len >= b->cap)
				return -SV_KEY_ETOOBIG;
			b->out[b->len++] = (uint8_t)(b->acc >> b->bits);
			b->acc &= (1u << b->bits) - 1;
		}
	}
	return 0;
}

/*
 * Decodes the body of the block whose BEGIN line ended at *POS, up to its
 * END line, into DER.  Handles RFC 1421 headers (Proc-Type, DEK-Info).
 */
static int pem_body(const char **pos, const char *end, const struct line *label, uint8_t *der,
		    size_t *derlen)
{
	struct b64 b = {der, SV_DER_MAX, 0, 0, 0, 0, 0};
	struct line l, endlabel;
	int in_headers = 1, r;

	while (next_line(pos, end, &l)) {
		if (boundary(&l, "-----END ", &endlabel)) {
			if (endlabel.len != label->len || memcmp(endlabel.p, label->p, label->len) != 0)
				return -SV_KEY_ETRUNCATED;
			if (b.nchars % 4 != 0)
				return -SV_KEY_EBASE64;
			if (b.len == 0)
				return -SV_KEY_ETRUNCATED;
			*derlen = b.len;
			return 0;
		}
		if (has_prefix(&l, "-----"))
			return -SV_KEY_ETRUNCATED; /* a new block before our END */
		if (in_headers && memchr(l.p, ':', l.len)) {
			struct line h = l;

			if (has_prefix(&h, "Proc-Type:")) {
				for (size_t i = 0; i + 9 <= h.len; i++) {
					if (memcmp(h.p + i, "ENCRYPTED", 9) == 0)
						return -SV_KEY_EENCRYPTED;
				}
			}
			continue;
		}
		if (in_headers && l.len > 0 && (l.p[0] == ' ' || l.p[0] == '\t') && b.nchars == 0)
			continue; /* header continuation line */
		if (l.len > 0)
			in_headers = 0;
		if ((r = b64_line(&b, &l)) < 0)
			return r;
	}
	return -SV_KEY_ETRUNCATED;
}

/* see sv_keyparse.h */
int sv_key_parse_pem(const void *pem, size_t len, struct sv_rsa_keyinfo *out)
{
	const char *pos = pem, *end;
	struct line l, label, first_other = {NULL, 0};
	uint8_t der[SV_DER_MAX];
	size_t derlen = 0;

	memset(out, 0, sizeof *out);
	if (pem == NULL && len != 0)
		return -SV_KEY_ENOPEM;
	if (len > SV_PEM_MAX)
		return -SV_KEY_ETOOBIG;
	end = pos + len;

	while (next_line(&pos, end, &l)) {
		int format = 0, err = 0, kind, r;
		const char *what = NULL;

		if (!boundary(&l, "-----BEGIN ", &label))
			continue;
		kind = classify(&label, &format, &err, &what);
		if (kind == LABEL_OTHER) {
			if (first_other.p == NULL)
				first_other = label;
			continue;
		}
		if (kind == LABEL_ERROR) {
			set_what(out, what, strlen(what));
			return err;
		}
		r = pem_body(&pos, end, &label, der, &derlen);
		if (r == 0)
			r = sv_key_parse_der(der, derlen, format, out);
		else
			out->format = format;
		memset(der, 0, sizeof der); /* private keys pass through here */
		return r;
	}
	if (first_other.p) {
		set_what(out, first_other.p, first_other.len);
		return -SV_KEY_ENOTKEY;
	}
	return -SV_KEY_ENOPEM;
}
