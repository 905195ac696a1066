/*
 * Host unit test of vmm/drivers/amdvi_fmt.c.  Bits are named here by
 * their number in the AMD IOMMU specification (48882 rev. 3.x, 2.2.2.1:
 * bit 184 is InitPass of the 256-bit device table entry), independently
 * of the constants in the code under test.  A small model of the
 * specification's interrupt handling (2.2.5) says what a unit does with
 * each MSI delivery mode under the entries the VMM writes; what QEMU 7.2
 * checks before it uses an entry (its reserved bits) is checked too,
 * because an entry it refuses drops every interrupt of the device.
 */
#include <stdio.h>
#include <string.h>

#include <sv/amdvi_fmt.h>

#include "../acpi/recorded_iommu_tables.h"

static int failures, checks;
static const char *ctx = "";

#define CHECK_EQ(got, want)                                                                  \
	do {                                                                                 \
		unsigned long long g_ = (unsigned long long)(got);                           \
		unsigned long long w_ = (unsigned long long)(want);                          \
		checks++;                                                                    \
		if (g_ != w_) {                                                              \
			printf("%s:%d: %s: %s == %#llx, expected %#llx\n", __FILE__, __LINE__, \
			       ctx, #got, g_, w_);                                           \
			failures++;                                                          \
		}                                                                            \
	} while (0)

/* Bits hi:lo of the 256-bit entry. */
static unsigned long long field(const uint64_t d[4], unsigned int hi, unsigned int lo)
{
	unsigned long long v = 0;

	for (unsigned int b = hi + 1; b-- > lo;)
		v = (v << 1) | ((d[b / 64] >> (b % 64)) & 1);
	return v;
}

static unsigned long long bit(const uint64_t d[4], unsigned int b)
{
	return field(d, b, b);
}

#define ROOT 0x0000000123456000ULL
#define IRT 0x0000000fedc00080ULL

static void build(enum amdvi_intr intr, uint64_t d[4])
{
	struct amdvi_dte_cfg c = { ROOT, 4, 1, intr, IRT };

	memset(d, 0xa5, 4 * sizeof(uint64_t)); /* whatever was there before */
	amdvi_dte_build(&c, d);
}

/* The translation half, the same for both interrupt settings. */
static void check_translation(const uint64_t d[4])
{
	CHECK_EQ(bit(d, 0), 1);              /* V */
	CHECK_EQ(bit(d, 1), 1);              /* TV */
	CHECK_EQ(field(d, 8, 7), 0);         /* HAD */
	CHECK_EQ(field(d, 11, 9), 4);        /* Mode: 4 levels */
	CHECK_EQ(field(d, 51, 12), ROOT >> 12);
	CHECK_EQ(field(d, 60, 52), 0);       /* PPR, GRPR, GIoV, GV, GLX, GCR3 */
	CHECK_EQ(bit(d, 61), 1);             /* IR */
	CHECK_EQ(bit(d, 62), 1);             /* IW */
	CHECK_EQ(field(d, 79, 64), 1);       /* DomainID */
	CHECK_EQ(field(d, 95, 80), 0);       /* GCR3 */
	CHECK_EQ(bit(d, 96), 0);             /* I: no IOTLB */
	CHECK_EQ(field(d, 98, 97), 0);       /* SE, SA: faults are logged */
	CHECK_EQ(field(d, 100, 99), 0);      /* IoCtl: port I/O from devices aborted */
	CHECK_EQ(bit(d, 103), 0);            /* EX: no exclusion range */
	CHECK_EQ(field(d, 105, 104), 0);     /* SysMgt: SMI and other system messages aborted */
	CHECK_EQ(field(d, 127, 106), 0);
	CHECK_EQ(field(d, 255, 192), 0);     /* quadword 3: nothing */
	/* What QEMU 7.2's amdvi_validate_dte refuses: bits 6:2 and 63, 181:180, 206:192, 245:240. */
	CHECK_EQ(field(d, 6, 2), 0);
	CHECK_EQ(bit(d, 63), 0);
	CHECK_EQ(field(d, 181, 180), 0);
}

enum outcome { FORWARDED, REMAPPED, ABORTED };

/*
 * The specification's handling of an interrupt request with message type
 * (MSI data bits 10:8, the delivery mode) mt under entry d (2.2.5.1):
 * IV clear passes everything; otherwise fixed and arbitrated follow
 * IntCtl, NMI/INIT/ExtINT their pass bits, SMI SysMgt, the reserved
 * types (3, 6) are aborted.
 */
static enum outcome model(const uint64_t d[4], unsigned int mt)
{
	if (!bit(d, 128))
		return FORWARDED;
	switch (mt) {
	case 0: /* fixed */
	case 1: /* arbitrated (lowest priority) */
		switch (field(d, 189, 188)) {
		case 1:
			return FORWARDED;
		case 2:
			return REMAPPED;
		default:
			return ABORTED;
		}
	case 2: /* SMI */
		return field(d, 105, 104) == 1 ? FORWARDED : ABORTED;
	case 4: /* NMI */
		return bit(d, 186) ? FORWARDED : ABORTED;
	case 5: /* INIT */
		return bit(d, 184) ? FORWARDED : ABORTED;
	case 7: /* ExtINT */
		return bit(d, 185) ? FORWARDED : ABORTED;
	default:
		return ABORTED;
	}
}

static void test_filter(void)
{
	uint64_t d[4];

	ctx = "filter";
	build(AMDVI_INTR_FILTER, d);
	check_translation(d);
	CHECK_EQ(bit(d, 128), 1);            /* IV */
	CHECK_EQ(field(d, 132, 129), 0);     /* IntTabLen: one entry */
	CHECK_EQ(bit(d, 133), 0);            /* IG: aborted interrupts are logged */
	CHECK_EQ(field(d, 179, 134), IRT >> 6);
	CHECK_EQ(field(d, 183, 180), 0);
	CHECK_EQ(bit(d, 184), 0);            /* InitPass */
	CHECK_EQ(bit(d, 185), 0);            /* EIntPass */
	CHECK_EQ(bit(d, 186), 0);            /* NMIPass */
	CHECK_EQ(bit(d, 187), 0);
	CHECK_EQ(field(d, 189, 188), 1);     /* IntCtl 01b: forwarded unmapped */
	CHECK_EQ(bit(d, 190), 0);            /* Lint0Pass */
	CHECK_EQ(bit(d, 191), 0);            /* Lint1Pass */
	/* Fixed and lowest priority pass exactly as programmed, nothing else does. */
	static const enum outcome want[8] = { FORWARDED, FORWARDED, ABORTED, ABORTED,
					      ABORTED,   ABORTED,   ABORTED, ABORTED };
	for (unsigned int mt = 0; mt < 8; mt++) {
		char c[32];
		snprintf(c, sizeof(c), "filter, delivery mode %u", mt);
		ctx = c;
		CHECK_EQ(model(d, mt), want[mt]);
	}
}

static void test_pass(void)
{
	uint64_t d[4];

	ctx = "pass";
	build(AMDVI_INTR_PASS, d);
	check_translation(d);
	CHECK_EQ(field(d, 191, 128), 0);     /* IV clear and no interrupt field set */
	for (unsigned int mt = 0; mt < 8; mt++)
		CHECK_EQ(model(d, mt), FORWARDED);
}

/* Other inputs reach only their own fields. */
static void test_inputs(void)
{
	struct amdvi_dte_cfg c = { 0x000ffffffffff000ULL, 6, 0xffff, AMDVI_INTR_FILTER, 0x000fffffffffffc0ULL };
	uint64_t d[4];

	ctx = "inputs";
	amdvi_dte_build(&c, d);
	CHECK_EQ(field(d, 11, 9), 6);
	CHECK_EQ(field(d, 51, 12), 0xffffffffffULL);
	CHECK_EQ(field(d, 79, 64), 0xffff);
	CHECK_EQ(field(d, 179, 134), 0x3fffffffffffULL);
	CHECK_EQ(field(d, 6, 2), 0);
	CHECK_EQ(bit(d, 63), 0);
	CHECK_EQ(field(d, 181, 180), 0);
	CHECK_EQ(field(d, 187, 184), 0);
	CHECK_EQ(field(d, 191, 190), 0);
	/* Stray low bits of the pointers go nowhere. */
	c.pt_root = ROOT | 0xfff;
	c.irt = IRT | 0x3f;
	amdvi_dte_build(&c, d);
	CHECK_EQ(field(d, 11, 0), (6u << 9) | 3u);
	CHECK_EQ(field(d, 133, 128), 1);
}

static void test_control(void)
{
	ctx = "control";
	/* QEMU 7.2's IVHD flags 0xd1: HtTunEn, IotlbSup, PrefSup, PPRSup. */
	CHECK_EQ(amdvi_control_value(0xd1), 0x1407);
	CHECK_EQ(amdvi_control_value(0x00), 0x1405);
	CHECK_EQ(amdvi_control_value(0x0f), 0x1f07);
	for (unsigned int f = 0; f < 256; f++) {
		uint64_t v = amdvi_control_value((uint8_t)f);
		CHECK_EQ(v & 0x1405, 0x1405);           /* IommuEn, EventLogEn, Coherent, CmdBufEn */
		CHECK_EQ(v & ~0x1fffULL, 0);             /* nothing above bit 12 */
		CHECK_EQ(v & 0xf8, 0);                   /* no interrupts, no invalidation time-out */
		CHECK_EQ((v >> 1) & 1, f & 1);           /* HtTunEn */
		CHECK_EQ((v >> 8) & 3, (f >> 1) & 3);    /* PassPW, ResPassPW */
		CHECK_EQ((v >> 11) & 1, (f >> 3) & 1);   /* Isoc */
	}
}

static void test_events(void)
{
	struct amdvi_event e;

	ctx = "events";
	/* IO_PAGE_FAULT, 00:01.0, I flag: an interrupt request to fee01000. */
	amdvi_event_decode((2ULL << 60) | (1ULL << 51) | 0x0008, 0xfee01000, &e);
	CHECK_EQ(e.kind, AMDVI_EV_INTR);
	CHECK_EQ(e.code, 2);
	CHECK_EQ(e.devid, 0x0008);
	CHECK_EQ(e.addr, 0xfee01000);
	/* The same without I, RW set: a DMA write. */
	amdvi_event_decode((2ULL << 60) | (1ULL << 53) | 0x0010, 0x1be0e000, &e);
	CHECK_EQ(e.kind, AMDVI_EV_DMA);
	CHECK_EQ(e.write, 1);
	CHECK_EQ(e.devid, 0x0010);
	CHECK_EQ(e.addr, 0x1be0e000);
	/* ILLEGAL_DEV_TAB_ENTRY of an interrupt; a read. */
	amdvi_event_decode((1ULL << 60) | (1ULL << 51) | 0x00a0, 0xfee00000, &e);
	CHECK_EQ(e.kind, AMDVI_EV_INTR);
	amdvi_event_decode((1ULL << 60) | 0x00a0, 0x1000, &e);
	CHECK_EQ(e.kind, AMDVI_EV_DMA);
	CHECK_EQ(e.write, 0);
	/* Every other code, with any flags, is not a blocked request. */
	for (unsigned int code = 0; code < 16; code++) {
		if (code == 1 || code == 2)
			continue;
		amdvi_event_decode(((uint64_t)code << 60) | (1ULL << 51) | (1ULL << 53), 0, &e);
		CHECK_EQ(e.kind, AMDVI_EV_OTHER);
	}
}

static void test_choice(void)
{
	uint8_t hdr[48];
	const char *why = NULL;

	ctx = "choice";
	memcpy(hdr, qemu_q35_amd_iommu_ivrs, sizeof(hdr));
	/* QEMU's tables: auto passes (its forwarded fixed interrupts are broken), the options rule. */
	CHECK_EQ(amdvi_intr_choice(0, 1, hdr, &why), AMDVI_INTR_PASS);
	CHECK_EQ(strncmp(why, "QEMU's amd-iommu", 16), 0);
	CHECK_EQ(amdvi_intr_choice(1, 1, hdr, &why), AMDVI_INTR_FILTER);
	CHECK_EQ(strcmp(why, "iommu_intr=block"), 0);
	CHECK_EQ(amdvi_intr_choice(2, 1, hdr, &why), AMDVI_INTR_PASS);
	CHECK_EQ(strcmp(why, "iommu_intr=pass"), 0);
	/* The same table from another firmware (AMD's OEM ID): auto filters... */
	memcpy(hdr + 10, "AMD   ", 6);
	memcpy(hdr + 16, "AmdTable", 8);
	CHECK_EQ(amdvi_intr_choice(0, 1, hdr, &why), AMDVI_INTR_FILTER);
	CHECK_EQ(strcmp(why, "iommu_intr=auto"), 0);
	/* ...unless it names no I/O APIC; block still forces it, pass still passes. */
	CHECK_EQ(amdvi_intr_choice(0, 0, hdr, &why), AMDVI_INTR_PASS);
	CHECK_EQ(strncmp(why, "the IVRS names no I/O APIC", 26), 0);
	CHECK_EQ(amdvi_intr_choice(1, 0, hdr, &why), AMDVI_INTR_FILTER);
	CHECK_EQ(amdvi_intr_choice(2, 3, hdr, &why), AMDVI_INTR_PASS);
	/* Bochs's OEM ID without QEMU's table ID is not QEMU. */
	memcpy(hdr + 10, "BOCHS ", 6);
	CHECK_EQ(amdvi_intr_choice(0, 1, hdr, &why), AMDVI_INTR_FILTER);
}

int main(void)
{
	test_choice();
	test_filter();
	test_pass();
	test_inputs();
	test_control();
	test_events();
	printf("amdvi-fmt: %d checks, %d failures\n", checks, failures);
	return failures != 0;
}
