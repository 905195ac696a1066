/*
 * Host unit tests of the DMAR and IVRS parsers (vmm/drivers/dmar.c,
 * ivrs.c): the tables recorded from QEMU (recorded_iommu_tables.h), every
 * truncation of them, hostile structures one rule at a time, and random
 * garbage behind a valid header.  Each table under test is a heap block
 * of exactly its length, so a read past it is an AddressSanitizer error.
 */
#include <stdlib.h>

#include <sv/dmar.h>
#include <sv/ivrs.h>

#include "recorded_iommu_tables.h"
#include "tharness.h"

/* A heap copy of len bytes of src with its length field set and checksum fixed. */
static uint8_t *dup_table(const uint8_t *src, size_t len)
{
	uint8_t *t = malloc(len ? len : 1);

	memcpy(t, src, len);
	if (len >= ACPI_HDR_LEN) {
		put32(t + 4, (uint32_t)len);
		fix_table(t);
	}
	return t;
}

static int dmar_of(const uint8_t *src, size_t len, struct dmar_info *d, const char **why)
{
	uint8_t *t = dup_table(src, len);
	int r = dmar_parse(t, len, d, why);
	free(t);
	return r;
}

static int ivrs_of(const uint8_t *src, size_t len, struct ivrs_info *v, const char **why)
{
	uint8_t *t = dup_table(src, len);
	int r = ivrs_parse(t, len, v, why);
	free(t);
	return r;
}

static void test_recorded_dmar(void)
{
	struct dmar_info d;
	const char *why = NULL;

	CHECK_EQ(dmar_parse(qemu_q35_intel_iommu_dmar, sizeof(qemu_q35_intel_iommu_dmar), &d, &why), 0);
	CHECK_EQ(d.haw, 39);
	CHECK_EQ(d.flags, DMAR_FLAG_INTR_REMAP);
	CHECK_EQ(d.nunits, 1);
	CHECK_EQ(d.total_units, 1);
	CHECK_EQ(d.nstructs, 1);
	CHECK_EQ(d.units[0].base, 0xfed90000u);
	CHECK_EQ(d.units[0].size, 4096);
	CHECK_EQ(d.units[0].segment, 0);
	CHECK_EQ(d.units[0].include_all, false);
	CHECK_EQ(d.units[0].nscopes, 7);    /* the I/O APIC and six functions */
	CHECK_EQ(d.units[0].nendpoints, 6);
	CHECK_EQ(d.nrmrr, 0);

	CHECK_EQ(dmar_parse(qemu_q35_intel_iommu_noir_dmar, sizeof(qemu_q35_intel_iommu_noir_dmar),
			    &d, &why), 0);
	CHECK_EQ(d.flags, 0);
	CHECK_EQ(d.nunits, 1);
	CHECK_EQ(d.units[0].base, 0xfed90000u);
}

static void test_recorded_ivrs(void)
{
	struct ivrs_info v;
	const char *why = NULL;

	CHECK_EQ(ivrs_parse(qemu_q35_amd_iommu_ivrs, sizeof(qemu_q35_amd_iommu_ivrs), &v, &why), 0);
	CHECK_EQ(v.ivinfo, 0x2800);
	CHECK_EQ(v.nunits, 1);
	CHECK_EQ(v.nblocks, 1);
	CHECK_EQ(v.units[0].base, 0xfed80000u);
	CHECK_EQ(v.units[0].devid, 0x0008); /* 00:01.0 */
	CHECK_EQ(v.units[0].cap_off, 0x40);
	CHECK_EQ(v.units[0].type, IVRS_IVHD_10);
	CHECK_EQ(v.units[0].flags, 0xd1);
	CHECK_EQ(v.units[0].nentries, 8);
	CHECK_EQ(v.nivmd, 0);
	/* The special-device entry: I/O APIC 0 sends as 00:14.0 (QEMU's southbridge ID). */
	CHECK_EQ(v.nspecial, 1);
	CHECK_EQ(v.nioapic, 1);
	CHECK_EQ(v.special[0].variety, IVRS_SPECIAL_IOAPIC);
	CHECK_EQ(v.special[0].handle, 0);
	CHECK_EQ(v.special[0].devid, 0x00a0);
}

