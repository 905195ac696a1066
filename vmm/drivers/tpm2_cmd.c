/*
 * TPM 2.0 commands and their responses (documented in sv/tpm2.h).  The
 * wire format is big-endian throughout (TPM 2.0 part 1, 18.1).  Every
 * response is read through a cursor that refuses to step past the bytes
 * received, so a size field the TPM lied about fails a check instead of
 * reading beyond the buffer.
 */
#include <sv/tpm2.h>

#include "fsstring.h"

/* ---- Writing ---- */

struct wbuf {
	uint8_t *p;
	size_t cap, len;
	bool over; /* a put did not fit: the command is unusable */
};

static void put8(struct wbuf *w, uint8_t v)
{
	if (w->len >= w->cap) {
		w->over = true;
		return;
	}
	w->p[w->len++] = v;
}

static void put16(struct wbuf *w, uint16_t v)
{
	put8(w, (uint8_t)(v >> 8));
	put8(w, (uint8_t)v);
}

static void put32(struct wbuf *w, uint32_t v)
{
	put16(w, (uint16_t)(v >> 16));
	put16(w, (uint16_t)v);
}

static void start(struct wbuf *w, uint8_t *buf, size_t cap, uint16_t tag, uint32_t cc)
{
	w->p = buf;
	w->cap = cap;
	w->len = 0;
	w->over = false;
	put16(w, tag);
	put32(w, 0); /* the size, filled in by finish */
	put32(w, cc);
}

static int finish(struct wbuf *w)
{
	if (w->over || w->len > TPM_CMD_MAX)
		return -SV_E2BIG;
	w->p[2] = (uint8_t)(w->len >> 24);
	w->p[3] = (uint8_t)(w->len >> 16);
	w->p[4] = (uint8_t)(w->len >> 8);
	w->p[5] = (uint8_t)w->len;
	return (int)w->len;
}

/* A TPML_PCR_SELECTION naming one PCR of one bank (part 2, 10.6.2 and 10.9.7). */
static void put_one_pcr(struct wbuf *w, uint16_t alg, unsigned int pcr)
{
	put32(w, 1);
	put16(w, alg);
	put8(w, 3); /* sizeofSelect: PCRs 0-23 */
	for (unsigned int i = 0; i < 3; i++)
		put8(w, i == pcr / 8 ? (uint8_t)(1u << (pcr % 8)) : 0);
}

int tpm2_build_startup(uint8_t *buf, size_t cap, uint16_t su)
{
	struct wbuf w;

	start(&w, buf, cap, TPM_ST_NO_SESSIONS, TPM_CC_STARTUP);
	put16(&w, su);
	return finish(&w);
}

int tpm2_build_get_capability(uint8_t *buf, size_t cap, uint32_t capability, uint32_t property,
			      uint32_t count)
{
	struct wbuf w;

	start(&w, buf, cap, TPM_ST_NO_SESSIONS, TPM_CC_GET_CAPABILITY);
	put32(&w, capability);
	put32(&w, property);
	put32(&w, count);
	return finish(&w);
}

int tpm2_build_pcr_read(uint8_t *buf, size_t cap, uint16_t alg, unsigned int pcr)
{
	struct wbuf w;

	if (pcr >= TPM_PCR_COUNT)
		return -SV_EINVAL;
	start(&w, buf, cap, TPM_ST_NO_SESSIONS, TPM_CC_PCR_READ);
	put_one_pcr(&w, alg, pcr);
	return finish(&w);
}

