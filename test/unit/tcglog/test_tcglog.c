/*
 * Unit tests of the TCG crypto-agile log (guest-utils/lib/tcglog.c): the
 * writer byte for byte, the round trip through the reader and
 * measure_replay, every truncation of a valid log refused with its
 * reason, bent fields, and the SHA-256 replay's start values (17-22 all
 * ones, StartupLocality) over a two-bank firmware-like log.
 * "--write FILE [PCR]" writes the fixed Sealvisor log (tpm word with that
 * PCR, anchored; PCR 0: no TPM) for tcglog_eventlog.sh and prints each
 * PCR's replayed value.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <policy/measure.h>
#include <sv_verify.h>
#include <tcglog.h>

#include "../proc/check.h"

#define NEV 4
#define BUF_MAX 8192

/* The fixed events: image, keys, command line, one load, as the VMM logs them. */
static void make_events(struct sv_measure_event *ev)
{
	static const uint32_t types[NEV] = { SV_MEV_VMM_IMAGE, SV_MEV_TRUSTED_KEYS, SV_MEV_CMDLINE,
					     SV_MEV_LOAD };
	static const uint32_t lens[NEV] = { 112, 40, 120, 104 };

	memset(ev, 0, NEV * sizeof(*ev));
	for (uint32_t i = 0; i < NEV; i++) {
		ev[i].type = types[i];
		ev[i].data_len = lens[i];
		for (uint32_t j = 0; j < lens[i]; j++)
			ev[i].data[j] = (uint8_t)(i * 31 + j);
		measure_event_digest(ev[i].type, ev[i].data, ev[i].data_len, ev[i].digest);
	}
}

static void make_info(const struct sv_measure_event *ev, uint32_t n, uint32_t tpm,
		      struct sv_measure_info *info)
{
	memset(info, 0, sizeof(*info));
	for (uint32_t i = 0; i < n; i++)
		measure_extend_reg(info->reg, ev[i].digest);
	info->count = n;
	info->capacity = MEASURE_LOG_MAX;
	info->event_size = sizeof(struct sv_measure_event);
	info->tpm = tpm;
}

