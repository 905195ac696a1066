/*
 * Revocation lists (docs/signatures.md, "Revocation").
 *
 * The format, all integers little-endian:
 *
 *     offset  size
 *     0       4      magic "SVRL"
 *     4       4      format version, 1
 *     8       8      list version: every new list has a higher one
 *     16      4      D, revoked binary digests (SHA-256 of the whole file)
 *     20      4      K, revoked key ids (SHA-256 of the key's DER SPKI)
 *     24      32*D   the digests, strictly ascending (memcmp order)
 *     24+32D  32*K   the key ids, strictly ascending
 *
 * and nothing after.  A list is signed exactly like a process binary
 * (PKCS#1 v1.5 over SHA-256 of the whole file), so vmmsign signs it and
 * the VMM verifies it against the same trusted keys.  Sorted entries make
 * the order canonical (one list, one digest) and lookups a binary search.
 *
 * Portable: the parser keeps pointers into the caller's buffer.
 */
#ifndef SV_POLICY_REVLIST_H
#define SV_POLICY_REVLIST_H

#include <sv/types.h>
#include <sealvisor/errors.h>

#define REVLIST_MAGIC "SVRL"
#define REVLIST_FORMAT 1u
#define REVLIST_HEADER 24u
#define REVLIST_ENTRY 32u
#define REVLIST_MAX_ENTRIES 512u /* digests and keys together */
#define REVLIST_MAX_SIZE (REVLIST_HEADER + REVLIST_MAX_ENTRIES * REVLIST_ENTRY)
/* A new list's version is above the one in force by at most this. */
#define REVLIST_MAX_VERSION_STEP (1ull << 32)

struct revlist {
	uint64_t version;
	uint32_t ndigests, nkeys;
	const uint8_t *digests; /* ndigests * 32 bytes, inside the parsed buffer */
	const uint8_t *keys;    /* nkeys * 32 bytes */
};

/*
 * Parses buf[0, len).  0, or in this order: -SV_ERL_TOOBIG (len above
 * REVLIST_MAX_SIZE or more entries than REVLIST_MAX_ENTRIES),
 * -SV_ERL_TRUNCATED (shorter than the header), -SV_ERL_VERSION (magic or
 * format), -SV_ERL_TRUNCATED (length not what the counts say),
 * -SV_ERL_UNSORTED.  *out is zeroed on failure.
 */
int revlist_parse(const void *buf, size_t len, struct revlist *out);

/*
 * May list next, signed by the key with id signer, replace cur (the list
 * in force; all zero before any)?  0, or in this order -SV_ERL_STALE (its
 * version is not above cur's), -SV_ERL_VERSION (above it by more than
 * REVLIST_MAX_VERSION_STEP: one list must not use up the version space),
 * -SV_EREVOKED (cur or next itself revokes signer: a list cannot shut out
 * the other keys and keep its own).
 */
int revlist_may_follow(const struct revlist *cur, const struct revlist *next,
		       const uint8_t signer[32]);

/*
 * May trusted key number key sign lists?  allowed: the indexes that may
 * (-Drevocation_keys), ending at -1; an empty set (allowed[0] == -1)
 * allows every key.  A negative key never may.
 */
bool revlist_key_may_sign(const int *allowed, int key);

/* Whether digest / key id d is on the list (an empty list: never). */
bool revlist_has_digest(const struct revlist *rl, const uint8_t d[32]);
bool revlist_has_key(const struct revlist *rl, const uint8_t k[32]);

#endif
