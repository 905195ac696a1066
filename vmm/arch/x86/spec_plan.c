/*
 * The speculation plan: documented in arch/spec_plan.h.  Portable (no
 * instruction executed), so test/unit/spec runs it over recorded CPUs.
 *
 * What the VMM protects, and therefore what "affected" means here:
 *   - the VMM's and processes' data from the guest (VM entry: L1D flush,
 *     VERW; VM exit: SPEC_CTRL back to the VMM's value, IBPB where
 *     returns are the weak spot, RSB filled in the entry stubs);
 *   - the same from processes (return to ring 3: VERW; entry: IBRS
 *     rewritten where it is legacy IBRS, RSB filled);
 *   - each side from the other's branch training (IBPB around calls).
 * The guest gets its own SPEC_CTRL value while it runs; the VMM never
 * decides the guest kernel's own defences.
 */
#include <arch/spec_plan.h>

uint32_t spec_family(uint32_t eax)
{
	uint32_t f = (eax >> 8) & 0xf;

	return f == 0xf ? f + ((eax >> 20) & 0xff) : f;
}

uint32_t spec_model(uint32_t eax)
{
	uint32_t f = (eax >> 8) & 0xf, m = (eax >> 4) & 0xf;

	return (f == 6 || f == 0xf) ? m | (((eax >> 16) & 0xf) << 4) : m;
}

/*
 * L1TF (Intel "L1 Terminal Fault", CVE-2018-3646): a guest PTE that is
 * not present lets the guest read whatever the L1D holds at that
 * physical address, the VMM's and a process's lines included.  RDCL_NO
 * says not affected; SKIP_L1DFL_VMENTRY says the VMM under us flushes.
 */
static void decide_l1d(const struct spec_cpu_id *id, uint64_t ac, struct spec_plan *p)
{
	if ((ac & ARCH_CAP_RDCL_NO) || (ac & ARCH_CAP_SKIP_L1DFL_VMENTRY))
		p->l1d = SPEC_L1D_NONE;
	else if ((id->l7_edx & SPEC_7D_L1D_FLUSH) && !id->flush_cmd_gp)
		p->l1d = SPEC_L1D_FLUSH_CMD;
	else
		p->l1d = SPEC_L1D_SOFTWARE;
}

/*
 * Buffer sampling (MDS, TAA, MMIO stale data, RFDS): VERW overwrites the
 * store, fill and load buffers where the microcode says it does
 * (MD_CLEAR; FB_CLEAR on MDS_NO parts; RFDS_CLEAR for the register
 * file).  Without the MMIO *_NO bits a part is taken as affected: the
 * guest owns every device, so MMIO stale data concerns it.  RFDS is
 * judged from RFDS_CLEAR alone (no model list here): a CPU whose
 * microcode lacks it is not recognised.
 */
static void decide_verw_intel(const struct spec_cpu_id *id, uint64_t ac, struct spec_plan *p)
{
	bool md_clear = id->l7_edx & SPEC_7D_MD_CLEAR;
	bool mds = !(ac & ARCH_CAP_MDS_NO);
	bool taa = (id->l7_ebx & SPEC_7B_RTM) && !(ac & ARCH_CAP_TAA_NO);
	bool mmio = !((ac & ARCH_CAP_SBDR_SSDP_NO) && (ac & ARCH_CAP_FBSDP_NO) && (ac & ARCH_CAP_PSDP_NO));
	bool rfds = !(ac & ARCH_CAP_RFDS_NO) && (ac & ARCH_CAP_RFDS_CLEAR);
	bool verw = false;

	if (mds || taa) {
		if (md_clear)
			verw = true;
		else
			p->open |= SPEC_OPEN_MDS;
	}
	if (mmio) {
		if ((ac & ARCH_CAP_FB_CLEAR) || (mds && md_clear))
			verw = true;
		else
			p->open |= SPEC_OPEN_MMIO;
	}
	if (rfds)
		verw = true;
	p->verw_vmentry = p->verw_user = verw;
}

