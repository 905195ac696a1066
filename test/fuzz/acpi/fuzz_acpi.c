/*
 * libFuzzer target: arbitrary bytes -> the ACPI table walk and the MADT,
 * DMAR and IVRS parsers (vmm/drivers/acpi.c, madt.c, dmar.c, ivrs.c).
 *
 * Built with clang -fsanitize=fuzzer,address,undefined (see meson.build).
 * The first byte picks what the rest is:
 *
 *   0  a table parsed directly, by bits 5-6: 0 an MADT (max CPUs from
 *      bits 2-4), 1 a DMAR, 2 an IVRS, 3 hidden (acpi_table_hide) and then
 *      checked
 *   1  physical memory at address 0, an RSDP at its start: RSDP check,
 *      root table, every entry mapped, the MADT found (instance from bit
 *      2) and parsed
 *   2  the same memory placed at the very top of the address space
 *   3  the first MiB: the EBDA segment word, then bytes laid at 0xe0000;
 *      the BIOS-area scan, then as in 1
 *
 * Every range the reader maps is handed out as a heap block of exactly
 * that size, so a read past any mapping (not only past the input) is an
 * AddressSanitizer report, and the callback aborts when the reader breaks
 * its promise (length 0, a range that wraps).  Results must also keep the
 * documented invariants.
 */
#include <stdlib.h>
#include <string.h>

#include <sv/acpi.h>
#include <sv/dmar.h>
#include <sv/ivrs.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define LOW_MEM (1u << 20)
#define MAX_MAPS 100000

struct fuzzmem {
	const uint8_t *bytes;
	size_t size;
	uint64_t base;
	void *maps[MAX_MAPS];
	unsigned int nmaps;
};

static struct fuzzmem fm;
static uint8_t low[LOW_MEM];

static const void *fuzz_map(void *ctx, uint64_t pa, uint64_t len)
{
	struct fuzzmem *m = ctx;

	if (len == 0 || len > UINT64_MAX - pa)
		abort();
	if (pa < m->base || pa - m->base > m->size || len > m->size - (pa - m->base))
		return NULL;
	if (m->nmaps == MAX_MAPS)
		return NULL;
	void *copy = malloc(len);
	if (!copy)
		abort();
	memcpy(copy, m->bytes + (pa - m->base), len);
	m->maps[m->nmaps++] = copy;
	return copy;
}

static void check_madt(const void *t, size_t len, unsigned int max)
{
	struct madt_cpu cpus[8];
	struct madt_info mi;
	const char *why = NULL;

	int r = madt_parse(t, len, max ? cpus : NULL, max, &mi, &why);
	if (r < 0 && (!why || (r != -SV_EINVAL && r != -SV_E2BIG)))
		abort();
	if (r > 0 || mi.ncpus > max || mi.ncpus > mi.total || mi.nenabled > mi.total)
		abort();
	for (unsigned int i = 0; i < mi.ncpus; i++) {
		if (cpus[i].apic_id == 0xffffffffu || (!cpus[i].x2apic && cpus[i].apic_id > 0xfe))
			abort();
		for (unsigned int j = 0; j < i; j++)
			if (cpus[j].apic_id == cpus[i].apic_id)
				abort();
	}
}

static void check_dmar(const void *t, size_t len)
{
	struct dmar_info d;
	const char *why = NULL;

	int r = dmar_parse(t, len, &d, &why);
	if ((r < 0 && !why) || r > 0 || d.nunits > DMAR_MAX_UNITS || d.nunits > d.total_units ||
	    d.nrmrr > DMAR_MAX_RMRR || d.nrmrr > d.total_rmrr)
		abort();
	for (unsigned int i = 0; i < d.nunits; i++)
		if (d.units[i].base == 0 || d.units[i].base % 4096 ||
		    d.units[i].size > UINT64_MAX - d.units[i].base)
			abort();
	for (unsigned int i = 0; i < d.nrmrr; i++)
		if (d.rmrr[i].limit < d.rmrr[i].base || d.rmrr[i].base % 4096)
			abort();
}

