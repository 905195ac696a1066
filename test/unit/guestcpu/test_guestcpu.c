/*
 * Host unit tests of the guest-CPU rules (issue 19): every XCR0 value
 * over the low 11 bits and the AMX pair against an independently written
 * statement of SDM vol. 1 13.3; every APIC-base transition and reserved
 * bit; every LVT delivery mode on every entry; and the ICR plan for every
 * delivery mode, destination mode, shorthand and level, in and out of
 * filter mode.  The reference functions here are written from the
 * manuals' tables, not from the code under test.
 */
#include <stdio.h>
#include <string.h>

#include <arch/lapic.h>
#include <sv/apic_rules.h>
#include <sv/xcr0.h>

static int failures, checks;

#define CHECK_EQ(got, want, ...)                                                            \
	do {                                                                                \
		unsigned long long g_ = (unsigned long long)(got);                          \
		unsigned long long w_ = (unsigned long long)(want);                         \
		checks++;                                                                   \
		if (g_ != w_) {                                                             \
			if (failures++ < 40) {                                              \
				printf("%s:%d: %s == %#llx, expected %#llx: ", __FILE__, __LINE__, \
				       #got, g_, w_);                                       \
				printf(__VA_ARGS__);                                        \
				printf("\n");                                               \
			}                                                                   \
		}                                                                           \
	} while (0)

/* ---- XCR0 ---------------------------------------------------------------- */

/* SDM vol. 1 13.3, one bit at a time: the conditions under which XSETBV #GPs. */
static bool xcr0_reference(uint64_t v, uint64_t offered)
{
	int x87 = v & 1, sse = (v >> 1) & 1, avx = (v >> 2) & 1;
	int bndregs = (v >> 3) & 1, bndcsr = (v >> 4) & 1;
	int opmask = (v >> 5) & 1, zmm_hi256 = (v >> 6) & 1, hi16_zmm = (v >> 7) & 1;
	int tilecfg = (v >> 17) & 1, tiledata = (v >> 18) & 1;
	int avx512 = opmask + zmm_hi256 + hi16_zmm;

	for (int b = 0; b < 64; b++)
		if (((v >> b) & 1) && !((offered >> b) & 1))
			return false; /* reserved in XCR0 on this CPU */
	if (!x87)
		return false;
	if (avx && !sse)
		return false;
	if (bndregs != bndcsr)
		return false;
	if (avx512 != 0 && avx512 != 3)
		return false;
	if (avx512 == 3 && !(sse && avx))
		return false;
	if (tilecfg != tiledata)
		return false;
	return true;
}

static void test_xcr0(void)
{
	/* What CPUs offer: SSE-only, AVX2, MPX, AVX-512, AMX, everything (bits 0-18). */
	static const uint64_t offered[] = { 0x3, 0x7, 0x1f, 0xe7, 0x2e7, 0x602e7, 0x7ffff };
	static const uint64_t amx[] = { 0, 1ULL << 17, 1ULL << 18, 3ULL << 17 };

	for (size_t o = 0; o < sizeof(offered) / sizeof(offered[0]); o++) {
		unsigned int ok = 0;
		for (uint64_t low = 0; low < 2048; low++) {
			for (size_t a = 0; a < 4; a++) {
				uint64_t v = low | amx[a];
				bool got = xsetbv_check(0, v, offered[o]) == XSETBV_OK;
				CHECK_EQ(got, xcr0_reference(v, offered[o]), "xcr0 %#llx offered %#llx",
					 (unsigned long long)v, (unsigned long long)offered[o]);
				ok += got;
				/* Any other XCR index is #GP whatever the value. */
				CHECK_EQ(xsetbv_check(1, v, offered[o]), XSETBV_BAD_INDEX, "index 1");
				/* A bit above 18 (none of the offered masks has one) is #GP. */
				CHECK_EQ(xsetbv_check(0, v | (1ULL << 63), offered[o]), XSETBV_UNSUPPORTED,
					 "bit 63 with %#llx", (unsigned long long)v);
			}
		}
		/*
		 * Counted by hand for "everything offered": x87 forced; (SSE,
		 * AVX, AVX-512) in 4 legal combinations; MPX 2; bits 8-10
		 * free 8; AMX 2: 128.  AVX2 machine (0x7): x87 + {-, SSE,
		 * SSE+AVX} = 3.
		 */
		if (offered[o] == 0x7ffff)
			CHECK_EQ(ok, 128, "legal XCR0 values with bits 0-18 offered");
		if (offered[o] == 0x7)
			CHECK_EQ(ok, 3, "legal XCR0 values on an AVX2 CPU");
	}
	/* The reasons, on the values the boot tests use. */
	uint64_t all = 0x7ffff;
	CHECK_EQ(xsetbv_check(0, 0x27, all), XSETBV_AVX512_SPLIT, "0x27");
	CHECK_EQ(xsetbv_check(0, 0xe3, all), XSETBV_AVX512_NO_AVX, "0xe3");
	CHECK_EQ(xsetbv_check(0, 0xe7, all), XSETBV_OK, "0xe7");
	CHECK_EQ(xsetbv_check(0, 0x2, all), XSETBV_NO_X87, "0x2");
	CHECK_EQ(xsetbv_check(0, 0x5, all), XSETBV_AVX_NO_SSE, "0x5");
	CHECK_EQ(xsetbv_check(0, 0xb, all), XSETBV_MPX_SPLIT, "0xb");
	CHECK_EQ(xsetbv_check(0, 0x1b, all), XSETBV_OK, "0x1b");
	CHECK_EQ(xsetbv_check(0, 0x40003, all), XSETBV_AMX_SPLIT, "TILEDATA without TILECFG");
	CHECK_EQ(xsetbv_check(0, 0x20003, all), XSETBV_AMX_SPLIT, "TILECFG without TILEDATA");
	CHECK_EQ(xsetbv_check(0, 0x60003, all), XSETBV_OK, "AMX");
	CHECK_EQ(xsetbv_check(0, 0x27, 0x7), XSETBV_UNSUPPORTED, "0x27 without AVX-512");
	CHECK_EQ(xsetbv_check(0xffffffffu, 0x3, all), XSETBV_BAD_INDEX, "index 0xffffffff");
	CHECK_EQ(xsetbv_check(0, 0x3, 0x3), XSETBV_OK, "x87+SSE");
	CHECK_EQ(xsetbv_check(0, 0, all), XSETBV_NO_X87, "0");
	for (int v = XSETBV_OK; v <= XSETBV_AMX_SPLIT; v++)
		CHECK_EQ(strcmp(xsetbv_verdict_text((enum xsetbv_verdict)v), "unknown") != 0, 1, "text %d", v);
}

/* ---- APIC base ----------------------------------------------------------- */

/*
 * SDM 3A figure 11-27, as a table: legal[from][to] with states indexed
 * EN + 2 * EXTD (0 disabled, 1 xAPIC, 2 invalid, 3 x2APIC).
 */
static const bool legal[4][4] = {
	/* to:    off    xAPIC  inv    x2APIC */
	/* off */ { true, true, false, false },
	/* xAPIC*/ { true, true, false, true },
	/* inv */ { false, false, false, false },
	/* x2  */ { true, false, false, true },
};

static void test_apic_base(void)
{
	static const unsigned int widths[] = { 36, 39, 46, 48, 52 };
	const uint64_t base = 0xfee00000;

	for (int from = 0; from < 4; from++) {
		if (from == 2)
			continue; /* the CPU is never in it */
		for (int to = 0; to < 4; to++) {
			for (int x2 = 0; x2 < 2; x2++) {
				for (int bsp = 0; bsp < 4; bsp++) {
					uint64_t cur = base | ((from & 1) ? APIC_BASE_EN : 0) |
						       ((from & 2) ? APIC_BASE_EXTD : 0) |
						       ((bsp & 1) ? APIC_BASE_BSP : 0);
					uint64_t val = base | ((to & 1) ? APIC_BASE_EN : 0) |
						       ((to & 2) ? APIC_BASE_EXTD : 0) |
						       ((bsp & 2) ? APIC_BASE_BSP : 0);
					if (from == 3 && !x2)
						continue; /* x2APIC mode without x2APIC: impossible */
					bool want = legal[from][to] && (!(to & 2) || x2) &&
						    ((bsp & 1) == ((bsp >> 1) & 1));
					enum apic_base_verdict got = apic_base_check(cur, val, 39, x2);
					CHECK_EQ(got == APIC_BASE_OK, want, "from %d to %d x2apic %d bsp %d (%s)",
						 from, to, x2, bsp, apic_base_verdict_text(got));
				}
			}
		}
	}
	/* The reasons the boot tests print. */
	uint64_t xapic = base | APIC_BASE_EN | APIC_BASE_BSP;
	CHECK_EQ(apic_base_check(xapic, xapic | APIC_BASE_EXTD, 39, false), APIC_BASE_NO_X2APIC, "no x2apic");
	CHECK_EQ(apic_base_check(xapic, xapic | APIC_BASE_EXTD, 39, true), APIC_BASE_OK, "x2apic");
	CHECK_EQ(apic_base_check(xapic, (xapic & ~APIC_BASE_EN) | APIC_BASE_EXTD, 39, true),
		 APIC_BASE_INVALID_STATE, "EXTD without EN");
	CHECK_EQ(apic_base_check(xapic | APIC_BASE_EXTD, xapic, 39, true), APIC_BASE_XAPIC_FROM_X2, "x2 to x");
	CHECK_EQ(apic_base_check(base | APIC_BASE_BSP, xapic | APIC_BASE_EXTD, 39, true),
		 APIC_BASE_X2_FROM_OFF, "off to x2");
	CHECK_EQ(apic_base_check(xapic, xapic & ~APIC_BASE_BSP, 39, true), APIC_BASE_BSP_CHANGED, "bsp");
	/* Every single bit, on every physical address width. */
	for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
		for (int b = 0; b < 64; b++) {
			uint64_t val = xapic ^ (1ULL << b);
			enum apic_base_verdict want;
			if (b <= 7 || b == 9 || (unsigned int)b >= widths[w])
				want = APIC_BASE_RESERVED;
			else if (b == 8)
				want = APIC_BASE_BSP_CHANGED;
			else if (b == 10)
				want = APIC_BASE_NO_X2APIC; /* on a CPU without x2APIC */
			else
				want = APIC_BASE_OK; /* bit 11: disable; 12+: the base */
			CHECK_EQ(apic_base_check(xapic, val, widths[w], false), want, "bit %d width %u", b,
				 widths[w]);
		}
	}
	/* A width the CPU cannot have counts as 36 bits. */
	CHECK_EQ(apic_base_check(xapic, xapic | (1ULL << 40), 0, false), APIC_BASE_RESERVED, "width 0");
	CHECK_EQ(apic_base_check(xapic, xapic | (1ULL << 35), 200, false), APIC_BASE_OK, "width 200");
}

