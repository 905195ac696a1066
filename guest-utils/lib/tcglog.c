/*
 * The TCG crypto-agile log: documented in tcglog.h and docs/tpm.md.  The
 * parser reads every field through rd_* with the bytes left checked
 * first, so no size or count in the log can make it read past the end.
 */
#include "tcglog.h"

#include <string.h>

#include <sv_verify.h>

#define SPEC_ID_SIG "Spec ID Event03" /* 16 bytes with its NUL */
#define STARTUP_LOCALITY_SIG "StartupLocality"
#define HEADER_FIXED 32u  /* pcrIndex, eventType, SHA-1 digest[20], eventDataSize */
#define SPEC_ID_FIXED 28u /* signature[16], platformClass, 4 version bytes, numberOfAlgorithms */
#define TAG_HDR 8u        /* taggedEventID, taggedEventDataSize */

/* A cursor over the hostile bytes. */
struct cur {
	const uint8_t *p;
	size_t len, off;
};

static int need(const struct cur *c, size_t n)
{
	return c->len - c->off >= n;
}

static uint32_t rd32(struct cur *c)
{
	const uint8_t *p = c->p + c->off;

	c->off += 4;
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t rd16(struct cur *c)
{
	const uint8_t *p = c->p + c->off;

	c->off += 2;
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint8_t *put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
	return p + 4;
}

static uint8_t *put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	return p + 2;
}

static int all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* The size the TCG registry gives an algorithm, 0 for one it does not know here. */
static uint16_t known_size(uint16_t alg)
{
	switch (alg) {
	case TCGLOG_ALG_SHA1:
		return 20;
	case TCGLOG_ALG_SHA256:
	case 0x0012: /* SM3_256 */
		return 32;
	case 0x000c: /* SHA384 */
		return 48;
	case 0x000d: /* SHA512 */
		return 64;
	default:
		return 0;
	}
}

static int fail(const char **why, size_t *at, const char *msg, size_t off)
{
	*why = msg;
	*at = off;
	return TCGLOG_EMALFORMED;
}

static int parse_header(struct cur *c, struct tcglog_header *h, const char **why, size_t *at)
{
	uint8_t sha1[20];
	uint32_t size, pcr, type;
	struct cur s;

	if (!need(c, HEADER_FIXED))
		return fail(why, at, "shorter than the Spec ID header", 0);
	pcr = rd32(c);
	type = rd32(c);
	memcpy(sha1, c->p + c->off, 20);
	c->off += 20;
	size = rd32(c);
	if (pcr != 0 || type != TCGLOG_EV_NO_ACTION)
		return fail(why, at, "the first event is not PCR 0's EV_NO_ACTION header", 0);
	if (!all_zero(sha1, 20))
		return fail(why, at, "the header's digest is not zero", 8);
	if (!need(c, size))
		return fail(why, at, "the header's eventDataSize is past the end", 28);
	/* The Spec ID event, read within its own size. */
	s.p = c->p + c->off;
	s.len = size;
	s.off = 0;
	if (!need(&s, SPEC_ID_FIXED) || memcmp(s.p, SPEC_ID_SIG, 16))
		return fail(why, at, "the header is not a \"Spec ID Event03\" (not a crypto-agile log)",
			    HEADER_FIXED);
	s.off = 16;
	h->platform_class = rd32(&s);
	h->spec_minor = s.p[s.off];
	h->spec_major = s.p[s.off + 1];
	h->spec_errata = s.p[s.off + 2];
	h->uintn_size = s.p[s.off + 3];
	s.off += 4;
	h->nalgs = rd32(&s);
	if (h->spec_major != 2 || h->spec_minor != 0)
		return fail(why, at, "the Spec ID event's version is not 2.0", HEADER_FIXED + 20);
	if (h->uintn_size != 1 && h->uintn_size != 2)
		return fail(why, at, "the Spec ID event's uintnSize is not 1 or 2", HEADER_FIXED + 23);
	if (h->nalgs == 0 || h->nalgs > TCGLOG_ALGS_MAX)
		return fail(why, at, "the Spec ID event's numberOfAlgorithms is 0 or above 8",
			    HEADER_FIXED + 24);
	for (uint32_t i = 0; i < h->nalgs; i++) {
		size_t off = HEADER_FIXED + s.off;
		uint16_t k;

		if (!need(&s, 4))
			return fail(why, at, "the Spec ID event's algorithms are past its size", off);
		h->alg[i].id = rd16(&s);
		h->alg[i].size = rd16(&s);
		k = known_size(h->alg[i].id);
		if (h->alg[i].size == 0 || h->alg[i].size > TCGLOG_DIGEST_MAX ||
		    (k && k != h->alg[i].size))
			return fail(why, at, "a digest size in the Spec ID event is not its algorithm's",
				    off);
		for (uint32_t j = 0; j < i; j++)
			if (h->alg[j].id == h->alg[i].id)
				return fail(why, at, "an algorithm twice in the Spec ID event", off);
	}
	if (!need(&s, 1))
		return fail(why, at, "the Spec ID event has no vendorInfoSize", HEADER_FIXED + s.off);
	h->vendor_info_size = s.p[s.off++];
	if (s.len - s.off != h->vendor_info_size)
		return fail(why, at, "the Spec ID event's size is not its fields'", 28);
	c->off += size;
	return 0;
}

