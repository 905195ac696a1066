/*
 * Host unit tests of the EFI configuration table's RSDP entries
 * (vmm/boot/efi_systab.c) and of acpi_rsdp_read, the RSDP check at the
 * address the table names: ACPI 2.0 before 1.0, hostile system tables
 * (signature, header size, entry count, addresses that wrap or cannot
 * be read), bad RSDP checksums.  Uses the ACPI tests' harness.
 */
#include <sv/efi.h>

#include "tharness.h"

/* ---- fake physical memory for the system table and the RSDP ---- */
#define FAKE_BASE 0x1f000000ULL
static uint8_t fake[0x4000];

static const void *fake_map(void *ctx, uint64_t pa, uint64_t len)
{
	(void)ctx;
	if (pa < FAKE_BASE || len > sizeof(fake) || pa - FAKE_BASE > sizeof(fake) - len)
		return NULL;
	return fake + (pa - FAKE_BASE);
}

static const uint8_t g20[16] = { 0x71, 0xe8, 0x68, 0x88, 0xf1, 0xe4, 0xd3, 0x11,
				 0xbc, 0x22, 0x00, 0x80, 0xc7, 0x3c, 0x88, 0x81 };
static const uint8_t g10[16] = { 0x30, 0x2d, 0x9d, 0xeb, 0x88, 0x2d, 0xd3, 0x11,
				 0x9a, 0x16, 0x00, 0x90, 0x27, 0x3f, 0xc1, 0x4d };
static const uint8_t gsmbios[16] = { 0x31, 0x2d, 0x9d, 0xeb, 0x88, 0x2d, 0xd3, 0x11,
				     0x9a, 0x16, 0x00, 0x90, 0x27, 0x3f, 0xc1, 0x4d };

/* A system table at FAKE_BASE + 0x18, its configuration table at +0x1000. */
static void build_systab(uint64_t count, const uint8_t *const *guids, const uint64_t *addrs)
{
	uint64_t sig = EFI_SYSTAB_SIGNATURE, tables = FAKE_BASE + 0x1000;
	uint32_t hsize = 120;
	memset(fake, 0, sizeof(fake));
	memcpy(fake + 0x18, &sig, 8);
	memcpy(fake + 0x18 + 12, &hsize, 4);
	memcpy(fake + 0x18 + 104, &count, 8);
	memcpy(fake + 0x18 + 112, &tables, 8);
	for (uint64_t i = 0; i < count && i < 8; i++) {
		memcpy(fake + 0x1000 + i * 24, guids[i], 16);
		memcpy(fake + 0x1000 + i * 24 + 16, &addrs[i], 8);
	}
}

