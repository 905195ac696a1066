/* A minimal test harness: CHECK_EQ prints file:line and both values on failure. */
#ifndef TCHECK_H
#define TCHECK_H

#include <inttypes.h>
#include <stdio.h>

extern int tcheck_failures;
extern int tcheck_checks;

#define CHECK_EQ(got, want)                                                               \
	do {                                                                              \
		long long g_ = (long long)(got), w_ = (long long)(want);                  \
		tcheck_checks++;                                                          \
		if (g_ != w_) {                                                           \
			printf("%s:%d: %s == %lld, expected %s == %lld\n", __FILE__, __LINE__, \
			       #got, g_, #want, w_);                                       \
			tcheck_failures++;                                                \
		}                                                                         \
	} while (0)

#define CHECK(cond) CHECK_EQ(!!(cond), 1)

#endif