/*
 * Every prefix of a recorded table: as given (its length field then lies
 * past the bytes: refused), and with the length field cut to match and
 * the checksum fixed: a cut inside a structure is refused, a cut at a
 * structure boundary parses with fewer structures.
 */
static void test_truncated(void)
{
	const uint8_t *tabs[] = { qemu_q35_intel_iommu_dmar, qemu_q35_amd_iommu_ivrs };
	size_t lens[] = { sizeof(qemu_q35_intel_iommu_dmar), sizeof(qemu_q35_amd_iommu_ivrs) };

	for (int k = 0; k < 2; k++) {
		for (size_t n = 0; n < lens[k]; n++) {
			struct dmar_info d;
			struct ivrs_info v;
			const char *why = NULL;
			uint8_t *raw = malloc(n ? n : 1);
			memcpy(raw, tabs[k], n);
			int r = k == 0 ? dmar_parse(raw, n, &d, &why) : ivrs_parse(raw, n, &v, &why);
			CHECK(r < 0);
			free(raw);
			if (n < ACPI_HDR_LEN)
				continue;
			r = k == 0 ? dmar_of(tabs[k], n, &d, &why) : ivrs_of(tabs[k], n, &v, &why);
			if (n < 48) {
				CHECK_EQ(r, -SV_EINVAL);
			} else if (n == 48) {
				CHECK_EQ(r, 0); /* the header alone: no units */
				CHECK_EQ(k == 0 ? d.nunits : v.nunits, 0);
			} else if (k == 0) {
				/* The DRHD's length (72) no longer fits: refused. */
				CHECK_EQ(r, -SV_EINVAL);
				CHECK_WHY(why, n - 48 < 4 ? "DMAR structure header past the table end"
							  : "DMAR structure past the table end");
			} else {
				CHECK_EQ(r, -SV_EINVAL);
				CHECK_WHY(why, n - 48 < 4 ? "IVRS block header past the table end"
							  : "IVRS block past the table end");
			}
		}
	}
}

/*
 * A table of signature sig: its 48-byte header (byte 36 = b36) followed
 * by body bytes, checked as a heap block by the parser for that signature.
 */
static int table_with(const char *sig, uint8_t b36, const uint8_t *body, size_t blen,
		      struct dmar_info *d, struct ivrs_info *v, const char **why)
{
	uint8_t buf[1024];

	make_hdr(buf, sig, (uint32_t)(48 + blen), 1);
	memset(buf + 36, 0, 12);
	buf[36] = b36;
	memcpy(buf + 48, body, blen);
	return d ? dmar_of(buf, 48 + blen, d, why) : ivrs_of(buf, 48 + blen, v, why);
}

static int dmar_with(const uint8_t *body, size_t blen, struct dmar_info *d, const char **why)
{
	return table_with("DMAR", 47 /* 48-bit host address width */, body, blen, d, NULL, why);
}

/* A structure's first bytes: type, length (16 bits at offset 2), the rest zero. */
static void structure(uint8_t *e, uint8_t type, uint16_t len)
{
	memset(e, 0, len);
	e[0] = type;
	e[2] = (uint8_t)len;
	e[3] = (uint8_t)(len >> 8);
}

static void drhd(uint8_t *e, uint16_t len, uint8_t flags, uint64_t base)
{
	structure(e, DMAR_TYPE_DRHD, len);
	e[4] = flags;
	put64(e + 8, base);
}

static void rmrr(uint8_t *e, uint16_t len, uint64_t base, uint64_t limit)
{
	structure(e, DMAR_TYPE_RMRR, len);
	put64(e + 8, base);
	put64(e + 16, limit);
}

