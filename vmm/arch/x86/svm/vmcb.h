/*
 * The VMCB (AMD APM vol. 2, appendix B).  Only the fields Sealvisor uses
 * are named; offsets are pinned with _Static_assert because the hardware
 * defines them.
 */
#ifndef SVM_VMCB_H
#define SVM_VMCB_H

#include <sv/types.h>

struct vmcb_seg {
	uint16_t sel;
	uint16_t attrib; /* descriptor bits 40-47 and 52-55, packed (APM 2 15.5.1) */
	uint32_t limit;
	uint64_t base;
} __packed;

struct vmcb_control {
	uint32_t intercept_cr;      /* 0x000 */
	uint32_t intercept_dr;      /* 0x004 */
	uint32_t intercept_exc;     /* 0x008 */
	uint32_t intercept_misc1;   /* 0x00c */
	uint32_t intercept_misc2;   /* 0x010 */
	uint32_t intercept_misc3;   /* 0x014 */
	uint8_t reserved0[0x03c - 0x018];
	uint16_t pause_threshold;   /* 0x03c */
	uint16_t pause_count;       /* 0x03e */
	uint64_t iopm_base;         /* 0x040 */
	uint64_t msrpm_base;        /* 0x048 */
	uint64_t tsc_offset;        /* 0x050 */
	uint32_t asid;              /* 0x058 */
	uint8_t tlb_control;        /* 0x05c */
	uint8_t reserved1[3];
	uint64_t vintr;             /* 0x060 */
	uint64_t int_shadow;        /* 0x068 */
	uint64_t exitcode;          /* 0x070 */
	uint64_t exitinfo1;         /* 0x078 */
	uint64_t exitinfo2;         /* 0x080 */
	uint64_t exitintinfo;       /* 0x088 */
	uint64_t np_enable;         /* 0x090 */
	uint64_t avic_apic_bar;     /* 0x098 */
	uint64_t ghcb_pa;           /* 0x0a0 */
	uint64_t eventinj;          /* 0x0a8 */
	uint64_t ncr3;              /* 0x0b0 */
	uint64_t lbr_virt;          /* 0x0b8 */
	uint32_t clean;             /* 0x0c0 */
	uint32_t reserved2;
	uint64_t nrip;              /* 0x0c8 */
	uint8_t insn_len;           /* 0x0d0 */
	uint8_t insn_bytes[15];
	uint8_t reserved3[0x400 - 0x0e0];
} __packed;

struct vmcb_save {
	struct vmcb_seg es, cs, ss, ds, fs, gs, gdtr, ldtr, idtr, tr; /* 0x400 */
	uint8_t reserved0[0x4cb - 0x4a0];
	uint8_t cpl;                /* 0x4cb */
	uint32_t reserved1;
	uint64_t efer;              /* 0x4d0 */
	uint8_t reserved2[0x548 - 0x4d8];
	uint64_t cr4;               /* 0x548 */
	uint64_t cr3;
	uint64_t cr0;
	uint64_t dr7;
	uint64_t dr6;
	uint64_t rflags;
	uint64_t rip;               /* 0x578 */
	uint8_t reserved3[0x5d8 - 0x580];
	uint64_t rsp;               /* 0x5d8 */
	uint64_t s_cet, ssp, isst_addr;
	uint64_t rax;               /* 0x5f8 */
	uint64_t star, lstar, cstar, sfmask, kernel_gs_base;
	uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
	uint64_t cr2;               /* 0x640 */
	uint8_t reserved4[0x668 - 0x648];
	uint64_t g_pat;             /* 0x668 */
	uint64_t dbgctl;            /* 0x670: with LBR virtualization */
	uint64_t br_from, br_to, last_excp_from, last_excp_to;
	uint8_t reserved5[0x1000 - 0x698];
} __packed;

struct vmcb {
	struct vmcb_control ctl;
	struct vmcb_save save;
} __packed;

_Static_assert(__builtin_offsetof(struct vmcb, ctl.exitcode) == 0x070, "VMCB exitcode");
_Static_assert(__builtin_offsetof(struct vmcb, ctl.ncr3) == 0x0b0, "VMCB N_CR3");
_Static_assert(__builtin_offsetof(struct vmcb, ctl.nrip) == 0x0c8, "VMCB nRIP");
_Static_assert(__builtin_offsetof(struct vmcb, save.cpl) == 0x4cb, "VMCB CPL");
_Static_assert(__builtin_offsetof(struct vmcb, save.efer) == 0x4d0, "VMCB EFER");
_Static_assert(__builtin_offsetof(struct vmcb, save.cr4) == 0x548, "VMCB CR4");
_Static_assert(__builtin_offsetof(struct vmcb, save.rip) == 0x578, "VMCB RIP");
_Static_assert(__builtin_offsetof(struct vmcb, save.rsp) == 0x5d8, "VMCB RSP");
_Static_assert(__builtin_offsetof(struct vmcb, save.rax) == 0x5f8, "VMCB RAX");
_Static_assert(__builtin_offsetof(struct vmcb, save.cr2) == 0x640, "VMCB CR2");
_Static_assert(__builtin_offsetof(struct vmcb, save.g_pat) == 0x668, "VMCB G_PAT");
_Static_assert(__builtin_offsetof(struct vmcb, save.dbgctl) == 0x670, "VMCB DBGCTL");
_Static_assert(sizeof(struct vmcb) == 0x1000, "VMCB size");

/* Intercept bits (APM 2 appendix B, table B-1). */
#define INTERCEPT1_NMI (1u << 1)
#define INTERCEPT1_INIT (1u << 3)
#define INTERCEPT1_CPUID (1u << 18)
#define INTERCEPT1_INVD (1u << 22)
#define INTERCEPT1_IOIO (1u << 27)
#define INTERCEPT1_MSR (1u << 28)
#define INTERCEPT1_SHUTDOWN (1u << 31)
#define INTERCEPT2_VMRUN (1u << 0)
#define INTERCEPT2_VMMCALL (1u << 1)
#define INTERCEPT2_VMLOAD (1u << 2)
#define INTERCEPT2_VMSAVE (1u << 3)
#define INTERCEPT2_STGI (1u << 4)
#define INTERCEPT2_CLGI (1u << 5)
#define INTERCEPT2_SKINIT (1u << 6)

/* Exit codes (APM 2 appendix C). */
#define VMEXIT_NMI 0x061
#define VMEXIT_INIT 0x063
#define VMEXIT_CPUID 0x072
#define VMEXIT_INVD 0x076
#define VMEXIT_MSR 0x07c
#define VMEXIT_SHUTDOWN 0x07f
#define VMEXIT_VMRUN 0x080
#define VMEXIT_VMMCALL 0x081
#define VMEXIT_VMLOAD 0x082
#define VMEXIT_VMSAVE 0x083
#define VMEXIT_STGI 0x084
#define VMEXIT_CLGI 0x085
#define VMEXIT_SKINIT 0x086
#define VMEXIT_NPF 0x400
#define VMEXIT_INVALID ((uint64_t)-1)

#define MSR_VM_CR 0xC0010114
#define MSR_VM_HSAVE_PA 0xC0010117
#define VM_CR_R_INIT (1ULL << 1)
#define VM_CR_SVMDIS (1ULL << 4)

/* VMCB lbr_virt (0x0b8) bit 0: LBR virtualization (APM 2 15.23). */
#define VMCB_LBR_VIRT_ENABLE 1ULL

#endif
