/* Unit test of the speculation-safe index helpers (vmm/include/sv/nospec.h). */
#include <stdio.h>

#include <sv/nospec.h>

int main(void)
{
	static const struct {
		uint64_t idx, size, mask, index, clamp;
	} c[] = {
		{ 0, 1, ~0ULL, 0, 0 },
		{ 1, 1, 0, 0, 1 },
		{ 11, 12, ~0ULL, 11, 11 },
		{ 12, 12, 0, 0, 12 },
		{ 13, 12, 0, 0, 12 },
		{ ~0ULL, 12, 0, 0, 12 },
		{ 0, 0, 0, 0, 0 },
		{ 1ULL << 63, 1ULL << 63, 0, 0, 1ULL << 63 },
		{ (1ULL << 63) - 1, 1ULL << 63, ~0ULL, (1ULL << 63) - 1, (1ULL << 63) - 1 },
		{ 255, 256, ~0ULL, 255, 255 },
		{ 256, 256, 0, 0, 256 },
	};
	int failures = 0;

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		if (nospec_mask(c[i].idx, c[i].size) != c[i].mask ||
		    nospec_index(c[i].idx, c[i].size) != c[i].index ||
		    nospec_clamp(c[i].idx, c[i].size) != c[i].clamp) {
			fprintf(stderr, "case %zu (idx %llx size %llx) wrong\n", i,
				(unsigned long long)c[i].idx, (unsigned long long)c[i].size);
			failures++;
		}
	}
	printf("nospec: %zu cases, %d failures\n", sizeof(c) / sizeof(c[0]), failures);
	return failures ? 1 : 0;
}
