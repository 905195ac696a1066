/*
 * Unit test of the speculation plan (vmm/arch/x86/spec_plan.c): for each
 * CPU below, the CPUID leaves and IA32_ARCH_CAPABILITIES it reports and
 * the exact plan the VMM must make from them.
 *
 * Where the values come from:
 *   - "recorded under Sealvisor": the VMM's boot line "speculation
 *     inputs: ..." in this project's boot tests (QEMU 7.2 TCG -cpu max,
 *     Bochs 2.7 corei7_haswell_4770);
 *   - the real CPUs: the bits the vendors document for these parts with
 *     current microcode (Intel's affected-processor tables and
 *     ARCH_CAPABILITIES enumeration, AMD's PPRs and security bulletins),
 *     written as the registers would read.  Only the bits the plan reads
 *     are claimed exact; the others are plausible fill.  No machine here
 *     has these CPUs: a "speculation inputs" line from one is the way to
 *     replace a vector by a real recording.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <arch/spec_plan.h>

static int failures, checks;

struct vector {
	const char *name;
	struct spec_cpu_id id;
	struct spec_plan want;
};

#define I SPEC_VENDOR_INTEL
#define A SPEC_VENDOR_AMD

/* CPUID.7.EDX of Intel parts with the 2019+ microcode, ARCH_CAP listed. */
#define INTEL_7D_ALL (SPEC_7D_MD_CLEAR | SPEC_7D_IBRS_IBPB | SPEC_7D_STIBP | SPEC_7D_L1D_FLUSH | \
		      SPEC_7D_ARCH_CAP | SPEC_7D_SSBD)

