/*
 * Saving the guest's extended state out of the CPU for process calls;
 * see include/arch/fpu.h.  SDM 1 ch. 13 (XSAVE), SDM 2 FXSAVE/XRSTOR.
 */
#include <arch/cpu.h>
#include <arch/fpu.h>
#include <sv/cpu.h>
#include <sv/mm.h>

#include <sv_config.h>

#include "fsstring.h"

#define XSAVE_AREA_PAGES 4 /* 16 KiB: more than any XCR0 needs today (CPUID 0xd.0 ECX) */

static uint8_t *area[SV_MAX_CPUS];
static uint8_t *init_area; /* all zero but MXCSR and FCW: the initial state */
static bool use_xsave;

static bool xsave_usable(void)
{
	struct cpuid_regs r;

	cpuid_count(1, 0, &r);
	if (!(r.ecx & (1u << 26)) || !(read_cr4() & (1ULL << 18)))
		return false;
	cpuid_count(0xd, 0, &r);
	return r.ecx && r.ecx <= XSAVE_AREA_PAGES * PAGE_SIZE;
}

int fpu_init_cpu(void)
{
	unsigned int i = cpu_index();

	if (i >= SV_MAX_CPUS)
		return 0;
	if (i == 0) {
		use_xsave = xsave_usable();
		uint64_t pa = palloc_pages(1, 1);
		if (!pa)
			return -SV_ENOMEM;
		init_area = phys_to_virt(pa);
		*(uint16_t *)(init_area + 0) = 0x37f;    /* FCW after FNINIT */
		*(uint32_t *)(init_area + 24) = 0x1f80;  /* MXCSR after reset */
	}
	uint64_t pa = palloc_pages(XSAVE_AREA_PAGES, 1);
	if (!pa)
		return -SV_ENOMEM;
	area[i] = phys_to_virt(pa);
	return 0;
}

static void clts(void)
{
	__asm__ volatile("clts" ::: "memory");
}

void fpu_guest_save(void)
{
	uint8_t *a = area[cpu_index()];

	if (!a)
		return;
	clts(); /* XSAVE/FXSAVE with CR0.TS set would be #NM */
	if (use_xsave) {
		__asm__ volatile("xsave64 %0" : "+m"(*(uint8_t(*)[64])a) : "a"(~0u), "d"(~0u) : "memory");
		/* XSTATE_BV 0 in the init area's header: every component to its initial state. */
		__asm__ volatile("xrstor64 %0" : : "m"(*(uint8_t(*)[64])init_area), "a"(~0u), "d"(~0u)
				 : "memory");
	} else {
		__asm__ volatile("fxsave64 %0" : "+m"(*(uint8_t(*)[512])a) : : "memory");
		__asm__ volatile("fninit; fxrstor64 %0" : : "m"(*(uint8_t(*)[512])init_area) : "memory");
	}
}

void fpu_guest_restore(void)
{
	uint8_t *a = area[cpu_index()];

	if (!a)
		return;
	clts();
	if (use_xsave)
		__asm__ volatile("xrstor64 %0" : : "m"(*(uint8_t(*)[64])a), "a"(~0u), "d"(~0u) : "memory");
	else
		__asm__ volatile("fxrstor64 %0" : : "m"(*(uint8_t(*)[512])a) : "memory");
}
