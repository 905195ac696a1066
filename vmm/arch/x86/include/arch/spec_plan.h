/*
 * Which speculative-execution defences a CPU needs, decided from what it
 * enumerates (arch/x86/spec_plan.c).
 *
 * The decision executes no instruction: arch/x86/spec.c reads CPUID and
 * IA32_ARCH_CAPABILITIES on every CPU, fills struct spec_cpu_id and
 * applies the plan; the host unit test (test/unit/spec) runs the same
 * function over values recorded from real and emulated CPUs.  The boot
 * line "speculation inputs: ..." prints struct spec_cpu_id in the order
 * below, so a run on a new machine gives a new test vector.
 *
 * Sources: Intel SDM vol. 4 table 2-2 (IA32_ARCH_CAPABILITIES,
 * IA32_SPEC_CTRL, IA32_FLUSH_CMD), Intel's "Speculative Execution Side
 * Channel Mitigations" and the per-issue guidance (L1TF, MDS, TAA, MMIO
 * stale data, RFDS, BHI); AMD APM vol. 3 appendix E (CPUID
 * 8000_0008/8000_0021), AMD's "Software techniques for managing
 * speculation", and the bulletins for Retbleed (AMD-SB-1037), SRSO
 * (AMD-SB-7005), Zenbleed (AMD-SB-7008) and TSA (AMD-SB-7029).
 */
#ifndef ARCH_SPEC_PLAN_H
#define ARCH_SPEC_PLAN_H

#include <sv/types.h>

enum spec_vendor {
	SPEC_VENDOR_OTHER = 0,
	SPEC_VENDOR_INTEL,
	SPEC_VENDOR_AMD,   /* and Hygon, which reports AMD's leaves */
};

/* CPUID.(EAX=7,ECX=0):EDX */
#define SPEC_7D_MD_CLEAR (1u << 10)
#define SPEC_7D_IBRS_IBPB (1u << 26)
#define SPEC_7D_STIBP (1u << 27)
#define SPEC_7D_L1D_FLUSH (1u << 28)
#define SPEC_7D_ARCH_CAP (1u << 29)
#define SPEC_7D_SSBD (1u << 31)
/* CPUID.(EAX=7,ECX=0):EBX */
#define SPEC_7B_RTM (1u << 11)
/* CPUID.(EAX=7,ECX=2):EDX */
#define SPEC_72D_BHI_CTRL (1u << 4)
/* CPUID.8000_0008:EBX (AMD) */
#define SPEC_E8B_IBPB (1u << 12)
#define SPEC_E8B_IBRS (1u << 14)
#define SPEC_E8B_STIBP (1u << 15)
#define SPEC_E8B_IBRS_ALWAYS_ON (1u << 16)
#define SPEC_E8B_SSBD (1u << 24)
#define SPEC_E8B_VIRT_SSBD (1u << 25)
#define SPEC_E8B_SSB_NO (1u << 26)
/* CPUID.8000_0021:EAX / ECX (AMD) */
#define SPEC_E21A_VERW_CLEAR (1u << 5)
#define SPEC_E21A_AUTOIBRS (1u << 8)
#define SPEC_E21A_IBPB_BRTYPE (1u << 28)
#define SPEC_E21A_SRSO_NO (1u << 29)
#define SPEC_E21C_TSA_SQ_NO (1u << 1)
#define SPEC_E21C_TSA_L1_NO (1u << 2)

/* IA32_ARCH_CAPABILITIES (MSR 0x10A) */
#define ARCH_CAP_RDCL_NO (1ULL << 0)
#define ARCH_CAP_IBRS_ALL (1ULL << 1)
#define ARCH_CAP_RSBA (1ULL << 2)
#define ARCH_CAP_SKIP_L1DFL_VMENTRY (1ULL << 3)
#define ARCH_CAP_SSB_NO (1ULL << 4)
#define ARCH_CAP_MDS_NO (1ULL << 5)
#define ARCH_CAP_TAA_NO (1ULL << 8)
#define ARCH_CAP_SBDR_SSDP_NO (1ULL << 13)
#define ARCH_CAP_FBSDP_NO (1ULL << 14)
#define ARCH_CAP_PSDP_NO (1ULL << 15)
#define ARCH_CAP_FB_CLEAR (1ULL << 17)
#define ARCH_CAP_RRSBA (1ULL << 19)
#define ARCH_CAP_BHI_NO (1ULL << 20)
#define ARCH_CAP_RFDS_NO (1ULL << 27)
#define ARCH_CAP_RFDS_CLEAR (1ULL << 28)

/* IA32_SPEC_CTRL (MSR 0x48) bits the VMM sets for itself. */
#define SPEC_CTRL_IBRS (1ULL << 0)
#define SPEC_CTRL_STIBP (1ULL << 1)
#define SPEC_CTRL_SSBD (1ULL << 2)
#define SPEC_CTRL_BHI_DIS_S (1ULL << 10)