/* ---- LVT ----------------------------------------------------------------- */

struct lvt_ref {
	unsigned int off;
	uint32_t bits;   /* the writable bits (SDM 3A figure 11-8) */
	uint8_t modes;   /* delivery modes the VMM lets through unmasked, as a bit set */
	bool has_mode;
};

static const struct lvt_ref lvts[] = {
	{ 0x2f0, 0x107ff, 1u << 0 | 1u << 4, true },                       /* CMCI */
	{ 0x320, 0x700ff, 0, false },                                      /* timer */
	{ 0x330, 0x107ff, 1u << 0 | 1u << 4, true },                       /* thermal */
	{ 0x340, 0x107ff, 1u << 0 | 1u << 4, true },                       /* performance */
	{ 0x350, 0x1a7ff, 1u << 0 | 1u << 4 | 1u << 7, true },             /* LINT0 */
	{ 0x360, 0x1a7ff, 1u << 0 | 1u << 4 | 1u << 7, true },             /* LINT1 */
	{ 0x370, 0x100ff, 0, false },                                      /* error */
};

static void test_lvt(void)
{
	static const uint32_t others[] = { 0, 0xffffffffu, 0x0000a5a5u, 0xfffe5a5au, 0x00010000u };

	for (size_t i = 0; i < sizeof(lvts) / sizeof(lvts[0]); i++) {
		const struct lvt_ref *r = &lvts[i];
		for (unsigned int mode = 0; mode < 8; mode++) {
			for (size_t k = 0; k < sizeof(others) / sizeof(others[0]); k++) {
				uint32_t val = (others[k] & ~(7u << 8)) | (mode << 8);
				uint32_t got = apic_lvt_filter(r->off, val);
				bool masked = (val & (1u << 16)) ||
					      (r->has_mode && !(r->modes & (1u << mode))) ||
					      (r->off == 0x320 && ((val >> 17) & 3) == 3);
				CHECK_EQ(got & ~r->bits, 0, "lvt %x value %x: bits outside the entry", r->off, val);
				CHECK_EQ((got >> 16) & 1, masked, "lvt %x value %x: mask", r->off, val);
				CHECK_EQ(got & 0xff, val & 0xff, "lvt %x value %x: vector", r->off, val);
				/* Every writable bit but the mask stays as written. */
				CHECK_EQ(got & r->bits & ~(1u << 16), val & r->bits & ~(1u << 16),
					 "lvt %x value %x: kept bits", r->off, val);
			}
		}
	}
	/* Not an LVT: untouched. */
	CHECK_EQ(apic_lvt_filter(0x380, 0xffffffffu), 0xffffffffu, "initial count");
	CHECK_EQ(apic_lvt_filter(0x300, 0x4500), 0x4500, "ICR");
	/* INIT and SMI from LINT0, the reset and SMM paths, arrive masked. */
	CHECK_EQ(apic_lvt_filter(0x350, 0x500), 0x10500, "LINT0 INIT");
	CHECK_EQ(apic_lvt_filter(0x350, 0x200), 0x10200, "LINT0 SMI");
	CHECK_EQ(apic_lvt_filter(0x350, 0x700), 0x700, "LINT0 ExtINT");
	CHECK_EQ(apic_lvt_filter(0x360, 0x400), 0x400, "LINT1 NMI");
	CHECK_EQ(apic_lvt_filter(0x340, 0x700), 0x10700, "PMC ExtINT");
	/* The x2APIC MSR numbers of the LVTs (SDM 3A table 11-6). */
	static const struct {
		uint32_t msr;
		unsigned int off;
	} x2[] = { { 0x82e, 0 },     { 0x82f, 0x2f0 }, { 0x830, 0 },     { 0x831, 0 },
		   { 0x832, 0x320 }, { 0x833, 0x330 }, { 0x834, 0x340 }, { 0x835, 0x350 },
		   { 0x836, 0x360 }, { 0x837, 0x370 }, { 0x838, 0 },     { 0x1b, 0 } };
	for (size_t i = 0; i < sizeof(x2) / sizeof(x2[0]); i++)
		CHECK_EQ(apic_x2apic_lvt_offset(x2[i].msr), x2[i].off, "msr %x", x2[i].msr);
}