static size_t unhex(const char *s, uint8_t *out)
{
	size_t n = 0;
	unsigned int v;

	while (*s) {
		if (*s == ' ' || *s == '\n') {
			s++;
			continue;
		}
		if (sscanf(s, "%2x", &v) != 1)
			abort();
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

/* Two small events (the writer takes data and digests as given), written out by hand from the spec. */
static void test_write_bytes(void)
{
	static const char want_hex[] =
		/* header: pcrIndex 0, EV_NO_ACTION, SHA-1 digest 0, eventDataSize 33 */
		"00000000 03000000 0000000000000000000000000000000000000000 21000000"
		/* "Spec ID Event03", client, 2.0 errata 0, uintnSize 2, 1 alg: 000b size 32, vendorInfoSize 0 */
		"5370656320494420 4576656e74303300 00000000 00 02 00 02 01000000 0b00 2000 00"
		/* event: PCR 22, EV_EVENT_TAG, 1 digest SHA-256 aa.., eventSize 12, ID 2, size 4, data */
		"16000000 06000000 01000000 0b00"
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"0c000000 02000000 04000000 01020304"
		/* event: PCR 22, EV_EVENT_TAG, bb.., eventSize 8, ID 3, size 0 */
		"16000000 06000000 01000000 0b00"
		"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
		"08000000 03000000 00000000"
		/* trailer: PCR 0, EV_NO_ACTION, zero SHA-256, eventSize 56 */
		"00000000 03000000 01000000 0b00"
		"0000000000000000000000000000000000000000000000000000000000000000"
		"38000000"
		/* "Sealvisor Log 1", register cc.., tpm 0x00020116, count 2 */
		"5365616c7669736f 72204c6f67203100"
		"cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"
		"16010200 02000000";
	static uint8_t want[512], got[512];
	struct sv_measure_event ev[2];
	struct sv_measure_info info;
	size_t want_len = unhex(want_hex, want);

	memset(ev, 0, sizeof(ev));
	ev[0].type = 2;
	ev[0].data_len = 4;
	memcpy(ev[0].data, "\x01\x02\x03\x04", 4);
	memset(ev[0].digest, 0xaa, 32);
	ev[1].type = 3;
	memset(ev[1].digest, 0xbb, 32);
	memset(&info, 0, sizeof(info));
	memset(info.reg, 0xcc, 32);
	info.tpm = 22 | SV_MEASURE_TPM_ANCHORED | 2u << 16;
	CHECK_EQ(want_len, 65 + 62 + 58 + 106);
	CHECK_EQ(tcglog_sv_size(ev, 2), want_len);
	CHECK_EQ(tcglog_sv_write(ev, 2, &info, got, want_len - 1), 0); /* too small */
	CHECK_EQ(tcglog_sv_write(ev, 2, &info, got, sizeof(got)), want_len);
	CHECK(!memcmp(got, want, want_len));
	/* An event over SV_MEASURE_DATA_MAX is not written. */
	ev[1].data_len = SV_MEASURE_DATA_MAX + 1;
	CHECK_EQ(tcglog_sv_size(ev, 2), 0);
	CHECK_EQ(tcglog_sv_write(ev, 2, &info, got, sizeof(got)), 0);
	CHECK(tcglog_looks_binary(want, want_len));
	CHECK(!tcglog_looks_binary((const uint8_t *)"register 00", 11));
	CHECK(!tcglog_looks_binary(want, 7));
}

static uint8_t logbuf[BUF_MAX];
static size_t loglen;
static struct sv_measure_event evs[NEV];

static void write_fixed(uint32_t tpm)
{
	struct sv_measure_info info;

	make_events(evs);
	make_info(evs, NEV, tpm, &info);
	loglen = tcglog_sv_write(evs, NEV, &info, logbuf, sizeof(logbuf));
	CHECK_EQ(loglen, tcglog_sv_size(evs, NEV));
}

static void test_roundtrip(void)
{
	static struct sv_measure_event back[MEASURE_LOG_MAX];
	struct tcglog_sv_trailer tr;
	struct tcglog_pcrs pcrs;
	uint8_t reg[32], pcr22[32];
	uint32_t n, pcr, bad;
	const char *why = NULL;
	size_t at;

	for (int anchored = 0; anchored < 2; anchored++) {
		uint32_t tpm = anchored ? 22 | SV_MEASURE_TPM_ANCHORED | (uint32_t)NEV << 16 : 0;

		write_fixed(tpm);
		CHECK_EQ(tcglog_sv_read(logbuf, loglen, back, MEASURE_LOG_MAX, &n, &pcr, &tr, &why, &at), 0);
		CHECK_EQ(n, NEV);
		CHECK_EQ(pcr, anchored ? 22 : TCGLOG_SV_PCR_NONE);
		CHECK_EQ(tr.count, NEV);
		CHECK_EQ(tr.tpm, tpm);
		CHECK(!memcmp(back, evs, sizeof(evs)));
		CHECK_EQ(measure_replay(back, n, reg, &bad, &why), 0);
		CHECK(!memcmp(reg, tr.reg, 32));
		/* The PCR replay: 23 from zeros is the register, 22 from all ones is not. */
		CHECK_EQ(tcglog_replay_sha256(logbuf, loglen, &pcrs, &why, &at), 0);
		CHECK_EQ(pcrs.extends[pcr], NEV);
		if (!anchored) {
			CHECK(!memcmp(pcrs.value[23], reg, 32));
		} else {
			memset(pcr22, 0xff, 32);
			for (int i = 0; i < NEV; i++)
				measure_extend_reg(pcr22, evs[i].digest);
			CHECK(!memcmp(pcrs.value[22], pcr22, 32));
			CHECK(memcmp(pcrs.value[22], reg, 32));
		}
	}
	/* No events at all: the header and the trailer. */
	{
		struct sv_measure_info info;
		uint8_t small[256];
		size_t len;

		make_info(evs, 0, 0, &info);
		len = tcglog_sv_write(evs, 0, &info, small, sizeof(small));
		CHECK_EQ(len, 65 + 106);
		CHECK_EQ(tcglog_sv_read(small, len, back, MEASURE_LOG_MAX, &n, &pcr, &tr, &why, &at), 0);
		CHECK_EQ(n, 0);
		CHECK_EQ(pcr, 23);
	}
}

/* Refused by tcglog_sv_read with exactly this reason. */
static int sv_refuses(const uint8_t *buf, size_t len, uint32_t max, const char *reason)
{
	static struct sv_measure_event back[MEASURE_LOG_MAX];
	struct tcglog_sv_trailer tr;
	uint32_t n, pcr;
	const char *why = NULL;
	size_t at;

	if (tcglog_sv_read(buf, len, back, max, &n, &pcr, &tr, &why, &at) != TCGLOG_EMALFORMED ||
	    !why || strcmp(why, reason)) {
		fprintf(stderr, "  got \"%s\", wanted \"%s\"\n", why ? why : "(accepted)", reason);
		return 0;
	}
	return n == 0 && at <= len;
}

/* Offsets in the fixed log: header 65, event i starts at 65 + sum(58 + len); the trailer at i = NEV. */
static size_t event_off(uint32_t i)
{
	size_t off = 65;

	for (uint32_t j = 0; j < i; j++)
		off += 58 + evs[j].data_len;
	return off;
}

static void test_truncations(void)
{
	static const char *const header_reasons[] = {
		"shorter than the Spec ID header", "the header's eventDataSize is past the end",
	};
	uint8_t *copy;

	write_fixed(22 | SV_MEASURE_TPM_ANCHORED | (uint32_t)NEV << 16);
	/* Each truncation is its own allocation, so ASan sees any read past its end. */
	for (size_t len = 0; len < loglen; len++) {
		const char *reason;
		size_t rel;
		uint32_t i;

		copy = malloc(len ? len : 1);
		memcpy(copy, logbuf, len);
		if (len < 32) {
			reason = header_reasons[0];
		} else if (len < 65) {
			reason = header_reasons[1];
		} else {
			for (i = 0; i < NEV && event_off(i + 1) <= len; i++)
				;
			rel = len - event_off(i);
			if (rel == 0)
				reason = "no Sealvisor trailer";
			else if (rel < 12)
				reason = "an event is cut short in its header";
			else if (rel < 46)
				reason = "an event is cut short in its digests";
			else if (rel < 50)
				reason = "an event is cut short before its eventSize";
			else
				reason = "an event's eventSize is past the end";
		}
		if (!sv_refuses(copy, len, MEASURE_LOG_MAX, reason)) {
			fprintf(stderr, "  truncation to %zu bytes\n", len);
			CHECK(0);
		}
		free(copy);
	}
	copy = malloc(loglen);
	memcpy(copy, logbuf, loglen);
	CHECK(sv_refuses(copy, loglen, NEV - 1, "more events than a Sealvisor log holds"));
	free(copy);
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* A fresh copy of the fixed log with one bent little-endian word. */
static uint8_t bent[BUF_MAX];
static uint8_t *bend32(size_t off, uint32_t v)
{
	memcpy(bent, logbuf, loglen);
	put32(bent + off, v);
	return bent;
}

static void test_bent(void)
{
	size_t t;

	write_fixed(22 | SV_MEASURE_TPM_ANCHORED | (uint32_t)NEV << 16);
	t = event_off(NEV); /* the trailer */
	/* The header. */
	CHECK(sv_refuses(bend32(0, 1), loglen, MEASURE_LOG_MAX,
			 "the first event is not PCR 0's EV_NO_ACTION header"));
	CHECK(sv_refuses(bend32(4, 6), loglen, MEASURE_LOG_MAX,
			 "the first event is not PCR 0's EV_NO_ACTION header"));
	CHECK(sv_refuses(bend32(8, 1), loglen, MEASURE_LOG_MAX, "the header's digest is not zero"));
	CHECK(sv_refuses(bend32(32, 0x5f434354), loglen, MEASURE_LOG_MAX,
			 "the header is not a \"Spec ID Event03\" (not a crypto-agile log)"));
	CHECK(sv_refuses(bend32(28, 31), loglen, MEASURE_LOG_MAX,
			 "the Spec ID event's algorithms are past its size"));
	CHECK(sv_refuses(bend32(28, 32), loglen, MEASURE_LOG_MAX,
			 "the Spec ID event has no vendorInfoSize"));
	CHECK(sv_refuses(bend32(28, 34), loglen, MEASURE_LOG_MAX,
			 "the Spec ID event's size is not its fields'"));
	CHECK(sv_refuses(bend32(28, 0xffffffffu), loglen, MEASURE_LOG_MAX,
			 "the header's eventDataSize is past the end"));
	CHECK(sv_refuses(bend32(52, 0x02000201), loglen, MEASURE_LOG_MAX,
			 "the Spec ID event's version is not 2.0"));
	CHECK(sv_refuses(bend32(52, 0x00000200), loglen, MEASURE_LOG_MAX,
			 "the Spec ID event's uintnSize is not 1 or 2"));
	CHECK(sv_refuses(bend32(56, 0), loglen, MEASURE_LOG_MAX,
			 "the Spec ID event's numberOfAlgorithms is 0 or above 8"));
	CHECK(sv_refuses(bend32(56, 9), loglen, MEASURE_LOG_MAX,
			 "the Spec ID event's numberOfAlgorithms is 0 or above 8"));
	/* Two algorithms claimed where the bytes hold one: sizes no longer add up. */
	CHECK(sv_refuses(bend32(56, 2), loglen, MEASURE_LOG_MAX,
			 "the Spec ID event's algorithms are past its size"));
	CHECK(sv_refuses(bend32(60, 0x0014000b), loglen, MEASURE_LOG_MAX,
			 "a digest size in the Spec ID event is not its algorithm's"));
	CHECK(sv_refuses(bend32(60, 0x00000777), loglen, MEASURE_LOG_MAX,
			 "a digest size in the Spec ID event is not its algorithm's"));
	/* An event's digests and size. */
	CHECK(sv_refuses(bend32(65 + 8, 0), loglen, MEASURE_LOG_MAX,
			 "an event's digest count is not the header's number of algorithms"));
	CHECK(sv_refuses(bend32(65 + 8, 5), loglen, MEASURE_LOG_MAX,
			 "an event's digest count is not the header's number of algorithms"));
	CHECK(sv_refuses(bend32(65 + 12, 0x00000004), loglen, MEASURE_LOG_MAX,
			 "an event's digest algorithm is not in the header"));
	CHECK(sv_refuses(bend32(65 + 46, 0xfffffff0u), loglen, MEASURE_LOG_MAX,
			 "an event's eventSize is past the end"));
	CHECK(sv_refuses(bend32(t + 46, 57), loglen, MEASURE_LOG_MAX,
			 "an event's eventSize is past the end"));
	/* Sealvisor's rules. */
	CHECK(sv_refuses(bend32(65 + 14, 0), loglen, MEASURE_LOG_MAX,
			 "an event's digest is not SHA-256(le32 type || data)"));
	CHECK(sv_refuses(bend32(65 + 50, SV_MEV_LOAD), loglen, MEASURE_LOG_MAX,
			 "an event's digest is not SHA-256(le32 type || data)"));
	CHECK(sv_refuses(bend32(event_off(1), 23), loglen, MEASURE_LOG_MAX,
			 "an event of another PCR than the first"));
	CHECK(sv_refuses(bend32(event_off(1) + 4, 0xd), loglen, MEASURE_LOG_MAX,
			 "an event that is not EV_EVENT_TAG"));
	CHECK(sv_refuses(bend32(65 + 54, 111), loglen, MEASURE_LOG_MAX,
			 "a tagged event's taggedEventDataSize is not the rest of the event"));
	/* The trailer. */
	CHECK(sv_refuses(bend32(t + 50, 0x4c434354), loglen, MEASURE_LOG_MAX,
			 "an EV_NO_ACTION event that is not a Sealvisor trailer"));
	CHECK(sv_refuses(bend32(t + 14, 1), loglen, MEASURE_LOG_MAX, "the trailer's digest is not zero"));
	CHECK(sv_refuses(bend32(t + 50 + 52, NEV - 1), loglen, MEASURE_LOG_MAX,
			 "the trailer's count is not the events'"));
	CHECK(sv_refuses(bend32(t, 22), loglen, MEASURE_LOG_MAX, "the trailer is not in PCR 0"));
	CHECK(sv_refuses(bend32(t + 50 + 48, 23), loglen, MEASURE_LOG_MAX,
			 "the trailer's PCR is not the events'"));
	/* An event after the trailer (the trailer repeated). */
	memcpy(bent, logbuf, loglen);
	memcpy(bent + loglen, logbuf + t, loglen - t);
	CHECK(sv_refuses(bent, loglen + (loglen - t), MEASURE_LOG_MAX, "an event after the trailer"));
}

/* A long event's data: 121 bytes of tagged data (size field consistent). */
static void test_long_data(void)
{
	struct sv_measure_event ev[1];
	struct sv_measure_info info;
	static uint8_t buf[BUF_MAX];
	size_t len;

	memset(ev, 0, sizeof(ev));
	ev[0].type = SV_MEV_LOAD;
	ev[0].data_len = 112;
	make_info(ev, 0, 0, &info);
	len = tcglog_sv_write(ev, 1, &info, buf, sizeof(buf));
	CHECK(len > 0);
	/* Grow the tagged data to 121 bytes in place: eventSize, the size field, 9 bytes more. */
	memmove(buf + 65 + 58 + 121, buf + 65 + 58 + 112, len - (65 + 58 + 112));
	memset(buf + 65 + 58 + 112, 0, 9);
	put32(buf + 65 + 46, 8 + 121);
	put32(buf + 65 + 54, 121);
	CHECK(sv_refuses(buf, len + 9, MEASURE_LOG_MAX, "a tagged event's data is longer than 120 bytes"));
	put32(buf + 65 + 46, 7);
	CHECK(sv_refuses(buf, 65 + 50 + 7, MEASURE_LOG_MAX, "a tagged event shorter than its ID and size"));
}

/* ---- a firmware-like log with two banks ---------------------------------- */

static size_t fw_len;
static uint8_t fw[BUF_MAX];

static void fw_put(const void *p, size_t n)
{
	if (n)
		memcpy(fw + fw_len, p, n);
	fw_len += n;
}

static void fw_put32(uint32_t v)
{
	uint8_t b[4];

	put32(b, v);
	fw_put(b, 4);
}

static void fw_header(void)
{
	static const uint8_t spec[] = "Spec ID Event03";
	static const uint8_t algs[] = { 0x04, 0, 20, 0, 0x0b, 0, 32, 0 };

	fw_len = 0;
	fw_put32(0);
	fw_put32(TCGLOG_EV_NO_ACTION);
	fw_put("\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 20);
	fw_put32(16 + 4 + 4 + 4 + 8 + 1 + 3);
	fw_put(spec, 16);
	fw_put32(0);
	fw_put("\0\2\2\2", 4);
	fw_put32(2);
	fw_put(algs, 8);
	fw_put("\3abc", 4); /* vendorInfoSize 3 */
}

/* An event with SHA-256 digest d (and a SHA-1 digest of 0x11), in that order or the other. */
static void fw_event(uint32_t pcr, uint32_t type, const uint8_t d[32], const void *data, uint32_t len,
		     int sha256_first)
{
	uint8_t sha1[20];

	memset(sha1, 0x11, 20);
	fw_put32(pcr);
	fw_put32(type);
	fw_put32(2);
	if (sha256_first) {
		fw_put("\x0b\0", 2);
		fw_put(d, 32);
	}
	fw_put("\x04\0", 2);
	fw_put(sha1, 20);
	if (!sha256_first) {
		fw_put("\x0b\0", 2);
		fw_put(d, 32);
	}
	fw_put32(len);
	fw_put(data, len);
}

static void ext(uint8_t v[32], const uint8_t d[32])
{
	uint8_t both[64];

	memcpy(both, v, 32);
	memcpy(both + 32, d, 32);
	sv_sha256(both, 64, v);
}

struct count_ctx {
	uint32_t n, with_sha256;
};

static int count_one(void *p, const struct tcglog_event *e)
{
	struct count_ctx *c = p;

	c->n++;
	c->with_sha256 += e->sha256 != NULL && e->ndigests == 2;
	return 0;
}

static int stop_at_two(void *p, const struct tcglog_event *e)
{
	(void)p;
	return e->index == 2 ? 7 : 0;
}

static void test_replay(void)
{
	static const uint8_t locality[17] = "StartupLocality\0\3";
	uint8_t d1[32], d2[32], d3[32], want[32];
	struct tcglog_pcrs pcrs;
	struct tcglog_header h;
	struct count_ctx cc = { 0, 0 };
	const char *why = NULL;
	size_t at;

	memset(d1, 0x21, 32);
	memset(d2, 0x22, 32);
	memset(d3, 0x23, 32);
	fw_header();
	fw_event(0, TCGLOG_EV_NO_ACTION, (const uint8_t[32]){ 0 }, locality, 17, 0);
	fw_event(0, 0x8, d1, "x", 1, 0);            /* EV_S_CRTM_VERSION */
	fw_event(17, 0x80000001u, d2, "abcd", 4, 1); /* unknown type, SHA-256 first */
	fw_event(23, 0xd, d3, NULL, 0, 0);
	fw_event(5, TCGLOG_EV_NO_ACTION, d1, "note", 4, 0); /* not extended */
	fw_event(7, 0x80000002u, d2, "y", 1, 0);
	CHECK_EQ(tcglog_parse(fw, fw_len, &h, count_one, &cc, &why, &at), 0);
	CHECK_EQ(h.nalgs, 2);
	CHECK_EQ(h.alg[0].id, TCGLOG_ALG_SHA1);
	CHECK_EQ(h.alg[1].size, 32);
	CHECK_EQ(h.vendor_info_size, 3);
	CHECK_EQ(h.spec_errata, 2);
	CHECK_EQ(cc.n, 6);
	CHECK_EQ(cc.with_sha256, 6);
	CHECK_EQ(tcglog_parse(fw, fw_len, NULL, stop_at_two, NULL, &why, &at), 7);
	CHECK_EQ(tcglog_replay_sha256(fw, fw_len, &pcrs, &why, &at), 0);
	memset(want, 0, 32);
	want[31] = 3;
	ext(want, d1);
	CHECK(!memcmp(pcrs.value[0], want, 32));
	memset(want, 0xff, 32);
	ext(want, d2);
	CHECK(!memcmp(pcrs.value[17], want, 32));
	memset(want, 0, 32);
	ext(want, d3);
	CHECK(!memcmp(pcrs.value[23], want, 32));
	memset(want, 0, 32);
	ext(want, d2);
	CHECK(!memcmp(pcrs.value[7], want, 32));
	memset(want, 0, 32);
	CHECK(!memcmp(pcrs.value[5], want, 32));
	CHECK_EQ(pcrs.extends[5], 0);
	CHECK_EQ(pcrs.extends[0], 1);
	/* Untouched PCRs keep their start values. */
	memset(want, 0xff, 32);
	CHECK(!memcmp(pcrs.value[18], want, 32));
	CHECK(!memcmp(pcrs.value[22], want, 32));
	memset(want, 0, 32);
	CHECK(!memcmp(pcrs.value[16], want, 32));
	uint8_t start[32];
	tcglog_pcr_start(17, start);
	CHECK_EQ(start[0], 0xff);
	tcglog_pcr_start(16, start);
	CHECK_EQ(start[31], 0);
	tcglog_pcr_start(23, start);
	CHECK_EQ(start[0], 0);
	/* Two banks are not a Sealvisor log. */
	CHECK(sv_refuses(fw, fw_len, MEASURE_LOG_MAX, "not a Sealvisor log: not exactly the one SHA-256 bank"));

	/* StartupLocality after PCR 0's first extend; one of the wrong size. */
	fw_header();
	fw_event(0, 0x8, d1, "x", 1, 0);
	fw_event(0, TCGLOG_EV_NO_ACTION, d1, locality, 17, 0);
	CHECK_EQ(tcglog_replay_sha256(fw, fw_len, &pcrs, &why, &at), TCGLOG_EMALFORMED);
	CHECK(!strcmp(why, "a StartupLocality event after PCR 0 started"));
	fw_header();
	fw_event(0, TCGLOG_EV_NO_ACTION, d1, "StartupLocality\0\3\3", 18, 0);
	CHECK_EQ(tcglog_replay_sha256(fw, fw_len, &pcrs, &why, &at), TCGLOG_EMALFORMED);
	CHECK(!strcmp(why, "a StartupLocality event that is not 17 bytes"));
	fw_header();
	fw_event(24, 0x8, d1, "x", 1, 0);
	CHECK_EQ(tcglog_replay_sha256(fw, fw_len, &pcrs, &why, &at), TCGLOG_EMALFORMED);
	CHECK(!strcmp(why, "an extended event of a PCR above 23"));
	CHECK_EQ(at, 72); /* its first event: the header is 32 + 40 bytes */
	/* One algorithm twice in an event. */
	fw_header();
	fw_event(1, 0x8, d1, "x", 1, 0);
	memcpy(fw + fw_len - 1 - 4 - 32 - 2, "\x04\0", 2); /* the SHA-256 digest's hashAlg: SHA-1 */
	CHECK_EQ(tcglog_parse(fw, fw_len, NULL, NULL, NULL, &why, &at), TCGLOG_EMALFORMED);
	CHECK(!strcmp(why, "an event carries one algorithm twice"));
	/* No SHA-256 bank: rewrite the header's second algorithm as SHA-384 with no events. */
	fw_header();
	memcpy(fw + 60 + 4, "\x0c\0\x30\0", 4);
	CHECK_EQ(tcglog_replay_sha256(fw, fw_len, &pcrs, &why, &at), TCGLOG_EMALFORMED);
	CHECK(!strcmp(why, "the log has no SHA-256 bank"));
}

static int write_file(const char *path, uint32_t pcr)
{
	struct tcglog_pcrs pcrs;
	const char *why;
	size_t at;
	FILE *f;

	write_fixed(pcr ? pcr | SV_MEASURE_TPM_ANCHORED | (uint32_t)NEV << 16 : 0);
	f = fopen(path, "wb");
	if (!f || fwrite(logbuf, 1, loglen, f) != loglen || fclose(f)) {
		perror(path);
		return 1;
	}
	if (tcglog_replay_sha256(logbuf, loglen, &pcrs, &why, &at))
		return 1;
	for (uint32_t i = 0; i < TCGLOG_PCRS; i++) {
		printf("pcr %u ", i);
		for (int j = 0; j < 32; j++)
			printf("%02x", pcrs.value[i][j]);
		printf("\n");
	}
	/* What a replay from zeros gives (tpm2_eventlog's view). */
	{
		uint8_t zero_start[32] = { 0 };
		for (uint32_t i = 0; i < NEV; i++)
			ext(zero_start, evs[i].digest);
		printf("from-zero ");
		for (int j = 0; j < 32; j++)
			printf("%02x", zero_start[j]);
		printf("\n");
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "--write"))
		return write_file(argv[2], argc > 3 ? (uint32_t)strtoul(argv[3], NULL, 0) : 0);
	test_write_bytes();
	test_roundtrip();
	test_truncations();
	test_bent();
	test_long_data();
	test_replay();
	return check_report("tcglog");
}