static void test_hostile_dmar(void)
{
	uint8_t b[600];
	struct dmar_info d;
	const char *why = NULL;

	/* A good one first: an INCLUDE_PCI_ALL unit, an RMRR with an endpoint scope. */
	drhd(b, 16, DMAR_DRHD_INCLUDE_PCI_ALL, 0xfed91000);
	rmrr(b + 16, 32, 0x7f000000, 0x7f0fffff);
	b[16 + 24] = DMAR_SCOPE_ENDPOINT;
	b[16 + 25] = 8;
	b[16 + 29] = 0; /* bus 0, path 00:14.0 */
	b[16 + 30] = 0x14;
	CHECK_EQ(dmar_with(b, 48, &d, &why), 0);
	CHECK_EQ(d.haw, 48);
	CHECK_EQ(d.nunits, 1);
	CHECK_EQ(d.units[0].include_all, true);
	CHECK_EQ(d.units[0].base, 0xfed91000u);
	CHECK_EQ(d.nrmrr, 1);
	CHECK_EQ(d.rmrr[0].base, 0x7f000000u);
	CHECK_EQ(d.rmrr[0].limit, 0x7f0fffffu);
	CHECK_EQ(d.rmrr[0].nscopes, 1);

	/* Each rule broken once. */
	memset(b, 0, 8); /* type 0, length 0 */
	CHECK_EQ(dmar_with(b, 8, &d, &why), -SV_EINVAL);
	CHECK_WHY(why, "DMAR structure shorter than 4 bytes");
	drhd(b, 8, 0, 0xfed90000);
	CHECK_EQ(dmar_with(b, 8, &d, &why), -SV_EINVAL);
	CHECK_WHY(why, "DMAR DRHD shorter than 16 bytes");
	drhd(b, 16, 0, 0);
	CHECK_EQ(dmar_with(b, 16, &d, &why), -SV_EINVAL);
	CHECK_WHY(why, "DMAR DRHD with register base 0");
	drhd(b, 16, 0, 0xfed90010);
	CHECK_EQ(dmar_with(b, 16, &d, &why), -SV_EINVAL);
	CHECK_WHY(why, "DMAR DRHD register base not 4 KiB-aligned");
	drhd(b, 16, 0, 0xfffffffffffff000ULL);
	b[5] = 1; /* two pages from the last page: wraps */
	CHECK_EQ(dmar_with(b, 16, &d, &why), -SV_EINVAL);
	CHECK_WHY(why, "DMAR DRHD registers wrap around the address space");
	drhd(b, 16, 0, 0xfed90000);
	b[2] = 200; /* past the table */
	CHECK_EQ(dmar_with(b, 16, &d, &why), -SV_EINVAL);
	CHECK_WHY(why, "DMAR structure past the table end");
	drhd(b, 21, 0, 0xfed90000);
	b[16] = DMAR_SCOPE_ENDPOINT;
	b[17] = 5;
	CHECK_EQ(dmar_with(b, 21, &d, &why), -SV_EINVAL);
	CHECK_WHY(why, "DMAR device scope shorter than 6 bytes");
	drhd(b, 24, 0, 0xfed90000);
	b[16] = DMAR_SCOPE_ENDPOINT;
	b[17] = 10; /* past the 8 bytes the DRHD has left */
	CHECK_EQ(dmar_with(b, 24, &d, &why), -SV_EINVAL);
	CHECK_WHY(why, "DMAR device scope past its structure");
	drhd(b, 23, 0, 0xfed90000);
	b[16] = DMAR_SCOPE_ENDPOINT;
	b[17] = 7;
	CHECK_EQ(dmar_with(b, 23, &d, &why), -SV_EINVAL);
	CHECK_WHY(why, "DMAR device scope path of odd length");
	drhd(b, 17, 0, 0xfed90000); /* one byte of scope: no room for its header */
	CHECK_EQ(dmar_with(b, 17, &d, &why), -SV_EINVAL);
	CHECK_WHY(why, "DMAR device scope header past its structure");
	rmrr(b, 16, 0x1000, 0x1fff);
	CHECK_EQ(dmar_with(b, 16, &d, &why), -SV_EINVAL);
	CHECK_WHY(why, "DMAR RMRR shorter than 24 bytes");
	rmrr(b, 24, 0x1001, 0x1fff);
	CHECK_EQ(dmar_with(b, 24, &d, &why), -SV_EINVAL);
	CHECK_WHY(why, "DMAR RMRR base not 4 KiB-aligned");
	rmrr(b, 24, 0x2000, 0x1fff);
	CHECK_EQ(dmar_with(b, 24, &d, &why), -SV_EINVAL);
	CHECK_WHY(why, "DMAR RMRR limit below its base");
	rmrr(b, 24, 0x1000, 0x2000);
	CHECK_EQ(dmar_with(b, 24, &d, &why), -SV_EINVAL);
	CHECK_WHY(why, "DMAR RMRR limit not the last byte of a page");
	memset(b, 0, 3); /* three bytes: no room for a structure header */
	CHECK_EQ(dmar_with(b, 3, &d, &why), -SV_EINVAL);
	CHECK_WHY(why, "DMAR structure header past the table end");

	/* Unknown types are skipped; more units than kept are counted. */
	memset(b, 0, 8);
	b[0] = 0x42;
	b[2] = 8;
	for (unsigned int i = 0; i < DMAR_MAX_UNITS + 2; i++)
		drhd(b + 8 + 16 * i, 16, 0, 0xfed00000 + 0x1000ULL * i);
	CHECK_EQ(dmar_with(b, 8 + 16 * (DMAR_MAX_UNITS + 2), &d, &why), 0);
	CHECK_EQ(d.nstructs, DMAR_MAX_UNITS + 3);
	CHECK_EQ(d.nunits, DMAR_MAX_UNITS);
	CHECK_EQ(d.total_units, DMAR_MAX_UNITS + 2);
	CHECK_EQ(d.units[DMAR_MAX_UNITS - 1].base, 0xfed00000 + 0x1000ULL * (DMAR_MAX_UNITS - 1));

	/* Wrong signature, bad checksum. */
	uint8_t *t = dup_table(qemu_q35_intel_iommu_dmar, sizeof(qemu_q35_intel_iommu_dmar));
	t[40] ^= 1;
	CHECK_EQ(dmar_parse(t, sizeof(qemu_q35_intel_iommu_dmar), &d, &why), -SV_EINVAL);
	CHECK_WHY(why, "table checksum wrong");
	free(t);
	CHECK_EQ(dmar_parse(qemu_q35_amd_iommu_ivrs, sizeof(qemu_q35_amd_iommu_ivrs), &d, &why),
		 -SV_EINVAL);
	CHECK_WHY(why, "table signature not the one expected");
}

