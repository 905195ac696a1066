/*
 * sv-trusted-keys: the build-time generator that turns the PEM files of
 * option trusted_keys into C data for the VMM (sv_trusted_keys.c, see
 * sv_keys.h).  Runs on the build machine; every key file is treated as
 * untrusted input.
 *
 *   sv-trusted-keys --min-bits N --output FILE.c
 *                   [--selftest BLOB SIG] [--dev] KEY.pem...
 *
 * For each key only the public half (n, e) is taken, even from a private
 * key: the private parts are never read into anything that is written
 * out.  Keys below N bits, above 4096 bits (BearSSL's limit), encrypted,
 * non-RSA or duplicated fail the build with a message naming the file.
 * With --selftest, the blob and its signature are embedded too, after
 * checking here that the signature verifies with one of the keys; an empty
 * signature file means there is none (only public keys were configured).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sealvisor/errors.h>

#include "sv_keyparse.h"
#include "sv_verify.h"

#define MAX_KEYS 64
/* The self-test blob is small by design; this only bounds hostile input. */
#define MAX_BLOB (64 * 1024)

static const char *prog = "sv-trusted-keys";

static void die(const char *fmt, const char *a, const char *b)
{
	fprintf(stderr, "%s: error: ", prog);
	fprintf(stderr, fmt, a, b);
	fputc('\n', stderr);
	exit(1);
}

/* Reads at most MAX bytes of PATH; fails when the file is larger. */
static unsigned char *read_file(const char *path, size_t max, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	size_t n;

	if (!f)
		die("cannot open '%s': %s", path, strerror(errno));
	buf = malloc(max + 1);
	if (!buf)
		die("out of memory reading '%s'%s", path, "");
	n = fread(buf, 1, max + 1, f);
	if (ferror(f))
		die("cannot read '%s': %s", path, strerror(errno));
	fclose(f);
	if (n > max)
		die("'%s' is too large%s", path, "");
	*len = n;
	return buf;
}

/* PATH for a C comment: printable, and no way to close the comment. */
static void put_path_comment(FILE *o, const char *path)
{
	for (const char *p = path; *p; p++)
		fputc((*p >= 0x20 && *p < 0x7f && *p != '*') ? *p : '?', o);
}

static void put_bytes(FILE *o, const char *name, const unsigned char *b, size_t n)
{
	fprintf(o, "const uint8_t %s[%zu] = {", name, n ? n : 1);
	for (size_t i = 0; i < n; i++)
		fprintf(o, "%s0x%02x,", i % 12 ? " " : "\n\t", b[i]);
	if (n == 0)
		fprintf(o, "0");
	fprintf(o, "\n};\n");
}

static void hex(char *out, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: %s --min-bits N --output FILE.c [--selftest BLOB SIG] [--dev] KEY.pem...\n",
		prog);
	exit(2);
}

