/*
 * Multiboot2 information parser (Multiboot2 specification, "Boot
 * information format").  The boot loader is trusted not to be malicious,
 * but firmware and loaders do hand over odd tables, so every length is
 * checked before it is used and a bad table gives a clear message instead
 * of a fault.
 */
#include <sv/bytes.h>
#include <sv/mb2.h>

#include "fsstring.h"

#define TAG_END 0
#define TAG_CMDLINE 1
#define TAG_MODULE 3
#define TAG_MMAP 6
#define TAG_ACPI_OLD 14
#define TAG_ACPI_NEW 15
#define TAG_EFI64 12
#define TAG_EFI_MMAP 17
#define TAG_EFI_BS 18
#define TAG_EFI64_IH 20

static int copy_str(char *dst, const uint8_t *src, size_t avail)
{
	size_t n = strnlen((const char *)src, avail);

	if (n == avail || n >= MB2_MAX_CMDLINE)
		return -1;
	memcpy(dst, src, n);
	dst[n] = '\0';
	return 0;
}

/*
 * Keeps the first copy of the RSDP that the loader passed, bounded by the
 * tag and by the buffer; whether it is a valid RSDP is for the ACPI code
 * (acpi_rsdp_check) to say, so an odd tag does not stop the boot.
 */
static void copy_rsdp(struct mb2_acpi_rsdp *dst, const uint8_t *body, size_t blen)
{
	if (dst->present)
		return;
	dst->present = true;
	dst->tag_len = blen > UINT32_MAX ? UINT32_MAX : (uint32_t)blen;
	dst->len = (uint32_t)MIN(blen, sizeof(dst->bytes));
	memcpy(dst->bytes, body, dst->len);
}

/* A map that fails its checks is dropped with the reason kept, never half used. */
static void parse_efi_mmap(struct mb2_efi *e, const uint8_t *body, size_t blen)
{
	if (e->mmap_present)
		return;
	e->mmap_present = true;
	if (blen < 8) {
		e->mmap_error = "EFI memory map tag too short";
		return;
	}
	e->desc_size = rd32(body);
	e->desc_version = rd32(body + 4);
	int n = efi_mmap_parse(body + 8, blen - 8, e->desc_size, e->desc_version, e->md,
			       EFI_MMAP_MAX, &e->mmap_error);
	if (n <= 0) {
		if (n == 0)
			e->mmap_error = "EFI memory map is empty";
		e->nmd = 0;
		return;
	}
	e->nmd = (unsigned int)n;
}

static int fail(struct mb2_boot *out, const char *why)
{
	out->error = why;
	return -SV_EINVAL;
}

int mb2_parse(const uint8_t *info, size_t size, uint64_t info_phys, struct mb2_boot *out)
{
	memset(out, 0, sizeof(*out));
	if (size < 16)
		return fail(out, "boot information shorter than its header");
	uint32_t total = rd32(info);
	if (total < 16 || total > size || total > MB2_MAX_INFO_SIZE)
		return fail(out, "boot information size out of range");
	out->info_start = info_phys;
	out->info_end = info_phys + total;

	size_t off = 8;
	bool seen_end = false;
	while (off + 8 <= total) {
		uint32_t type = rd32(info + off);
		uint32_t tsize = rd32(info + off + 4);
		if (tsize < 8 || tsize > total - off)
			return fail(out, "boot information tag overruns the table");
		const uint8_t *body = info + off + 8;
		size_t blen = tsize - 8;

		switch (type) {
		case TAG_END:
			seen_end = true;
			break;
		case TAG_CMDLINE:
			if (copy_str(out->cmdline, body, blen))
				return fail(out, "VMM command line too long or unterminated");
			break;
		case TAG_MODULE: {
			if (blen < 8)
				return fail(out, "module tag too short");
			if (out->nmods == MB2_MAX_MODULES)
				return fail(out, "too many modules (at most 8)");
			struct mb2_module *m = &out->mods[out->nmods];
			m->start = rd32(body);
			m->end = rd32(body + 4);
			if (m->end <= m->start)
				return fail(out, "module with an empty or inverted range");
			if (copy_str(m->cmdline, body + 8, blen - 8))
				return fail(out, "module command line too long or unterminated");
			out->nmods++;
			break;
		}
		case TAG_MMAP: {
			if (blen < 8)
				return fail(out, "memory map tag too short");
			uint32_t esize = rd32(body);
			if (esize < 24 || esize % 8)
				return fail(out, "memory map entry size invalid");
			for (size_t e = 8; e + esize <= blen; e += esize) {
				uint64_t base = rd64(body + e);
				uint64_t len = rd64(body + e + 8);
				uint32_t t = rd32(body + e + 16);
				if (len == 0)
					continue;
				if (base + len < base)
					return fail(out, "memory map entry wraps around");
				if (out->nmmap == MB2_MAX_MMAP)
					return fail(out, "memory map has too many entries (at most 128)");
				out->mmap[out->nmmap].base = base;
				out->mmap[out->nmmap].size = len;
				out->mmap[out->nmmap].type = t;
				out->nmmap++;
			}
			break;
		}
		case TAG_ACPI_OLD:
			copy_rsdp(&out->acpi_old, body, blen);
			break;
		case TAG_ACPI_NEW:
			copy_rsdp(&out->acpi_new, body, blen);
			break;
		case TAG_EFI64:
			if (blen < 8)
				return fail(out, "EFI system table tag too short");
			out->efi.systab_present = true;
			out->efi.systab = rd64(body);
			break;
		case TAG_EFI64_IH:
			if (blen < 8)
				return fail(out, "EFI image handle tag too short");
			out->efi.image_handle_present = true;
			out->efi.image_handle = rd64(body);
			break;
		case TAG_EFI_BS:
			return fail(out, "EFI boot services were left running (tag 18); the boot loader must exit them");
		case TAG_EFI_MMAP:
			parse_efi_mmap(&out->efi, body, blen);
			break;
		default:
			break;
		}
		if (seen_end)
			break;
		off += ALIGN_UP(tsize, 8);
	}
	if (!seen_end)
		return fail(out, "boot information has no end tag");
	if (out->nmmap == 0 && out->efi.nmd == 0)
		return fail(out, "no memory map from the boot loader");
	return 0;
}
