/*
 * Unit tests of the portable load policy (vmm/policy): the anti-rollback
 * table (floors, highest since boot, "none", a full table), the
 * revocation-list parser (every refusal with its code, lookups, limits),
 * and the measurement log's bookkeeping (typed digests, the fixed shape,
 * reserve, once per list in force, the overflow marker, replay refusing
 * edits, unknown types, wrong lengths and a wrong start).  With
 * "events" as argument it prints a fixed event sequence and the register
 * it gives, for test_measure.py to recompute with Python's hashlib.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <policy/measure.h>
#include <policy/revlist.h>
#include <policy/svn.h>
#include <sv_verify.h>

#include "../proc/check.h"

static void test_svn(void)
{
	static const struct svn_floor floors[] = { { "vpnd", 3 }, { "none", 1 }, { NULL, 0 } };
	static struct svn_table t;
	uint32_t min;

	svn_init(&t, floors);
	CHECK_EQ(svn_check(&t, "vpnd", 2, &min), -SV_ESVN_FLOOR);
	CHECK_EQ(min, 3);
	CHECK_EQ(svn_check(&t, "vpnd", 3, &min), 0);
	CHECK_EQ(min, 3);
	CHECK_EQ(svn_record(&t, "vpnd", 3), 1);
	CHECK_EQ(svn_record(&t, "vpnd", 3), 0);
	CHECK_EQ(svn_record(&t, "vpnd", 5), 1);
	CHECK_EQ(svn_check(&t, "vpnd", 4, &min), -SV_ESVN_ROLLBACK);
	CHECK_EQ(min, 5);
	CHECK_EQ(svn_check(&t, "vpnd", 5, &min), 0);
	CHECK_EQ(svn_check(&t, "vpnd", 0xffffffffu, &min), 0);
	/* "none" (no manifest): its floor only, never an entry. */
	CHECK_EQ(svn_check(&t, "none", 0, &min), -SV_ESVN_FLOOR);
	CHECK_EQ(min, 1);
	CHECK_EQ(svn_floor_of(&t, "other"), 0);
	CHECK_EQ(svn_check(&t, "other", 0, &min), 0);
	CHECK_EQ(min, 0);
	/* Products are told apart exactly. */
	CHECK_EQ(svn_record(&t, "vpn", 9), 1);
	CHECK_EQ(svn_check(&t, "vpnd", 5, &min), 0);
	CHECK_EQ(svn_check(&t, "vpn", 8, &min), -SV_ESVN_ROLLBACK);
	CHECK_EQ(svn_record(&t, "", 1), -SV_EINVAL);
	CHECK_EQ(svn_record(&t, "abcdefghijklmnopqrstuvwxyz0123456", 1), -SV_EINVAL);

	/* A full table refuses a new product at check time, never after. */
	struct svn_table *u = calloc(1, sizeof(*u));
	char name[16];
	svn_init(u, NULL);
	for (unsigned int i = 0; i < SVN_MAX_PRODUCTS; i++) {
		snprintf(name, sizeof(name), "p%u", i);
		CHECK_EQ(svn_check(u, name, 1, &min), 0);
		CHECK_EQ(svn_record(u, name, 1), 1);
	}
	CHECK_EQ(svn_check(u, "one-more", 1, &min), -SV_ETABLE_FULL);
	CHECK_EQ(svn_record(u, "one-more", 1), -SV_ETABLE_FULL);
	CHECK_EQ(svn_check(u, "p7", 1, &min), 0);
	CHECK_EQ(svn_check(u, "none", 0, &min), 0);
	free(u);
}

static size_t mklist(uint8_t *b, const char *magic, uint32_t format, uint64_t version, uint32_t nd,
		     uint32_t nk)
{
	memcpy(b, magic, 4);
	for (int i = 0; i < 4; i++) {
		b[4 + i] = (uint8_t)(format >> (8 * i));
		b[16 + i] = (uint8_t)(nd >> (8 * i));
		b[20 + i] = (uint8_t)(nk >> (8 * i));
	}
	for (int i = 0; i < 8; i++)
		b[8 + i] = (uint8_t)(version >> (8 * i));
	for (uint32_t e = 0; e < nd + nk && e < REVLIST_MAX_ENTRIES + 1; e++) {
		memset(b + 24 + 32 * e, 0x11, 32);
		/* Ascending within each half. */
		b[24 + 32 * e + 30] = (uint8_t)((e < nd ? e : e - nd) >> 8);
		b[24 + 32 * e + 31] = (uint8_t)(e < nd ? e : e - nd);
	}
	return 24 + 32 * (size_t)(nd + nk);
}