int main(int argc, char **argv)
{
	static struct sv_rsa_keyinfo info[MAX_KEYS];
	static struct sv_rsa_pubkey keys[MAX_KEYS];
	const char *paths[MAX_KEYS];
	const char *output = NULL, *blob_path = NULL, *sig_path = NULL;
	unsigned char *blob = NULL, *sig = NULL;
	size_t blob_len = 0, sig_len = 0;
	long min_bits = -1;
	int dev = 0, i, nkeys = 0, idx = -1;
	char tmpname[4096], idhex[65];
	FILE *o;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--min-bits") == 0 && i + 1 < argc) {
			char *end;

			errno = 0;
			min_bits = strtol(argv[++i], &end, 10);
			if (errno || *end || min_bits < 0 || min_bits > 65536)
				die("bad --min-bits '%s'%s", argv[i], "");
		} else if (strcmp(argv[i], "--output") == 0 && i + 1 < argc) {
			output = argv[++i];
		} else if (strcmp(argv[i], "--selftest") == 0 && i + 2 < argc) {
			blob_path = argv[++i];
			sig_path = argv[++i];
		} else if (strcmp(argv[i], "--dev") == 0) {
			dev = 1;
		} else if (argv[i][0] == '-') {
			usage();
		} else {
			if (nkeys == MAX_KEYS)
				die("more than 64 trusted keys%s%s", "", "");
			paths[nkeys++] = argv[i];
		}
	}
	if (!output || min_bits < 0 || nkeys == 0)
		usage();

	for (i = 0; i < nkeys; i++) {
		size_t len;
		unsigned char *pem = read_file(paths[i], SV_PEM_MAX, &len);
		int r = sv_key_parse_pem(pem, len, &info[i]);

		free(pem);
		if (r == -SV_KEY_EENCRYPTED)
			die("trusted key '%s' is an encrypted private key; give its public half "
			    "instead (openssl pkey -in %s -pubout)",
			    paths[i], paths[i]);
		if (r < 0) {
			char msg[160];

			fprintf(stderr, "%s: error: trusted key '%s': %s\n", prog, paths[i],
				sv_key_describe(r, &info[i], msg, sizeof msg));
			exit(1);
		}
		if ((long)info[i].bits < min_bits) {
			fprintf(stderr,
				"%s: error: trusted key '%s' is a %u-bit RSA key, below "
				"min_rsa_bits (%ld); use a larger key, or allow it with "
				"-Dmin_rsa_bits=%u\n",
				prog, paths[i], info[i].bits, min_bits, info[i].bits);
			exit(1);
		}
		sv_key_to_pubkey(&info[i], &keys[i]);
		for (int j = 0; j < i; j++) {
			if (memcmp(keys[j].id, keys[i].id, 32) == 0)
				die("trusted key '%s' is the same key as '%s'", paths[i], paths[j]);
		}
	}

	if (blob_path) {
		sig = read_file(sig_path, SV_RSA_MAX_BYTES, &sig_len);
		if (sig_len == 0) {
			/* No unencrypted private key was there to sign it. */
			blob_path = NULL;
		} else {
			int r;

			blob = read_file(blob_path, MAX_BLOB, &blob_len);
			r = sv_verify_keys(keys, (unsigned int)nkeys, blob, blob_len, sig, sig_len,
					   &idx);
			if (r < 0)
				die("the self-test signature '%s' does not verify: %s", sig_path,
				    sv_strerror(r));
		}
	}

	if (snprintf(tmpname, sizeof tmpname, "%s.tmp", output) >= (int)sizeof tmpname)
		die("output path too long%s%s", "", "");
	o = fopen(tmpname, "w");
	if (!o)
		die("cannot create '%s': %s", tmpname, strerror(errno));
	fprintf(o, "/*\n * Generated by sv-trusted-keys at build time; do not edit.\n"
		   " * Public halves only.  Trusted keys, in order:\n");
	for (i = 0; i < nkeys; i++) {
		fprintf(o, " *   %d: ", i);
		put_path_comment(o, paths[i]);
		fprintf(o, "\n");
	}
	fprintf(o, " */\n#include <stddef.h>\n#include <stdint.h>\n\n#include \"sv_keys.h\"\n\n");
	for (i = 0; i < nkeys; i++) {
		char name[32];

		snprintf(name, sizeof name, "sv_key%d_n", i);
		fprintf(o, "static ");
		put_bytes(o, name, info[i].n, info[i].nlen);
		snprintf(name, sizeof name, "sv_key%d_e", i);
		fprintf(o, "static ");
		put_bytes(o, name, info[i].e, info[i].elen);
	}
	fprintf(o, "\nconst struct sv_rsa_pubkey sv_trusted_keys[%d] = {\n", nkeys);
	for (i = 0; i < nkeys; i++) {
		fprintf(o, "\t{sv_key%d_n, sv_key%d_e, %zu, %zu, %u, {", i, i, info[i].nlen,
			info[i].elen, info[i].bits);
		for (int j = 0; j < 32; j++)
			fprintf(o, "%s0x%02x", j ? ", " : "", keys[i].id[j]);
		fprintf(o, "}},\n");
	}
	fprintf(o, "};\nconst unsigned int sv_trusted_keys_count = %d;\n\n", nkeys);
	put_bytes(o, "sv_selftest_blob", blob, blob_len);
	fprintf(o, "const size_t sv_selftest_blob_len = %zu;\n", blob_len);
	put_bytes(o, "sv_selftest_sig", sig, sig_len);
	fprintf(o, "const size_t sv_selftest_sig_len = %zu;\n", sig_len);
	if (fclose(o) != 0 || rename(tmpname, output) != 0) {
		remove(tmpname);
		die("cannot write '%s': %s", output, strerror(errno));
	}

	printf("Sealvisor trusts %d key%s%s:\n", nkeys, nkeys == 1 ? "" : "s",
	       dev ? " (the DEVELOPMENT key: no -Dtrusted_keys given)" : "");
	for (i = 0; i < nkeys; i++) {
		hex(idhex, keys[i].id, 32);
		printf("  key %d: %u-bit RSA, id sha256:%s, from %s\n", i, info[i].bits, idhex,
		       paths[i]);
	}
	if (blob_path)
		printf("  self-test blob signed with key %d\n", idx);
	else
		printf("  no self-test blob: no unencrypted private key among the trusted keys\n");
	memset(info, 0, sizeof info);
	free(blob);
	free(sig);
	return 0;
}
