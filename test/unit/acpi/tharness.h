/*
 * What the ACPI unit tests share (tharness.c): checks that count and
 * print, fake physical memory for the reader's map callback, and table
 * builders.  Each memory region is a heap block of exactly its size, so a
 * read past one is caught by AddressSanitizer (the build adds it where
 * the compiler has it), and a map request beyond one is refused and
 * counted.
 */
#ifndef ACPI_THARNESS_H
#define ACPI_THARNESS_H

#include <stdio.h>
#include <string.h>

#include <sv/acpi.h>

#include "recorded_tables.h"

extern int t_failures, t_checks;

#define CHECK_EQ(got, want)                                                             \
	do {                                                                            \
		long long g_ = (long long)(got), w_ = (long long)(want);                \
		t_checks++;                                                             \
		if (g_ != w_) {                                                         \
			printf("%s:%d: %s == %lld (0x%llx), expected %s == %lld (0x%llx)\n", \
			       __FILE__, __LINE__, #got, g_, (unsigned long long)g_, #want, \
			       w_, (unsigned long long)w_);                             \
			t_failures++;                                                   \
		}                                                                       \
	} while (0)
#define CHECK(cond) CHECK_EQ(!!(cond), 1)
/* The reason string a call returned is the one expected. */
#define CHECK_WHY(why, want)                                                            \
	do {                                                                            \
		t_checks++;                                                             \
		if (!(why) || strcmp((why), (want)) != 0) {                             \
			printf("%s:%d: reason \"%s\", expected \"%s\"\n", __FILE__,      \
			       __LINE__, (why) ? (why) : "(null)", (want));              \
			t_failures++;                                                   \
		}                                                                       \
	} while (0)

#define MAX_REGIONS 16
#define LOW_MEM (1u << 20)

/* Fake physical memory: regions of bytes at physical addresses. */
struct region {
	uint64_t pa;
	size_t len;
	uint8_t *buf;
};

struct fakemem {
	struct region r[MAX_REGIONS];
	unsigned int n;
	unsigned int calls, refused; /* map requests, and those refused */
	bool refuse_all;             /* refuse every request */
};

/* Adds a region of len bytes at pa, copied from init or zeroed; returns it. */
uint8_t *fm_add(struct fakemem *m, uint64_t pa, size_t len, const void *init);
/* Frees every region and clears m. */
void fm_free(struct fakemem *m);
/* The acpi_map_fn over m (ctx): the region holding all of [pa, pa+len), or NULL. */
const void *fm_map(void *ctx, uint64_t pa, uint64_t len);
struct acpi_mem fm_mem(struct fakemem *m);
/* A machine's first MiB (the EBDA word, its RSDP) and each of its tables. */
void load_machine(struct fakemem *fm, const struct rec_machine *m);
/* A machine's recorded table with signature sig, or NULL. */
const struct rec_blob *rec_table(const struct rec_machine *m, const char *sig);

void put32(uint8_t *p, uint32_t v);
void put64(uint8_t *p, uint64_t v);
uint32_t get32(const uint8_t *p);
/* Sets the byte at p[at] so that the first len bytes sum to 0. */
void fix_sum(uint8_t *p, size_t len, size_t at);
/* Fixes a table's checksum over its length field. */
void fix_table(uint8_t *t);
/* A table header (checksum left to fix_table). */
void make_hdr(uint8_t *t, const char *sig, uint32_t len, uint8_t rev);
/* A valid ACPI 2.0 RSDP (36 bytes) naming rsdt and xsdt. */
void make_rsdp2(uint8_t *p, uint32_t rsdt, uint64_t xsdt);

/* Prints the totals; the exit status for main. */
int t_report(void);

#endif