/* ---- ICR plan ------------------------------------------------------------ */

static const uint32_t ids[] = { 0, 1, 2, 3 }; /* four CPUs; the sender is APIC id 1 */
#define ME 1u

/*
 * The reference, from SDM 3A 11.6.1 and docs/smp.md: which CPUs (a bit
 * set over ids[]) get the INIT/SIPI, 0 when the write is not one the VMM
 * sends or it is dropped; pass = it goes to the LAPIC as written.
 */
static unsigned int icr_reference(uint32_t low, uint32_t dest, bool filter, bool x2apic, bool *pass)
{
	unsigned int mode = (low >> 8) & 7, sh = (low >> 18) & 3;
	bool logical = low & (1u << 11), assert_ = low & (1u << 14);
	unsigned int set = 0;

	*pass = !(mode == 5 || mode == 6);
	if (*pass || (mode == 5 && !assert_))
		return 0;
	switch (sh) {
	case 0:
		if (logical || dest == (x2apic ? 0xffffffffu : 0xffu))
			return 0;
		for (unsigned int i = 0; i < 4; i++)
			if (ids[i] == dest)
				set |= 1u << i;
		return set;
	case 1: /* self */
		return filter ? 0 : 1u << ME;
	case 2: /* all including self */
		return filter ? 0 : 0xfu;
	default: /* all excluding self */
		return 0xfu & ~(1u << ME);
	}
}