static void test_systab(void)
{
	struct acpi_mem mem = { fake_map, NULL };
	const uint64_t st = FAKE_BASE + 0x18;
	uint64_t rsdp = 0;
	bool a20 = false;
	const char *why = NULL;

	/* The ACPI 2.0 entry wins over the 1.0 one, whichever comes first. */
	const uint8_t *g1[3] = { gsmbios, g10, g20 };
	uint64_t a1[3] = { 0x111000, 0x222000, 0x333000 };
	build_systab(3, g1, a1);
	CHECK_EQ(efi_systab_find_rsdp(&mem, st, &rsdp, &a20, &why), 0);
	CHECK_EQ(rsdp, 0x333000);
	CHECK(a20);
	/* Only 1.0. */
	const uint8_t *g2[2] = { gsmbios, g10 };
	build_systab(2, g2, a1);
	CHECK_EQ(efi_systab_find_rsdp(&mem, st, &rsdp, &a20, &why), 0);
	CHECK_EQ(rsdp, 0x222000);
	CHECK(!a20);
	/* Neither. */
	build_systab(1, g2, a1);
	CHECK_EQ(efi_systab_find_rsdp(&mem, st, &rsdp, &a20, &why), -SV_ENOENT);
	CHECK_WHY(why, "no ACPI entry in the EFI configuration table");
	/* Hostile tables. */
	build_systab(3, g1, a1);
	fake[0x18] ^= 1;
	CHECK_EQ(efi_systab_find_rsdp(&mem, st, &rsdp, &a20, &why), -SV_EINVAL);
	CHECK_WHY(why, "EFI system table signature wrong");
	build_systab(3, g1, a1);
	uint64_t big = 100000;
	memcpy(fake + 0x18 + 104, &big, 8);
	CHECK_EQ(efi_systab_find_rsdp(&mem, st, &rsdp, &a20, &why), -SV_E2BIG);
	build_systab(3, g1, a1);
	uint64_t edge = FAKE_BASE + sizeof(fake) - 48; /* two of the three entries readable */
	memcpy(fake + 0x18 + 112, &edge, 8);
	CHECK_EQ(efi_systab_find_rsdp(&mem, st, &rsdp, &a20, &why), -SV_EFAULT);
	CHECK_WHY(why, "EFI configuration table not readable");
	build_systab(3, g1, a1);
	uint64_t wrap = UINT64_MAX - 10;
	memcpy(fake + 0x18 + 112, &wrap, 8);
	CHECK_EQ(efi_systab_find_rsdp(&mem, st, &rsdp, &a20, &why), -SV_EINVAL);
	build_systab(3, g1, a1);
	uint32_t small = 64;
	memcpy(fake + 0x18 + 12, &small, 4);
	CHECK_EQ(efi_systab_find_rsdp(&mem, st, &rsdp, &a20, &why), -SV_EINVAL);
	CHECK_WHY(why, "EFI system table smaller than a 64-bit one");
	CHECK_EQ(efi_systab_find_rsdp(&mem, 0, &rsdp, &a20, &why), -SV_EINVAL);
	CHECK_EQ(efi_systab_find_rsdp(&mem, 0x1000, &rsdp, &a20, &why), -SV_EFAULT);
	uint64_t zero[3] = { 0, 0, 0 };
	build_systab(3, g1, zero);
	CHECK_EQ(efi_systab_find_rsdp(&mem, st, &rsdp, &a20, &why), -SV_EINVAL);
	CHECK_WHY(why, "the EFI configuration table's ACPI entry is 0");
}

static void test_rsdp_read(void)
{
	struct acpi_mem mem = { fake_map, NULL };
	struct acpi_rsdp r;
	const char *why = NULL;
	uint8_t *p = fake + 0x2014;

	uint64_t xsdt = 0x1f77c0e8;
	memset(fake, 0, sizeof(fake));
	make_rsdp2(p, 0x1f77c000, xsdt);
	CHECK_EQ(acpi_rsdp_read(&mem, FAKE_BASE + 0x2014, &r, &why), 0);
	CHECK_EQ(r.pa, (long long)(FAKE_BASE + 0x2014));
	CHECK_EQ(r.xsdt, (long long)xsdt);
	CHECK_EQ(r.revision, 2);
	/* Bad checksums: the first, then the extended one. */
	p[8] ^= 0x40;
	CHECK_EQ(acpi_rsdp_read(&mem, FAKE_BASE + 0x2014, &r, &why), -SV_EINVAL);
	CHECK_WHY(why, "RSDP checksum wrong");
	p[8] ^= 0x40;
	p[32] ^= 0x40;
	CHECK_EQ(acpi_rsdp_read(&mem, FAKE_BASE + 0x2014, &r, &why), -SV_EINVAL);
	CHECK_WHY(why, "RSDP extended checksum wrong");
	CHECK_EQ(r.pa, 0);
	CHECK_EQ(acpi_rsdp_read(&mem, 0x5000, &r, &why), -SV_EFAULT);
	CHECK_EQ(acpi_rsdp_read(&mem, FAKE_BASE + 0x2000, &r, &why), -SV_EINVAL);
	CHECK_WHY(why, "no \"RSD PTR \" signature");
}

int main(void)
{
	test_systab();
	test_rsdp_read();
	return t_report();
}