static const struct vector vectors[] = {
	{
		/* Core i7-6700K (06_5E), 2019+ microcode: no ARCH_CAPABILITIES. */
		"Skylake client",
		{ .vendor = I, .leaf1_eax = 0x506e3, .l7_ebx = 0x029c6fbf,
		  .l7_edx = INTEL_7D_ALL & ~SPEC_7D_ARCH_CAP },
		{ .spec_ctrl = true, .host_spec_ctrl = 0x5, .v2 = SPEC_V2_IBRS,
		  .ssbd = SPEC_SSBD_SPEC_CTRL, .l1d = SPEC_L1D_FLUSH_CMD, .verw_vmentry = true,
		  .verw_user = true, .ibpb = true },
	},
	{
		/* The same part with January 2018 microcode: IBRS/STIBP only. */
		"Skylake client, 2018-01 microcode",
		{ .vendor = I, .leaf1_eax = 0x506e3, .l7_ebx = 0x029c6fbf,
		  .l7_edx = SPEC_7D_IBRS_IBPB | SPEC_7D_STIBP },
		{ .spec_ctrl = true, .host_spec_ctrl = 0x1, .v2 = SPEC_V2_IBRS,
		  .l1d = SPEC_L1D_SOFTWARE, .ibpb = true,
		  .open = SPEC_OPEN_MDS | SPEC_OPEN_MMIO | SPEC_OPEN_SSB },
	},
	{
		/* Xeon Gold 6230 (06_55 stepping 7), TSX on, 2023 microcode. */
		"Cascade Lake",
		{ .vendor = I, .leaf1_eax = 0x50657, .l7_ebx = 0xd39ffffb, .l7_edx = INTEL_7D_ALL,
		  .arch_cap = 0x20200ab },
		{ .spec_ctrl = true, .host_spec_ctrl = 0x5, .v2 = SPEC_V2_EIBRS,
		  .ssbd = SPEC_SSBD_SPEC_CTRL, .verw_vmentry = true, .verw_user = true, .ibpb = true },
	},
	{
		/* Xeon Platinum 8380 (06_6A), 2023 microcode: MMIO stale data, FB_CLEAR, RRSBA. */
		"Ice Lake server",
		{ .vendor = I, .leaf1_eax = 0x606a6, .l7_ebx = 0xf3bffffb,
		  .l7_edx = INTEL_7D_ALL | (1u << 4) | (1u << 18), .arch_cap = 0x20a01eb },
		{ .spec_ctrl = true, .host_spec_ctrl = 0x5, .v2 = SPEC_V2_EIBRS,
		  .ssbd = SPEC_SSBD_SPEC_CTRL, .verw_vmentry = true, .verw_user = true, .ibpb = true,
		  .open = SPEC_OPEN_BHI },
	},
	{
		/* Core i9-12900K (06_97), 2024 microcode: RFDS_CLEAR, BHI_CTRL. */
		"Alder Lake",
		{ .vendor = I, .leaf1_eax = 0x90672, .l7_ebx = 0x239ca7eb,
		  .l7_edx = INTEL_7D_ALL | (1u << 4) | (1u << 14) | (1u << 15) | (1u << 30),
		  .l7_2_edx = 0x17, .arch_cap = 0x1408e16b },
		{ .spec_ctrl = true, .host_spec_ctrl = 0x405, .v2 = SPEC_V2_EIBRS,
		  .ssbd = SPEC_SSBD_SPEC_CTRL, .bhi_dis_s = true, .verw_vmentry = true,
		  .verw_user = true, .ibpb = true },
	},
	{
		/* Ryzen 7 1800X (17h model 01h): IBPB only; no leaf 8000_0021. */
		"Zen 1",
		{ .vendor = A, .leaf1_eax = 0x800f11, .l7_ebx = 0x209c01a9, .e8_ebx = 0x1007 },
		{ .ssbd = SPEC_SSBD_LS_CFG, .ibpb = true, .ibpb_exit = true, .open = SPEC_OPEN_V2 },
	},
	{
		/* Ryzen 9 3900X (17h model 71h): Zenbleed's list. */
		"Zen 2",
		{ .vendor = A, .leaf1_eax = 0x870f10, .l7_ebx = 0x219c91a9, .e8_ebx = 0x0100d207 },
		{ .spec_ctrl = true, .host_spec_ctrl = 0x7, .v2 = SPEC_V2_IBRS, .stibp = true,
		  .ssbd = SPEC_SSBD_SPEC_CTRL, .ibpb = true, .ibpb_exit = true, .zenbleed = true },
	},
	{
		/* Ryzen 9 5950X (19h model 21h), SRSO (IBPB_BRTYPE) and TSA (VERW_CLEAR) microcode. */
		"Zen 3",
		{ .vendor = A, .leaf1_eax = 0xa20f10, .l7_ebx = 0x219c97a9, .e8_ebx = 0x1100d207,
		  .e21_eax = 0x10000065 },
		{ .spec_ctrl = true, .host_spec_ctrl = 0x7, .v2 = SPEC_V2_IBRS, .stibp = true,
		  .ssbd = SPEC_SSBD_SPEC_CTRL, .verw_vmentry = true, .verw_user = true, .ibpb = true,
		  .ibpb_exit = true },
	},
	{
		/* The same part before those microcode updates. */
		"Zen 3, 2022 microcode",
		{ .vendor = A, .leaf1_eax = 0xa20f10, .l7_ebx = 0x219c97a9, .e8_ebx = 0x1100d207,
		  .e21_eax = 0x45 },
		{ .spec_ctrl = true, .host_spec_ctrl = 0x7, .v2 = SPEC_V2_IBRS, .stibp = true,
		  .ssbd = SPEC_SSBD_SPEC_CTRL, .ibpb = true, .open = SPEC_OPEN_RET | SPEC_OPEN_TSA },
	},
	{
		/* Ryzen 9 7950X (19h model 61h): Automatic IBRS. */
		"Zen 4",
		{ .vendor = A, .leaf1_eax = 0xa60f12, .l7_ebx = 0xf1bf97a9, .e8_ebx = 0x1100d207,
		  .e21_eax = 0x18000365 },
		{ .spec_ctrl = true, .host_spec_ctrl = 0x6, .v2 = SPEC_V2_AUTOIBRS, .stibp = true,
		  .ssbd = SPEC_SSBD_SPEC_CTRL, .verw_vmentry = true, .verw_user = true, .ibpb = true,
		  .ibpb_exit = true },
	},
	{
		/* Zen 4 parts that say they are not affected (TSA_SQ_NO, TSA_L1_NO, SRSO_NO). */
		"Zen 4, TSA_*_NO and SRSO_NO",
		{ .vendor = A, .leaf1_eax = 0xa60f12, .e8_ebx = 0x1100d207,
		  .e21_eax = 0x38000365, .e21_ecx = 0x6 },
		{ .spec_ctrl = true, .host_spec_ctrl = 0x6, .v2 = SPEC_V2_AUTOIBRS, .stibp = true,
		  .ssbd = SPEC_SSBD_SPEC_CTRL, .ibpb = true },
	},
	{
		/* Recorded under Sealvisor: QEMU 7.2 TCG, -cpu max (AuthenticAMD, family 0Fh). */
		"QEMU TCG -cpu max",
		{ .vendor = A, .leaf1_eax = 0x60fb1, .l7_ebx = 0x1d843a9 },
		{ .open = SPEC_OPEN_V2 | SPEC_OPEN_SSB | SPEC_OPEN_IBPB },
	},
	{
		/* Recorded under Sealvisor: Bochs 2.7, cpu: model=corei7_haswell_4770. */
		"Bochs corei7_haswell_4770",
		{ .vendor = I, .leaf1_eax = 0x306c3, .l7_ebx = 0x27ab },
		{ .l1d = SPEC_L1D_SOFTWARE,
		  .open = SPEC_OPEN_MDS | SPEC_OPEN_MMIO | SPEC_OPEN_V2 | SPEC_OPEN_SSB | SPEC_OPEN_IBPB },
	},
	{
		/* Recorded under Sealvisor: Bochs 2.7, cpu: model=tigerlake (SPEC_CTRL, ARCH_CAP 0x1f). */
		"Bochs tigerlake",
		{ .vendor = I, .leaf1_eax = 0x806c1, .l7_ebx = 0xf1bf27eb, .l7_edx = 0xfc100510,
		  .arch_cap = 0x1f },
		{ .spec_ctrl = true, .host_spec_ctrl = 0x1, .v2 = SPEC_V2_EIBRS, .verw_vmentry = true,
		  .verw_user = true, .ibpb = true },
	},
	{
		/* Recorded under Sealvisor: Bochs 2.7, cpu: model=corei7_icelake_u (no MD_CLEAR). */
		"Bochs corei7_icelake_u",
		{ .vendor = I, .leaf1_eax = 0x706e5, .l7_ebx = 0xf0bf27eb, .l7_edx = 0xbc000110,
		  .arch_cap = 0x1f },
		{ .spec_ctrl = true, .host_spec_ctrl = 0x1, .v2 = SPEC_V2_EIBRS, .ibpb = true,
		  .open = SPEC_OPEN_MDS | SPEC_OPEN_MMIO },
	},
	{
		/* Recorded under Sealvisor: Bochs 2.7, cpu: model=ryzen (a Zen 1 without IBPB). */
		"Bochs ryzen",
		{ .vendor = A, .leaf1_eax = 0x800f11, .l7_ebx = 0x209c01a9, .e8_ebx = 0x1 },
		{ .ssbd = SPEC_SSBD_LS_CFG, .open = SPEC_OPEN_V2 | SPEC_OPEN_RET | SPEC_OPEN_IBPB },
	},
	{
		/* An emulator that lists IBRS, L1D_FLUSH and IBPB without the MSRs (#GP). */
		"MSRs listed but #GP",
		{ .vendor = I, .leaf1_eax = 0x306c3, .l7_edx = SPEC_7D_IBRS_IBPB | SPEC_7D_L1D_FLUSH,
		  .spec_ctrl_gp = true, .pred_cmd_gp = true, .flush_cmd_gp = true },
		{ .l1d = SPEC_L1D_SOFTWARE,
		  .open = SPEC_OPEN_MDS | SPEC_OPEN_MMIO | SPEC_OPEN_V2 | SPEC_OPEN_SSB | SPEC_OPEN_IBPB },
	},
	{
		/* A nested setup: the VMM under us says it flushes (SKIP_L1DFL_VMENTRY). */
		"Intel, SKIP_L1DFL_VMENTRY without RDCL_NO",
		{ .vendor = I, .leaf1_eax = 0x506e3, .l7_edx = INTEL_7D_ALL,
		  .arch_cap = ARCH_CAP_SKIP_L1DFL_VMENTRY | ARCH_CAP_SSB_NO },
		{ .spec_ctrl = true, .host_spec_ctrl = 0x1, .v2 = SPEC_V2_IBRS, .verw_vmentry = true,
		  .verw_user = true, .ibpb = true },
	},
	{
		/* Not Intel or AMD: nothing is assumed. */
		"other vendor",
		{ .vendor = SPEC_VENDOR_OTHER, .leaf1_eax = 0x6f1, .l7_edx = INTEL_7D_ALL },
		{ .open = SPEC_OPEN_V2 | SPEC_OPEN_IBPB },
	},
};

