/*
 * Host unit tests of the filter over the guest's TPM commands
 * (vmm/drivers/tpm_filter.c): every refused command code with the VMM's
 * PCR (23) and with another PCR, with and without sessions, short and
 * lying size fields, PCR_SetAuthPolicy's pcrNum in the parameters, and
 * the error response's bytes.  Each command sits at the end of a buffer
 * exactly as long as the filter is told, so ASan sees any read past it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sv/tpm2.h>
#include <sv/tpm_filter.h>

static int failures, checks;
static const char *ctx = "";

#define CHECK_EQ(got, want)                                                                      \
	do {                                                                                     \
		unsigned long long g_ = (unsigned long long)(got);                               \
		unsigned long long w_ = (unsigned long long)(want);                              \
		checks++;                                                                        \
		if (g_ != w_) {                                                                  \
			printf("%s:%d: %s: %s == %#llx, expected %#llx\n", __FILE__, __LINE__, ctx, \
			       #got, g_, w_);                                                    \
			failures++;                                                              \
		}                                                                                \
	} while (0)

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* A command: tag, cc, then body; the size field is the real length unless lie >= 0. */
static size_t build(uint8_t *b, uint16_t tag, uint32_t cc, const uint8_t *body, size_t n, long lie)
{
	b[0] = (uint8_t)(tag >> 8);
	b[1] = (uint8_t)tag;
	put32(b + 2, lie >= 0 ? (uint32_t)lie : (uint32_t)(10 + n));
	put32(b + 6, cc);
	memcpy(b + 10, body, n);
	return 10 + n;
}

/* Runs the filter over a heap copy exactly len bytes long. */
static enum tpm_filter_verdict run(const uint8_t *b, size_t len, struct tpm_filter_result *r)
{
	uint8_t *copy = malloc(len ? len : 1);
	memcpy(copy, b, len);
	enum tpm_filter_verdict v = tpm_filter_command(copy, len, 23, r);
	free(copy);
	return v;
}

/* A PCR handle, then a password session and some parameter bytes: PCR_Extend's shape. */
static size_t handle_body(uint8_t *body, uint32_t pcr, bool sessions)
{
	size_t n = 0;

	put32(body, pcr);
	n = 4;
	if (sessions) {
		static const uint8_t pw[] = { 0, 0, 0, 9, 0x40, 0, 0, 9, 0, 0, 0, 0, 0 };
		memcpy(body + n, pw, sizeof(pw));
		n += sizeof(pw);
	}
	/* TPML_DIGEST_VALUES count 1, SHA-256 and 32 bytes (PCR_Extend's parameter). */
	static const uint8_t par[] = { 0, 0, 0, 1, 0, 0x0b };
	memcpy(body + n, par, sizeof(par));
	n += sizeof(par);
	memset(body + n, 0xab, 32);
	return n + 32;
}

static void test_pcr_handle_commands(void)
{
	static const uint32_t ccs[] = { TPM_CC_PCR_EXTEND, TPM_CC_PCR_EVENT, TPM_CC_PCR_RESET,
					TPM_CC_PCR_SET_AUTH_VALUE, TPM_CC_EVENT_SEQUENCE_COMPLETE };
	uint8_t b[256], body[128];
	struct tpm_filter_result r;

	for (unsigned int i = 0; i < sizeof(ccs) / sizeof(ccs[0]); i++) {
		for (int s = 0; s < 2; s++) {
			uint16_t tag = s ? TPM_ST_SESSIONS : TPM_ST_NO_SESSIONS;
			ctx = tpm_filter_cc_name(ccs[i]);
			size_t n = build(b, tag, ccs[i], body, handle_body(body, 23, s), -1);
			CHECK_EQ(run(b, n, &r), TPM_FILTER_VMM_PCR);
			CHECK_EQ(r.verdict, TPM_FILTER_VMM_PCR);
			CHECK_EQ(r.rc, TPM_RC_LOCALITY);
			CHECK_EQ(r.cc, ccs[i]);
			CHECK_EQ(r.size, n);
			/* In a larger buffer (the CRB's 3968 bytes) the same. */
			CHECK_EQ(run(b, sizeof(b), &r), TPM_FILTER_VMM_PCR);
			/* Other PCRs pass: 16 (debug), 22, 0, and handles that are not PCRs. */
			static const uint32_t others[] = { 16, 22, 0, 24, 0x40000001, 0x80000000, 0x17000000 };
			for (unsigned int k = 0; k < sizeof(others) / sizeof(others[0]); k++) {
				n = build(b, tag, ccs[i], body, handle_body(body, others[k], s), -1);
				CHECK_EQ(run(b, n, &r), TPM_FILTER_PASS);
				CHECK_EQ(r.rc, 0);
				CHECK_EQ(r.size, n);
			}
			/* A size field that ends inside the handle. */
			for (long cut = 10; cut < 14; cut++) {
				n = build(b, tag, ccs[i], body, handle_body(body, 23, s), cut);
				CHECK_EQ(run(b, n, &r), TPM_FILTER_MALFORMED);
				CHECK_EQ(r.rc, TPM_RC_COMMAND_SIZE);
			}
			/* The bytes are there but the size field stops at the handle: still refused. */
			n = build(b, tag, ccs[i], body, handle_body(body, 23, s), 14);
			CHECK_EQ(run(b, n, &r), TPM_FILTER_VMM_PCR);
		}
	}
}

