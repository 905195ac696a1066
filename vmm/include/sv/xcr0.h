/*
 * The rules for a guest's XSETBV (guest/xcr0.c), from Intel SDM vol. 1
 * 13.3 "Enabling the XSAVE feature set and XSAVE-enabled features" and
 * vol. 2B "XSETBV".  On VMX every XSETBV exits and the VMM replays it on
 * the hardware (guest/exit.c): a value the CPU would refuse must become
 * the guest's #GP, never a #GP in the VMM.  Portable: the unit tests run
 * it hosted (test/unit/guestcpu).
 */
#ifndef SV_XCR0_H
#define SV_XCR0_H

#include <sv/types.h>

/* XCR0 state components (SDM vol. 1 13.1, table 13-1). */
#define XCR0_X87 (1ULL << 0)
#define XCR0_SSE (1ULL << 1)
#define XCR0_AVX (1ULL << 2)
#define XCR0_BNDREGS (1ULL << 3)
#define XCR0_BNDCSR (1ULL << 4)
#define XCR0_OPMASK (1ULL << 5)
#define XCR0_ZMM_HI256 (1ULL << 6)
#define XCR0_HI16_ZMM (1ULL << 7)
#define XCR0_PKRU (1ULL << 9)
#define XCR0_TILECFG (1ULL << 17)
#define XCR0_TILEDATA (1ULL << 18)
#define XCR0_MPX (XCR0_BNDREGS | XCR0_BNDCSR)
#define XCR0_AVX512 (XCR0_OPMASK | XCR0_ZMM_HI256 | XCR0_HI16_ZMM)
#define XCR0_AMX (XCR0_TILECFG | XCR0_TILEDATA)

/* Why an XSETBV is refused (each is #GP(0) for the guest). */
enum xsetbv_verdict {
	XSETBV_OK = 0,
	XSETBV_BAD_INDEX,     /* ECX is not 0: XCR0 is the only writable XCR */
	XSETBV_UNSUPPORTED,   /* a bit the CPU does not report or the VMM does not offer */
	XSETBV_NO_X87,        /* bit 0 clear */
	XSETBV_AVX_NO_SSE,    /* AVX without SSE */
	XSETBV_MPX_SPLIT,     /* BNDREGS and BNDCSR not both set or both clear */
	XSETBV_AVX512_SPLIT,  /* opmask, ZMM_Hi256, Hi16_ZMM not all or none */
	XSETBV_AVX512_NO_AVX, /* AVX-512 state without AVX (and so SSE) */
	XSETBV_AMX_SPLIT,     /* TILECFG and TILEDATA not both set or both clear */
};

/*
 * Whether XSETBV(index, value) may be replayed on the hardware.  offered
 * is the set of XCR0 bits the guest may enable: CPUID.(EAX=0DH,ECX=0):
 * EDX:EAX as the CPU reports it, less what the VMM hides from the guest.
 * A bit the CPU supports but these rules do not know (a future component)
 * is left to the CPU, whose #GP the safe replay reflects to the guest.
 */
enum xsetbv_verdict xsetbv_check(uint32_t index, uint64_t value, uint64_t offered);

/* A sentence for a refused XSETBV ("AVX without SSE"), for the console. */
const char *xsetbv_verdict_text(enum xsetbv_verdict v);

#endif
