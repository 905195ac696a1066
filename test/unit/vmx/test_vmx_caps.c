/*
 * Unit tests of the VMX capability arithmetic (vmm/arch/x86/vmx/vmx_caps.c)
 * over capability MSR values recorded at boot (the VMM prints them as
 * "VMX capabilities: ...") and over hand-made edge cases.
 */
#include <stdio.h>
#include <string.h>

#include "vmcs.h"
#include "vmx_caps.h"

static int failures, checks;

#define CHECK(cond)                                                                    \
	do {                                                                           \
		checks++;                                                              \
		if (!(cond)) {                                                         \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
				#cond);                                                \
			failures++;                                                    \
		}                                                                      \
	} while (0)

/* Bochs 2.7, cpu: model=corei7_haswell_4770 (recorded under Sealvisor). */
static const struct vmx_cap_msrs haswell = {
	.basic = 0xd810000000002bULL,
	.pin = 0x7f00000016ULL,
	.proc = 0xf7f9fffe04006172ULL,
	.exit = 0x7fffff00036dfbULL,
	.entry = 0xffff000011fbULL,
	.proc2 = 0x47fff00000000ULL,
	.ept_vpid = 0xf0106334141ULL,
	.cr0_fixed0 = 0x80000021ULL,
	.cr0_fixed1 = 0xffffffffULL,
	.cr4_fixed0 = 0x2000ULL,
	.cr4_fixed1 = 0x1727ffULL,
};

/* Bochs 2.7, cpu: model=corei7_sandy_bridge_2600k (recorded under Sealvisor). */
static const struct vmx_cap_msrs sandybridge = {
	.basic = 0xd810000000002bULL,
	.pin = 0x7f00000016ULL,
	.proc = 0xf7f9fffe04006172ULL,
	.exit = 0x7fffff00036dfbULL,
	.entry = 0xffff000011fbULL,
	.proc2 = 0xff00000000ULL,
	.ept_vpid = 0xf0106114141ULL,
	.cr0_fixed0 = 0x80000021ULL,
	.cr0_fixed1 = 0xffffffffULL,
	.cr4_fixed0 = 0x2000ULL,
	.cr4_fixed1 = 0x627ffULL,
};

/* Bochs 2.7 corei5_lynnfield_750: EPT and VPID, no unrestricted guest. */
static const struct vmx_cap_msrs lynnfield = {
	.basic = 0xd810000000002bULL,
	.pin = 0x7f00000016ULL,
	.proc = 0xf7f9fffe04006172ULL,
	.exit = 0x7fffff00036dfbULL,
	.entry = 0xffff000011fbULL,
	.proc2 = 0x7f00000000ULL,
	.ept_vpid = 0xf0106114141ULL,
	.cr0_fixed0 = 0x80000021ULL,
	.cr0_fixed1 = 0xffffffffULL,
	.cr4_fixed0 = 0x2000ULL,
	.cr4_fixed1 = 0x67ffULL,
};

/* Bochs 2.7 core2_penryn_t9600: secondary controls, but neither EPT nor VPID. */
static const struct vmx_cap_msrs penryn = {
	.basic = 0xd810000000002bULL,
	.pin = 0x3f00000016ULL,
	.proc = 0xf7f9fffe04006172ULL,
	.exit = 0x3ffff00036dfbULL,
	.entry = 0x3fff000011fbULL,
	.proc2 = 0x4100000000ULL,
	.ept_vpid = 0,
	.cr0_fixed0 = 0x80000021ULL,
	.cr0_fixed1 = 0xffffffffULL,
	.cr4_fixed0 = 0x2000ULL,
	.cr4_fixed1 = 0x467ffULL,
};

static const uint32_t never_proc = PROC_INT_WINDOW | PROC_HLT_EXIT | PROC_INVLPG_EXIT |
				   PROC_MWAIT_EXIT | PROC_RDPMC_EXIT | PROC_RDTSC_EXIT |
				   PROC_CR8_LOAD_EXIT | PROC_CR8_STORE_EXIT | PROC_TPR_SHADOW |
				   PROC_NMI_WINDOW | PROC_MOV_DR_EXIT | PROC_UNCOND_IO_EXIT |
				   PROC_IO_BITMAPS | PROC_MTF | PROC_MONITOR_EXIT | PROC_PAUSE_EXIT;