static int ivrs_with(const uint8_t *body, size_t blen, struct ivrs_info *v, const char **why)
{
	return table_with("IVRS", 0, body, blen, NULL, v, why);
}

static void ivhd(uint8_t *e, uint8_t type, uint16_t len, uint64_t base)
{
	structure(e, type, len);
	e[4] = 0x10; /* the IOMMU is 00:02.0 */
	e[6] = 0x40;
	put64(e + 8, base);
}

static void ivmd(uint8_t *e, uint8_t type, uint64_t start, uint64_t len)
{
	structure(e, type, 32);
	e[1] = IVRS_IVMD_UNITY | IVRS_IVMD_IR | IVRS_IVMD_IW;
	put64(e + 16, start);
	put64(e + 24, len);
}

static void test_hostile_ivrs(void)
{
	uint8_t b[600];
	struct ivrs_info v;
	const char *why = NULL;

	/* The same IOMMU as type 10h and 40h, a HID entry, a range of devices, a unity map. */
	ivhd(b, IVRS_IVHD_10, 24 + 4 + 8, 0xfeb80000);
	b[24] = 3; /* start of range */
	b[28] = 0x42; /* alias range: 8 bytes */
	ivhd(b + 36, IVRS_IVHD_40, 40 + 24, 0xfeb80000);
	b[36 + 40] = IVRS_ENTRY_ACPI_HID;
	b[36 + 40 + 21] = 2; /* UID of 2 bytes */
	ivmd(b + 100, IVRS_IVMD_RANGE, 0x7e000000, 0x200000);
	b[104] = 0x00;
	b[106] = 0xff;
	CHECK_EQ(ivrs_with(b, 132, &v, &why), 0);
	CHECK_EQ(v.nunits, 1);
	CHECK_EQ(v.nblocks, 2);
	CHECK_EQ(v.units[0].type, IVRS_IVHD_40);
	CHECK_EQ(v.units[0].devid, 0x10);
	CHECK_EQ(v.units[0].nentries, 3);
	CHECK_EQ(v.nivmd, 1);
	CHECK_EQ(v.ivmd[0].start, 0x7e000000u);
	CHECK_EQ(v.ivmd[0].length, 0x200000u);
	CHECK_EQ(v.ivmd[0].devid_last, 0xff);

	ivhd(b, IVRS_IVHD_10, 20, 0xfeb80000);
	CHECK_EQ(ivrs_with(b, 20, &v, &why), -SV_EINVAL);
	CHECK_WHY(why, "IVRS IVHD shorter than its type's fixed part");
	ivhd(b, IVRS_IVHD_11, 24, 0xfeb80000);
	CHECK_EQ(ivrs_with(b, 24, &v, &why), -SV_EINVAL);
	CHECK_WHY(why, "IVRS IVHD shorter than its type's fixed part");
	ivhd(b, IVRS_IVHD_10, 24, 0);
	CHECK_EQ(ivrs_with(b, 24, &v, &why), -SV_EINVAL);
	CHECK_WHY(why, "IVRS IVHD with register base 0");
	ivhd(b, IVRS_IVHD_10, 24, 0xfeb81000);
	CHECK_EQ(ivrs_with(b, 24, &v, &why), -SV_EINVAL);
	CHECK_WHY(why, "IVRS IVHD register base not 16 KiB-aligned");
	ivhd(b, IVRS_IVHD_10, 24, 0xffffffffffffc000ULL);
	CHECK_EQ(ivrs_with(b, 24, &v, &why), -SV_EINVAL);
	CHECK_WHY(why, "IVRS IVHD registers wrap around the address space");
	ivhd(b, IVRS_IVHD_10, 28, 0xfeb80000);
	b[24] = 0xc5;
	CHECK_EQ(ivrs_with(b, 28, &v, &why), -SV_EINVAL);
	CHECK_WHY(why, "IVRS device entry of a type with no known length");
	ivhd(b, IVRS_IVHD_10, 28, 0xfeb80000);
	b[24] = 0x43; /* an 8-byte entry with 4 bytes left */
	CHECK_EQ(ivrs_with(b, 28, &v, &why), -SV_EINVAL);
	CHECK_WHY(why, "IVRS device entry past its IVHD block");
	ivhd(b, IVRS_IVHD_10, 24 + 22, 0xfeb80000);
	b[24] = IVRS_ENTRY_ACPI_HID;
	b[24 + 21] = 200; /* UID past the block */
	CHECK_EQ(ivrs_with(b, 46, &v, &why), -SV_EINVAL);
	CHECK_WHY(why, "IVRS device entry past its IVHD block");
	ivhd(b, IVRS_IVHD_10, 24 + 10, 0xfeb80000);
	b[24] = IVRS_ENTRY_ACPI_HID; /* its fixed part cut short */
	CHECK_EQ(ivrs_with(b, 34, &v, &why), -SV_EINVAL);
	CHECK_WHY(why, "IVRS device entry past its IVHD block");
	ivmd(b, IVRS_IVMD_ALL, 0x1000, 0);
	CHECK_EQ(ivrs_with(b, 32, &v, &why), -SV_EINVAL);
	CHECK_WHY(why, "IVRS IVMD of length 0");
	ivmd(b, IVRS_IVMD_ALL, 0x1800, 0x1000);
	CHECK_EQ(ivrs_with(b, 32, &v, &why), -SV_EINVAL);
	CHECK_WHY(why, "IVRS IVMD range not 4 KiB-aligned");
	ivmd(b, IVRS_IVMD_ONE, 0xfffffffffffff000ULL, 0x2000);
	CHECK_EQ(ivrs_with(b, 32, &v, &why), -SV_EINVAL);
	CHECK_WHY(why, "IVRS IVMD range wraps around the address space");
	ivmd(b, IVRS_IVMD_RANGE, 0x1000, 0x1000);
	b[4] = 9;
	b[6] = 8;
	CHECK_EQ(ivrs_with(b, 32, &v, &why), -SV_EINVAL);
	CHECK_WHY(why, "IVRS IVMD device range ends before it starts");
	ivmd(b, IVRS_IVMD_ALL, 0x1000, 0x1000);
	b[2] = 24;
	CHECK_EQ(ivrs_with(b, 24, &v, &why), -SV_EINVAL);
	CHECK_WHY(why, "IVRS IVMD shorter than 32 bytes");
	memset(b, 0, 4);
	b[0] = 0x10;
	b[2] = 2;
	CHECK_EQ(ivrs_with(b, 4, &v, &why), -SV_EINVAL);
	CHECK_WHY(why, "IVRS block shorter than 4 bytes");

	/* Unknown blocks skipped; units past the array counted. */
	memset(b, 0, 8);
	b[0] = 0x30;
	b[2] = 8;
	for (unsigned int i = 0; i < IVRS_MAX_UNITS + 1; i++)
		ivhd(b + 8 + 24 * i, IVRS_IVHD_10, 24, 0xfeb80000 + 0x4000ULL * i);
	CHECK_EQ(ivrs_with(b, 8 + 24 * (IVRS_MAX_UNITS + 1), &v, &why), 0);
	CHECK_EQ(v.nunits, IVRS_MAX_UNITS);
	CHECK_EQ(v.total_units, IVRS_MAX_UNITS + 1);
	CHECK_EQ(v.nstructs, IVRS_MAX_UNITS + 2);
}

