/*
 * libFuzzer target: arbitrary bytes -> the EFI memory map path of the
 * VMM (vmm/boot/efi_mmap.c, mb2.c's EFI tags, memmap.c), the firmware's
 * map as hostile as it gets.
 *
 * Built with clang -fsanitize=fuzzer,address,undefined (see meson.build).
 * The first byte picks what the rest is:
 *
 *   0  a multiboot2 information block (mb2_parse, tags 6, 12, 17, 18, 20)
 *   1  a tag-17 payload: descriptor size, version, descriptors
 *      (efi_mmap_parse), then everything the VMM does with a map that
 *      passed: its own E820 map, the guest's EFI map with hidden and
 *      loader ranges, the guest's E820 map from it, the map written in
 *      the UEFI layout and read back
 *
 * The results must keep the documented invariants; a broken one aborts.
 */
#include <stdlib.h>
#include <string.h>

#include <sv/efi.h>
#include <sv/mb2.h>
#include <sv/memmap.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct mb2_boot mb;
static struct efi_md md[EFI_MMAP_MAX], guest[EFI_GUEST_MAX], back[EFI_GUEST_MAX];
static struct mem_range conv[MB2_MAX_MMAP], norm[MEMMAP_MAX], e820[MEMMAP_MAX];
static uint8_t written[EFI_GUEST_MAX * EFI_GUEST_MD_SIZE];

static void check(bool ok)
{
	if (!ok)
		abort();
}

static uint32_t rd32le(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static void map_path(const uint8_t *p, size_t n)
{
	const char *why = NULL;

	if (n < 8)
		return;
	int nd = efi_mmap_parse(p + 8, n - 8, rd32le(p), rd32le(p + 4), md, EFI_MMAP_MAX, &why);
	if (nd < 0) {
		check(why != NULL);
		return;
	}
	for (int i = 0; i < nd; i++) {
		check(md[i].pages > 0 && md[i].base % EFI_PAGE_SIZE == 0);
		check(md[i].pages * EFI_PAGE_SIZE - 1 <= UINT64_MAX - md[i].base);
	}
	int nc = efi_mmap_to_e820(md, (unsigned int)nd, true, conv, MB2_MAX_MMAP);
	if (nc > 0) {
		for (int i = 1; i < nc; i++)
			check(conv[i - 1].base <= conv[i].base);
		int nn = memmap_normalize(conv, (unsigned int)nc, norm, MEMMAP_MAX);
		for (int i = 1; i < nn; i++)
			check(norm[i - 1].base + norm[i - 1].size <= norm[i].base);
	}
	struct sv_range hidden[3] = { { 0x400000, 0x200000 }, { 0x1aa00000, 0x4000000 }, { 0xf000, 0x1000 } };
	struct sv_range loader = { 0x6000, 0x7000 };
	int ng = efi_mmap_guest(md, (unsigned int)nd, hidden, 3, &loader, 1, guest, EFI_GUEST_MAX);
	if (ng < 0)
		return;
	for (int i = 0; i < ng; i++) {
		uint64_t len = guest[i].pages * EFI_PAGE_SIZE;
		check(guest[i].pages > 0);
		if (i > 0)
			check(guest[i - 1].base + guest[i - 1].pages * EFI_PAGE_SIZE <= guest[i].base);
		for (int k = 0; k < 3; k++) {
			if (ranges_overlap(guest[i].base, len, hidden[k].base, hidden[k].size))
				check(efi_e820_type(guest[i].type) != MEM_USABLE);
		}
	}
	int ne = efi_mmap_to_e820(guest, (unsigned int)ng, false, e820, MEMMAP_MAX);
	for (int i = 1; i < ne; i++)
		check(e820[i - 1].base + e820[i - 1].size <= e820[i].base);
	int nw = efi_mmap_write(guest, (unsigned int)ng, EFI_GUEST_MD_SIZE, written, sizeof(written));
	check(nw == ng * EFI_GUEST_MD_SIZE);
	check(efi_mmap_parse(written, (size_t)nw, EFI_GUEST_MD_SIZE, EFI_MD_VERSION, back,
			     EFI_GUEST_MAX, &why) == ng);
	check(memcmp(back, guest, (size_t)ng * sizeof(back[0])) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] & 1) {
		map_path(data + 1, size - 1);
		return 0;
	}
	/* A copy of exactly the given size: a read past it is an ASan report. */
	uint8_t *info = malloc(size - 1 ? size - 1 : 1);
	memcpy(info, data + 1, size - 1);
	if (mb2_parse(info, size - 1, 0x10000, &mb) == 0) {
		check(mb.nmmap > 0 || mb.efi.nmd > 0);
		check(mb.efi.nmd <= EFI_MMAP_MAX);
	} else {
		check(mb.error != NULL);
	}
	free(info);
	return 0;
}