/* What every accepted configuration must look like, whatever the CPU. */
static void check_sane(const struct vmx_cap_msrs *m, const struct vmx_config *c)
{
	CHECK(c->revision == (uint32_t)(m->basic & 0x7fffffff));
	/* Every setting is allowed by its MSR: forced bits present, nothing not allowed. */
	CHECK((c->pin & (uint32_t)m->pin) == (uint32_t)m->pin);
	CHECK((c->pin & ~(uint32_t)(m->pin >> 32)) == 0);
	CHECK((c->proc & (uint32_t)m->proc) == (uint32_t)m->proc);
	CHECK((c->proc & ~(uint32_t)(m->proc >> 32)) == 0);
	CHECK((c->proc2 & ~(uint32_t)(m->proc2 >> 32)) == 0);
	CHECK((c->exit & (uint32_t)m->exit) == (uint32_t)m->exit);
	CHECK((c->exit & ~(uint32_t)(m->exit >> 32)) == 0);
	CHECK((c->entry & (uint32_t)m->entry) == (uint32_t)m->entry);
	CHECK((c->entry & ~(uint32_t)(m->entry >> 32)) == 0);
	/* Interrupts and NMIs pass through; no exits on ordinary guest work. */
	CHECK((c->pin & (PIN_EXT_INT_EXIT | PIN_NMI_EXIT)) == 0);
	CHECK((c->proc & never_proc) == 0);
	CHECK(c->proc & PROC_MSR_BITMAPS);
	CHECK(c->proc & PROC_SECONDARY);
	CHECK(c->proc2 & PROC2_EPT);
	CHECK(c->proc2 & PROC2_UNRESTRICTED);
	CHECK((c->proc2 & (PROC2_WBINVD_EXIT | PROC2_DESC_TABLE_EXIT | PROC2_VIRT_APIC)) == 0);
	CHECK(!!(c->proc2 & PROC2_VPID) == c->vpid);
	CHECK((c->exit & (EXIT_HOST_64 | EXIT_LOAD_EFER | EXIT_SAVE_EFER | EXIT_LOAD_PAT |
			  EXIT_SAVE_PAT)) == (EXIT_HOST_64 | EXIT_LOAD_EFER | EXIT_SAVE_EFER |
					      EXIT_LOAD_PAT | EXIT_SAVE_PAT));
	CHECK((c->entry & (ENTRY_LOAD_EFER | ENTRY_LOAD_PAT)) == (ENTRY_LOAD_EFER | ENTRY_LOAD_PAT));
	CHECK((c->entry & ENTRY_IA32E_GUEST) == 0);
	/* Unrestricted guest: PE and PG are never forced on the guest. */
	CHECK((c->cr0_guest_set & 0x80000001ULL) == 0);
}

static void test_recorded(void)
{
	struct vmx_config c;
	const char *why = NULL;

	CHECK(vmx_config_choose(&haswell, &c, &why) == 0);
	check_sane(&haswell, &c);
	CHECK(c.revision == 0x2b);
	CHECK(c.pin == 0x16);
	CHECK(c.vpid && c.invvpid_single);
	CHECK(c.ept_1g);
	CHECK(c.invept_single && c.invept_all);
	CHECK(c.proc2 & PROC2_RDTSCP);
	CHECK(c.proc2 & PROC2_INVPCID);
	CHECK(c.cr0_guest_set == 0x20); /* NE */
	CHECK(c.cr4_guest_set == 0x2000); /* VMXE */
	CHECK(c.exit & EXIT_SAVE_DEBUG);
	CHECK(c.entry & ENTRY_LOAD_DEBUG);

	why = NULL;
	CHECK(vmx_config_choose(&sandybridge, &c, &why) == 0);
	check_sane(&sandybridge, &c);
	CHECK(c.vpid);
	CHECK(!c.ept_1g); /* Sandy Bridge has no 1 GiB EPT pages */
	CHECK(!(c.proc2 & PROC2_INVPCID));
}