static void test_revlist(void)
{
	static uint8_t b[REVLIST_MAX_SIZE + 64];
	struct revlist rl;
	uint8_t x[32];
	size_t n;

	n = mklist(b, "SVRL", 1, 0x0102030405060708ull, 3, 2);
	CHECK_EQ(revlist_parse(b, n, &rl), 0);
	CHECK(rl.version == 0x0102030405060708ull);
	CHECK_EQ(rl.ndigests, 3);
	CHECK_EQ(rl.nkeys, 2);
	memset(x, 0x11, 32);
	x[30] = 0;
	for (uint8_t i = 0; i < 3; i++) {
		x[31] = i;
		CHECK(revlist_has_digest(&rl, x));
	}
	x[31] = 3;
	CHECK(!revlist_has_digest(&rl, x));
	x[31] = 1;
	CHECK(revlist_has_key(&rl, x));
	x[31] = 2;
	CHECK(!revlist_has_key(&rl, x));
	x[0] = 0;
	CHECK(!revlist_has_digest(&rl, x));
	/* Empty: valid, revokes nothing. */
	n = mklist(b, "SVRL", 1, 1, 0, 0);
	CHECK_EQ(revlist_parse(b, n, &rl), 0);
	CHECK(!revlist_has_digest(&rl, x) && !revlist_has_key(&rl, x));
	/* The largest list, and one entry more. */
	n = mklist(b, "SVRL", 1, 1, REVLIST_MAX_ENTRIES - 10, 10);
	CHECK_EQ(n, REVLIST_MAX_SIZE);
	CHECK_EQ(revlist_parse(b, n, &rl), 0);
	n = mklist(b, "SVRL", 1, 1, REVLIST_MAX_ENTRIES, 1);
	CHECK_EQ(revlist_parse(b, n, &rl), -SV_ERL_TOOBIG);
	CHECK_EQ(rl.version, 0);
	/* Counts whose sum wraps 32 bits. */
	n = mklist(b, "SVRL", 1, 1, 0, 0);
	b[16] = b[17] = b[18] = b[19] = 0xff;
	b[20] = 2;
	CHECK_EQ(revlist_parse(b, 88, &rl), -SV_ERL_TOOBIG);
	/* Truncated: below the header, one byte short, one byte over. */
	n = mklist(b, "SVRL", 1, 1, 2, 1);
	for (size_t len = 0; len < 24; len++)
		CHECK_EQ(revlist_parse(b, len, &rl), -SV_ERL_TRUNCATED);
	for (size_t len = 24; len < n; len++)
		CHECK_EQ(revlist_parse(b, len, &rl), -SV_ERL_TRUNCATED);
	CHECK_EQ(revlist_parse(b, n + 1, &rl), -SV_ERL_TRUNCATED);
	CHECK_EQ(revlist_parse(NULL, 0, &rl), -SV_ERL_TRUNCATED);
	/* Unknown magic or format version. */
	n = mklist(b, "SVRM", 1, 1, 1, 0);
	CHECK_EQ(revlist_parse(b, n, &rl), -SV_ERL_VERSION);
	n = mklist(b, "SVRL", 2, 1, 1, 0);
	CHECK_EQ(revlist_parse(b, n, &rl), -SV_ERL_VERSION);
	n = mklist(b, "SVRL", 0, 1, 1, 0);
	CHECK_EQ(revlist_parse(b, n, &rl), -SV_ERL_VERSION);
	/* Unsorted and duplicated entries, in either half. */
	n = mklist(b, "SVRL", 1, 1, 3, 2);
	b[24 + 32 + 31] = 5;
	CHECK_EQ(revlist_parse(b, n, &rl), -SV_ERL_UNSORTED);
	CHECK_EQ(rl.ndigests, 0);
	n = mklist(b, "SVRL", 1, 1, 3, 2);
	b[24 + 32 + 31] = 0;
	CHECK_EQ(revlist_parse(b, n, &rl), -SV_ERL_UNSORTED);
	n = mklist(b, "SVRL", 1, 1, 3, 2);
	b[24 + 32 * 4 + 31] = 0;
	CHECK_EQ(revlist_parse(b, n, &rl), -SV_ERL_UNSORTED);
	/* Digests and keys are separate sorted halves: a key may sort below a digest. */
	n = mklist(b, "SVRL", 1, 1, 3, 2);
	CHECK_EQ(revlist_parse(b, n, &rl), 0);
	/* Oversized buffers are refused before anything is read. */
	CHECK_EQ(revlist_parse(b, REVLIST_MAX_SIZE + 1, &rl), -SV_ERL_TOOBIG);
}