/*
 * What the CPU says about itself.  Leaves the CPU does not have are 0
 * (spec.c checks the maximum leaf first); arch_cap is 0 without
 * SPEC_7D_ARCH_CAP.  The *_gp fields are what the hardware side found
 * when it touched the MSR: emulators list some bits without the MSR.
 */
struct spec_cpu_id {
	enum spec_vendor vendor;
	uint32_t leaf1_eax;     /* family, model, stepping */
	uint32_t l7_ebx, l7_edx;
	uint32_t l7_2_edx;
	uint32_t e8_ebx;
	uint32_t e21_eax, e21_ecx;
	uint64_t arch_cap;
	bool spec_ctrl_gp;      /* SPEC_CTRL listed but RDMSR/WRMSR took #GP */
	bool pred_cmd_gp;       /* PRED_CMD (IBPB) listed but WRMSR took #GP */
	bool flush_cmd_gp;      /* FLUSH_CMD listed but WRMSR took #GP */
};

enum spec_l1d {
	SPEC_L1D_NONE = 0,      /* not affected by L1TF, or the CPU says a VMM need not flush */
	SPEC_L1D_FLUSH_CMD,     /* IA32_FLUSH_CMD.L1D_FLUSH */
	SPEC_L1D_SOFTWARE,      /* reading a 64 KiB buffer: no FLUSH_CMD in this microcode */
};

enum spec_v2 {
	SPEC_V2_NONE = 0,       /* no hardware control (retpolines alone) */
	SPEC_V2_EIBRS,          /* Intel IBRS_ALL: IBRS set once */
	SPEC_V2_AUTOIBRS,       /* AMD EFER.AIBRSE */
	SPEC_V2_IBRS,           /* IBRS rewritten on every entry into the VMM */
	SPEC_V2_IBRS_ALWAYS,    /* AMD IBRS_ALWAYS_ON: IBRS set once */
};

enum spec_ssbd {
	SPEC_SSBD_NONE = 0,     /* not affected (SSB_NO), or no control */
	SPEC_SSBD_SPEC_CTRL,    /* SPEC_CTRL.SSBD in the VMM's value */
	SPEC_SSBD_VIRT,         /* AMD VIRT_SPEC_CTRL (the VMM itself runs in a VM) */
	SPEC_SSBD_LS_CFG,       /* AMD family 17h without SPEC_CTRL.SSBD: LS_CFG bit 10 */
};

/* Affected, and this CPU or its microcode leaves the VMM no defence. */
#define SPEC_OPEN_MDS (1u << 0)      /* MDS/TAA without MD_CLEAR */
#define SPEC_OPEN_MMIO (1u << 1)     /* MMIO stale data without FB_CLEAR */
#define SPEC_OPEN_RFDS (1u << 2)     /* RFDS without RFDS_CLEAR */
#define SPEC_OPEN_V2 (1u << 3)       /* no IBRS of any kind */
#define SPEC_OPEN_BHI (1u << 4)      /* eIBRS and RRSBA without BHI_DIS_S */
#define SPEC_OPEN_SSB (1u << 5)      /* speculative store bypass without a control */
#define SPEC_OPEN_RET (1u << 6)      /* Retbleed/SRSO without a working IBPB */
#define SPEC_OPEN_TSA (1u << 7)      /* TSA without VERW_CLEAR */
#define SPEC_OPEN_IBPB (1u << 8)     /* no IBPB between guest and processes */
#define SPEC_OPEN_COUNT 9

struct spec_plan {
	/* IA32_SPEC_CTRL: switched around every VM entry when it exists. */
	bool spec_ctrl;
	uint64_t host_spec_ctrl;     /* the VMM's value: SPEC_CTRL_* */
	enum spec_v2 v2;
	bool stibp;                  /* in host_spec_ctrl */
	enum spec_ssbd ssbd;
	bool bhi_dis_s;              /* in host_spec_ctrl */
	/* Before VM entry. */
	enum spec_l1d l1d;           /* at least after a process ran on this CPU */
	bool verw_vmentry;           /* VERW right before VMLAUNCH/VMRESUME/VMRUN */
	/* Before IRETQ to a process. */
	bool verw_user;
	/* Barriers. */
	bool ibpb;                   /* IBPB around process calls (entry.c) */
	bool ibpb_exit;              /* IBPB on every VM exit and ring-3 exit: Retbleed/SRSO, no return thunks */
	/* AMD chicken bits. */
	bool zenbleed;               /* DE_CFG bit 9 */
	uint32_t open;               /* SPEC_OPEN_* */
};

/* Display family and model (SDM vol. 2A CPUID, "Version Information"). */
uint32_t spec_family(uint32_t leaf1_eax);
uint32_t spec_model(uint32_t leaf1_eax);

/* Fills *p from *id; every field of *p is written. */
void spec_plan_decide(const struct spec_cpu_id *id, struct spec_plan *p);

/* One word for an SPEC_OPEN_* bit index (0..SPEC_OPEN_COUNT-1), for the boot line. */
const char *spec_open_name(unsigned int bit);

#endif
