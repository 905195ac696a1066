/* Nested identity map planning; see include/sv/nested_map.h. */
#include <sv/mm.h>
#include <sv/nested_map.h>

struct ctx {
	const struct nested_format *f;
	uint64_t span;
	const struct sv_range *hidden;
	unsigned int nhidden;
	uint64_t sink;
};

static bool touches_hidden(const struct ctx *c, uint64_t base, uint64_t size)
{
	for (unsigned int i = 0; i < c->nhidden; i++) {
		if (c->hidden[i].size && ranges_overlap(base, size, c->hidden[i].base, c->hidden[i].size))
			return true;
	}
	return false;
}

/* Fills the table at level lvl (4 = root) covering [base, base + 512 * entry size). */
static int fill(const struct ctx *c, uint64_t *t, unsigned int lvl, uint64_t base)
{
	uint64_t esize = 1ULL << (12 + 9 * (lvl - 1));

	for (unsigned int i = 0; i < 512; i++) {
		uint64_t a = base + i * esize;
		if (a >= c->span)
			break;
		bool hidden = touches_hidden(c, a, esize);
		if (lvl == 1) {
			if (!hidden)
				t[i] = c->f->leaf(a, 1);
			else if (c->sink)
				t[i] = c->f->leaf(c->sink, 1);
			continue; /* no sink: the page stays absent */
		}
		bool large_ok = ((lvl == 2 && !c->f->no_2m) || (lvl == 3 && c->f->has_1g)) &&
				a + esize <= c->span;
		if (!hidden && large_ok) {
			t[i] = c->f->leaf(a, lvl);
			continue;
		}
		uint64_t pa = palloc_page();
		if (!pa)
			return -SV_ENOMEM;
		int rc = fill(c, phys_to_virt(pa), lvl - 1, a);
		if (rc)
			return rc;
		t[i] = c->f->table(pa, lvl);
	}
	return 0;
}

int nested_map_build(const struct nested_format *f, uint64_t span, const struct sv_range *hidden,
		     unsigned int nhidden, uint64_t sink, uint64_t *root)
{
	struct ctx c = { f, span, hidden, nhidden, sink };
	uint64_t pa = palloc_page();

	if (!pa)
		return -SV_ENOMEM;
	if (span > (512ULL << 39))
		c.span = 512ULL << 39;
	int rc = fill(&c, phys_to_virt(pa), 4, 0);
	if (rc)
		return rc;
	*root = pa;
	return 0;
}

/* Bit 7 marks a large page in NPT and EPT entries alike; bits 12-51 the address. */
#define ENTRY_LARGE (1ULL << 7)
#define ENTRY_ADDR 0x000ffffffffff000ULL

volatile uint32_t nested_map_gen;

int nested_map_trap(const struct nested_format *f, uint64_t root, uint64_t gpa)
{
	uint64_t *t = phys_to_virt(root);

	for (unsigned int lvl = 4; lvl > 1; lvl--) {
		unsigned int shift = 12 + 9 * (lvl - 1);
		uint64_t *e = &t[(gpa >> shift) & 511];
		if (*e == 0)
			return -SV_EINVAL; /* outside the map */
		if (*e & ENTRY_LARGE) {
			/* Split: a table of the next level mapping the same span. */
			uint64_t pa = palloc_page();
			if (!pa)
				return -SV_ENOMEM;
			uint64_t *n = phys_to_virt(pa);
			uint64_t sub = 1ULL << (shift - 9);
			for (unsigned int i = 0; i < 512; i++)
				n[i] = f->leaf((*e & ENTRY_ADDR & ~(sub * 512 - 1)) + i * sub, lvl - 1);
			*e = f->table(pa, lvl);
		}
		t = phys_to_virt(*e & ENTRY_ADDR);
	}
	t[(gpa >> 12) & 511] = 0;
	__atomic_fetch_add(&nested_map_gen, 1, __ATOMIC_SEQ_CST);
	return 0;
}