/* A log with its first three events, as the VMM starts one. */
static void measure_start(struct measure_log *m)
{
	uint8_t d[120];

	memset(d, 0x5a, sizeof(d));
	measure_init(m);
	CHECK_EQ(measure_add(m, SV_MEV_VMM_IMAGE, d, 112, 0), 0);
	CHECK_EQ(measure_add(m, SV_MEV_TRUSTED_KEYS, d, 40, 0), 0);
	CHECK_EQ(measure_add(m, SV_MEV_CMDLINE, d, 120, 0), 0);
}

/* Which list may replace the one in force (revlist_may_follow). */
static void test_revlist_follow(void)
{
	static uint8_t a[REVLIST_MAX_SIZE], b[REVLIST_MAX_SIZE];
	struct revlist none, cur, next;
	uint8_t signer[32], other[32];

	memset(&none, 0, sizeof(none));
	memset(signer, 0x11, 32);
	signer[30] = 0;
	signer[31] = 1; /* mklist's second key entry */
	memset(other, 0x22, 32);
	CHECK_EQ(revlist_parse(a, mklist(a, "SVRL", 1, 1, 0, 0), &cur), 0);
	CHECK_EQ(revlist_may_follow(&none, &cur, signer), 0);
	CHECK_EQ(revlist_may_follow(&cur, &cur, signer), -SV_ERL_STALE);
	/* Steps up to 2^32 are fine, one more is not; 2^64-1 at once never. */
	CHECK_EQ(revlist_parse(b, mklist(b, "SVRL", 1, 1 + (1ull << 32), 0, 0), &next), 0);
	CHECK_EQ(revlist_may_follow(&cur, &next, signer), 0);
	CHECK_EQ(revlist_parse(b, mklist(b, "SVRL", 1, 2 + (1ull << 32), 0, 0), &next), 0);
	CHECK_EQ(revlist_may_follow(&cur, &next, signer), -SV_ERL_VERSION);
	CHECK_EQ(revlist_parse(b, mklist(b, "SVRL", 1, ~0ull, 0, 0), &next), 0);
	CHECK_EQ(revlist_may_follow(&none, &next, signer), -SV_ERL_VERSION);
	CHECK_EQ(revlist_may_follow(&next, &cur, signer), -SV_ERL_STALE);
	/* A list that revokes its own signer: refused; another key: fine. */
	CHECK_EQ(revlist_parse(b, mklist(b, "SVRL", 1, 2, 0, 3), &next), 0);
	CHECK(revlist_has_key(&next, signer));
	CHECK_EQ(revlist_may_follow(&cur, &next, signer), -SV_EREVOKED);
	CHECK_EQ(revlist_may_follow(&cur, &next, other), 0);
	/* A signer the list in force revokes: refused, whatever the new one says. */
	CHECK_EQ(revlist_parse(a, mklist(a, "SVRL", 1, 2, 0, 3), &cur), 0);
	CHECK_EQ(revlist_parse(b, mklist(b, "SVRL", 1, 3, 0, 0), &next), 0);
	CHECK_EQ(revlist_may_follow(&cur, &next, signer), -SV_EREVOKED);
	CHECK_EQ(revlist_may_follow(&cur, &next, other), 0);

	/* -Drevocation_keys: only the keys named; none named: every key. */
	static const int all[] = { -1 }, some[] = { 1, 3, -1 };
	CHECK(revlist_key_may_sign(all, 0) && revlist_key_may_sign(all, 5));
	CHECK(!revlist_key_may_sign(all, -1));
	CHECK(!revlist_key_may_sign(some, 0) && revlist_key_may_sign(some, 1));
	CHECK(!revlist_key_may_sign(some, 2) && revlist_key_may_sign(some, 3));
	CHECK(!revlist_key_may_sign(some, 4) && !revlist_key_may_sign(some, -1));
}