static void decide_intel(const struct spec_cpu_id *id, struct spec_plan *p)
{
	uint64_t ac = (id->l7_edx & SPEC_7D_ARCH_CAP) ? id->arch_cap : 0;

	p->spec_ctrl = (id->l7_edx & (SPEC_7D_IBRS_IBPB | SPEC_7D_STIBP | SPEC_7D_SSBD)) && !id->spec_ctrl_gp;
	p->ibpb = (id->l7_edx & SPEC_7D_IBRS_IBPB) && !id->pred_cmd_gp;

	/*
	 * Spectre v2.  eIBRS: set once, the guest's and processes' training
	 * never steers the VMM.  Legacy IBRS only acts when written after
	 * the switch to the more privileged mode, so the stubs write it on
	 * every VM exit and every ring-3 exit; it also covers Retbleed on
	 * RSBA parts (RSB underflow falling back to the BTB).  On Intel both
	 * kinds also keep the sibling thread's training out (STIBP's effect),
	 * so STIBP is not set with them.
	 */
	if (p->spec_ctrl && (id->l7_edx & SPEC_7D_IBRS_IBPB)) {
		p->v2 = (ac & ARCH_CAP_IBRS_ALL) ? SPEC_V2_EIBRS : SPEC_V2_IBRS;
		p->host_spec_ctrl |= SPEC_CTRL_IBRS;
	} else {
		p->open |= SPEC_OPEN_V2;
		if (p->spec_ctrl && (id->l7_edx & SPEC_7D_STIBP)) {
			p->stibp = true;
			p->host_spec_ctrl |= SPEC_CTRL_STIBP;
		}
	}
	/*
	 * Branch history injection: eIBRS parts that do not say BHI_NO.
	 * BHI_DIS_S where the CPU has it.  Without it the VMM's retpolines
	 * still keep C's indirect calls off the predictor; what stays open
	 * is a RET that underflows the RSB on an RRSBA part and is then
	 * predicted from the (history-indexed) BTB.
	 */
	if (p->v2 == SPEC_V2_EIBRS && !(ac & ARCH_CAP_BHI_NO)) {
		if (id->l7_2_edx & SPEC_72D_BHI_CTRL) {
			p->bhi_dis_s = true;
			p->host_spec_ctrl |= SPEC_CTRL_BHI_DIS_S;
		} else if (ac & ARCH_CAP_RRSBA) {
			p->open |= SPEC_OPEN_BHI;
		}
	}
	/* Speculative store bypass (Spectre v4). */
	if (!(ac & ARCH_CAP_SSB_NO)) {
		if (p->spec_ctrl && (id->l7_edx & SPEC_7D_SSBD)) {
			p->ssbd = SPEC_SSBD_SPEC_CTRL;
			p->host_spec_ctrl |= SPEC_CTRL_SSBD;
		} else {
			p->open |= SPEC_OPEN_SSB;
		}
	}
	decide_l1d(id, ac, p);
	decide_verw_intel(id, ac, p);
}

/* Zenbleed (AMD-SB-7008): Zen 2 models, by the bulletin's list. */
static bool zen2_zenbleed(uint32_t family, uint32_t model)
{
	return family == 0x17 && ((model >= 0x30 && model <= 0x4f) || (model >= 0x60 && model <= 0x7f) ||
				  model == 0x90 || model == 0x91 || (model >= 0xa0 && model <= 0xaf));
}

