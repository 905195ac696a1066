/*
 * The anti-rollback table: documented in svn.h.  A linear table: a few
 * dozen products at most, looked at once per load.
 */
#include "svn.h"

#include <fsstring.h>

static bool is_none(const char *product)
{
	return !strcmp(product, "none");
}

void svn_init(struct svn_table *t, const struct svn_floor *floors)
{
	memset(t, 0, sizeof(*t));
	t->floors = floors;
}

uint32_t svn_floor_of(const struct svn_table *t, const char *product)
{
	for (const struct svn_floor *f = t->floors; f && f->product; f++) {
		if (!strcmp(f->product, product))
			return f->min;
	}
	return 0;
}

static const struct svn_entry *find(const struct svn_table *t, const char *product)
{
	for (unsigned int i = 0; i < SVN_MAX_PRODUCTS; i++) {
		if (t->e[i].product[0] && !strcmp(t->e[i].product, product))
			return &t->e[i];
	}
	return NULL;
}

static bool has_room(const struct svn_table *t)
{
	for (unsigned int i = 0; i < SVN_MAX_PRODUCTS; i++) {
		if (!t->e[i].product[0])
			return true;
	}
	return false;
}

int svn_check(const struct svn_table *t, const char *product, uint32_t svn, uint32_t *min)
{
	uint32_t floor = svn_floor_of(t, product);
	const struct svn_entry *e = is_none(product) ? NULL : find(t, product);

	*min = floor;
	if (svn < floor)
		return -SV_ESVN_FLOOR;
	if (e && e->highest > floor)
		*min = e->highest;
	if (e && svn < e->highest)
		return -SV_ESVN_ROLLBACK;
	if (!e && !is_none(product) && !has_room(t))
		return -SV_ETABLE_FULL;
	return 0;
}

int svn_record(struct svn_table *t, const char *product, uint32_t svn)
{
	struct svn_entry *e;
	size_t n = strlen(product);

	if (is_none(product))
		return 0;
	if (n == 0 || n >= SVN_PRODUCT_MAX)
		return -SV_EINVAL;
	e = (struct svn_entry *)find(t, product);
	if (e) {
		if (svn <= e->highest)
			return 0;
		e->highest = svn;
		return 1;
	}
	for (unsigned int i = 0; i < SVN_MAX_PRODUCTS; i++) {
		if (!t->e[i].product[0]) {
			memcpy(t->e[i].product, product, n + 1);
			t->e[i].highest = svn;
			/* The first load raises the product from "nothing loaded". */
			return 1;
		}
	}
	return -SV_ETABLE_FULL;
}
