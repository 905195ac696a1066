/*
 * XCR0 rules for the guest's XSETBV; see include/sv/xcr0.h.  The order of
 * the checks only decides which reason is given: any failed rule is #GP.
 */
#include <sv/xcr0.h>

/* A group of components that the CPU accepts all together or not at all. */
static bool split(uint64_t value, uint64_t group)
{
	uint64_t v = value & group;

	return v != 0 && v != group;
}

enum xsetbv_verdict xsetbv_check(uint32_t index, uint64_t value, uint64_t offered)
{
	/* SDM 2B XSETBV: #GP(0) if ECX specifies a reserved or unimplemented XCR. */
	if (index != 0)
		return XSETBV_BAD_INDEX;
	/* ... if EDX:EAX sets a bit reserved in that XCR (unsupported components). */
	if (value & ~offered)
		return XSETBV_UNSUPPORTED;
	/* SDM 1 13.3: x87 state must always be enabled. */
	if (!(value & XCR0_X87))
		return XSETBV_NO_X87;
	/* AVX state extends the SSE registers: EAX[2:1] = 10b is #GP. */
	if ((value & XCR0_AVX) && !(value & XCR0_SSE))
		return XSETBV_AVX_NO_SSE;
	/* MPX: EAX[4:3] equal. */
	if (split(value, XCR0_MPX))
		return XSETBV_MPX_SPLIT;
	/* AVX-512: EAX[7:5] is 000b or 111b, and not 111b unless EAX[2:1] is 11b. */
	if (split(value, XCR0_AVX512))
		return XSETBV_AVX512_SPLIT;
	if ((value & XCR0_AVX512) && !(value & XCR0_AVX))
		return XSETBV_AVX512_NO_AVX;
	/* AMX: EAX[18:17] is 00b or 11b (TILEDATA needs TILECFG, and back). */
	if (split(value, XCR0_AMX))
		return XSETBV_AMX_SPLIT;
	return XSETBV_OK;
}

const char *xsetbv_verdict_text(enum xsetbv_verdict v)
{
	switch (v) {
	case XSETBV_OK:
		return "allowed";
	case XSETBV_BAD_INDEX:
		return "XCR index other than 0";
	case XSETBV_UNSUPPORTED:
		return "a component the CPU or the VMM does not offer";
	case XSETBV_NO_X87:
		return "x87 state (bit 0) clear";
	case XSETBV_AVX_NO_SSE:
		return "AVX without SSE";
	case XSETBV_MPX_SPLIT:
		return "BNDREGS and BNDCSR not together";
	case XSETBV_AVX512_SPLIT:
		return "AVX-512 components (bits 7:5) not all together";
	case XSETBV_AVX512_NO_AVX:
		return "AVX-512 state without AVX";
	case XSETBV_AMX_SPLIT:
		return "TILECFG and TILEDATA not together";
	}
	return "unknown";
}
