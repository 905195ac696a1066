/*
 * DMAR parser (VT-d specification chapter 8; documented in sv/dmar.h).
 * The remapping structures are a packed sequence of (type, length, body),
 * each bounded by the table before its body is read, and each device
 * scope inside one is bounded by its structure.
 */
#include <sv/acpi.h>
#include <sv/bytes.h>
#include <sv/dmar.h>

#include "fsstring.h"

#define PAGE_MASK_4K 0xfffULL

/*
 * Walks the device scopes in [p, p + len): counts them, and the PCI
 * endpoints and bridges among them.  Returns 0 or -SV_EINVAL.
 */
static int walk_scopes(const uint8_t *p, size_t len, unsigned int *nscopes,
		       unsigned int *nendpoints, const char **why)
{
	for (size_t off = 0; off < len;) {
		if (len - off < 2)
			return acpi_fail(why, -SV_EINVAL, "DMAR device scope header past its structure");
		uint8_t type = p[off], slen = p[off + 1];
		if (slen < DMAR_SCOPE_MIN_LEN)
			return acpi_fail(why, -SV_EINVAL, "DMAR device scope shorter than 6 bytes");
		if (slen > len - off)
			return acpi_fail(why, -SV_EINVAL, "DMAR device scope past its structure");
		if ((slen - DMAR_SCOPE_MIN_LEN) % 2)
			return acpi_fail(why, -SV_EINVAL, "DMAR device scope path of odd length");
		(*nscopes)++;
		if (type == DMAR_SCOPE_ENDPOINT || type == DMAR_SCOPE_BRIDGE)
			(*nendpoints)++;
		off += slen;
	}
	return 0;
}

static int parse_drhd(const uint8_t *e, size_t elen, struct dmar_info *out, const char **why)
{
	struct dmar_unit u = { 0 };

	if (elen < DMAR_DRHD_MIN_LEN)
		return acpi_fail(why, -SV_EINVAL, "DMAR DRHD shorter than 16 bytes");
	u.include_all = e[4] & DMAR_DRHD_INCLUDE_PCI_ALL;
	/* VT-d 3.0 on: byte 5 is log2 of the register pages; earlier it was 0. */
	unsigned int size_log = e[5] & 0x0f;
	u.size = 4096ULL << size_log;
	u.segment = rd16(e + 6);
	u.base = rd64(e + 8);
	if (u.base == 0)
		return acpi_fail(why, -SV_EINVAL, "DMAR DRHD with register base 0");
	if (u.base & PAGE_MASK_4K)
		return acpi_fail(why, -SV_EINVAL, "DMAR DRHD register base not 4 KiB-aligned");
	if (u.size > UINT64_MAX - u.base)
		return acpi_fail(why, -SV_EINVAL, "DMAR DRHD registers wrap around the address space");
	int r = walk_scopes(e + DMAR_DRHD_MIN_LEN, elen - DMAR_DRHD_MIN_LEN, &u.nscopes,
			    &u.nendpoints, why);
	if (r < 0)
		return r;
	out->total_units++;
	if (out->nunits < DMAR_MAX_UNITS)
		out->units[out->nunits++] = u;
	return 0;
}

static int parse_rmrr(const uint8_t *e, size_t elen, struct dmar_info *out, const char **why)
{
	struct dmar_rmrr m = { 0 };
	unsigned int endpoints = 0;

	if (elen < DMAR_RMRR_MIN_LEN)
		return acpi_fail(why, -SV_EINVAL, "DMAR RMRR shorter than 24 bytes");
	m.segment = rd16(e + 6);
	m.base = rd64(e + 8);
	m.limit = rd64(e + 16);
	if (m.base & PAGE_MASK_4K)
		return acpi_fail(why, -SV_EINVAL, "DMAR RMRR base not 4 KiB-aligned");
	if (m.limit < m.base)
		return acpi_fail(why, -SV_EINVAL, "DMAR RMRR limit below its base");
	if ((m.limit & PAGE_MASK_4K) != PAGE_MASK_4K)
		return acpi_fail(why, -SV_EINVAL, "DMAR RMRR limit not the last byte of a page");
	int r = walk_scopes(e + DMAR_RMRR_MIN_LEN, elen - DMAR_RMRR_MIN_LEN, &m.nscopes,
			    &endpoints, why);
	if (r < 0)
		return r;
	out->total_rmrr++;
	if (out->nrmrr < DMAR_MAX_RMRR)
		out->rmrr[out->nrmrr++] = m;
	return 0;
}

/* Documented in sv/dmar.h. */
int dmar_parse(const void *table, size_t avail, struct dmar_info *out, const char **why)
{
	const uint8_t *b = table;

	memset(out, 0, sizeof(*out));
	int r = acpi_table_check(table, avail, "DMAR", why);
	if (r < 0)
		return r;
	size_t len = (size_t)r;
	if (len < DMAR_HDR_LEN)
		return acpi_fail(why, -SV_EINVAL, "DMAR shorter than 48 bytes");
	out->haw = (unsigned int)b[36] + 1;
	out->flags = b[37];

	for (size_t off = DMAR_HDR_LEN; off < len;) {
		if (len - off < 4)
			return acpi_fail(why, -SV_EINVAL, "DMAR structure header past the table end");
		const uint8_t *e = b + off;
		uint16_t type = rd16(e), elen = rd16(e + 2);
		if (elen < 4)
			return acpi_fail(why, -SV_EINVAL, "DMAR structure shorter than 4 bytes");
		if (elen > len - off)
			return acpi_fail(why, -SV_EINVAL, "DMAR structure past the table end");
		out->nstructs++;
		r = 0;
		if (type == DMAR_TYPE_DRHD)
			r = parse_drhd(e, elen, out, why);
		else if (type == DMAR_TYPE_RMRR)
			r = parse_rmrr(e, elen, out, why);
		if (r < 0)
			return r;
		off += elen;
	}
	return 0;
}
