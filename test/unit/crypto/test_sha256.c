/*
 * SHA-256: both implementations against FIPS 180-4 known answers, and the
 * SHA-extensions class against BearSSL's br_sha256 on many random lengths,
 * alignments and update splits, including moving a running state between
 * the two classes.  Exit 0: pass; 77: skipped parts are reported.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sealvisor/errors.h>

#include "sv_sha256.h"
#include "sv_verify.h"

static int failures;

#define CHECK(cond, ...)                                      \
	do {                                                  \
		if (!(cond)) {                                \
			printf("FAIL %s:%d: ", __FILE__, __LINE__); \
			printf(__VA_ARGS__);                  \
			printf("\n");                         \
			failures++;                           \
		}                                             \
	} while (0)

static void hex(char *out, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

/* xorshift64*: reproducible test data. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static void digest_with(const br_hash_class *cls, const void *data, size_t len, uint8_t out[32])
{
	union sv_sha256_context c;

	cls->init(&c.vtable);
	cls->update(&c.vtable, data, len);
	cls->out(&c.vtable, out);
}

static void known_answers(const br_hash_class *cls, const char *name)
{
	static const struct {
		const char *msg;
		size_t repeat;
		const char *digest;
	} kat[] = {
		{"", 1, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"abc", 1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
		 "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
		{"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
		 1, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
		{"a", 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
	};

	for (size_t i = 0; i < sizeof kat / sizeof kat[0]; i++) {
		union sv_sha256_context c;
		uint8_t d[32];
		char h[65];

		cls->init(&c.vtable);
		for (size_t r = 0; r < kat[i].repeat; r++)
			cls->update(&c.vtable, kat[i].msg, strlen(kat[i].msg));
		cls->out(&c.vtable, d);
		hex(h, d, 32);
		CHECK(strcmp(h, kat[i].digest) == 0, "%s: known answer %zu: got %s", name, i, h);
	}
}

/* Random lengths, alignments and update splits against br_sha256. */
static void random_equal(const br_hash_class *cls, const char *name)
{
	enum { MAXLEN = 20000 };
	static unsigned char buf[MAXLEN + 64];
	int cases = 0;

	for (size_t i = 0; i < sizeof buf; i++)
		buf[i] = (unsigned char)rnd();

	for (int iter = 0; iter < 3000; iter++) {
		size_t len, off = rnd() % 64;
		uint8_t want[32], got[32];
		union sv_sha256_context c;
		size_t done = 0;

		/* Mostly short lengths around block boundaries, some long ones. */
		len = iter < 300 ? (size_t)iter : (iter % 10 == 0 ? rnd() % MAXLEN : rnd() % 300);
		digest_with(&br_sha256_vtable, buf + off, len, want);

		cls->init(&c.vtable);
		while (done < len) {
			size_t step = (iter & 1) ? len - done : 1 + rnd() % 150;

			if (step > len - done)
				step = len - done;
			cls->update(&c.vtable, buf + off + done, step);
			done += step;
		}
		cls->out(&c.vtable, got);
		CHECK(memcmp(want, got, 32) == 0, "%s: len %zu offset %zu differs", name, len, off);
		/* out() must not disturb the running state. */
		cls->update(&c.vtable, "x", 1);
		cls->out(&c.vtable, got);
		cases++;
	}
	printf("%s: %d random lengths/alignments/splits equal to br_sha256\n", name, cases);
}

/* state()/set_state() carry a running hash from one class to the other. */
static void state_transfer(const br_hash_class *a, const br_hash_class *b, const char *name)
{
	static unsigned char buf[4096];
	union sv_sha256_context ca, cb;
	uint8_t st[32], want[32], got[32];
	uint64_t count;

	for (size_t i = 0; i < sizeof buf; i++)
		buf[i] = (unsigned char)rnd();
	digest_with(&br_sha256_vtable, buf, sizeof buf, want);
	a->init(&ca.vtable);
	a->update(&ca.vtable, buf, 1024);
	count = a->state(&ca.vtable, st);
	CHECK(count == 1024, "%s: state count %llu", name, (unsigned long long)count);
	b->init(&cb.vtable);
	b->set_state(&cb.vtable, st, count);
	b->update(&cb.vtable, buf + 1024, sizeof buf - 1024);
	b->out(&cb.vtable, got);
	CHECK(memcmp(want, got, 32) == 0, "%s: state transfer differs", name);
}

int main(void)
{
	uint8_t d1[32], d2[32];

	known_answers(&br_sha256_vtable, "br_sha256");
	CHECK(sv_sha256_select(SV_SHA256_PORTABLE) == SV_SHA256_PORTABLE, "select portable");
	CHECK(strcmp(sv_sha256_impl_name(), "portable (BearSSL br_sha256)") == 0, "portable name");
	sv_sha256("abc", 3, d1);

	if (sv_sha256_shani_available()) {
		const br_hash_class *ni = &sv_sha256_shani_vtable;

		known_answers(ni, "shani");
		random_equal(ni, "shani");
		state_transfer(ni, &br_sha256_vtable, "shani->br");
		state_transfer(&br_sha256_vtable, ni, "br->shani");
		CHECK(ni->desc == br_sha256_vtable.desc, "descriptor differs from br_sha256's");
		CHECK(sv_sha256_select(SV_SHA256_X86_SHANI) == SV_SHA256_X86_SHANI, "select shani");
		CHECK(strcmp(sv_sha256_impl_name(), "x86 SHA extensions") == 0, "shani name");
		sv_sha256("abc", 3, d2);
		CHECK(memcmp(d1, d2, 32) == 0, "sv_sha256 differs between implementations");
		CHECK(sv_sha256_select(SV_SHA256_AUTO) == SV_SHA256_X86_SHANI, "auto picks shani");
	} else {
		printf("SHA extensions absent on this CPU: only the portable path was tested\n");
		CHECK(sv_sha256_select(SV_SHA256_X86_SHANI) == -SV_ENODEV, "shani must be refused");
		CHECK(sv_sha256_select(SV_SHA256_AUTO) == SV_SHA256_PORTABLE, "auto picks portable");
	}
	random_equal(sv_sha256_class(), "sv_sha256 class");
	CHECK(sv_sha256_select(42) == -SV_EINVAL, "bad selector");

	if (failures) {
		printf("%d failure(s)\n", failures);
		return 1;
	}
	printf("all SHA-256 checks passed (%s)\n", sv_sha256_impl_name());
	return 0;
}
