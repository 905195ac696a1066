/*
 * libFuzzer target: arbitrary bytes -> revlist_parse (vmm/policy/revlist.c).
 *
 * Built with clang -fsanitize=fuzzer,address,undefined, so any read
 * outside the input is a finding.  A refused input must name one of the
 * revocation-list codes and leave the result zeroed; an accepted one must
 * have exactly the length its counts say, strictly ascending halves, and
 * every entry found by the lookups (and a changed one not, unless the
 * change lands on another entry), and revlist_may_follow must say of it
 * as a first list what its version and keys imply.
 */
#include <stdlib.h>
#include <string.h>

#include <policy/revlist.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct revlist zero;
	struct revlist rl;
	int r;

	memset(&rl, 0x5a, sizeof(rl));
	r = revlist_parse(data, size, &rl);
	if (r < 0) {
		if (-r < SV_ERL_TRUNCATED || -r > SV_ERL_VERSION || memcmp(&rl, &zero, sizeof(rl)))
			abort();
		return 0;
	}
	if (r != 0 || size != REVLIST_HEADER + (size_t)(rl.ndigests + rl.nkeys) * REVLIST_ENTRY ||
	    rl.digests != data + REVLIST_HEADER ||
	    rl.keys != rl.digests + (size_t)rl.ndigests * REVLIST_ENTRY)
		abort();
	for (uint32_t i = 0; i < rl.ndigests; i++) {
		if (!revlist_has_digest(&rl, rl.digests + (size_t)i * 32) ||
		    (i && memcmp(rl.digests + (size_t)(i - 1) * 32, rl.digests + (size_t)i * 32, 32) >= 0))
			abort();
	}
	for (uint32_t i = 0; i < rl.nkeys; i++) {
		uint8_t x[32];

		if (!revlist_has_key(&rl, rl.keys + (size_t)i * 32))
			abort();
		/* Between two neighbours (or past the last) nothing is found. */
		memcpy(x, rl.keys + (size_t)i * 32, 32);
		int k = 31;
		while (k >= 0 && x[k] == 0xff)
			x[k--] = 0;
		if (k < 0)
			continue;
		x[k]++;
		if (revlist_has_key(&rl, x) &&
		    !(i + 1 < rl.nkeys && !memcmp(x, rl.keys + (size_t)(i + 1) * 32, 32)))
			abort();
	}
	/*
	 * As the first list: stale at version 0, too far above 2^32, refused
	 * when it names its signer (its first key, if any), else accepted.
	 */
	static const uint8_t nobody[32];
	const uint8_t *signer = rl.nkeys ? rl.keys : nobody;
	int want = rl.version == 0 ? -SV_ERL_STALE
		   : rl.version > REVLIST_MAX_VERSION_STEP ? -SV_ERL_VERSION
		   : rl.nkeys ? -SV_EREVOKED
		   : 0;
	if (revlist_may_follow(&zero, &rl, signer) != want)
		abort();
	/* Nothing follows itself. */
	if (revlist_may_follow(&rl, &rl, nobody) != -SV_ERL_STALE)
		abort();
	return 0;
}