#define FIELD(f, fmt)                                                                      \
	do {                                                                               \
		checks++;                                                                  \
		if (got.f != v->want.f) {                                                  \
			fprintf(stderr, "%s: " #f " is " fmt ", want " fmt "\n", v->name,  \
				got.f, v->want.f);                                         \
			failures++;                                                        \
		}                                                                          \
	} while (0)

static void check_vector(const struct vector *v)
{
	struct spec_plan got;

	memset(&got, 0xa5, sizeof(got)); /* every field must be written */
	spec_plan_decide(&v->id, &got);
	FIELD(spec_ctrl, "%d");
	FIELD(host_spec_ctrl, "%#" PRIx64);
	FIELD(v2, "%d");
	FIELD(stibp, "%d");
	FIELD(ssbd, "%d");
	FIELD(bhi_dis_s, "%d");
	FIELD(l1d, "%d");
	FIELD(verw_vmentry, "%d");
	FIELD(verw_user, "%d");
	FIELD(ibpb, "%d");
	FIELD(ibpb_exit, "%d");
	FIELD(zenbleed, "%d");
	FIELD(open, "%#x");
}

/* Zenbleed's model list, edge by edge; other families never. */
static void check_zenbleed(void)
{
	static const struct {
		uint32_t model;
		bool hit;
	} m[] = {
		{ 0x2f, false }, { 0x30, true }, { 0x4f, true }, { 0x50, false }, { 0x5f, false },
		{ 0x60, true },  { 0x7f, true }, { 0x80, false }, { 0x8f, false }, { 0x90, true },
		{ 0x91, true },  { 0x92, false }, { 0x9f, false }, { 0xa0, true }, { 0xaf, true },
		{ 0xb0, false },
	};
	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		/* family 0Fh + 08h, extended model in bits 19:16, model in 7:4 */
		struct spec_cpu_id id = { .vendor = A,
					  .leaf1_eax = 0x800f00 | ((m[i].model >> 4) << 16) | ((m[i].model & 0xf) << 4) };
		struct spec_plan p;
		spec_plan_decide(&id, &p);
		checks++;
		if (p.zenbleed != m[i].hit || spec_model(id.leaf1_eax) != m[i].model ||
		    spec_family(id.leaf1_eax) != 0x17) {
			fprintf(stderr, "zenbleed: model %#x: got %d\n", m[i].model, p.zenbleed);
			failures++;
		}
		id.leaf1_eax += 0x200000; /* family 19h, same model */
		spec_plan_decide(&id, &p);
		checks++;
		if (p.zenbleed) {
			fprintf(stderr, "zenbleed: family 19h model %#x flagged\n", m[i].model);
			failures++;
		}
	}
}

/* Display family/model arithmetic (SDM vol. 2A, CPUID leaf 1). */
static void check_family_model(void)
{
	checks += 4;
	if (spec_family(0x506e3) != 6 || spec_model(0x506e3) != 0x5e) {
		fprintf(stderr, "family/model of 0x506e3\n");
		failures++;
	}
	if (spec_family(0xa60f12) != 0x19 || spec_model(0xa60f12) != 0x61) {
		fprintf(stderr, "family/model of 0xa60f12\n");
		failures++;
	}
	/* Family 5: the extended model is not added. */
	if (spec_model(0x10543) != 4) {
		fprintf(stderr, "model of 0x10543\n");
		failures++;
	}
	if (spec_open_name(SPEC_OPEN_COUNT)[0] != '?' || !spec_open_name(0)[0]) {
		fprintf(stderr, "spec_open_name bounds\n");
		failures++;
	}
}

int main(void)
{
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++)
		check_vector(&vectors[i]);
	check_zenbleed();
	check_family_model();
	printf("spec-plan: %d checks, %d failures\n", checks, failures);
	return failures ? 1 : 0;
}