int tpm2_build_pcr_extend(uint8_t *buf, size_t cap, unsigned int pcr, uint16_t alg,
			  const uint8_t *digest, size_t digest_len)
{
	struct wbuf w;

	if (pcr >= TPM_PCR_COUNT || digest_len == 0 || digest_len > 64)
		return -SV_EINVAL;
	start(&w, buf, cap, TPM_ST_SESSIONS, TPM_CC_PCR_EXTEND);
	put32(&w, pcr); /* the handle of PCR n is n (part 2, 7.4) */
	/*
	 * The authorization area (part 1, 18.6): its size, then one
	 * TPMS_AUTH_COMMAND for the password session with an empty nonce,
	 * continueSession set and an empty password, which is PCR auth
	 * unless someone set one (PCR auth values are not set in PC Client).
	 */
	put32(&w, 9);
	put32(&w, TPM_RS_PW);
	put16(&w, 0); /* nonceCaller */
	put8(&w, 1);  /* sessionAttributes: continueSession */
	put16(&w, 0); /* hmac: the password, empty */
	put32(&w, 1); /* TPML_DIGEST_VALUES: one bank */
	put16(&w, alg);
	for (size_t i = 0; i < digest_len; i++)
		put8(&w, digest[i]);
	return finish(&w);
}

int tpm2_build_get_random(uint8_t *buf, size_t cap, uint16_t n)
{
	struct wbuf w;

	start(&w, buf, cap, TPM_ST_NO_SESSIONS, TPM_CC_GET_RANDOM);
	put16(&w, n);
	return finish(&w);
}

/* ---- Reading ---- */

struct rbuf {
	const uint8_t *p;
	size_t len, at;
	bool bad; /* a get went past the end: everything after reads 0 */
};

static bool need(struct rbuf *r, size_t n)
{
	if (r->bad || n > r->len - r->at) {
		r->bad = true;
		return false;
	}
	return true;
}

static uint8_t get8(struct rbuf *r)
{
	return need(r, 1) ? r->p[r->at++] : 0;
}

static uint16_t get16(struct rbuf *r)
{
	if (!need(r, 2))
		return 0;
	uint16_t v = (uint16_t)(r->p[r->at] << 8 | r->p[r->at + 1]);
	r->at += 2;
	return v;
}

static uint32_t get32(struct rbuf *r)
{
	uint32_t hi = get16(r);

	return hi << 16 | get16(r);
}

/* Skips n bytes, or marks the reader bad when fewer are left. */
static const uint8_t *take(struct rbuf *r, size_t n)
{
	if (!need(r, n))
		return NULL;
	const uint8_t *p = r->p + r->at;
	r->at += n;
	return p;
}

static int fail(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return -SV_EINVAL;
}

int tpm2_rsp_parse(const uint8_t *rsp, size_t len, struct tpm2_rsp *out, const char **why)
{
	struct rbuf r = { rsp, len, 0, false };

	memset(out, 0, sizeof(*out));
	if (len < TPM_HDR_LEN)
		return fail(why, "response shorter than its 10-byte header");
	out->tag = get16(&r);
	out->size = get32(&r);
	out->rc = get32(&r);
	if (out->size != len)
		return fail(why, "response size field differs from the bytes received");
	if (out->size > TPM_RSP_MAX)
		return fail(why, "response larger than the VMM accepts");
	if (out->tag != TPM_ST_NO_SESSIONS && out->tag != TPM_ST_SESSIONS)
		return fail(why, "response tag is not a TPM 2.0 tag");
	/*
	 * TPM 2.0 response codes use the low 12 bits (part 2, 6.6); the
	 * layers above the TPM put theirs higher, so a TPM that sets them is
	 * not speaking TPM 2.0 (and rc fits the positive int parsers return).
	 */
	if (out->rc > 0xffff)
		return fail(why, "response code outside the TPM 2.0 range");
	if (out->rc != TPM_RC_SUCCESS && out->size != TPM_HDR_LEN)
		return fail(why, "error response with a body");
	out->body = rsp + TPM_HDR_LEN;
	out->body_len = len - TPM_HDR_LEN;
	return 0;
}

/*
 * The common start of every parser: the header checked, the TPM's error
 * returned as it is, the cursor at the body.  *r is set on success.
 */
static int open_rsp(const uint8_t *rsp, size_t len, uint16_t tag, struct rbuf *r, const char **why)
{
	struct tpm2_rsp h;
	int e = tpm2_rsp_parse(rsp, len, &h, why);

	if (e < 0)
		return e;
	if (h.rc != TPM_RC_SUCCESS)
		return (int)h.rc;
	if (h.tag != tag)
		return fail(why, tag == TPM_ST_SESSIONS ? "response has no session area"
							 : "response has an unexpected session area");
	*r = (struct rbuf){ h.body, h.body_len, 0, false };
	return 0;
}