static void test_measure(void)
{
	static struct measure_log m, m2;
	uint8_t data[SV_MEASURE_DATA_MAX + 1], reg[32], d[32];
	uint32_t bad = 99;
	const char *why;

	/* The first three are the image, the keys, the command line; every type has its one length. */
	measure_init(&m);
	memset(data, 7, sizeof(data));
	CHECK_EQ(measure_add(&m, SV_MEV_LOAD, data, 104, 0), -SV_EINVAL);
	CHECK_EQ(measure_add(&m, SV_MEV_VMM_IMAGE, data, 111, 0), -SV_EINVAL);
	CHECK_EQ(m.count, 0);
	measure_start(&m);
	CHECK_EQ(measure_add(&m, SV_MEV_LOAD, data, SV_MEASURE_DATA_MAX + 1, 0), -SV_EINVAL);
	CHECK_EQ(measure_add(&m, SV_MEV_LOAD, data, 80, 0), -SV_EINVAL);
	CHECK_EQ(measure_add(&m, SV_MEV_REVLIST, data, 104, 0), -SV_EINVAL);
	CHECK_EQ(measure_add(&m, SV_MEV_TRUSTED_KEYS, data, 40, 0), -SV_EINVAL);
	CHECK_EQ(measure_add(&m, SV_MEV_CMDLINE, data, 120, 0), -SV_EINVAL);
	CHECK_EQ(measure_add(&m, SV_MEV_OVERFLOW, data, 0, 0), -SV_EINVAL);
	CHECK_EQ(measure_add(&m, 9, data, 104, 0), -SV_EINVAL);
	CHECK_EQ(m.count, 3);
	/* The digest covers the type: SHA-256(le32 type || data). */
	{
		uint8_t buf[4 + 104];
		memset(buf, 0, 4);
		buf[0] = SV_MEV_LOAD;
		memcpy(buf + 4, data, 104);
		CHECK_EQ(measure_add(&m, SV_MEV_LOAD, data, 104, 0), 0);
		sv_sha256(buf, sizeof(buf), d);
		CHECK(!memcmp(d, m.ev[3].digest, 32));
		sv_sha256(data, 104, d);
		CHECK(memcmp(d, m.ev[3].digest, 32));
	}
	measure_start(&m);

	/* Loads keep 16 entries and the overflow marker's slot free. */
	for (unsigned int i = 3; i < MEASURE_LOG_MAX - 17; i++) {
		data[0] = (uint8_t)i;
		data[1] = (uint8_t)(i >> 8);
		CHECK_EQ(measure_add(&m, SV_MEV_LOAD, data, 104, 16), 0);
	}
	data[0] = data[1] = 0xee;
	CHECK_EQ(measure_add(&m, SV_MEV_LOAD, data, 104, 16), -SV_ENOMEM);
	data[0] = 5;
	data[1] = 0;
	CHECK(measure_has(&m, SV_MEV_LOAD, data, 104));
	CHECK(!measure_has(&m, SV_MEV_REVLIST, data, 104));
	CHECK(!measure_has(&m, SV_MEV_LOAD, data, 103));
	/* Measured once per list in force: a list ends what counts as seen. */
	CHECK_EQ(measure_add(&m, SV_MEV_REVLIST, data, 80, 0), 0);
	CHECK(!measure_has(&m, SV_MEV_LOAD, data, 104));
	CHECK_EQ(measure_add(&m, SV_MEV_LOAD, data, 104, 0), 0);
	CHECK(measure_has(&m, SV_MEV_LOAD, data, 104));
	CHECK_EQ(measure_replay(m.ev, m.count, reg, &bad, &why), 0);
	CHECK(!memcmp(reg, m.reg, 32));

	/* Lists fill the log up to the marker's slot, then go on unlogged. */
	while (m.count < MEASURE_LOG_MAX - 1)
		CHECK_EQ(measure_add(&m, SV_MEV_REVLIST, data, 80, 0), 0);
	CHECK_EQ(measure_add(&m, SV_MEV_REVLIST, data, 80, 0), -SV_ENOMEM);
	CHECK_EQ(measure_replay(m.ev, m.count, reg, &bad, &why), 0);
	memcpy(d, m.reg, 32);
	CHECK_EQ(measure_add_always(&m, SV_MEV_REVLIST, data, 80), 0);
	CHECK_EQ(m.count, MEASURE_LOG_MAX);
	CHECK_EQ(m.ev[MEASURE_LOG_MAX - 1].type, SV_MEV_OVERFLOW);
	CHECK_EQ(m.unlogged, 1);
	CHECK_EQ(measure_replay(m.ev, m.count, reg, &bad, &why), -SV_ERANGE);
	CHECK_EQ(bad, MEASURE_LOG_MAX - 1);
	CHECK(memcmp(reg, m.reg, 32)); /* the list after the marker moved it on */
	memcpy(reg, m.reg, 32);
	CHECK_EQ(measure_add_always(&m, SV_MEV_REVLIST, data, 80), 0);
	CHECK_EQ(m.count, MEASURE_LOG_MAX);
	CHECK_EQ(m.unlogged, 2);
	CHECK(memcmp(reg, m.reg, 32));
	CHECK_EQ(measure_add_always(&m, SV_MEV_LOAD, data, 80), -SV_EINVAL);

	/* Replay refuses edits, unknown types, wrong lengths, a wrong start. */
	m.count = 40;
	CHECK_EQ(measure_replay(m.ev, m.count, reg, &bad, &why), 0);
	m.ev[7].data[3] ^= 1;
	CHECK_EQ(measure_replay(m.ev, m.count, reg, &bad, &why), -SV_EINVAL);
	CHECK_EQ(bad, 7);
	m.ev[7].data[3] ^= 1;
	m.ev[9].data_len = SV_MEASURE_DATA_MAX + 1;
	CHECK_EQ(measure_replay(m.ev, m.count, reg, &bad, &why), -SV_EINVAL);
	CHECK_EQ(bad, 9);
	m.ev[9].data_len = 104;
	/* Same data and length, another type: the digest no longer fits. */
	m.ev[10].type = SV_MEV_REVLIST;
	m.ev[10].data_len = 80;
	CHECK_EQ(measure_replay(m.ev, m.count, reg, &bad, &why), -SV_EINVAL);
	CHECK_EQ(bad, 10);
	m.ev[10].type = 77;
	CHECK_EQ(measure_replay(m.ev, m.count, reg, &bad, &why), -SV_EINVAL);
	CHECK_EQ(bad, 10);
	CHECK(!strcmp(why, "unknown event type"));
	CHECK_EQ(measure_replay(m.ev + 2, 5, reg, &bad, &why), -SV_EINVAL);
	CHECK_EQ(bad, 0);
	CHECK_EQ(measure_replay(m.ev, 1, reg, &bad, &why), -SV_EINVAL);
	m.ev[1] = m.ev[2];
	CHECK_EQ(measure_replay(m.ev, 5, reg, &bad, &why), -SV_EINVAL);
	CHECK_EQ(bad, 1);
	measure_start(&m2);
	m2.ev[2] = m2.ev[0];
	CHECK_EQ(measure_replay(m2.ev, 3, reg, &bad, &why), -SV_EINVAL);
	CHECK_EQ(bad, 2);
	measure_start(&m2);
	m2.ev[3] = m2.ev[2];
	CHECK_EQ(measure_replay(m2.ev, 4, reg, &bad, &why), -SV_EINVAL);
	CHECK_EQ(bad, 3);
	CHECK_EQ(measure_replay(m2.ev, 3, reg, &bad, &why), 0);
	/* A marker only in the last slot of a full log. */
	m2.ev[2].type = SV_MEV_OVERFLOW;
	m2.ev[2].data_len = 0;
	measure_event_digest(SV_MEV_OVERFLOW, NULL, 0, m2.ev[2].digest);
	CHECK_EQ(measure_replay(m2.ev, 3, reg, &bad, &why), -SV_EINVAL);
	CHECK_EQ(bad, 2);
}

