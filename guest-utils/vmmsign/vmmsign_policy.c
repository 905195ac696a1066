/*
 * vmmsign's revocation-list and measurement commands: see
 * vmmsign_policy.h.  The list is checked with the VMM's own parser
 * (vmm/policy/revlist.c) before it is written, and written to a
 * temporary file that is renamed, like a signature.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <policy/revlist.h>
#include <sealvisor/errors.h>

#include "sv_verify.h"
#include "vmmsign_policy.h"

static int hex32(const char *s, uint8_t out[32])
{
	if (!strncmp(s, "sha256:", 7))
		s += 7;
	if (strlen(s) != 64)
		return -1;
	for (int i = 0; i < 32; i++) {
		unsigned int v;
		if (!strchr("0123456789abcdefABCDEF", s[2 * i]) ||
		    !strchr("0123456789abcdefABCDEF", s[2 * i + 1]) || sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (uint8_t)v;
	}
	return 0;
}

/* Every file here is small; a VMM image is a few MiB. */
#define MAX_INPUT (1u << 30)

static int cmp32(const void *a, const void *b)
{
	return memcmp(a, b, 32);
}

/* Sorts and drops duplicates; returns the new count. */
static uint32_t canonical(uint8_t (*v)[32], uint32_t n)
{
	uint32_t k = 0;

	qsort(v, n, 32, cmp32);
	for (uint32_t i = 0; i < n; i++) {
		if (k == 0 || memcmp(v[k - 1], v[i], 32))
			memmove(v[k++], v[i], 32);
	}
	return k;
}

