/*
 * sv-bench-openssl BIN SIG PUB.pem N: best time of N in-process
 * verifications by OpenSSL's libcrypto (EVP_DigestVerify with SHA-256,
 * what `openssl dgst -sha256 -verify` runs), for bench_verify.py to set
 * beside sv-cryptotool's timing of sv_verify on the same buffer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long n;

	if (!f || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
		exit(2);
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		exit(2);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	size_t blen, slen;
	unsigned char *bin, *sig;
	EVP_PKEY *pk;
	FILE *f;
	double best = 1e9;
	long n;

	if (argc != 5)
		return 2;
	bin = slurp(argv[1], &blen);
	sig = slurp(argv[2], &slen);
	f = fopen(argv[3], "r");
	pk = f ? PEM_read_PUBKEY(f, NULL, NULL, NULL) : NULL;
	if (!pk)
		return 2;
	n = strtol(argv[4], NULL, 10);
	for (long i = 0; i < n; i++) {
		EVP_MD_CTX *md = EVP_MD_CTX_new();
		double t = now();
		int ok = EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, pk) == 1 &&
			 EVP_DigestVerify(md, sig, slen, bin, blen) == 1;

		t = now() - t;
		EVP_MD_CTX_free(md);
		if (!ok) {
			printf("verify failed\n");
			return 1;
		}
		if (t < best)
			best = t;
	}
	printf("best_seconds=%.9f impl=OpenSSL libcrypto\n", best);
	return 0;
}
