/*
 * The ACPI entries of the EFI configuration table (documented in
 * sv/efi.h).  On a UEFI machine the RSDP is wherever the firmware put it,
 * not in the BIOS area; the system table says where (UEFI 2.10, 4.6).
 * Runtime services, the configuration table and the tables it names stay
 * valid after ExitBootServices, so the VMM may read them (and Linux reads
 * them again itself).
 */
#include <sv/acpi.h>
#include <sv/bytes.h>
#include <sv/efi.h>

#include "fsstring.h"

#define ST_HEADER_SIZE 12
#define ST_NTABLES 104
#define ST_TABLES 112
#define CT_ENTRY_SIZE 24 /* EFI_GUID, then the 64-bit VendorTable */

/* EFI_ACPI_20_TABLE_GUID and ACPI_TABLE_GUID in their in-memory byte order. */
static const uint8_t acpi20_guid[16] = { 0x71, 0xe8, 0x68, 0x88, 0xf1, 0xe4, 0xd3, 0x11,
					 0xbc, 0x22, 0x00, 0x80, 0xc7, 0x3c, 0x88, 0x81 };
static const uint8_t acpi10_guid[16] = { 0x30, 0x2d, 0x9d, 0xeb, 0x88, 0x2d, 0xd3, 0x11,
					 0x9a, 0x16, 0x00, 0x90, 0x27, 0x3f, 0xc1, 0x4d };

/* Documented in sv/efi.h. */
int efi_systab_find_rsdp(const struct acpi_mem *mem, uint64_t systab, uint64_t *rsdp,
			 bool *acpi20, const char **why)
{
	if (systab == 0 || systab > UINT64_MAX - EFI_SYSTAB_MIN_SIZE)
		return acpi_fail(why, -SV_EINVAL, "EFI system table address invalid");
	const uint8_t *st = mem->map(mem->ctx, systab, EFI_SYSTAB_MIN_SIZE);
	if (!st)
		return acpi_fail(why, -SV_EFAULT, "EFI system table not readable");
	if (rd64(st) != EFI_SYSTAB_SIGNATURE)
		return acpi_fail(why, -SV_EINVAL, "EFI system table signature wrong");
	if (rd32(st + ST_HEADER_SIZE) < EFI_SYSTAB_MIN_SIZE)
		return acpi_fail(why, -SV_EINVAL, "EFI system table smaller than a 64-bit one");
	uint64_t count = rd64(st + ST_NTABLES), tables = rd64(st + ST_TABLES);
	if (count > EFI_CONFIG_MAX)
		return acpi_fail(why, -SV_E2BIG, "EFI configuration table has more than 256 entries");
	if (count == 0)
		return acpi_fail(why, -SV_ENOENT, "EFI configuration table is empty");
	if (tables == 0 || tables > UINT64_MAX - count * CT_ENTRY_SIZE)
		return acpi_fail(why, -SV_EINVAL, "EFI configuration table address invalid");
	const uint8_t *ct = mem->map(mem->ctx, tables, count * CT_ENTRY_SIZE);
	if (!ct)
		return acpi_fail(why, -SV_EFAULT, "EFI configuration table not readable");

	int found = -1;
	for (uint64_t i = 0; i < count; i++) {
		const uint8_t *e = ct + i * CT_ENTRY_SIZE;
		if (memcmp(e, acpi20_guid, 16) == 0) {
			found = (int)i;
			break;
		}
		if (found < 0 && memcmp(e, acpi10_guid, 16) == 0)
			found = (int)i;
	}
	if (found < 0)
		return acpi_fail(why, -SV_ENOENT, "no ACPI entry in the EFI configuration table");
	const uint8_t *e = ct + (uint64_t)found * CT_ENTRY_SIZE;
	*rsdp = rd64(e + 16);
	*acpi20 = memcmp(e, acpi20_guid, 16) == 0;
	if (*rsdp == 0)
		return acpi_fail(why, -SV_EINVAL, "the EFI configuration table's ACPI entry is 0");
	return 0;
}