/*
 * Garbage behind a valid header: random bodies, and the recorded tables
 * with random bytes flipped (checksum fixed), must be parsed or refused
 * without a read past the table (ASan) and with counts inside their arrays.
 */
static void test_garbage(void)
{
	uint8_t buf[512];
	struct dmar_info d;
	struct ivrs_info v;
	const char *why;

	srand(12);
	for (int i = 0; i < 20000; i++) {
		size_t len = 48 + (size_t)(rand() % 400);
		int kind = i % 4;
		if (kind < 2) {
			make_hdr(buf, kind == 0 ? "DMAR" : "IVRS", (uint32_t)len, 1);
			for (size_t k = 36; k < len; k++)
				buf[k] = (uint8_t)(rand() % 4 == 0 ? rand() : rand() % 64);
		} else {
			const uint8_t *src = kind == 2 ? qemu_q35_intel_iommu_dmar : qemu_q35_amd_iommu_ivrs;
			len = kind == 2 ? sizeof(qemu_q35_intel_iommu_dmar) : sizeof(qemu_q35_amd_iommu_ivrs);
			memcpy(buf, src, len);
			for (int f = 0; f < 3; f++)
				buf[36 + (size_t)rand() % (len - 36)] = (uint8_t)rand();
		}
		why = NULL;
		int r = kind % 2 == 0 ? dmar_of(buf, len, &d, &why) : ivrs_of(buf, len, &v, &why);
		if (r < 0)
			CHECK(why != NULL);
		if (kind % 2 == 0) {
			CHECK(d.nunits <= DMAR_MAX_UNITS && d.nrmrr <= DMAR_MAX_RMRR);
		} else {
			CHECK(v.nunits <= IVRS_MAX_UNITS && v.nivmd <= IVRS_MAX_IVMD);
		}
	}
}