int tcglog_parse(const uint8_t *buf, size_t len, struct tcglog_header *hdr, tcglog_event_fn cb,
		 void *ctx, const char **why, size_t *at)
{
	struct tcglog_header local;
	struct cur c = { buf, len, 0 };
	struct tcglog_event ev;
	int rc;

	if (!hdr)
		hdr = &local;
	memset(hdr, 0, sizeof(*hdr));
	rc = parse_header(&c, hdr, why, at);
	if (rc)
		return rc;
	for (uint32_t index = 0; c.off < c.len; index++) {
		memset(&ev, 0, sizeof(ev));
		ev.index = index;
		ev.offset = c.off;
		if (!need(&c, 12))
			return fail(why, at, "an event is cut short in its header", c.off);
		ev.pcr = rd32(&c);
		ev.type = rd32(&c);
		ev.ndigests = rd32(&c);
		if (ev.ndigests != hdr->nalgs)
			return fail(why, at, "an event's digest count is not the header's number of algorithms",
				    ev.offset + 8);
		for (uint32_t i = 0; i < ev.ndigests; i++) {
			size_t off = c.off;
			uint32_t a;

			if (!need(&c, 2))
				return fail(why, at, "an event is cut short in its digests", off);
			ev.digest[i].alg = rd16(&c);
			for (a = 0; a < hdr->nalgs && hdr->alg[a].id != ev.digest[i].alg; a++)
				;
			if (a == hdr->nalgs)
				return fail(why, at, "an event's digest algorithm is not in the header", off);
			for (uint32_t j = 0; j < i; j++)
				if (ev.digest[j].alg == ev.digest[i].alg)
					return fail(why, at, "an event carries one algorithm twice", off);
			ev.digest[i].size = hdr->alg[a].size;
			if (!need(&c, ev.digest[i].size))
				return fail(why, at, "an event is cut short in its digests", off);
			ev.digest[i].digest = c.p + c.off;
			c.off += ev.digest[i].size;
			if (ev.digest[i].alg == TCGLOG_ALG_SHA256)
				ev.sha256 = ev.digest[i].digest;
		}
		if (!need(&c, 4))
			return fail(why, at, "an event is cut short before its eventSize", c.off);
		ev.data_len = rd32(&c);
		if (!need(&c, ev.data_len))
			return fail(why, at, "an event's eventSize is past the end", c.off - 4);
		ev.data = c.p + c.off;
		c.off += ev.data_len;
		if (cb) {
			rc = cb(ctx, &ev);
			if (rc)
				return rc;
		}
	}
	return 0;
}

void tcglog_pcr_start(uint32_t pcr, uint8_t value[32])
{
	memset(value, pcr >= 17 && pcr <= 22 ? 0xff : 0, 32);
}

struct replay_ctx {
	struct tcglog_pcrs *out;
	int locality_seen;
	const char *why;
	size_t at;
};

static int replay_one(void *p, const struct tcglog_event *ev)
{
	struct replay_ctx *r = p;
	uint8_t both[64];

	if (ev->type == TCGLOG_EV_NO_ACTION) {
		/* Not extended; only PCR 0's StartupLocality sets a start value. */
		if (ev->pcr != 0 || ev->data_len < 16 || memcmp(ev->data, STARTUP_LOCALITY_SIG, 16))
			return 0;
		if (ev->data_len != 17 || r->locality_seen || r->out->extends[0]) {
			r->why = ev->data_len != 17 ? "a StartupLocality event that is not 17 bytes"
						    : "a StartupLocality event after PCR 0 started";
			r->at = ev->offset;
			return 1;
		}
		r->locality_seen = 1;
		memset(r->out->value[0], 0, 32);
		r->out->value[0][31] = ev->data[16];
		return 0;
	}
	if (ev->pcr >= TCGLOG_PCRS) {
		r->why = "an extended event of a PCR above 23";
		r->at = ev->offset;
		return 1;
	}
	memcpy(both, r->out->value[ev->pcr], 32);
	memcpy(both + 32, ev->sha256, 32);
	sv_sha256(both, sizeof(both), r->out->value[ev->pcr]);
	r->out->extends[ev->pcr]++;
	return 0;
}

