/*
 * ACPI table reader: RSDP, root table, tables by signature (documented in
 * sv/acpi.h).  Every read goes through the caller's map callback; every
 * length read from firmware is bounded before it is used for a mapping,
 * a checksum or an index, and no address arithmetic may wrap.
 */
#include <sv/acpi.h>
#include <sv/bytes.h>

#include "fsstring.h"

static const char rsdp_sig[8] = { 'R', 'S', 'D', ' ', 'P', 'T', 'R', ' ' };


static uint8_t sum8(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	for (size_t i = 0; i < n; i++)
		s = (uint8_t)(s + p[i]);
	return s;
}

static void copy_id(char *dst, const uint8_t *src, size_t n)
{
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Maps [pa, pa+len) unless the range is empty or pa + len would wrap. */
static const uint8_t *map(const struct acpi_mem *mem, uint64_t pa, uint64_t len)
{
	if (len == 0 || len > UINT64_MAX - pa)
		return NULL;
	return mem->map(mem->ctx, pa, len);
}

/* Documented in sv/acpi.h. */
int acpi_rsdp_check(const void *p, size_t avail, struct acpi_rsdp *out, const char **why)
{
	const uint8_t *b = p;
	uint32_t len = ACPI_RSDP_V1_LEN;

	memset(out, 0, sizeof(*out));
	if (avail < ACPI_RSDP_V1_LEN)
		return acpi_fail(why, -SV_EINVAL, "RSDP shorter than 20 bytes");
	if (memcmp(b, rsdp_sig, sizeof(rsdp_sig)) != 0)
		return acpi_fail(why, -SV_EINVAL, "no \"RSD PTR \" signature");
	if (sum8(b, ACPI_RSDP_V1_LEN) != 0)
		return acpi_fail(why, -SV_EINVAL, "RSDP checksum wrong");
	uint8_t rev = b[15];
	if (rev >= 2) {
		/* ACPI 5.2.5.3: the length covers the whole structure. */
		if (avail < ACPI_RSDP_V2_LEN)
			return acpi_fail(why, -SV_EINVAL, "ACPI 2.0 RSDP shorter than 36 bytes");
		len = rd32(b + 20);
		if (len < ACPI_RSDP_V2_LEN)
			return acpi_fail(why, -SV_EINVAL, "RSDP length field below 36");
		if (len > ACPI_RSDP_MAX_LEN)
			return acpi_fail(why, -SV_E2BIG, "RSDP length field above 64");
		if (len > avail)
			return acpi_fail(why, -SV_EINVAL, "RSDP length past the bytes given");
		if (sum8(b, len) != 0)
			return acpi_fail(why, -SV_EINVAL, "RSDP extended checksum wrong");
		out->xsdt = rd64(b + 24);
	}
	out->revision = rev;
	out->length = len;
	out->rsdt = rd32(b + 16);
	copy_id(out->oem_id, b + 9, 6);
	return 0;
}

/* Checks a candidate RSDP at pa through the callback. */
static int rsdp_at(const struct acpi_mem *mem, uint64_t pa, struct acpi_rsdp *out,
		   const char **why)
{
	const uint8_t *b = map(mem, pa, ACPI_RSDP_V1_LEN);
	size_t avail = ACPI_RSDP_V1_LEN;

	if (!b)
		return acpi_fail(why, -SV_EFAULT, "RSDP not readable");
	if (b[15] >= 2) {
		b = map(mem, pa, ACPI_RSDP_V2_LEN);
		if (!b)
			return acpi_fail(why, -SV_EFAULT, "ACPI 2.0 RSDP not readable");
		avail = ACPI_RSDP_V2_LEN;
		uint32_t len = rd32(b + 20);
		/* Out-of-range lengths are left to acpi_rsdp_check to name. */
		if (len > ACPI_RSDP_V2_LEN && len <= ACPI_RSDP_MAX_LEN) {
			b = map(mem, pa, len);
			if (!b)
				return acpi_fail(why, -SV_EFAULT, "ACPI 2.0 RSDP not readable for its length");
			avail = len;
		}
	}
	return acpi_rsdp_check(b, avail, out, why);
}

/* Scans [base, base+len) on 16-byte boundaries; *last keeps a candidate's fault. */
static int scan_window(const struct acpi_mem *mem, uint64_t base, uint32_t len,
		       struct acpi_rsdp *out, const char **last)
{
	const uint8_t *w = map(mem, base, len);

	if (!w)
		return -SV_EFAULT;
	for (uint32_t off = 0; off + sizeof(rsdp_sig) <= len; off += 16) {
		if (memcmp(w + off, rsdp_sig, sizeof(rsdp_sig)) != 0)
			continue;
		const char *reason = NULL;
		if (rsdp_at(mem, base + off, out, &reason) == 0) {
			out->pa = base + off;
			return 0;
		}
		*last = reason;
	}
	return -SV_ENOENT;
}

/* Documented in sv/acpi.h. */
int acpi_rsdp_scan(const struct acpi_mem *mem, struct acpi_rsdp *out, const char **why)
{
	const char *last = NULL;

	memset(out, 0, sizeof(*out));
	/* ACPI 5.2.5.1: the EBDA's real-mode segment is the word at 0x40e. */
	const uint8_t *seg = map(mem, ACPI_EBDA_PTR, 2);
	if (seg) {
		/* Only an EBDA in conventional memory, its window clipped there. */
		uint32_t ebda = (uint32_t)rd16(seg) << 4;
		if (ebda >= 0x400 && ebda < ACPI_EBDA_LIMIT &&
		    scan_window(mem, ebda, MIN(ACPI_EBDA_SCAN_LEN, ACPI_EBDA_LIMIT - ebda), out,
				&last) == 0)
			return 0;
	}
	int r = scan_window(mem, ACPI_BIOS_START, ACPI_BIOS_END - ACPI_BIOS_START, out, &last);
	if (r == 0)
		return 0;
	memset(out, 0, sizeof(*out));
	if (r == -SV_EFAULT)
		return acpi_fail(why, r, "BIOS area 0xe0000-0xfffff not readable");
	return acpi_fail(why, -SV_ENOENT, last ? last : "no RSDP in the EBDA or the BIOS area");
}

/* Documented in sv/acpi.h. */
int acpi_table_check(const void *p, size_t avail, const char *sig, const char **why)
{
	const uint8_t *b = p;

	if (avail < ACPI_HDR_LEN)
		return acpi_fail(why, -SV_EINVAL, "table shorter than its 36-byte header");
	if (sig && memcmp(b, sig, ACPI_SIG_LEN) != 0)
		return acpi_fail(why, -SV_EINVAL, "table signature not the one expected");
	uint32_t len = rd32(b + 4);
	if (len < ACPI_HDR_LEN)
		return acpi_fail(why, -SV_EINVAL, "table length field below its 36-byte header");
	if (len > ACPI_TABLE_MAX_LEN)
		return acpi_fail(why, -SV_E2BIG, "table length field above 1 MiB");
	if (len > avail)
		return acpi_fail(why, -SV_EINVAL, "table length past the bytes given");
	if (sum8(b, len) != 0)
		return acpi_fail(why, -SV_EINVAL, "table checksum wrong");
	return (int)len;
}

/* Documented in sv/acpi.h. */
int acpi_table_map(const struct acpi_mem *mem, uint64_t pa, const char *sig,
		   struct acpi_table *out, const char **why)
{
	memset(out, 0, sizeof(*out));
	if (pa > UINT64_MAX - ACPI_HDR_LEN)
		return acpi_fail(why, -SV_EFAULT, "table address wraps around");
	const uint8_t *h = map(mem, pa, ACPI_HDR_LEN);
	if (!h)
		return acpi_fail(why, -SV_EFAULT, "table header not readable");
	if (sig && memcmp(h, sig, ACPI_SIG_LEN) != 0)
		return acpi_fail(why, -SV_EINVAL, "table signature not the one expected");
	uint32_t len = rd32(h + 4);
	if (len < ACPI_HDR_LEN)
		return acpi_fail(why, -SV_EINVAL, "table length field below its 36-byte header");
	if (len > ACPI_TABLE_MAX_LEN)
		return acpi_fail(why, -SV_E2BIG, "table length field above 1 MiB");
	if (len > UINT64_MAX - pa)
		return acpi_fail(why, -SV_EFAULT, "table wraps around the address space");
	const uint8_t *t = map(mem, pa, len);
	if (!t)
		return acpi_fail(why, -SV_EFAULT, "table not readable for its whole length");
	int r = acpi_table_check(t, len, sig, why);
	if (r < 0)
		return r;
	/* Two mappings of the same bytes must agree (the memory is not ours). */
	if ((uint32_t)r != len)
		return acpi_fail(why, -SV_EINVAL, "table length changed while it was read");
	out->pa = pa;
	out->data = t;
	out->length = len;
	out->revision = t[8];
	copy_id(out->sig, t, ACPI_SIG_LEN);
	copy_id(out->oem_id, t + 10, 6);
	copy_id(out->oem_table_id, t + 16, 8);
	return 0;
}

/* Documented in sv/acpi.h. */
int acpi_root_open(const struct acpi_mem *mem, const struct acpi_rsdp *rsdp,
		   struct acpi_root *root, const char **why)
{
	int r = -SV_ENOENT;

	memset(root, 0, sizeof(*root));
	root->mem = *mem;
	/* ACPI 5.2.5.3: OSPM uses the XSDT when there is one. */
	if (rsdp->revision >= 2 && rsdp->xsdt != 0) {
		const char *reason = NULL;
		r = acpi_table_map(mem, rsdp->xsdt, "XSDT", &root->table, &reason);
		if (r == 0) {
			root->xsdt = true;
			root->entry_size = 8;
			root->count = (root->table.length - ACPI_HDR_LEN) / 8;
			return 0;
		}
		root->xsdt_refused = reason;
	}
	if (rsdp->rsdt == 0) {
		if (root->xsdt_refused)
			return acpi_fail(why, r, root->xsdt_refused);
		return acpi_fail(why, -SV_ENOENT, "the RSDP names neither an XSDT nor an RSDT");
	}
	r = acpi_table_map(mem, rsdp->rsdt, "RSDT", &root->table, why);
	if (r < 0)
		return r;
	root->entry_size = 4;
	root->count = (root->table.length - ACPI_HDR_LEN) / 4;
	return 0;
}

/* Documented in sv/acpi.h. */
int acpi_root_entry(const struct acpi_root *root, unsigned int i, uint64_t *pa)
{
	if (i >= root->count)
		return -SV_ENOENT;
	/* count <= (1 MiB - 36) / 4, so the offset cannot overflow. */
	const uint8_t *e = root->table.data + ACPI_HDR_LEN + (size_t)i * root->entry_size;
	*pa = root->entry_size == 8 ? rd64(e) : rd32(e);
	return 0;
}

/* Documented in sv/acpi.h. */
int acpi_table_find(const struct acpi_root *root, const char *sig, unsigned int n,
		    struct acpi_table *out, const char **why)
{
	unsigned int seen = 0;

	memset(out, 0, sizeof(*out));
	for (unsigned int i = 0; i < root->count; i++) {
		uint64_t pa;
		if (acpi_root_entry(root, i, &pa) < 0 || pa == 0)
			continue;
		const uint8_t *h = map(&root->mem, pa, ACPI_HDR_LEN);
		if (!h || memcmp(h, sig, ACPI_SIG_LEN) != 0)
			continue;
		if (seen++ == n)
			return acpi_table_map(&root->mem, pa, sig, out, why);
	}
	return acpi_fail(why, -SV_ENOENT, "no such table in the root table");
}

/* Documented in sv/acpi.h. */
int acpi_rsdp_read(const struct acpi_mem *mem, uint64_t pa, struct acpi_rsdp *out,
		   const char **why)
{
	int r = rsdp_at(mem, pa, out, why);

	if (r == 0)
		out->pa = pa;
	return r;
}

void acpi_table_fix_checksum(uint8_t *t, size_t len)
{
	t[9] = 0;
	t[9] = (uint8_t)-sum8(t, len);
}

/* Documented in sv/acpi.h. */
int acpi_table_hide(void *table, size_t avail)
{
	int r = acpi_table_check(table, avail, NULL, NULL);

	if (r < 0)
		return r;
	uint8_t *t = table;
	t[0] = 'X';
	acpi_table_fix_checksum(t, (size_t)r);
	return 0;
}