static void test_hide(void)
{
	uint8_t *t = dup_table(qemu_q35_intel_iommu_dmar, sizeof(qemu_q35_intel_iommu_dmar));
	struct dmar_info d;
	const char *why = NULL;

	CHECK_EQ(acpi_table_hide(t, sizeof(qemu_q35_intel_iommu_dmar)), 0);
	CHECK_EQ(memcmp(t, "XMAR", 4), 0);
	CHECK_EQ(acpi_table_check(t, sizeof(qemu_q35_intel_iommu_dmar), NULL, &why),
		 (int)sizeof(qemu_q35_intel_iommu_dmar));
	CHECK_EQ(dmar_parse(t, sizeof(qemu_q35_intel_iommu_dmar), &d, &why), -SV_EINVAL);
	CHECK_WHY(why, "table signature not the one expected");
	/* Only the signature changed, apart from the checksum byte. */
	for (size_t i = 1; i < sizeof(qemu_q35_intel_iommu_dmar); i++)
		if (i != 9)
			CHECK_EQ(t[i], qemu_q35_intel_iommu_dmar[i]);
	/* A second time: already hidden, still consistent. */
	CHECK_EQ(acpi_table_hide(t, sizeof(qemu_q35_intel_iommu_dmar)), 0);
	CHECK_EQ(memcmp(t, "XMAR", 4), 0);
	t[20] ^= 0x55; /* a table that fails its checksum is left alone */
	CHECK(acpi_table_hide(t, sizeof(qemu_q35_intel_iommu_dmar)) < 0);
	free(t);
}

int main(void)
{
	test_recorded_dmar();
	test_recorded_ivrs();
	test_truncated();
	test_hostile_dmar();
	test_hostile_ivrs();
	test_garbage();
	test_hide();
	return t_report();
}