static void decide_amd(const struct spec_cpu_id *id, struct spec_plan *p)
{
	uint32_t family = spec_family(id->leaf1_eax);
	uint32_t model = spec_model(id->leaf1_eax);
	uint32_t b = id->e8_ebx;

	p->spec_ctrl = (b & (SPEC_E8B_IBRS | SPEC_E8B_STIBP | SPEC_E8B_SSBD)) && !id->spec_ctrl_gp;
	p->ibpb = (b & SPEC_E8B_IBPB) && !id->pred_cmd_gp;

	/*
	 * Spectre v2.  Automatic IBRS (Zen 4) protects CPL 0 and the host
	 * without SPEC_CTRL; plain IBRS is written on every entry into the
	 * VMM unless the CPU says it may stay on.  STIBP wherever offered:
	 * AMD's IBRS does not claim the sibling thread's training.
	 */
	if (id->e21_eax & SPEC_E21A_AUTOIBRS) {
		p->v2 = SPEC_V2_AUTOIBRS;
	} else if (p->spec_ctrl && (b & SPEC_E8B_IBRS)) {
		p->v2 = (b & SPEC_E8B_IBRS_ALWAYS_ON) ? SPEC_V2_IBRS_ALWAYS : SPEC_V2_IBRS;
		p->host_spec_ctrl |= SPEC_CTRL_IBRS;
	} else {
		p->open |= SPEC_OPEN_V2;
	}
	if (p->spec_ctrl && (b & SPEC_E8B_STIBP)) {
		p->stibp = true;
		p->host_spec_ctrl |= SPEC_CTRL_STIBP;
	}
	if (!(b & SPEC_E8B_SSB_NO)) {
		if (p->spec_ctrl && (b & SPEC_E8B_SSBD)) {
			p->ssbd = SPEC_SSBD_SPEC_CTRL;
			p->host_spec_ctrl |= SPEC_CTRL_SSBD;
		} else if (b & SPEC_E8B_VIRT_SSBD) {
			p->ssbd = SPEC_SSBD_VIRT;
		} else if (family == 0x17 || family == 0x18) {
			p->ssbd = SPEC_SSBD_LS_CFG;
		} else {
			p->open |= SPEC_OPEN_SSB;
		}
	}

	/*
	 * Retbleed (families 15h-17h: returns predicted from the BTB) and
	 * SRSO (17h, 19h: a trained phantom call overflows the return
	 * stack).  Without return thunks (docs/processes.md says why) the
	 * VMM's defence is an IBPB on every VM exit and every ring-3 exit,
	 * which flushes return predictions on Zen 1/2 and, with IBPB_BRTYPE
	 * microcode, on Zen 3/4.
	 */
	bool retbleed = family >= 0x15 && family <= 0x18;
	bool srso = family >= 0x17 && family <= 0x19 && !(id->e21_eax & SPEC_E21A_SRSO_NO);
	if (retbleed || srso) {
		if (p->ibpb && (family <= 0x18 || (id->e21_eax & SPEC_E21A_IBPB_BRTYPE)))
			p->ibpb_exit = true;
		else
			p->open |= SPEC_OPEN_RET;
	}

	/* Transient scheduler attacks (family 19h): VERW where the microcode clears with it. */
	bool tsa = family == 0x19 &&
		   !((id->e21_ecx & SPEC_E21C_TSA_SQ_NO) && (id->e21_ecx & SPEC_E21C_TSA_L1_NO));
	if (tsa) {
		if (id->e21_eax & SPEC_E21A_VERW_CLEAR)
			p->verw_vmentry = p->verw_user = true;
		else
			p->open |= SPEC_OPEN_TSA;
	}
	p->zenbleed = zen2_zenbleed(family, model);
}

void spec_plan_decide(const struct spec_cpu_id *id, struct spec_plan *p)
{
	*p = (struct spec_plan){ 0 };
	if (id->vendor == SPEC_VENDOR_INTEL)
		decide_intel(id, p);
	else if (id->vendor == SPEC_VENDOR_AMD)
		decide_amd(id, p);
	else
		p->open |= SPEC_OPEN_V2;
	if (!p->ibpb)
		p->open |= SPEC_OPEN_IBPB;
}

static const char *const open_names[SPEC_OPEN_COUNT] = {
	"MDS/TAA (no MD_CLEAR)",
	"MMIO stale data (no FB_CLEAR)",
	"RFDS (no RFDS_CLEAR)",
	"Spectre v2 (no IBRS: retpolines only)",
	"BHI (RRSBA, no BHI_DIS_S)",
	"SSB (no SSBD control)",
	"Retbleed/SRSO (no usable IBPB)",
	"TSA (no VERW_CLEAR)",
	"no IBPB",
};

const char *spec_open_name(unsigned int bit)
{
	return bit < SPEC_OPEN_COUNT ? open_names[bit] : "?";
}
