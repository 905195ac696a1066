/*
 * What the guest sees of CPUID.  Everything passes through except what
 * would reveal or invite nested virtualization: the SVM and VMX feature
 * bits and AMD's SVM leaf are hidden, the "hypervisor present" bit is set,
 * and leaf 0x40000000 names Sealvisor so guest tools can find it.
 */
#include <arch/cpu.h>
#include <sv/cpuid.h>

#include <sealvisor/hypercall.h>

#include "fsstring.h"

#define HV_MAX_LEAF 0x40000001u

void cpuid_guest(uint32_t leaf, uint32_t sub, struct cpuid_regs *r)
{
	if (leaf >= 0x40000000u && leaf <= 0x400000ffu) {
		memset(r, 0, sizeof(*r));
		if (leaf == 0x40000000u) {
			r->eax = HV_MAX_LEAF;
			memcpy(&r->ebx, SV_CPUID_SIGNATURE, 4);
			memcpy(&r->ecx, SV_CPUID_SIGNATURE + 4, 4);
			memcpy(&r->edx, SV_CPUID_SIGNATURE + 8, 4);
		} else if (leaf == 0x40000001u) {
			r->eax = 1; /* interface version */
		}
		return;
	}
	cpuid_count(leaf, sub, r);
	switch (leaf) {
	case 1:
		r->ecx &= ~(1u << 5); /* VMX */
		r->ecx |= 1u << 31;   /* hypervisor present */
		break;
	case 0x80000001u:
		r->ecx &= ~(1u << 2); /* SVM */
		break;
	case 0x8000000au:
		memset(r, 0, sizeof(*r)); /* SVM revision and features */
		break;
	default:
		break;
	}
}