int tcglog_replay_sha256(const uint8_t *buf, size_t len, struct tcglog_pcrs *out,
			 const char **why, size_t *at)
{
	struct tcglog_header h;
	struct replay_ctx r = { out, 0, NULL, 0 };
	uint32_t a;
	int rc;

	memset(out, 0, sizeof(*out));
	for (uint32_t i = 0; i < TCGLOG_PCRS; i++)
		tcglog_pcr_start(i, out->value[i]);
	rc = tcglog_parse(buf, len, &h, NULL, NULL, why, at);
	if (rc)
		return rc;
	for (a = 0; a < h.nalgs && h.alg[a].id != TCGLOG_ALG_SHA256; a++)
		;
	if (a == h.nalgs)
		return fail(why, at, "the log has no SHA-256 bank", HEADER_FIXED + 28);
	rc = tcglog_parse(buf, len, NULL, replay_one, &r, why, at);
	if (rc > 0)
		return fail(why, at, r.why, r.at);
	return rc;
}

/* ---- Sealvisor's logs ---------------------------------------------------- */

#define SV_HEADER_SIZE (HEADER_FIXED + SPEC_ID_FIXED + 4u + 1u)
#define SV_EVENT_FIXED (12u + 2u + 32u + 4u) /* pcrIndex, eventType, count, hashAlg, digest, eventSize */

size_t tcglog_sv_size(const struct sv_measure_event *ev, uint32_t n)
{
	size_t size = SV_HEADER_SIZE + SV_EVENT_FIXED + TCGLOG_SV_TRAILER_SIZE;

	for (uint32_t i = 0; i < n; i++) {
		if (ev[i].data_len > SV_MEASURE_DATA_MAX)
			return 0;
		size += SV_EVENT_FIXED + TAG_HDR + ev[i].data_len;
	}
	return size;
}

static uint8_t *put_event_head(uint8_t *p, uint32_t pcr, uint32_t type, const uint8_t digest[32],
			       uint32_t size)
{
	p = put32(p, pcr);
	p = put32(p, type);
	p = put32(p, 1);
	p = put16(p, TCGLOG_ALG_SHA256);
	memcpy(p, digest, 32);
	return put32(p + 32, size);
}

size_t tcglog_sv_write(const struct sv_measure_event *ev, uint32_t n,
		       const struct sv_measure_info *info, uint8_t *buf, size_t cap)
{
	static const uint8_t zero[32];
	size_t size = tcglog_sv_size(ev, n);
	uint32_t pcr = SV_MEASURE_TPM_PCR(info->tpm) ? SV_MEASURE_TPM_PCR(info->tpm) : TCGLOG_SV_PCR_NONE;
	uint8_t *p = buf;

	if (!size || size > cap)
		return 0;
	memset(buf, 0, size);
	/* The SHA-1 format header with the Spec ID event. */
	p = put32(p, 0);
	p = put32(p, TCGLOG_EV_NO_ACTION);
	p += 20;
	p = put32(p, SPEC_ID_FIXED + 4 + 1);
	memcpy(p, SPEC_ID_SIG, 16);
	p += 16;
	p = put32(p, 0);  /* platformClass: client */
	*p++ = 0;         /* specVersionMinor */
	*p++ = 2;         /* specVersionMajor */
	*p++ = 0;         /* specErrata */
	*p++ = 2;         /* uintnSize: UINT64 */
	p = put32(p, 1);  /* numberOfAlgorithms */
	p = put16(p, TCGLOG_ALG_SHA256);
	p = put16(p, 32);
	*p++ = 0;         /* vendorInfoSize */
	for (uint32_t i = 0; i < n; i++) {
		p = put_event_head(p, pcr, TCGLOG_EV_EVENT_TAG, ev[i].digest, TAG_HDR + ev[i].data_len);
		p = put32(p, ev[i].type);
		p = put32(p, ev[i].data_len);
		memcpy(p, ev[i].data, ev[i].data_len);
		p += ev[i].data_len;
	}
	/*
	 * The trailer in PCR 0, where the spec's other EV_NO_ACTION events
	 * stand: tpm2_eventlog (5.4) extends EV_NO_ACTION digests too, and
	 * there the zero digest leaves the VMM's PCR as the events make it.
	 */
	p = put_event_head(p, 0, TCGLOG_EV_NO_ACTION, zero, TCGLOG_SV_TRAILER_SIZE);
	memcpy(p, TCGLOG_SV_SIGNATURE, sizeof(TCGLOG_SV_SIGNATURE));
	p += 16;
	memcpy(p, info->reg, 32);
	p = put32(p + 32, info->tpm);
	p = put32(p, n);
	return (size_t)(p - buf);
}

struct sv_ctx {
	struct sv_measure_event *ev;
	uint32_t max, n, pcr;
	struct tcglog_sv_trailer *tr;
	int have_trailer;
	const char *why;
	size_t at;
};

