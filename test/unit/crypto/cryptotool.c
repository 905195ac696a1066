/*
 * sv-cryptotool: a thin command-line door into the hosted build of the
 * verify code, for the test scripts (test_crypto.py) and benchmarks.
 *
 *   sv-cryptotool verify BIN SIG KEY.pem...   sv_verify_keys() over KEYs (and
 *                                             sv_verify_keys_digest(), which
 *                                             must agree)
 *   sv-cryptotool verify-trusted BIN SIG      sv_verify() (compiled-in keys)
 *   sv-cryptotool trusted                     list the compiled-in keys
 *   sv-cryptotool selftest                    sv_crypto_selftest()
 *   sv-cryptotool parse KEY.pem               sv_key_parse_pem()
 *   sv-cryptotool bench BIN SIG KEY.pem N     time N sv_verify_keys() calls
 * Add --portable before the command to use BearSSL's br_sha256.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sealvisor/errors.h>

#include "sv_keyparse.h"
#include "sv_verify.h"

static const char *err_name(int r)
{
	switch (-r) {
	case 0:
		return "OK";
	case SV_EINVAL:
		return "SV_EINVAL";
	case SV_ESIG_MALFORMED:
		return "SV_ESIG_MALFORMED";
	case SV_ESIG_NOKEY:
		return "SV_ESIG_NOKEY";
	case SV_ESIG_MISMATCH:
		return "SV_ESIG_MISMATCH";
	case SV_ENOENT:
		return "SV_ENOENT";
	default:
		return "other";
	}
}

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f) {
		fprintf(stderr, "sv-cryptotool: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap);
			if (!buf)
				exit(2);
		}
		size_t r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	fclose(f);
	*len = n;
	return buf;
}

static void print_id(const uint8_t *id)
{
	for (int i = 0; i < 32; i++)
		printf("%02x", id[i]);
}

/* Loads KEY files into a table (the keyinfo array owns the bytes). */
static struct sv_rsa_pubkey *load_keys(char **paths, int n, struct sv_rsa_keyinfo **infos)
{
	struct sv_rsa_pubkey *keys = calloc((size_t)n, sizeof *keys);
	struct sv_rsa_keyinfo *info = calloc((size_t)n, sizeof *info);

	if (!keys || !info)
		exit(2);
	for (int i = 0; i < n; i++) {
		size_t len;
		unsigned char *pem = slurp(paths[i], &len);
		int r = sv_key_parse_pem(pem, len, &info[i]);
		char msg[160];

		free(pem);
		if (r < 0) {
			fprintf(stderr, "sv-cryptotool: %s: %s\n", paths[i],
				sv_key_describe(r, &info[i], msg, sizeof msg));
			exit(2);
		}
		sv_key_to_pubkey(&info[i], &keys[i]);
	}
	*infos = info;
	return keys;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	int a = 1, r, idx = -1;

	if (a < argc && strcmp(argv[a], "--portable") == 0) {
		sv_sha256_select(SV_SHA256_PORTABLE);
		a++;
	}
	if (a >= argc)
		goto usage;

	if (strcmp(argv[a], "verify") == 0 && argc - a >= 4) {
		struct sv_rsa_keyinfo *info;
		size_t blen, slen;
		unsigned char *bin = slurp(argv[a + 1], &blen), *sig = slurp(argv[a + 2], &slen);
		int n = argc - a - 3;
		struct sv_rsa_pubkey *keys = load_keys(argv + a + 3, n, &info);

		uint8_t digest[32];
		int r2, idx2 = -1;

		r = sv_verify_keys(keys, (unsigned int)n, bin, blen, sig, slen, &idx);
		/* The digest entry point must agree on every input. */
		sv_sha256(bin, blen, digest);
		r2 = sv_verify_keys_digest(keys, (unsigned int)n, digest, sig, slen, &idx2);
		printf("result=%d %s", r, err_name(r));
		if (r == 0)
			printf(" key=%d", idx);
		if (r2 != r || idx2 != idx)
			printf(" (sv_verify_keys_digest differs: %d key %d)", r2, idx2);
		printf("\n");
		return 0;
	}
	if (strcmp(argv[a], "verify-trusted") == 0 && argc - a == 3) {
		size_t blen, slen;
		unsigned char *bin = slurp(argv[a + 1], &blen), *sig = slurp(argv[a + 2], &slen);

		r = sv_verify(bin, blen, sig, slen, &idx);
		printf("result=%d %s", r, err_name(r));
		if (r == 0)
			printf(" key=%d", idx);
		printf("\n");
		return 0;
	}
	if (strcmp(argv[a], "trusted") == 0) {
		printf("keys=%u\n", sv_trusted_key_count());
		for (unsigned int i = 0; i < sv_trusted_key_count(); i++) {
			printf("key %u bits=%u id=", i, sv_trusted_key_bits(i));
			print_id(sv_trusted_key_id(i));
			printf("\n");
		}
		return 0;
	}
	if (strcmp(argv[a], "selftest") == 0) {
		r = sv_crypto_selftest(&idx);
		printf("selftest=%d %s key=%d\n", r, err_name(r), r == 0 ? idx : -1);
		return 0;
	}
	if (strcmp(argv[a], "parse") == 0 && argc - a == 2) {
		struct sv_rsa_keyinfo k;
		size_t len;
		unsigned char *pem = slurp(argv[a + 1], &len);
		char msg[160];
		uint8_t id[32];

		r = sv_key_parse_pem(pem, len, &k);
		if (r < 0) {
			printf("error=%d %s\n", -r, sv_key_describe(r, &k, msg, sizeof msg));
			return 0;
		}
		sv_key_id(&k, id);
		printf("ok bits=%u format=%d private=%d id=", k.bits, k.format, k.is_private);
		print_id(id);
		printf("\n");
		return 0;
	}
	if (strcmp(argv[a], "bench") == 0 && argc - a == 5) {
		struct sv_rsa_keyinfo *info;
		size_t blen, slen;
		unsigned char *bin = slurp(argv[a + 1], &blen), *sig = slurp(argv[a + 2], &slen);
		struct sv_rsa_pubkey *keys = load_keys(argv + a + 3, 1, &info);
		long n = strtol(argv[a + 4], NULL, 10);
		double best = 1e9;

		for (long i = 0; i < n; i++) {
			double t0 = now();

			r = sv_verify_keys(keys, 1, bin, blen, sig, slen, &idx);
			t0 = now() - t0;
			if (r != 0) {
				printf("result=%d %s\n", r, err_name(r));
				return 1;
			}
			if (t0 < best)
				best = t0;
		}
		printf("best_seconds=%.9f impl=%s\n", best, sv_sha256_impl_name());
		return 0;
	}
usage:
	fprintf(stderr, "usage: sv-cryptotool [--portable] verify|verify-trusted|trusted|selftest|"
			"parse|bench ...\n");
	return 2;
}