static void le(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

int cmd_revlist(int argc, char **argv)
{
	static uint8_t digests[REVLIST_MAX_ENTRIES][32], keys[REVLIST_MAX_ENTRIES][32];
	static uint8_t out[REVLIST_MAX_SIZE];
	uint32_t nd = 0, nk = 0;
	char *end;
	struct revlist check;

	if (argc < 2) {
		fprintf(stderr, "vmmsign: revlist needs OUT VERSION [binary=PATH|digest=HEX|keyid=HEX ...]\n");
		return 2;
	}
	errno = 0;
	unsigned long long version = strtoull(argv[1], &end, 0);
	if (errno || end == argv[1] || *end || version == 0 || argv[1][0] == '-') {
		fprintf(stderr, "vmmsign: revlist: version '%s' is not a number from 1 to 2^64-1\n", argv[1]);
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		if (nd + nk == REVLIST_MAX_ENTRIES) {
			fprintf(stderr, "vmmsign: revlist: more than %u entries\n", REVLIST_MAX_ENTRIES);
			return 1;
		}
		if (!strncmp(a, "binary=", 7)) {
			size_t len;
			uint8_t *b = read_file(a + 7, MAX_INPUT, 0, &len);
			sv_sha256(b, len, digests[nd++]);
			free(b);
		} else if (!strncmp(a, "digest=", 7) && !hex32(a + 7, digests[nd])) {
			nd++;
		} else if (!strncmp(a, "keyid=", 6) && !hex32(a + 6, keys[nk])) {
			nk++;
		} else {
			fprintf(stderr, "vmmsign: revlist: '%s' is not binary=PATH, digest=HEX or keyid=HEX (64 hex digits, sha256: allowed)\n", a);
			return 2;
		}
	}
	nd = canonical(digests, nd);
	nk = canonical(keys, nk);
	memcpy(out, REVLIST_MAGIC, 4);
	le(out + 4, REVLIST_FORMAT, 4);
	le(out + 8, version, 8);
	le(out + 16, nd, 4);
	le(out + 20, nk, 4);
	memcpy(out + REVLIST_HEADER, digests, (size_t)nd * 32);
	memcpy(out + REVLIST_HEADER + (size_t)nd * 32, keys, (size_t)nk * 32);
	size_t len = REVLIST_HEADER + (size_t)(nd + nk) * 32;
	int rc = revlist_parse(out, len, &check);
	if (rc) {
		fprintf(stderr, "vmmsign: revlist: the list does not parse: %s\n", sv_strerror(rc));
		return 1;
	}

	size_t plen = strlen(argv[0]) + 8;
	char *tmp = malloc(plen);
	if (!tmp)
		return 1;
	snprintf(tmp, plen, "%s.tmp", argv[0]);
	FILE *f = fopen(tmp, "wb");
	if (!f || fwrite(out, 1, len, f) != len || fclose(f)) {
		fprintf(stderr, "vmmsign: cannot write '%s': %s\n", tmp, strerror(errno));
		remove(tmp);
		free(tmp);
		return 1;
	}
	if (rename(tmp, argv[0])) {
		fprintf(stderr, "vmmsign: cannot write '%s': %s\n", argv[0], strerror(errno));
		remove(tmp);
		free(tmp);
		return 1;
	}
	free(tmp);
	printf("revocation list version %llu: %u digest(s), %u key id(s), %zu bytes; sign it: vmmsign %s KEY %s.sig\n",
	       version, nd, nk, len, argv[0], argv[0]);
	return 0;
}

static uint64_t rd(const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

int cmd_image_digest(const char *path)
{
	size_t len;
	uint8_t *b = read_file(path, MAX_INPUT, 0, &len);
	uint8_t both[64], d[32];
	int seen = 0;

	/* ELF64, x86-64: the VMM image (boot/vmm.ld). */
	if (len < 64 || memcmp(b, "\177ELF\2\1", 6) || rd(b + 54, 2) != 56 ||
	    rd(b + 32, 8) + rd(b + 56, 2) * 56 > len) {
		fprintf(stderr, "vmmsign: '%s' is not the ELF64 VMM image\n", path);
		free(b);
		return 1;
	}
	/*
	 * The segments the VMM measures: loaded, not writable, linked in the
	 * top 2 GiB (text, then rodata), each [vaddr, vaddr + memsz) with the
	 * file's bytes and zeros after them.
	 */
	for (uint64_t i = 0; i < rd(b + 56, 2); i++) {
		const uint8_t *ph = b + rd(b + 32, 8) + i * 56;
		uint64_t off = rd(ph + 8, 8), vaddr = rd(ph + 16, 8), filesz = rd(ph + 32, 8);
		uint64_t memsz = rd(ph + 40, 8);

		if (rd(ph, 4) != 1 || (rd(ph + 4, 4) & 2) || vaddr < 0xffffffff80000000ull)
			continue;
		if (seen == 2 || filesz > memsz || off > len || filesz > len - off) {
			fprintf(stderr, "vmmsign: '%s': unexpected segments for a VMM image\n", path);
			free(b);
			return 1;
		}
		uint8_t *seg = calloc(1, memsz ? memsz : 1);
		if (!seg) {
			free(b);
			return 1;
		}
		memcpy(seg, b + off, filesz);
		sv_sha256(seg, memsz, both + 32 * seen++);
		free(seg);
	}
	free(b);
	if (seen != 2) {
		fprintf(stderr, "vmmsign: '%s': no text and rodata segments in the top 2 GiB\n", path);
		return 1;
	}
	sv_sha256(both, 64, d);
	for (int i = 0; i < 32; i++)
		printf("%02x", d[i]);
	printf("\n");
	return 0;
}

int cmd_keyset(int argc, char **argv)
{
	uint8_t *ids = calloc((size_t)argc ? (size_t)argc : 1, 32), d[32];

	if (!ids)
		return 1;
	for (int i = 0; i < argc; i++) {
		if (hex32(argv[i], ids + 32 * i)) {
			fprintf(stderr, "vmmsign: keyset: '%s' is not a key id (sha256:HEX from vmmsign keyid)\n", argv[i]);
			free(ids);
			return 2;
		}
	}
	sv_sha256(ids, (size_t)argc * 32, d);
	free(ids);
	for (int i = 0; i < 32; i++)
		printf("%02x", d[i]);
	printf("\n");
	return 0;
}

int cmd_cmdline(const char *line)
{
	uint8_t d[120];
	size_t n = strlen(line);

	if (n > 1024) {
		fprintf(stderr, "vmmsign: cmdline: longer than the boot loader's 1024 bytes\n");
		return 2;
	}
	memset(d, 0, sizeof(d));
	sv_sha256(line, n, d);
	for (int i = 0; i < 4; i++)
		d[32 + i] = (uint8_t)(n >> (8 * i));
	memcpy(d + 40, line, n < 80 ? n : 80);
	for (size_t i = 0; i < sizeof(d); i++)
		printf("%02x", d[i]);
	printf("\n");
	return 0;
}