/*
 * The fixed sequence test_measure.py recomputes: "event I TYPE DIGEST
 * DATA" lines, then "register HEX": the image, the keys, the command
 * line, then loads and lists with varied data.
 */
static int print_events(void)
{
	static struct measure_log m;
	uint8_t data[SV_MEASURE_DATA_MAX];

	measure_init(&m);
	for (unsigned int i = 0; i < 40; i++) {
		uint32_t type = i == 0 ? SV_MEV_VMM_IMAGE : i == 1 ? SV_MEV_TRUSTED_KEYS
				: i == 2 ? SV_MEV_CMDLINE : i % 3 ? SV_MEV_LOAD : SV_MEV_REVLIST;
		uint32_t len = type == SV_MEV_VMM_IMAGE ? 112 : type == SV_MEV_TRUSTED_KEYS ? 40
			       : type == SV_MEV_CMDLINE ? 120 : type == SV_MEV_LOAD ? 104 : 80;
		for (uint32_t k = 0; k < len; k++)
			data[k] = (uint8_t)(i * 13 + k * 7);
		if (measure_add(&m, type, data, len, 0))
			return 1;
	}
	for (uint32_t i = 0; i < m.count; i++) {
		printf("event %u %u ", i, m.ev[i].type);
		for (int k = 0; k < 32; k++)
			printf("%02x", m.ev[i].digest[k]);
		printf(" ");
		for (uint32_t k = 0; k < m.ev[i].data_len; k++)
			printf("%02x", m.ev[i].data[k]);
		printf("\n");
	}
	printf("register ");
	for (int k = 0; k < 32; k++)
		printf("%02x", m.reg[k]);
	printf("\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "events"))
		return print_events();
	test_svn();
	test_revlist();
	test_revlist_follow();
	test_measure();
	return check_report("test_policy");
}
