/* The ACPI unit tests' shared helpers (documented in tharness.h). */
#include <stdlib.h>

#include "tharness.h"

int t_failures, t_checks;

uint8_t *fm_add(struct fakemem *m, uint64_t pa, size_t len, const void *init)
{
	if (m->n == MAX_REGIONS)
		abort();
	struct region *r = &m->r[m->n++];
	r->pa = pa;
	r->len = len;
	r->buf = malloc(len ? len : 1);
	if (!r->buf)
		abort();
	if (init)
		memcpy(r->buf, init, len);
	else
		memset(r->buf, 0, len);
	return r->buf;
}

void fm_free(struct fakemem *m)
{
	for (unsigned int i = 0; i < m->n; i++)
		free(m->r[i].buf);
	memset(m, 0, sizeof(*m));
}

/*
 * The map callback: the reader promises len > 0 and no wrap; a broken
 * promise fails the test.  Written without pa + len, so that a region
 * ending at the top of the address space works.
 */
const void *fm_map(void *ctx, uint64_t pa, uint64_t len)
{
	struct fakemem *m = ctx;

	m->calls++;
	if (len == 0 || len > UINT64_MAX - pa) {
		printf("map callback called with pa 0x%llx len 0x%llx: contract broken\n",
		       (unsigned long long)pa, (unsigned long long)len);
		t_failures++;
		return NULL;
	}
	for (unsigned int i = 0; !m->refuse_all && i < m->n; i++) {
		struct region *r = &m->r[i];
		if (pa >= r->pa && pa - r->pa <= r->len && len <= r->len - (pa - r->pa))
			return r->buf + (pa - r->pa);
	}
	m->refused++;
	return NULL;
}

struct acpi_mem fm_mem(struct fakemem *m)
{
	struct acpi_mem mem = { .map = fm_map, .ctx = m };
	return mem;
}

void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

uint32_t get32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

/* Sets the checksum byte so that the first len bytes sum to 0. */
void fix_sum(uint8_t *p, size_t len, size_t at)
{
	uint8_t s = 0;

	p[at] = 0;
	for (size_t i = 0; i < len; i++)
		s = (uint8_t)(s + p[i]);
	p[at] = (uint8_t)-s;
}

void fix_table(uint8_t *t)
{
	fix_sum(t, get32(t + 4), 9);
}

/* A table header of length len, signature sig, checksum fixed later. */
void make_hdr(uint8_t *t, const char *sig, uint32_t len, uint8_t rev)
{
	memset(t, 0, ACPI_HDR_LEN);
	memcpy(t, sig, 4);
	put32(t + 4, len);
	t[8] = rev;
	memcpy(t + 10, "SVTEST", 6);
	memcpy(t + 16, "UNITTEST", 8);
}

/* A v2 RSDP (36 bytes) naming rsdt and xsdt. */
void make_rsdp2(uint8_t *p, uint32_t rsdt, uint64_t xsdt)
{
	memset(p, 0, 36);
	memcpy(p, "RSD PTR ", 8);
	memcpy(p + 9, "SVTEST", 6);
	p[15] = 2;
	put32(p + 16, rsdt);
	put32(p + 20, 36);
	put64(p + 24, xsdt);
	fix_sum(p, 20, 8);
	fix_sum(p, 36, 32);
}

/* The machine's first MiB (EBDA word, RSDP) and each of its tables. */
void load_machine(struct fakemem *fm, const struct rec_machine *m)
{
	memset(fm, 0, sizeof(*fm));
	uint8_t *low = fm_add(fm, 0, LOW_MEM, NULL);
	low[ACPI_EBDA_PTR] = (uint8_t)m->ebda_seg;
	low[ACPI_EBDA_PTR + 1] = (uint8_t)(m->ebda_seg >> 8);
	memcpy(low + m->rsdp.pa, m->rsdp.bytes, m->rsdp.len);
	for (size_t i = 0; i < m->ntables; i++)
		fm_add(fm, m->tables[i].pa, m->tables[i].len, m->tables[i].bytes);
}

const struct rec_blob *rec_table(const struct rec_machine *m, const char *sig)
{
	for (size_t i = 0; i < m->ntables; i++)
		if (memcmp(m->tables[i].bytes, sig, 4) == 0)
			return &m->tables[i];
	return NULL;
}

int t_report(void)
{
	printf("%d checks, %d failures\n", t_checks, t_failures);
	return t_failures ? 1 : 0;
}