/* PCR_SetAuthPolicy: authHandle, [auth area], TPM2B_DIGEST, hashAlg, pcrNum. */
static size_t set_auth_policy(uint8_t *b, bool sessions, uint32_t pcr, uint16_t dlen, long lie)
{
	uint8_t body[200];
	size_t n = 0;

	put32(body, 0x4000000c); /* TPM_RH_PLATFORM */
	n = 4;
	if (sessions) {
		static const uint8_t pw[] = { 0, 0, 0, 9, 0x40, 0, 0, 9, 0, 0, 0, 0, 0 };
		memcpy(body + n, pw, sizeof(pw));
		n += sizeof(pw);
	}
	body[n++] = (uint8_t)(dlen >> 8);
	body[n++] = (uint8_t)dlen;
	memset(body + n, 0x11, dlen);
	n += dlen;
	body[n++] = 0;
	body[n++] = 0x0b;
	put32(body + n, pcr);
	n += 4;
	return build(b, sessions ? TPM_ST_SESSIONS : TPM_ST_NO_SESSIONS, TPM_CC_PCR_SET_AUTH_POLICY,
		     body, n, lie);
}

static void test_set_auth_policy(void)
{
	uint8_t b[256];
	struct tpm_filter_result r;

	ctx = "PCR_SetAuthPolicy";
	for (int s = 0; s < 2; s++) {
		size_t n = set_auth_policy(b, s, 23, 32, -1);
		CHECK_EQ(run(b, n, &r), TPM_FILTER_VMM_PCR);
		CHECK_EQ(r.rc, TPM_RC_LOCALITY);
		n = set_auth_policy(b, s, 23, 0, -1);
		CHECK_EQ(run(b, n, &r), TPM_FILTER_VMM_PCR);
		n = set_auth_policy(b, s, 16, 32, -1);
		CHECK_EQ(run(b, n, &r), TPM_FILTER_PASS);
		/* The handle itself is no PCR: a platform handle whose low bits are 23 passes. */
		/* Every size field short of pcrNum's last byte is malformed. */
		size_t full = set_auth_policy(b, s, 23, 32, -1);
		for (size_t cut = 10; cut < full; cut++) {
			n = set_auth_policy(b, s, 23, 32, (long)cut);
			CHECK_EQ(run(b, n, &r), TPM_FILTER_MALFORMED);
		}
		/* A digest size that runs past the size field. */
		n = set_auth_policy(b, s, 23, 32, -1);
		b[10 + 4 + (s ? 13 : 0)] = 0xff;
		CHECK_EQ(run(b, n, &r), TPM_FILTER_MALFORMED);
	}
	/* An authorization size that runs past the size field. */
	size_t n = set_auth_policy(b, true, 23, 32, -1);
	put32(b + 14, 0xfffffff0);
	CHECK_EQ(run(b, n, &r), TPM_FILTER_MALFORMED);
	put32(b + 14, (uint32_t)n);
	CHECK_EQ(run(b, n, &r), TPM_FILTER_MALFORMED);
}

