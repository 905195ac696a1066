/*
 * Indexes a guest or a process chose, kept in bounds under speculation
 * (Spectre v1).
 *
 * A bounds check is a conditional branch, and the CPU may run the code
 * behind it before the check resolves, loading (or storing) through an
 * index the check would refuse.  After the check, the index goes through
 * one of these: the result depends on idx and size through arithmetic,
 * with no branch to predict, so even speculatively it stays below size.
 * The inline assembly hides the computation from the compiler, which
 * could otherwise turn it back into a branch.
 *
 * Use: check first (the architectural answer: an error code), then mask:
 *	if (nr >= count)
 *		return -SV_ENOSYS;
 *	nr = nospec_index(nr, count);
 */
#ifndef SV_NOSPEC_H
#define SV_NOSPEC_H

#include <sv/types.h>

/* All ones when idx < size, else 0. */
static inline uint64_t nospec_mask(uint64_t idx, uint64_t size)
{
#if defined(__x86_64__)
	uint64_t m;

	/* CMP sets CF exactly when idx < size (unsigned); SBB m,m is then -CF. */
	__asm__("cmpq %2, %1\n\tsbbq %0, %0" : "=r"(m) : "r"(idx), "r"(size) : "cc");
	return m;
#else
	return (uint64_t)0 - (uint64_t)(idx < size);
#endif
}

/* idx when idx < size, else 0 (a valid index whenever size > 0). */
static inline uint64_t nospec_index(uint64_t idx, uint64_t size)
{
	return idx & nospec_mask(idx, size);
}

/*
 * idx when idx < size, else size: for a switch whose default case
 * handles size (a syscall number past the last one stays unknown, it
 * does not become number 0).
 */
static inline uint64_t nospec_clamp(uint64_t idx, uint64_t size)
{
	uint64_t m = nospec_mask(idx, size);

	return (idx & m) | (size & ~m);
}

#endif
