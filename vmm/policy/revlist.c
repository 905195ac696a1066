/*
 * Revocation list parser and lookups: documented in revlist.h.  Every
 * length is checked against the buffer before a byte past the header is
 * read; counts are summed in 64 bits.
 */
#include "revlist.h"

#include <fsstring.h>

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static bool ascending(const uint8_t *v, uint32_t n)
{
	for (uint32_t i = 1; i < n; i++) {
		if (memcmp(v + (i - 1) * REVLIST_ENTRY, v + i * REVLIST_ENTRY, REVLIST_ENTRY) >= 0)
			return false;
	}
	return true;
}

int revlist_parse(const void *buf, size_t len, struct revlist *out)
{
	const uint8_t *b = buf;
	uint64_t entries;

	memset(out, 0, sizeof(*out));
	if (len > REVLIST_MAX_SIZE)
		return -SV_ERL_TOOBIG;
	if (!b || len < REVLIST_HEADER)
		return -SV_ERL_TRUNCATED;
	if (memcmp(b, REVLIST_MAGIC, 4) || le32(b + 4) != REVLIST_FORMAT)
		return -SV_ERL_VERSION;
	entries = (uint64_t)le32(b + 16) + le32(b + 20);
	if (entries > REVLIST_MAX_ENTRIES)
		return -SV_ERL_TOOBIG;
	if (len != REVLIST_HEADER + entries * REVLIST_ENTRY)
		return -SV_ERL_TRUNCATED;
	out->version = (uint64_t)le32(b + 8) | (uint64_t)le32(b + 12) << 32;
	out->ndigests = le32(b + 16);
	out->nkeys = le32(b + 20);
	out->digests = b + REVLIST_HEADER;
	out->keys = out->digests + (size_t)out->ndigests * REVLIST_ENTRY;
	if (!ascending(out->digests, out->ndigests) || !ascending(out->keys, out->nkeys)) {
		memset(out, 0, sizeof(*out));
		return -SV_ERL_UNSORTED;
	}
	return 0;
}

static bool search(const uint8_t *v, uint32_t n, const uint8_t *x)
{
	uint32_t lo = 0, hi = n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = memcmp(v + (size_t)mid * REVLIST_ENTRY, x, REVLIST_ENTRY);

		if (c == 0)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

bool revlist_has_digest(const struct revlist *rl, const uint8_t d[32])
{
	return rl->ndigests && search(rl->digests, rl->ndigests, d);
}

bool revlist_has_key(const struct revlist *rl, const uint8_t k[32])
{
	return rl->nkeys && search(rl->keys, rl->nkeys, k);
}

int revlist_may_follow(const struct revlist *cur, const struct revlist *next,
		       const uint8_t signer[32])
{
	if (next->version <= cur->version)
		return -SV_ERL_STALE;
	if (next->version - cur->version > REVLIST_MAX_VERSION_STEP)
		return -SV_ERL_VERSION;
	if (revlist_has_key(cur, signer) || revlist_has_key(next, signer))
		return -SV_EREVOKED;
	return 0;
}

bool revlist_key_may_sign(const int *allowed, int key)
{
	if (key < 0)
		return false;
	if (allowed[0] < 0)
		return true;
	for (unsigned int i = 0; allowed[i] >= 0; i++) {
		if (allowed[i] == key)
			return true;
	}
	return false;
}
