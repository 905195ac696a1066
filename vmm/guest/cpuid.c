/*
 * What the guest sees of CPUID.  Everything passes through except what
 * would reveal or invite nested virtualization (the SVM and VMX feature
 * bits and AMD's SVM leaf), and the features whose MSRs the allow-lists
 * keep from the guest (sv/msr_table.h): performance monitoring, Intel
 * PT, arch LBR, the debug store, AMD IBS and the extended counters, CET,
 * PKS, ENQCMD's PASID, user interrupts, bus-lock detection, XFD, and the XSS
 * components that would load those MSRs through XRSTORS.  A guest that
 * looks for them finds a CPU without them; docs/cpu-state.md lists each
 * with what it would cost to give it.  The "hypervisor present" bit is
 * set, and leaf 0x40000000 names Sealvisor so guest tools can find it.
 * cpuid_filter is portable: test/unit/msr checks it.
 */
#include <arch/cpu.h>
#include <sv/cpuid.h>
#include <sv/msr.h>

#include <sealvisor/hypercall.h>

#include "fsstring.h"

#define HV_MAX_LEAF 0x40000001u
#define BIT(n) (1u << (n))

/* Leaf 1 ECX: DTES64 (2), DS-CPL (4), VMX (5), PDCM (15); EDX: DS (21). */
#define L1_ECX_HIDDEN (BIT(2) | BIT(4) | BIT(5) | BIT(15))
#define L1_EDX_HIDDEN BIT(21)
/* Leaf 7.0 EBX: Intel PT (25). */
#define L7_EBX_HIDDEN BIT(25)
/* Leaf 7.0 ECX: CET shadow stacks (7), bus-lock detection (24), ENQCMD (29), PKS (31). */
#define L7_ECX_HIDDEN (BIT(7) | BIT(24) | BIT(29) | BIT(31))
/* Leaf 7.0 EDX: user interrupts (5), arch LBR (19), CET IBT (20). */
#define L7_EDX_HIDDEN (BIT(5) | BIT(19) | BIT(20))
/* 0x80000001 ECX: SVM (2), IBS (10), PerfCtrExtCore (23), PerfCtrExtNB/DF (24), PerfCtrExtLLC (28). */
#define E1_ECX_HIDDEN (BIT(2) | BIT(10) | BIT(23) | BIT(24) | BIT(28))
/* Leaf 0xD.1 EAX: XFD (4), the extended-feature-disable MSRs of AMX. */
#define D1_EAX_HIDDEN BIT(4)
/*
 * 0x80000008 EBX: IRPERF, the instructions-retired counter (1); VIRT_SSBD
 * (25): VIRT_SPEC_CTRL is not emulated (SSBD goes through SPEC_CTRL).
 */
#define E8_EBX_HIDDEN (BIT(1) | BIT(25))

void cpuid_filter(uint32_t leaf, uint32_t sub, struct cpuid_regs *r)
{
	switch (leaf) {
	case 1:
		r->ecx &= ~L1_ECX_HIDDEN;
		r->ecx |= 1u << 31; /* hypervisor present */
		r->edx &= ~L1_EDX_HIDDEN;
		break;
	case 7:
		if (sub == 0) {
			r->ebx &= ~L7_EBX_HIDDEN;
			r->ecx &= ~L7_ECX_HIDDEN;
			r->edx &= ~L7_EDX_HIDDEN;
		}
		break;
	case 0xa:        /* architectural performance monitoring */
	case 0x14:       /* Intel PT */
	case 0x1c:       /* arch LBR */
	case 0x23:       /* architectural performance monitoring extensions */
	case 0x8000000au: /* SVM revision and features */
	case 0x8000001bu: /* IBS */
	case 0x80000022u: /* PerfMonV2, LbrExtV2 */
		memset(r, 0, sizeof(*r));
		break;
	case 0xd:
		if (sub == 1) {
			/*
			 * No XFD (EAX[4]): its MSRs stay the VMM's, and Linux
			 * then leaves AMX off.  The XSS bits (msr_xss_allowed):
			 * the only ones WRMSR of XSS takes.
			 */
			r->eax &= ~D1_EAX_HIDDEN;
			uint64_t xss = msr_xss_allowed(r->ecx, r->edx);
			r->ecx = (uint32_t)xss;
			r->edx = (uint32_t)(xss >> 32);
		} else if (sub >= 2 && sub < 64 && (r->ecx & 1) && !(msr_xss_allowed(~0u, ~0u) >> sub & 1)) {
			memset(r, 0, sizeof(*r)); /* a supervisor component the guest may not enable */
		}
		break;
	case 0x80000001u:
		r->ecx &= ~E1_ECX_HIDDEN;
		break;
	case 0x80000008u:
		r->ebx &= ~E8_EBX_HIDDEN;
		break;
	default:
		break;
	}
}

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
	cpuid_filter(leaf, sub, r);
}