static int close_rsp(const struct rbuf *r, const char **why)
{
	if (r->bad)
		return fail(why, "response body shorter than its fields say");
	if (r->at != r->len)
		return fail(why, "response has bytes after its last field");
	return 0;
}

int tpm2_parse_empty(const uint8_t *rsp, size_t len, const char **why)
{
	struct rbuf r;
	int e = open_rsp(rsp, len, TPM_ST_NO_SESSIONS, &r, why);

	return e ? e : close_rsp(&r, why);
}

/* moreData and the capability tag of a GetCapability response. */
static int open_cap(const uint8_t *rsp, size_t len, uint32_t capability, struct rbuf *r,
		    bool *more, const char **why)
{
	int e = open_rsp(rsp, len, TPM_ST_NO_SESSIONS, r, why);

	if (e)
		return e;
	uint8_t m = get8(r);
	uint32_t c = get32(r);
	if (r->bad)
		return fail(why, "capability response shorter than its header");
	if (m > 1)
		return fail(why, "capability moreData is not 0 or 1");
	if (c != capability)
		return fail(why, "capability response for another capability");
	if (more)
		*more = m;
	return 0;
}

/* One TPMS_PCR_SELECTION: its bank and the PCR bits (only 0-31 kept). */
static int get_selection(struct rbuf *r, uint16_t *alg, uint32_t *pcrs, const char **why)
{
	*alg = get16(r);
	uint8_t n = get8(r);
	if (r->bad)
		return fail(why, "PCR selection cut short");
	if (n > TPM_PCR_SELECT_MAX)
		return fail(why, "PCR selection longer than 4 bytes");
	const uint8_t *bits = take(r, n);
	if (!bits)
		return fail(why, "PCR selection bits cut short");
	*pcrs = 0;
	for (unsigned int i = 0; i < n; i++)
		*pcrs |= (uint32_t)bits[i] << (8 * i);
	return 0;
}

int tpm2_parse_cap_pcrs(const uint8_t *rsp, size_t len, struct tpm2_pcr_banks *out,
			const char **why)
{
	struct rbuf r;
	int e;

	memset(out, 0, sizeof(*out));
	if ((e = open_cap(rsp, len, TPM_CAP_PCRS, &r, &out->more, why)))
		return e;
	uint32_t count = get32(&r);
	if (r.bad)
		return fail(why, "PCR bank count cut short");
	if (count > TPM_MAX_BANKS)
		return fail(why, "more PCR banks than the VMM accepts");
	for (uint32_t i = 0; i < count; i++) {
		if ((e = get_selection(&r, &out->alg[i], &out->pcrs[i], why)))
			return e;
		for (uint32_t k = 0; k < i; k++)
			if (out->alg[k] == out->alg[i])
				return fail(why, "a PCR bank listed twice");
		out->count = i + 1;
	}
	return close_rsp(&r, why);
}

uint32_t tpm2_bank_pcrs(const struct tpm2_pcr_banks *b, uint16_t alg)
{
	for (unsigned int i = 0; i < b->count && i < TPM_MAX_BANKS; i++)
		if (b->alg[i] == alg)
			return b->pcrs[i];
	return 0;
}

int tpm2_parse_cap_property(const uint8_t *rsp, size_t len, uint32_t prop, uint32_t *value,
			    const char **why)
{
	struct rbuf r;
	int e;
	bool found = false;

	if ((e = open_cap(rsp, len, TPM_CAP_TPM_PROPERTIES, &r, NULL, why)))
		return e;
	uint32_t count = get32(&r);
	if (r.bad)
		return fail(why, "property count cut short");
	/* Each entry is 8 bytes: a count the body cannot hold is a lie. */
	if (count > (r.len - r.at) / 8)
		return fail(why, "property count beyond the response");
	for (uint32_t i = 0; i < count; i++) {
		uint32_t p = get32(&r), v = get32(&r);
		if (p == prop && !found) {
			*value = v;
			found = true;
		}
	}
	if ((e = close_rsp(&r, why)))
		return e;
	if (!found) {
		if (why)
			*why = "the TPM did not list the property";
		return -SV_ENOENT;
	}
	return 0;
}