static void test_allocate_and_others(void)
{
	uint8_t b[64], body[32] = { 0x40, 0, 0, 0x0c };
	struct tpm_filter_result r;

	ctx = "PCR_Allocate";
	for (int s = 0; s < 2; s++) {
		size_t n = build(b, s ? TPM_ST_SESSIONS : TPM_ST_NO_SESSIONS, TPM_CC_PCR_ALLOCATE, body, 20, -1);
		CHECK_EQ(run(b, n, &r), TPM_FILTER_ALLOCATE);
		CHECK_EQ(r.rc, TPM_RC_LOCALITY);
	}
	/* Allocate with no body at all is refused the same way (never sent). */
	size_t n = build(b, TPM_ST_SESSIONS, TPM_CC_PCR_ALLOCATE, body, 0, -1);
	CHECK_EQ(run(b, n, &r), TPM_FILTER_ALLOCATE);

	ctx = "others";
	/* GetRandom, PCR_Read naming PCR 23 (reading is allowed), Startup. */
	static const uint8_t getrandom[] = { 0x80, 1, 0, 0, 0, 12, 0, 0, 1, 0x7b, 0, 16 };
	CHECK_EQ(run(getrandom, sizeof(getrandom), &r), TPM_FILTER_PASS);
	CHECK_EQ(r.size, 12);
	CHECK_EQ(r.cc, TPM_CC_GET_RANDOM);
	static const uint8_t pcrread[] = { 0x80, 1, 0, 0, 0, 20, 0, 0, 1, 0x7e, 0, 0, 0, 1, 0, 0x0b, 3, 0, 0, 0x80 };
	CHECK_EQ(run(pcrread, sizeof(pcrread), &r), TPM_FILTER_PASS);
	/* A bare header of an unknown command passes: the TPM answers it. */
	n = build(b, TPM_ST_NO_SESSIONS, 0x12345678, body, 0, -1);
	CHECK_EQ(run(b, n, &r), TPM_FILTER_PASS);
}

static void test_headers(void)
{
	uint8_t b[64] = { 0 }, body[64];
	struct tpm_filter_result r;

	ctx = "headers";
	for (size_t len = 0; len < 10; len++) {
		CHECK_EQ(run(b, len, &r), TPM_FILTER_MALFORMED);
		CHECK_EQ(r.rc, TPM_RC_COMMAND_SIZE);
	}
	size_t n = build(b, TPM_ST_NO_SESSIONS, TPM_CC_PCR_EXTEND, body, handle_body(body, 16, false), -1);
	/* The size field larger than the buffer by one, and far larger. */
	put32(b + 2, (uint32_t)n + 1);
	CHECK_EQ(run(b, n, &r), TPM_FILTER_MALFORMED);
	CHECK_EQ(r.rc, TPM_RC_COMMAND_SIZE);
	put32(b + 2, 0xffffffff);
	CHECK_EQ(run(b, n, &r), TPM_FILTER_MALFORMED);
	/* Below the header. */
	for (uint32_t s = 0; s < 10; s++) {
		put32(b + 2, s);
		CHECK_EQ(run(b, n, &r), TPM_FILTER_MALFORMED);
		CHECK_EQ(r.rc, TPM_RC_COMMAND_SIZE);
	}
	/* A TPM 1.2 tag (0x00c1) and others. */
	static const uint16_t tags[] = { 0x00c1, 0x8000, 0x8003, 0x0000, 0xffff };
	for (unsigned int i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		n = build(b, tags[i], TPM_CC_PCR_EXTEND, body, handle_body(body, 23, false), -1);
		CHECK_EQ(run(b, n, &r), TPM_FILTER_MALFORMED);
		CHECK_EQ(r.rc, TPM_RC_BAD_TAG);
	}
}

static void test_error_response(void)
{
	uint8_t out[16];

	ctx = "error response";
	memset(out, 0x5a, sizeof(out));
	CHECK_EQ(tpm_filter_error_response(out, sizeof(out), TPM_RC_LOCALITY), 10);
	static const uint8_t want[] = { 0x80, 1, 0, 0, 0, 10, 0, 0, 9, 7 };
	CHECK_EQ(memcmp(out, want, 10), 0);
	CHECK_EQ(out[10], 0x5a);
	CHECK_EQ(tpm_filter_error_response(out, 9, TPM_RC_LOCALITY), 0);
	CHECK_EQ(tpm_filter_cc_name(TPM_CC_GET_RANDOM) == NULL, 1);
}

int main(void)
{
	test_pcr_handle_commands();
	test_set_auth_policy();
	test_allocate_and_others();
	test_headers();
	test_error_response();
	printf("tpm filter: %d checks, %d failures\n", checks, failures);
	return failures ? 1 : 0;
}