static void check_ivrs(const void *t, size_t len)
{
	struct ivrs_info v;
	const char *why = NULL;

	int r = ivrs_parse(t, len, &v, &why);
	if ((r < 0 && !why) || r > 0 || v.nunits > IVRS_MAX_UNITS || v.nunits > v.total_units ||
	    v.nivmd > IVRS_MAX_IVMD || v.nivmd > v.total_ivmd)
		abort();
	for (unsigned int i = 0; i < v.nunits; i++)
		for (unsigned int j = 0; j < i; j++)
			if (v.units[i].base == v.units[j].base || v.units[i].base == 0)
				abort();
	for (unsigned int i = 0; i < v.nivmd; i++)
		if (v.ivmd[i].length == 0 || v.ivmd[i].length > UINT64_MAX - v.ivmd[i].start)
			abort();
}

static void check_hidden(uint8_t *t, size_t len)
{
	int before = acpi_table_check(t, len, NULL, NULL);

	if (acpi_table_hide(t, len) != (before < 0 ? before : 0))
		abort();
	if (before >= 0 && (t[0] != 'X' || acpi_table_check(t, len, NULL, NULL) != before))
		abort();
}

static void walk(const struct acpi_mem *mem, const struct acpi_rsdp *rsdp, unsigned int n)
{
	struct acpi_root root;
	struct acpi_table t;
	const char *why = NULL;

	if (acpi_root_open(mem, rsdp, &root, &why) < 0) {
		if (!why)
			abort();
		return;
	}
	if (root.count > (ACPI_TABLE_MAX_LEN - ACPI_HDR_LEN) / 4 ||
	    ACPI_HDR_LEN + (size_t)root.count * root.entry_size > root.table.length)
		abort();
	for (unsigned int i = 0; i < root.count; i++) {
		uint64_t pa;
		if (acpi_root_entry(&root, i, &pa) < 0)
			abort();
		if (acpi_table_map(mem, pa, NULL, &t, &why) == 0 &&
		    (t.length < ACPI_HDR_LEN || t.length > ACPI_TABLE_MAX_LEN || t.pa != pa))
			abort();
	}
	if (acpi_table_find(&root, "APIC", n, &t, &why) == 0)
		check_madt(t.data, t.length, 8);
	if (acpi_table_find(&root, "DMAR", 0, &t, &why) == 0)
		check_dmar(t.data, t.length);
	if (acpi_table_find(&root, "IVRS", 0, &t, &why) == 0)
		check_ivrs(t.data, t.length);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct acpi_mem mem = { .map = fuzz_map, .ctx = &fm };
	struct acpi_rsdp rsdp;
	const char *why = NULL;

	if (size < 1)
		return 0;
	uint8_t mode = data[0];
	data++;
	size--;
	uint8_t *copy = malloc(size ? size : 1);
	if (!copy)
		abort();
	memcpy(copy, data, size);
	memset(&fm, 0, offsetof(struct fuzzmem, maps));
	fm.nmaps = 0;

	switch (mode & 3) {
	case 0:
		if (((mode >> 5) & 3) == 0)
			check_madt(copy, size, (mode >> 2) & 7);
		else if (((mode >> 5) & 3) == 1)
			check_dmar(copy, size);
		else if (((mode >> 5) & 3) == 2)
			check_ivrs(copy, size);
		else
			check_hidden(copy, size);
		break;
	case 1:
	case 2:
		fm.bytes = copy;
		fm.size = size;
		fm.base = (mode & 3) == 2 && size ? UINT64_MAX - (size - 1) : 0;
		if (acpi_rsdp_check(copy, size, &rsdp, &why) == 0)
			walk(&mem, &rsdp, (mode >> 2) & 1);
		else if (!why)
			abort();
		break;
	case 3: {
		size_t n = size < 2 ? 0 : MIN(size - 2, ACPI_BIOS_END - ACPI_BIOS_START);
		if (size >= 2)
			memcpy(low + ACPI_EBDA_PTR, copy, 2);
		memcpy(low + ACPI_BIOS_START, copy + 2, n);
		fm.bytes = low;
		fm.size = LOW_MEM;
		int r = acpi_rsdp_scan(&mem, &rsdp, &why);
		if (r == 0) {
			if (rsdp.pa < ACPI_BIOS_START || rsdp.pa % 16)
				abort();
			walk(&mem, &rsdp, 0);
		} else if (r != -SV_ENOENT || !why) {
			abort();
		}
		memset(low + ACPI_EBDA_PTR, 0, 2);
		memset(low + ACPI_BIOS_START, 0, n);
		break;
	}
	}
	for (unsigned int i = 0; i < fm.nmaps; i++)
		free(fm.maps[i]);
	free(copy);
	return 0;
}