int tpm2_parse_pcr_read(const uint8_t *rsp, size_t len, uint16_t alg, unsigned int pcr,
			uint8_t *digest, size_t digest_len, uint32_t *update_counter,
			const char **why)
{
	struct rbuf r;
	int e;

	if ((e = open_rsp(rsp, len, TPM_ST_NO_SESSIONS, &r, why)))
		return e;
	uint32_t counter = get32(&r);
	uint32_t nsel = get32(&r);
	if (r.bad)
		return fail(why, "PCR_Read response cut short");
	if (nsel != 1)
		return fail(why, "PCR_Read selection is not one bank");
	uint16_t got_alg;
	uint32_t got_pcrs;
	if ((e = get_selection(&r, &got_alg, &got_pcrs, why)))
		return e;
	if (got_alg != alg)
		return fail(why, "PCR_Read answered for another bank");
	if (pcr >= 32 || got_pcrs != (1u << pcr))
		return fail(why, "PCR_Read answered for other PCRs");
	uint32_t ndig = get32(&r);
	if (r.bad)
		return fail(why, "PCR_Read digest count cut short");
	if (ndig != 1)
		return fail(why, "PCR_Read digest count is not 1");
	uint16_t dlen = get16(&r);
	if (r.bad)
		return fail(why, "PCR_Read digest size cut short");
	if (dlen != digest_len)
		return fail(why, "PCR_Read digest has the wrong size for its bank");
	const uint8_t *d = take(&r, dlen);
	if (!d)
		return fail(why, "PCR_Read digest cut short");
	if ((e = close_rsp(&r, why)))
		return e;
	memcpy(digest, d, dlen);
	if (update_counter)
		*update_counter = counter;
	return 0;
}

int tpm2_parse_pcr_extend(const uint8_t *rsp, size_t len, const char **why)
{
	struct rbuf r;
	int e;

	if ((e = open_rsp(rsp, len, TPM_ST_SESSIONS, &r, why)))
		return e;
	/* parameterSize: PCR_Extend has no response parameters (part 3, 22.2). */
	uint32_t psize = get32(&r);
	if (r.bad)
		return fail(why, "PCR_Extend parameter size cut short");
	if (psize != 0)
		return fail(why, "PCR_Extend response has parameters");
	/* One TPMS_AUTH_RESPONSE; a password session echoes empty nonce and HMAC. */
	uint16_t nonce = get16(&r);
	if (!take(&r, nonce))
		return fail(why, "PCR_Extend session nonce cut short");
	get8(&r); /* sessionAttributes */
	uint16_t hmac = get16(&r);
	if (!take(&r, hmac))
		return fail(why, "PCR_Extend session HMAC cut short");
	if (!r.bad && (nonce || hmac))
		return fail(why, "PCR_Extend password session answered with a nonce or HMAC");
	return close_rsp(&r, why);
}

int tpm2_parse_get_random(const uint8_t *rsp, size_t len, uint8_t *out, size_t max, size_t *got,
			  const char **why)
{
	struct rbuf r;
	int e;

	*got = 0;
	if ((e = open_rsp(rsp, len, TPM_ST_NO_SESSIONS, &r, why)))
		return e;
	uint16_t n = get16(&r);
	if (r.bad)
		return fail(why, "GetRandom size cut short");
	if (n > max)
		return fail(why, "GetRandom returned more bytes than asked for");
	const uint8_t *p = take(&r, n);
	if (!p)
		return fail(why, "GetRandom bytes cut short");
	if ((e = close_rsp(&r, why)))
		return e;
	memcpy(out, p, n);
	*got = n;
	return 0;
}
