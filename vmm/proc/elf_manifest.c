/*
 * The manifest note of a process binary (elf.h; docs/signatures.md,
 * "Manifest").
 *
 * A manifest is one ELF note in a PT_NOTE segment: owner "Sealvisor",
 * type ELF_NT_SEALVISOR_MANIFEST, and a descriptor of
 *
 *     u32 version (1), u32 svn, product "\0", name "\0"
 *
 * with nothing after the name's NUL.  The signature covers the whole file,
 * so the manifest is as trustworthy as the binary; these rules are about
 * a builder's mistakes and a hostile file that was signed anyway.  Every
 * note of every PT_NOTE segment is walked, foreign ones (a GNU build id)
 * too, so a malformed one cannot hide a manifest behind it.  Bytes are
 * read one by one inside the image, each sum checked before use.
 */
#include "elf.h"
#include "ptable.h"

#include <fsstring.h>

#define NOTE_HDR 12u

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/*
 * One string of the descriptor at d[*pos, len): 1 to 31 characters of the
 * process-name set, then NUL.  empty_ok admits "" (the name may be empty).
 */
static int take_string(const uint8_t *d, uint32_t len, uint32_t *pos, char *out, bool empty_ok)
{
	uint32_t start = *pos, n = 0;

	if (start >= len)
		return -SV_EMF_TRUNCATED;
	while (start + n < len && d[start + n] != 0)
		n++;
	if (start + n == len)
		return -SV_EMF_NONUL;
	if (n >= ELF_MANIFEST_STR_MAX)
		return -SV_EMF_TOOLONG;
	memcpy(out, d + start, n);
	out[n] = '\0';
	*pos = start + n + 1;
	if (n == 0)
		return empty_ok ? 0 : -SV_EMF_FORMAT;
	return proc_name_check(out, ELF_MANIFEST_STR_MAX) ? -SV_EMF_FORMAT : 0;
}

static int parse_desc(const uint8_t *d, uint32_t len, struct elf_manifest *m)
{
	uint32_t pos = 8;
	int rc;

	if (len < 8)
		return -SV_EMF_TRUNCATED;
	if (le32(d) != ELF_MANIFEST_VERSION)
		return -SV_EMF_FORMAT;
	m->svn = le32(d + 4);
	if ((rc = take_string(d, len, &pos, m->product, false)) ||
	    (rc = take_string(d, len, &pos, m->name, true)))
		return rc;
	/* "none" is what a binary without a manifest is; nobody may claim it. */
	if (pos != len || !strcmp(m->product, ELF_PRODUCT_NONE))
		return -SV_EMF_FORMAT;
	m->present = 1;
	return 0;
}

static uint64_t pad(uint64_t v, uint64_t align)
{
	return (v + align - 1) & ~(align - 1);
}

/* The notes of one segment; *found counts manifests seen in it. */
static int scan_segment(const uint8_t *img, size_t size, const struct elf_note_seg *s,
			struct elf_manifest *m, unsigned int *found)
{
	/* 8-byte notes exist on ELF64 (GNU property); anything else is 4. */
	uint64_t align = s->align == 8 ? 8 : 4, pos = s->offset, end;

	if (s->offset > size || s->filesz > size - s->offset)
		return -SV_EMF_PASTEND;
	end = s->offset + s->filesz;
	while (pos < end) {
		const uint8_t *h = img + pos;
		uint64_t namesz, descsz, name_at, desc_at;

		if (end - pos < NOTE_HDR)
			return -SV_EMF_TRUNCATED;
		namesz = le32(h);
		descsz = le32(h + 4);
		/* Both are below 2^32: no sum here can wrap 64 bits. */
		name_at = pos + NOTE_HDR;
		desc_at = name_at + pad(namesz, align);
		if (desc_at > end || descsz > end - desc_at)
			return -SV_EMF_PASTEND;
		if (namesz == sizeof(ELF_NOTE_SEALVISOR) &&
		    !memcmp(img + name_at, ELF_NOTE_SEALVISOR, sizeof(ELF_NOTE_SEALVISOR))) {
			int rc;

			if (le32(h + 8) != ELF_NT_SEALVISOR_MANIFEST)
				return -SV_EMF_FORMAT;
			if (*found)
				return -SV_EMF_DUPLICATE;
			if ((rc = parse_desc(img + desc_at, (uint32_t)descsz, m)))
				return rc;
			(*found)++;
		}
		/* The last note's padding may fall outside the segment. */
		pos = desc_at + pad(descsz, align);
	}
	return 0;
}

/* See elf.h. */
int elf_manifest_scan(const uint8_t *image, size_t size, const struct elf_note_seg *segs,
		      unsigned int n, struct elf_manifest *m)
{
	unsigned int total = 0;

	memset(m, 0, sizeof(*m));
	for (unsigned int i = 0; i < n; i++) {
		unsigned int here = 0;
		int rc = scan_segment(image, size, &segs[i], m, &here);

		if (rc == 0 && here && total)
			rc = -SV_EMF_SECOND;
		if (rc) {
			memset(m, 0, sizeof(*m));
			return rc;
		}
		total += here;
	}
	if (!total)
		memcpy(m->product, ELF_PRODUCT_NONE, sizeof(ELF_PRODUCT_NONE));
	return 0;
}