static void test_ctl_msr(void)
{
	CHECK(vmx_ctl_msr(VMX_BASIC_TRUE_CTLS, MSR_VMX_PINBASED) == MSR_VMX_TRUE_PINBASED);
	CHECK(vmx_ctl_msr(VMX_BASIC_TRUE_CTLS, MSR_VMX_PROCBASED) == MSR_VMX_TRUE_PROCBASED);
	CHECK(vmx_ctl_msr(VMX_BASIC_TRUE_CTLS, MSR_VMX_EXIT) == MSR_VMX_TRUE_EXIT);
	CHECK(vmx_ctl_msr(VMX_BASIC_TRUE_CTLS, MSR_VMX_ENTRY) == MSR_VMX_TRUE_ENTRY);
	CHECK(vmx_ctl_msr(0, MSR_VMX_PINBASED) == MSR_VMX_PINBASED);
	CHECK(vmx_ctl_msr(0, MSR_VMX_ENTRY) == MSR_VMX_ENTRY);
	/* The secondary controls have no TRUE_* MSR. */
	CHECK(vmx_ctl_msr(VMX_BASIC_TRUE_CTLS, MSR_VMX_PROCBASED2) == MSR_VMX_PROCBASED2);
}

static void test_adjust(void)
{
	uint32_t out = 0;
	/* bit 1 must be 1; bits 0-7 may be 1. */
	uint64_t cap = (0xffULL << 32) | 0x02;

	CHECK(vmx_ctl_adjust(cap, 0x01, 0, 0, &out) == 0 && out == 0x03);
	/* Optional bits the CPU does not offer are left out. */
	CHECK(vmx_ctl_adjust(cap, 0, 0x300 | 0x10, 0, &out) == 0 && out == 0x12);
	/* A required bit the CPU cannot set. */
	CHECK(vmx_ctl_adjust(cap, 0x100, 0, 0, &out) == -SV_ENODEV);
	/* A bit we need off that the CPU forces on. */
	CHECK(vmx_ctl_adjust(cap, 0, 0, 0x02, &out) == -SV_ENODEV);
	/* Forbidding a bit the CPU merely allows is fine. */
	CHECK(vmx_ctl_adjust(cap, 0, 0, 0x04, &out) == 0 && out == 0x02);
	/* An MSR that forces a bit it does not allow contradicts itself. */
	CHECK(vmx_ctl_adjust((0x01ULL << 32) | 0x02, 0, 0, 0, &out) == -SV_ENODEV);
	/* The default1 class of the plain MSRs: everything stays set. */
	CHECK(vmx_ctl_adjust(0xffffffff00000016ULL, 0, 0, 0, &out) == 0 && out == 0x16);
}

static void test_cr(void)
{
	CHECK(vmx_cr_fix(0x11, 0x80000021, 0xffffffff) == 0x80000031);
	CHECK(vmx_cr_fix(0x12000, 0x2000, 0x2fff) == 0x2000);
	CHECK(vmx_cr_ok(0x80000031, 0x80000021, 0xffffffff));
	CHECK(!vmx_cr_ok(0x80000011, 0x80000021, 0xffffffff)); /* NE missing */
	CHECK(!vmx_cr_ok(0x12000, 0x2000, 0x2fff));           /* a must-be-0 bit set */
}

/* Starts from Haswell and breaks one thing; the choice must refuse with a reason. */
static void expect_refusal(const struct vmx_cap_msrs *m, const char *word)
{
	struct vmx_config c;
	const char *why = NULL;

	checks++;
	if (vmx_config_choose(m, &c, &why) != -SV_ENODEV || !why || !strstr(why, word)) {
		fprintf(stderr, "expected a refusal mentioning '%s', got: %s\n", word,
			why ? why : "(accepted)");
		failures++;
	}
}

