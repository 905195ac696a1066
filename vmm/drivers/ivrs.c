/*
 * IVRS parser (AMD IOMMU specification 5.2; documented in sv/ivrs.h).
 * Blocks are (type, flags, length) headed; each is bounded by the table
 * before its body is read, and each device entry by its block.
 */
#include <sv/acpi.h>
#include <sv/bytes.h>
#include <sv/ivrs.h>

#include "fsstring.h"

/* Device entry length by type (5.2.2.2): 0 when the type has no known length. */
static size_t entry_len(const uint8_t *p, size_t avail)
{
	uint8_t type = p[0];

	if (type < 0x40)
		return 4;
	if (type < 0x80)
		return 8;
	if (type == IVRS_ENTRY_ACPI_HID) {
		if (avail < IVRS_ENTRY_HID_LEN)
			return IVRS_ENTRY_HID_LEN; /* the caller finds it past the block */
		return IVRS_ENTRY_HID_LEN + (size_t)p[IVRS_ENTRY_HID_LEN - 1];
	}
	return 0;
}

/*
 * A special-device entry (5.2.2.2, type 48h: DTE setting at byte 3,
 * handle at 4, requester ID at 5-6, variety at 7), kept once however
 * many IVHD blocks of the same IOMMU repeat it.
 */
static void add_special(const uint8_t *p, struct ivrs_info *out)
{
	struct ivrs_special s = { p[7], p[4], rd16(p + 5) };

	for (unsigned int i = 0; i < out->nspecial; i++)
		if (out->special[i].variety == s.variety && out->special[i].handle == s.handle)
			return;
	if (out->nspecial == IVRS_MAX_SPECIAL)
		return;
	out->special[out->nspecial++] = s;
	if (s.variety == IVRS_SPECIAL_IOAPIC)
		out->nioapic++;
}

static int parse_ivhd(const uint8_t *e, size_t elen, struct ivrs_info *out, const char **why)
{
	uint8_t type = e[0];
	size_t fixed = type == IVRS_IVHD_10 ? IVRS_IVHD_10_LEN : IVRS_IVHD_11_LEN;
	unsigned int n = 0;

	if (elen < fixed)
		return acpi_fail(why, -SV_EINVAL, "IVRS IVHD shorter than its type's fixed part");
	uint64_t base = rd64(e + 8);
	if (base == 0)
		return acpi_fail(why, -SV_EINVAL, "IVRS IVHD with register base 0");
	if (base & 0x3fffULL)
		return acpi_fail(why, -SV_EINVAL, "IVRS IVHD register base not 16 KiB-aligned");
	if (base > UINT64_MAX - 0x4000)
		return acpi_fail(why, -SV_EINVAL, "IVRS IVHD registers wrap around the address space");
	for (size_t off = fixed; off < elen;) {
		size_t l = entry_len(e + off, elen - off);
		if (l == 0)
			return acpi_fail(why, -SV_EINVAL, "IVRS device entry of a type with no known length");
		if (l > elen - off)
			return acpi_fail(why, -SV_EINVAL, "IVRS device entry past its IVHD block");
		if (e[off] == IVRS_ENTRY_SPECIAL)
			add_special(e + off, out);
		n++;
		off += l;
	}
	out->nblocks++;
	for (unsigned int i = 0; i < out->nunits; i++) {
		struct ivrs_unit *u = &out->units[i];
		if (u->base == base) {
			/* The same IOMMU again, in the layout of another IVHD type. */
			u->type = type;
			u->flags = e[1];
			u->nentries += n;
			return 0;
		}
	}
	out->total_units++;
	if (out->nunits == IVRS_MAX_UNITS)
		return 0;
	struct ivrs_unit *u = &out->units[out->nunits++];
	u->base = base;
	u->type = type;
	u->flags = e[1];
	u->devid = rd16(e + 4);
	u->cap_off = rd16(e + 6);
	u->segment = rd16(e + 16);
	u->nentries = n;
	return 0;
}

static int parse_ivmd(const uint8_t *e, size_t elen, struct ivrs_info *out, const char **why)
{
	struct ivrs_ivmd m = { 0 };

	if (elen < IVRS_IVMD_LEN)
		return acpi_fail(why, -SV_EINVAL, "IVRS IVMD shorter than 32 bytes");
	m.type = e[0];
	m.flags = e[1];
	m.devid = rd16(e + 4);
	m.devid_last = m.type == IVRS_IVMD_RANGE ? rd16(e + 6) : m.devid;
	m.start = rd64(e + 16);
	m.length = rd64(e + 24);
	if ((m.start | m.length) & 0xfffULL)
		return acpi_fail(why, -SV_EINVAL, "IVRS IVMD range not 4 KiB-aligned");
	if (m.length == 0)
		return acpi_fail(why, -SV_EINVAL, "IVRS IVMD of length 0");
	if (m.length > UINT64_MAX - m.start)
		return acpi_fail(why, -SV_EINVAL, "IVRS IVMD range wraps around the address space");
	if (m.type == IVRS_IVMD_RANGE && m.devid_last < m.devid)
		return acpi_fail(why, -SV_EINVAL, "IVRS IVMD device range ends before it starts");
	out->total_ivmd++;
	if (out->nivmd < IVRS_MAX_IVMD)
		out->ivmd[out->nivmd++] = m;
	return 0;
}

/* Documented in sv/ivrs.h. */
int ivrs_parse(const void *table, size_t avail, struct ivrs_info *out, const char **why)
{
	const uint8_t *b = table;

	memset(out, 0, sizeof(*out));
	int r = acpi_table_check(table, avail, "IVRS", why);
	if (r < 0)
		return r;
	size_t len = (size_t)r;
	if (len < IVRS_HDR_LEN)
		return acpi_fail(why, -SV_EINVAL, "IVRS shorter than 48 bytes");
	out->ivinfo = rd32(b + 36);

	for (size_t off = IVRS_HDR_LEN; off < len;) {
		if (len - off < 4)
			return acpi_fail(why, -SV_EINVAL, "IVRS block header past the table end");
		const uint8_t *e = b + off;
		uint8_t type = e[0];
		uint16_t elen = rd16(e + 2);
		if (elen < 4)
			return acpi_fail(why, -SV_EINVAL, "IVRS block shorter than 4 bytes");
		if (elen > len - off)
			return acpi_fail(why, -SV_EINVAL, "IVRS block past the table end");
		out->nstructs++;
		r = 0;
		if (type == IVRS_IVHD_10 || type == IVRS_IVHD_11 || type == IVRS_IVHD_40)
			r = parse_ivhd(e, elen, out, why);
		else if (type == IVRS_IVMD_ALL || type == IVRS_IVMD_ONE || type == IVRS_IVMD_RANGE)
			r = parse_ivmd(e, elen, out, why);
		if (r < 0)
			return r;
		off += elen;
	}
	return 0;
}
