/*
 * Unit tests of the portable load policy (vmm/policy): the anti-rollback
 * table (floors, highest since boot, "none", a full table), the
 * revocation-list parser (every refusal with its code, lookups, limits),
 * and the measurement log's bookkeeping (reserve, once-only lookup,
 * replay refusing an event whose digest is not its data's).  With
 * "events" as argument it prints a fixed event sequence and the register
 * it gives, for test_measure.py to recompute with Python's hashlib.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <policy/measure.h>
#include <policy/revlist.h>
#include <policy/svn.h>

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

static void test_measure(void)
{
	static struct measure_log m;
	uint8_t data[SV_MEASURE_DATA_MAX + 1], reg[32];
	uint32_t bad = 99;

	measure_init(&m);
	memset(data, 7, sizeof(data));
	CHECK_EQ(measure_add(&m, 3, data, SV_MEASURE_DATA_MAX + 1, 0), -SV_E2BIG);
	CHECK_EQ(m.count, 0);
	for (unsigned int i = 0; i < MEASURE_LOG_MAX - 16; i++) {
		data[0] = (uint8_t)i;
		data[1] = (uint8_t)(i >> 8);
		CHECK_EQ(measure_add(&m, 3, data, 104, 16), 0);
	}
	data[0] = data[1] = 0xee;
	CHECK_EQ(measure_add(&m, 3, data, 104, 16), -SV_ENOMEM);
	CHECK_EQ(measure_add(&m, 4, data, 80, 0), 0);
	data[0] = 5;
	data[1] = 0;
	CHECK(measure_has(&m, 3, data, 104));
	CHECK(!measure_has(&m, 4, data, 104));
	CHECK(!measure_has(&m, 3, data, 103));
	CHECK_EQ(measure_replay(m.ev, m.count, reg, &bad), 0);
	CHECK(!memcmp(reg, m.reg, 32));
	for (unsigned int i = m.count; i < MEASURE_LOG_MAX; i++)
		CHECK_EQ(measure_add(&m, 4, data, 80, 0), 0);
	CHECK_EQ(measure_add(&m, 4, data, 80, 0), -SV_ENOMEM);
	m.ev[7].data[3] ^= 1;
	CHECK_EQ(measure_replay(m.ev, m.count, reg, &bad), -SV_EINVAL);
	CHECK_EQ(bad, 7);
	m.ev[7].data[3] ^= 1;
	m.ev[9].data_len = SV_MEASURE_DATA_MAX + 1;
	CHECK_EQ(measure_replay(m.ev, m.count, reg, &bad), -SV_EINVAL);
	CHECK_EQ(bad, 9);
}

/* The fixed sequence test_measure.py recomputes: "event TYPE DATAHEX", then "register HEX". */
static int print_events(void)
{
	static struct measure_log m;
	uint8_t data[SV_MEASURE_DATA_MAX];

	measure_init(&m);
	for (unsigned int i = 0; i < 40; i++) {
		uint32_t len = (i * 37) % (SV_MEASURE_DATA_MAX + 1);
		for (uint32_t k = 0; k < len; k++)
			data[k] = (uint8_t)(i * 13 + k * 7);
		if (measure_add(&m, 1 + i % 4, data, len, 0))
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
	test_measure();
	return check_report("test_policy");
}
