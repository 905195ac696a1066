/*
 * Anti-rollback by security version (docs/signatures.md, "Security
 * versions").
 *
 * For each product the table keeps the highest SVN loaded since boot; the
 * build adds a floor per product (-Dsvn_floor=product:N,...).  A binary
 * whose SVN is below either may not load.  Product "none" (binaries
 * without a manifest, always SVN 0) has no entry: only a floor applies to
 * it, so -Dsvn_floor=none:1 refuses every binary without a manifest.
 *
 * Portable: no allocation, no hardware; the VMM keeps one table under
 * vmm_lock, the unit tests many.
 */
#ifndef SV_POLICY_SVN_H
#define SV_POLICY_SVN_H

#include <sv/types.h>
#include <sealvisor/errors.h>

#define SVN_MAX_PRODUCTS 64u
#define SVN_PRODUCT_MAX 32u /* with its NUL */

struct svn_floor {
	const char *product;
	uint32_t min;
};

struct svn_entry {
	char product[SVN_PRODUCT_MAX]; /* "" when the entry is free */
	uint32_t highest;
};

struct svn_table {
	struct svn_entry e[SVN_MAX_PRODUCTS];
	const struct svn_floor *floors; /* ends at a NULL product */
};

/* An empty table over the build's floors (NULL: none). */
void svn_init(struct svn_table *t, const struct svn_floor *floors);

/*
 * May product load at this svn?  0; -SV_ESVN_FLOOR (below the build's
 * floor) or -SV_ESVN_ROLLBACK (below the highest loaded), with the minimum
 * it was held to in *min; -SV_ETABLE_FULL when a new product finds no room
 * (so svn_record after a successful check never fails).  *min is the
 * binding minimum on success too.
 */
int svn_check(const struct svn_table *t, const char *product, uint32_t svn, uint32_t *min);

/*
 * Records a load that svn_check allowed.  1 when svn is above what the
 * product had (older instances may then be killed), 0 when not, or
 * -SV_ETABLE_FULL.
 */
int svn_record(struct svn_table *t, const char *product, uint32_t svn);

/* The floor the build set for product, 0 when none. */
uint32_t svn_floor_of(const struct svn_table *t, const char *product);

#endif
