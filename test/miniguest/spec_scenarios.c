/*
 * The mini guest's check of the speculation plan's SPEC_CTRL switch
 * (issue 19, vmm/arch/x86/spec.c): IA32_SPEC_CTRL passes through to the
 * guest, and the VMM runs with its own value (IBRS on Intel), so the
 * guest must see its own value, never the VMM's: 0 (the reset value)
 * before it wrote anything, and what it wrote after VM exits, hypercalls
 * and a process run in between.  Where the CPU has no SPEC_CTRL (QEMU's
 * TCG, most Bochs models) there is nothing to check; Bochs's tigerlake
 * has it.
 */
#include "mg.h"

#define MSR_SPEC_CTRL 0x48
#define SPEC_CTRL_STIBP 2

static int32_t lookup(const char *name)
{
	return mg_hypercall(SV_HC_GET_NUMBER, (uint32_t)(uintptr_t)name, 0, 0, 0);
}

/* CPUID lists SPEC_CTRL with STIBP (Intel 7.EDX[27], AMD 8000_0008.EBX[15]). */
static bool has_stibp(void)
{
	uint32_t r[4];

	mg_cpuid(0, 0, r);
	if (mg_is_intel()) {
		if (r[0] < 7)
			return false;
		mg_cpuid(7, 0, r);
		return r[3] & (1u << 27);
	}
	mg_cpuid(0x80000000, 0, r);
	if (r[0] < 0x80000008)
		return false;
	mg_cpuid(0x80000008, 0, r);
	return r[1] & (1u << 15);
}

/* RDMSR/WRMSR of SPEC_CTRL; -1 when it faulted (both are 2 bytes). */
static int rd(uint64_t *v)
{
	uint32_t lo = 0, hi = 0;

	mg_expect_fault(2);
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(MSR_SPEC_CTRL));
	*v = ((uint64_t)hi << 32) | lo;
	return mg_fault_vector == -1 ? 0 : -1;
}

static int wr(uint64_t v)
{
	mg_expect_fault(2);
	__asm__ volatile("wrmsr" : : "c"(MSR_SPEC_CTRL), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
	return mg_fault_vector == -1 ? 0 : -1;
}

int mg_spec_ctrl_guest_value(void)
{
	uint64_t v;

	if (!has_stibp()) {
		mg_printf("MINIGUEST note: no SPEC_CTRL with STIBP on this CPU, nothing to check\n");
		return 0;
	}
	if (rd(&v))
		return mg_fail("rdmsr SPEC_CTRL: vector %d (it passes through)", mg_fault_vector);
	if (v != 0)
		return mg_fail("SPEC_CTRL reads %x before the guest wrote it: the VMM's value leaked in",
			       (uint32_t)v);
	if (wr(SPEC_CTRL_STIBP))
		return mg_fail("wrmsr SPEC_CTRL, STIBP: vector %d", mg_fault_vector);
	/* VM exits, and a process run in the VMM with the VMM's value. */
	int32_t ver = lookup(SV_HC_VERSION), bi = lookup(SV_HC_BUILTIN);
	if (ver <= 0 || bi <= 0)
		return mg_fail("hypercall lookups failed");
	mg_hypercall((uint32_t)bi, (uint32_t)(uintptr_t)"hello", 0, 0, 0);
	for (int i = 0; i < 3; i++)
		mg_hypercall((uint32_t)ver, 0, 0, 0, 0);
	int rc = rd(&v);
	wr(0);
	if (rc)
		return mg_fail("rdmsr SPEC_CTRL after exits: vector %d", mg_fault_vector);
	if (v != SPEC_CTRL_STIBP)
		return mg_fail("SPEC_CTRL reads %x after VM exits, not the guest's %x", (uint32_t)v,
			       SPEC_CTRL_STIBP);
	mg_printf("MINIGUEST note: SPEC_CTRL is the guest's own across VM exits and a process run\n");
	return 0;
}