static void test_refusals(void)
{
	struct vmx_cap_msrs m;

	m = haswell;
	m.proc &= ~((uint64_t)PROC_SECONDARY << 32);
	m.proc2 = 0;
	m.ept_vpid = 0;
	expect_refusal(&m, "secondary");

	m = haswell;
	m.proc2 &= ~((uint64_t)PROC2_EPT << 32);
	expect_refusal(&m, "without EPT");
	expect_refusal(&penryn, "without EPT");
	expect_refusal(&lynnfield, "unrestricted guest");

	m = haswell;
	m.proc2 &= ~((uint64_t)PROC2_UNRESTRICTED << 32);
	expect_refusal(&m, "unrestricted guest");

	m = haswell;
	m.ept_vpid &= ~EPT_CAP_WB;
	expect_refusal(&m, "write-back");

	m = haswell;
	m.ept_vpid &= ~EPT_CAP_WALK4;
	expect_refusal(&m, "4-level");

	m = haswell;
	m.ept_vpid &= ~EPT_CAP_2M;
	expect_refusal(&m, "2 MiB");

	m = haswell;
	m.basic &= ~(0xfULL << 50); /* VMCS memory type UC */
	expect_refusal(&m, "write-back");

	m = haswell;
	m.basic |= 0x1fffULL << 32; /* VMCS larger than a page */
	expect_refusal(&m, "VMCS size");

	m = haswell;
	m.pin |= PIN_EXT_INT_EXIT; /* forced external-interrupt exiting */
	expect_refusal(&m, "interrupt");

	m = haswell;
	m.proc |= PROC_HLT_EXIT; /* a CPU that forces HLT exits */
	expect_refusal(&m, "force exits");

	m = haswell;
	m.proc |= PROC_CR3_LOAD_EXIT | PROC_CR3_STORE_EXIT; /* plain MSR, no TRUE_* */
	expect_refusal(&m, "force exits");

	m = haswell;
	m.proc &= ~((uint64_t)PROC_MSR_BITMAPS << 32);
	expect_refusal(&m, "MSR bitmaps");

	m = haswell;
	m.exit &= ~((uint64_t)EXIT_LOAD_EFER << 32);
	expect_refusal(&m, "EFER");

	m = haswell;
	m.exit &= ~((uint64_t)EXIT_HOST_64 << 32);
	expect_refusal(&m, "64-bit host");

	m = haswell;
	m.entry |= ENTRY_IA32E_GUEST; /* forced long-mode entry: no 32-bit start */
	expect_refusal(&m, "VM-entry");

	m = haswell;
	m.cr4_fixed1 &= ~0x2000ULL; /* VMXE forced on and forbidden */
	expect_refusal(&m, "contradict");
}

static void test_optional(void)
{
	struct vmx_cap_msrs m = haswell;
	struct vmx_config c;
	const char *why;

	/* VPID offered, INVVPID not: VPID stays off. */
	m.ept_vpid &= ~VPID_CAP_INVVPID;
	CHECK(vmx_config_choose(&m, &c, &why) == 0);
	CHECK(!c.vpid && !(c.proc2 & PROC2_VPID));

	/* No 1 GiB EPT pages, no INVEPT: still fine. */
	m = haswell;
	m.ept_vpid &= ~(EPT_CAP_1G | EPT_CAP_INVEPT);
	CHECK(vmx_config_choose(&m, &c, &why) == 0);
	CHECK(!c.ept_1g && !c.invept_single && !c.invept_all);

	/* No RDTSCP/INVPCID offered: left out, not refused. */
	m = haswell;
	m.proc2 &= ~((uint64_t)(PROC2_RDTSCP | PROC2_INVPCID) << 32);
	CHECK(vmx_config_choose(&m, &c, &why) == 0);
	CHECK(!(c.proc2 & (PROC2_RDTSCP | PROC2_INVPCID)));
}

int main(void)
{
	test_ctl_msr();
	test_adjust();
	test_cr();
	test_recorded();
	test_refusals();
	test_optional();
	printf("vmx-caps: %d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
