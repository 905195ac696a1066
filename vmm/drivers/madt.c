/*
 * MADT parser (ACPI 6.5, 5.2.12): the local APIC address and the CPU list
 * (documented in sv/acpi.h).  The entries are a packed sequence of
 * (type, length, body); each one is bounded by the table before its body
 * is read, and a length below 2 stops the walk, since it would never
 * advance.
 */
#include <sv/acpi.h>
#include <sv/bytes.h>

#include "fsstring.h"

#define MADT_HDR_LEN 44 /* the table header, local APIC address, flags */
#define XAPIC_INVALID 0xffu
#define X2APIC_INVALID 0xffffffffu


/* The minimum length of the entry types parsed here; 2 for the others. */
static unsigned int min_len(uint8_t type)
{
	switch (type) {
	case MADT_LAPIC:
		return MADT_LAPIC_LEN;
	case MADT_IOAPIC:
		return MADT_IOAPIC_LEN;
	case MADT_LAPIC_OVERRIDE:
		return MADT_LAPIC_OVERRIDE_LEN;
	case MADT_X2APIC:
		return MADT_X2APIC_LEN;
	default:
		return 2;
	}
}

struct walk {
	struct madt_cpu *cpus;
	unsigned int max;
	struct madt_info *out;
	uint8_t seen[32]; /* APIC IDs below 256 already listed */
};

/*
 * True when id was listed before: the bitmap for IDs below 256 (xAPIC
 * and small x2APIC IDs share one space), the kept CPUs above.
 */
static bool seen_before(struct walk *w, uint32_t id)
{
	if (id < 256) {
		uint8_t bit = (uint8_t)(1u << (id % 8));
		bool was = w->seen[id / 8] & bit;
		w->seen[id / 8] |= bit;
		return was;
	}
	for (unsigned int i = 0; i < w->out->ncpus; i++)
		if (w->cpus[i].apic_id == id)
			return true;
	return false;
}

static void add_cpu(struct walk *w, uint32_t id, uint32_t uid, uint32_t flags, bool x2apic)
{
	struct madt_info *out = w->out;

	if (id == (x2apic ? X2APIC_INVALID : XAPIC_INVALID)) {
		out->invalid++;
		return;
	}
	if (seen_before(w, id)) {
		out->duplicates++;
		return;
	}
	bool enabled = flags & MADT_CPU_ENABLED;
	out->total++;
	if (enabled)
		out->nenabled++;
	if (out->ncpus == w->max)
		return;
	struct madt_cpu *c = &w->cpus[out->ncpus++];
	c->apic_id = id;
	c->uid = uid;
	c->enabled = enabled;
	/* Bit 1 was reserved before MADT revision 5 (ACPI 6.3). */
	c->online_capable = out->revision >= 5 && (flags & MADT_CPU_ONLINE_CAPABLE);
	c->x2apic = x2apic;
}

/* Documented in sv/acpi.h. */
int madt_parse(const void *table, size_t avail, struct madt_cpu *cpus, unsigned int max,
	       struct madt_info *out, const char **why)
{
	const uint8_t *b = table;
	struct walk w = { .cpus = cpus, .max = cpus ? max : 0, .out = out };

	memset(out, 0, sizeof(*out));
	int r = acpi_table_check(table, avail, "APIC", why);
	if (r < 0)
		return r;
	size_t len = (size_t)r;
	if (len < MADT_HDR_LEN)
		return acpi_fail(why, -SV_EINVAL, "MADT shorter than 44 bytes");
	out->revision = b[8];
	out->lapic_addr = rd32(b + 36);
	out->flags = rd32(b + 40);

	for (size_t off = MADT_HDR_LEN; off < len;) {
		if (len - off < 2)
			return acpi_fail(why, -SV_EINVAL, "MADT entry header past the table end");
		const uint8_t *e = b + off;
		uint8_t type = e[0], elen = e[1];
		if (elen == 0)
			return acpi_fail(why, -SV_EINVAL, "MADT entry of length 0");
		if (elen < 2)
			return acpi_fail(why, -SV_EINVAL, "MADT entry shorter than 2 bytes");
		if (elen > len - off)
			return acpi_fail(why, -SV_EINVAL, "MADT entry past the table end");
		if (elen < min_len(type))
			return acpi_fail(why, -SV_EINVAL, "MADT entry shorter than its type requires");
		out->nentries++;
		switch (type) {
		case MADT_LAPIC: /* UID, APIC ID, flags */
			add_cpu(&w, e[3], e[2], rd32(e + 4), false);
			break;
		case MADT_X2APIC: /* reserved, x2APIC ID, flags, UID */
			add_cpu(&w, rd32(e + 4), rd32(e + 12), rd32(e + 8), true);
			break;
		case MADT_IOAPIC:
			out->nioapic++;
			break;
		case MADT_LAPIC_OVERRIDE:
			/* ACPI: at most one; the first is used. */
			if (!out->lapic_override) {
				out->lapic_addr = rd64(e + 4);
				out->lapic_override = true;
			}
			break;
		default:
			break;
		}
		off += elen;
	}
	return 0;
}

int madt_disable_cpu(void *table, size_t avail, uint32_t apic_id)
{
	uint8_t *b = table;
	const char *why;
	int r = acpi_table_check(table, avail, "APIC", &why);
	int changed = 0;

	if (r < 0)
		return r;
	size_t len = (size_t)r;
	if (len < MADT_HDR_LEN)
		return -SV_EINVAL;
	for (size_t off = MADT_HDR_LEN; off + 2 <= len;) {
		uint8_t *e = b + off;
		uint8_t type = e[0], elen = e[1];
		if (elen < 2 || elen > len - off || elen < min_len(type))
			break; /* madt_parse has said what is wrong with it */
		size_t flags = 0;
		if (type == MADT_LAPIC && e[3] == apic_id)
			flags = 4;
		else if (type == MADT_X2APIC && rd32(e + 4) == apic_id)
			flags = 8;
		if (flags) {
			uint32_t f = rd32(e + flags) & ~(MADT_CPU_ENABLED | MADT_CPU_ONLINE_CAPABLE);
			for (int i = 0; i < 4; i++)
				e[flags + (size_t)i] = (uint8_t)(f >> (8 * i));
			changed++;
		}
		off += elen;
	}
	if (changed)
		acpi_table_fix_checksum(b, len);
	return changed;
}