static int sv_bad(struct sv_ctx *s, const char *why, size_t at)
{
	s->why = why;
	s->at = at;
	return 1;
}

static int sv_trailer(struct sv_ctx *s, const struct tcglog_event *e)
{
	char sig[16] = TCGLOG_SV_SIGNATURE;
	uint32_t tpm_pcr;

	if (e->data_len != TCGLOG_SV_TRAILER_SIZE || memcmp(e->data, sig, 16))
		return sv_bad(s, "an EV_NO_ACTION event that is not a Sealvisor trailer", e->offset);
	if (!all_zero(e->sha256, 32))
		return sv_bad(s, "the trailer's digest is not zero", e->offset);
	memcpy(s->tr->reg, e->data + 16, 32);
	s->tr->tpm = get32(e->data + 48);
	s->tr->count = get32(e->data + 52);
	if (e->pcr != 0)
		return sv_bad(s, "the trailer is not in PCR 0", e->offset);
	tpm_pcr = SV_MEASURE_TPM_PCR(s->tr->tpm) ? SV_MEASURE_TPM_PCR(s->tr->tpm) : TCGLOG_SV_PCR_NONE;
	if (s->n && s->pcr != tpm_pcr)
		return sv_bad(s, "the trailer's PCR is not the events'", e->offset);
	if (s->tr->count != s->n)
		return sv_bad(s, "the trailer's count is not the events'", e->offset);
	s->pcr = tpm_pcr;
	s->have_trailer = 1;
	return 0;
}

static int sv_one(void *p, const struct tcglog_event *e)
{
	struct sv_ctx *s = p;
	struct sv_measure_event *out;
	uint8_t digest[32], buf[4 + SV_MEASURE_DATA_MAX];
	uint32_t size;

	if (s->have_trailer)
		return sv_bad(s, "an event after the trailer", e->offset);
	if (e->type == TCGLOG_EV_NO_ACTION)
		return sv_trailer(s, e);
	if (e->type != TCGLOG_EV_EVENT_TAG)
		return sv_bad(s, "an event that is not EV_EVENT_TAG", e->offset);
	if (s->n && e->pcr != s->pcr)
		return sv_bad(s, "an event of another PCR than the first", e->offset);
	if (e->data_len < TAG_HDR)
		return sv_bad(s, "a tagged event shorter than its ID and size", e->offset);
	size = get32(e->data + 4);
	if (size != e->data_len - TAG_HDR)
		return sv_bad(s, "a tagged event's taggedEventDataSize is not the rest of the event",
			      e->offset);
	if (size > SV_MEASURE_DATA_MAX)
		return sv_bad(s, "a tagged event's data is longer than 120 bytes", e->offset);
	if (s->n == s->max)
		return sv_bad(s, "more events than a Sealvisor log holds", e->offset);
	/* The digest covers le32 ID || data, the ID's 4 bytes as they stand. */
	memcpy(buf, e->data, 4);
	memcpy(buf + 4, e->data + TAG_HDR, size);
	sv_sha256(buf, 4 + size, digest);
	if (memcmp(digest, e->sha256, 32))
		return sv_bad(s, "an event's digest is not SHA-256(le32 type || data)", e->offset);
	out = &s->ev[s->n++];
	memset(out, 0, sizeof(*out));
	out->type = get32(e->data);
	out->data_len = size;
	memcpy(out->digest, digest, 32);
	memcpy(out->data, e->data + TAG_HDR, size);
	s->pcr = e->pcr;
	return 0;
}

int tcglog_sv_read(const uint8_t *buf, size_t len, struct sv_measure_event *ev, uint32_t max,
		   uint32_t *n, uint32_t *pcr, struct tcglog_sv_trailer *tr, const char **why,
		   size_t *at)
{
	struct tcglog_header h;
	struct sv_ctx s = { ev, max, 0, 0, tr, 0, NULL, 0 };
	int rc;

	*n = 0;
	*pcr = 0;
	memset(tr, 0, sizeof(*tr));
	rc = tcglog_parse(buf, len, &h, NULL, NULL, why, at);
	if (rc)
		return rc;
	if (h.nalgs != 1 || h.alg[0].id != TCGLOG_ALG_SHA256)
		return fail(why, at, "not a Sealvisor log: not exactly the one SHA-256 bank",
			    HEADER_FIXED + 24);
	rc = tcglog_parse(buf, len, NULL, sv_one, &s, why, at);
	if (rc > 0)
		return fail(why, at, s.why, s.at);
	if (rc)
		return rc;
	if (!s.have_trailer)
		return fail(why, at, "no Sealvisor trailer", len);
	*n = s.n;
	*pcr = s.pcr;
	return 0;
}

int tcglog_looks_binary(const uint8_t *buf, size_t len)
{
	return len >= 8 && get32(buf) == 0 && get32(buf + 4) == TCGLOG_EV_NO_ACTION;
}