static void test_icr(void)
{
	static const uint32_t dests[] = { 0, 2, 3, 7, 0xff, 0xffffffffu };

	for (unsigned int filter = 0; filter < 2; filter++) {
		for (unsigned int x2apic = 0; x2apic < 2; x2apic++) {
			for (uint32_t mode = 0; mode < 8; mode++) {
				for (uint32_t bits = 0; bits < 64; bits++) {
					/* logical (11), assert (14), level (15), shorthand (19:18), vector */
					uint32_t low = (mode << 8) | ((bits & 1) << 11) | ((bits & 2) << 13) |
						       ((bits & 4) << 13) | (((bits >> 3) & 3) << 18) |
						       ((bits & 32) ? 0x9a : 0);
					for (size_t d = 0; d < sizeof(dests) / sizeof(dests[0]); d++) {
						uint32_t dest = dests[d];
						if (!x2apic && dest > 0xff)
							continue;
						struct icr_plan p;
						bool pass;
						unsigned int want = icr_reference(low, dest, filter, x2apic, &pass);
						icr_plan(low, dest, filter, x2apic, &p);
						CHECK_EQ(p.action == ICR_PASS, pass, "low %x dest %x filter %u", low, dest,
							 filter);
						unsigned int got = 0;
						for (unsigned int i = 0; i < 4; i++)
							if (icr_reaches(&p, ids[i] == ME, ids[i]))
								got |= 1u << i;
						CHECK_EQ(got, want, "low %x dest %x filter %u x2apic %u: targets", low, dest,
							 filter, x2apic);
						if (p.action != ICR_DELIVER)
							continue;
						/* What filter mode sends: physical, no shorthand, nothing else. */
						uint32_t want_low = (mode << 8) | (1u << 14) | (mode == 6 ? (low & 0xff) : 0);
						CHECK_EQ(p.send_low, want_low, "low %x: sent", low);
						CHECK_EQ(p.send_low & ((1u << 11) | (3u << 18)), 0, "low %x", low);
						CHECK_EQ(p.mode, mode, "low %x: mode", low);
					}
				}
			}
		}
	}
	/*
	 * Issue 19 item 5: a SIPI to all-excluding-self with the logical bit
	 * set went out in filter mode with the logical bit kept, so to
	 * whatever CPU had that logical ID.  Now physical, one per vCPU.
	 */
	struct icr_plan p;
	icr_plan(0x000c4e9a, 0, true, true, &p);
	CHECK_EQ(p.action, ICR_DELIVER, "others SIPI with logical bit");
	CHECK_EQ(p.send_low, 0x469a, "others SIPI with logical bit: sent");
	icr_plan(0x4d00, 0x1, true, true, &p);
	CHECK_EQ(p.action, ICR_DROP_LOGICAL, "logical INIT");
	icr_plan(0x44500, 0, true, false, &p);
	CHECK_EQ(p.action, ICR_DROP_SELF, "self INIT in filter mode");
	icr_plan(0x84500, 0, true, false, &p);
	CHECK_EQ(p.action, ICR_DROP_SELF, "all-including-self INIT in filter mode");
	icr_plan(0x4500, 0xff, false, false, &p);
	CHECK_EQ(p.action, ICR_DROP_BROADCAST, "broadcast INIT");
	icr_plan(0x8500, 2, false, false, &p);
	CHECK_EQ(p.action, ICR_IGNORE, "INIT de-assert");
	icr_plan(0x40fe, 2, true, false, &p);
	CHECK_EQ(p.action, ICR_PASS, "fixed IPI");
}

int main(void)
{
	test_xcr0();
	test_apic_base();
	test_lvt();
	test_icr();
	printf("guestcpu: %d checks, %d failures\n", checks, failures);
	return failures ? 1 : 0;
}
