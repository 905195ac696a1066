/*
 * VMCS field encodings, control bits and exit reasons (Intel SDM vol. 3C,
 * appendix B "Field encoding in VMCS", 25.6-25.8 "VM-execution, VM-exit
 * and VM-entry control fields", appendix C "VMX basic exit reasons").
 * Only what Sealvisor uses is named.  Portable: no instructions here.
 *
 * Section numbers in the VMX files follow the 2023 SDM, where vol. 3C has
 * ch. 24 "Introduction to VMX operation", 25 the VMCS, 26 non-root
 * operation, 27 VM entries, 28 VM exits, 29 EPT and 31 the instructions.
 */
#ifndef VMX_VMCS_H
#define VMX_VMCS_H

/* 16-bit fields (SDM 3D B.1). */
#define VMCS_VPID 0x0000
#define GUEST_ES_SEL 0x0800
#define GUEST_CS_SEL 0x0802
#define GUEST_SS_SEL 0x0804
#define GUEST_DS_SEL 0x0806
#define GUEST_FS_SEL 0x0808
#define GUEST_GS_SEL 0x080a
#define GUEST_LDTR_SEL 0x080c
#define GUEST_TR_SEL 0x080e
#define HOST_ES_SEL 0x0c00
#define HOST_CS_SEL 0x0c02
#define HOST_SS_SEL 0x0c04
#define HOST_DS_SEL 0x0c06
#define HOST_FS_SEL 0x0c08
#define HOST_GS_SEL 0x0c0a
#define HOST_TR_SEL 0x0c0c

/* 64-bit fields (SDM 3D B.2). */
#define VMCS_MSR_BITMAP 0x2004
#define VMCS_EPT_POINTER 0x201a
#define VMCS_GUEST_PHYS_ADDR 0x2400
#define GUEST_VMCS_LINK 0x2800
#define GUEST_DEBUGCTL 0x2802
#define GUEST_PAT 0x2804
#define GUEST_EFER 0x2806
#define HOST_PAT 0x2c00
#define HOST_EFER 0x2c02

/* 32-bit fields (SDM 3D B.3). */
#define VMCS_PIN_CTLS 0x4000
#define VMCS_PROC_CTLS 0x4002
#define VMCS_EXCEPTION_BITMAP 0x4004
#define VMCS_PF_ERR_MASK 0x4006
#define VMCS_PF_ERR_MATCH 0x4008
#define VMCS_CR3_TARGET_COUNT 0x400a
#define VMCS_EXIT_CTLS 0x400c
#define VMCS_EXIT_MSR_STORE_COUNT 0x400e
#define VMCS_EXIT_MSR_LOAD_COUNT 0x4010
#define VMCS_ENTRY_CTLS 0x4012
#define VMCS_ENTRY_MSR_LOAD_COUNT 0x4014
#define VMCS_ENTRY_INTR_INFO 0x4016
#define VMCS_ENTRY_EXC_ERR 0x4018
#define VMCS_ENTRY_INSN_LEN 0x401a
#define VMCS_PROC_CTLS2 0x401e
#define VMCS_INSN_ERROR 0x4400
#define VMCS_EXIT_REASON 0x4402
#define VMCS_EXIT_INTR_INFO 0x4404
#define VMCS_EXIT_INTR_ERR 0x4406
#define VMCS_IDT_VEC_INFO 0x4408
#define VMCS_IDT_VEC_ERR 0x440a
#define VMCS_EXIT_INSN_LEN 0x440c
#define GUEST_ES_LIMIT 0x4800
#define GUEST_CS_LIMIT 0x4802
#define GUEST_SS_LIMIT 0x4804
#define GUEST_DS_LIMIT 0x4806
#define GUEST_FS_LIMIT 0x4808
#define GUEST_GS_LIMIT 0x480a
#define GUEST_LDTR_LIMIT 0x480c
#define GUEST_TR_LIMIT 0x480e
#define GUEST_GDTR_LIMIT 0x4810
#define GUEST_IDTR_LIMIT 0x4812
#define GUEST_ES_AR 0x4814
#define GUEST_CS_AR 0x4816
#define GUEST_SS_AR 0x4818
#define GUEST_DS_AR 0x481a
#define GUEST_FS_AR 0x481c
#define GUEST_GS_AR 0x481e
#define GUEST_LDTR_AR 0x4820
#define GUEST_TR_AR 0x4822
#define GUEST_INTERRUPTIBILITY 0x4824
#define GUEST_ACTIVITY 0x4826
#define GUEST_SYSENTER_CS 0x482a
#define HOST_SYSENTER_CS 0x4c00

/* Natural-width fields (SDM 3D B.4). */
#define VMCS_CR0_MASK 0x6000
#define VMCS_CR4_MASK 0x6002
#define VMCS_CR0_SHADOW 0x6004
#define VMCS_CR4_SHADOW 0x6006
#define VMCS_EXIT_QUAL 0x6400
#define GUEST_CR0 0x6800
#define GUEST_CR3 0x6802
#define GUEST_CR4 0x6804
#define GUEST_ES_BASE 0x6806
#define GUEST_CS_BASE 0x6808
#define GUEST_SS_BASE 0x680a
#define GUEST_DS_BASE 0x680c
#define GUEST_FS_BASE 0x680e
#define GUEST_GS_BASE 0x6810
#define GUEST_LDTR_BASE 0x6812
#define GUEST_TR_BASE 0x6814
#define GUEST_GDTR_BASE 0x6816
#define GUEST_IDTR_BASE 0x6818
#define GUEST_DR7 0x681a
#define GUEST_RSP 0x681c
#define GUEST_RIP 0x681e
#define GUEST_RFLAGS 0x6820
#define GUEST_PENDING_DBG 0x6822
#define GUEST_SYSENTER_ESP 0x6824
#define GUEST_SYSENTER_EIP 0x6826
#define HOST_CR0 0x6c00
#define HOST_CR3 0x6c02
#define HOST_CR4 0x6c04
#define HOST_FS_BASE 0x6c06
#define HOST_GS_BASE 0x6c08
#define HOST_TR_BASE 0x6c0a
#define HOST_GDTR_BASE 0x6c0c
#define HOST_IDTR_BASE 0x6c0e
#define HOST_SYSENTER_ESP 0x6c10
#define HOST_SYSENTER_EIP 0x6c12
#define HOST_RSP 0x6c14
#define HOST_RIP 0x6c16

/* Capability MSRs (SDM 3D appendix A). */
#define MSR_FEATURE_CONTROL 0x03a
#define FEATURE_CONTROL_LOCK (1ULL << 0)
#define FEATURE_CONTROL_VMX_SMX (1ULL << 1)
#define FEATURE_CONTROL_VMX (1ULL << 2)
#define FEATURE_CONTROL_SENTER 0xff00ULL /* SENTER local and global enables */
#define MSR_VMX_BASIC 0x480
#define MSR_VMX_PINBASED 0x481
#define MSR_VMX_PROCBASED 0x482
#define MSR_VMX_EXIT 0x483
#define MSR_VMX_ENTRY 0x484
#define MSR_VMX_MISC 0x485
#define MSR_VMX_CR0_FIXED0 0x486
#define MSR_VMX_CR0_FIXED1 0x487
#define MSR_VMX_CR4_FIXED0 0x488
#define MSR_VMX_CR4_FIXED1 0x489
#define MSR_VMX_PROCBASED2 0x48b
#define MSR_VMX_EPT_VPID_CAP 0x48c
#define MSR_VMX_TRUE_PINBASED 0x48d
#define MSR_VMX_TRUE_PROCBASED 0x48e
#define MSR_VMX_TRUE_EXIT 0x48f
#define MSR_VMX_TRUE_ENTRY 0x490
#define MSR_VMX_FIRST 0x480
#define MSR_VMX_LAST 0x493 /* through IA32_VMX_EXIT_CTLS2 */

/* IA32_VMX_BASIC (SDM 3D A.1). */
#define VMX_BASIC_REVISION(b) ((uint32_t)(b) & 0x7fffffffu)
#define VMX_BASIC_VMCS_SIZE(b) ((uint32_t)((b) >> 32) & 0x1fffu)
#define VMX_BASIC_32BIT_ADDR (1ULL << 48)
#define VMX_BASIC_MEMTYPE(b) ((unsigned int)((b) >> 50) & 0xfu)
#define VMX_BASIC_TRUE_CTLS (1ULL << 55)

/* Pin-based controls (SDM 3C 25.6.1). */
#define PIN_EXT_INT_EXIT (1u << 0)
#define PIN_NMI_EXIT (1u << 3)
#define PIN_VIRTUAL_NMI (1u << 5)
#define PIN_PREEMPT_TIMER (1u << 6)
#define PIN_POSTED_INT (1u << 7)

/* Primary processor-based controls (SDM 3C 25.6.2, table 25-6). */
#define PROC_INT_WINDOW (1u << 2)
#define PROC_TSC_OFFSET (1u << 3)
#define PROC_HLT_EXIT (1u << 7)
#define PROC_INVLPG_EXIT (1u << 9)
#define PROC_MWAIT_EXIT (1u << 10)
#define PROC_RDPMC_EXIT (1u << 11)
#define PROC_RDTSC_EXIT (1u << 12)
#define PROC_CR3_LOAD_EXIT (1u << 15)
#define PROC_CR3_STORE_EXIT (1u << 16)
#define PROC_CR8_LOAD_EXIT (1u << 19)
#define PROC_CR8_STORE_EXIT (1u << 20)
#define PROC_TPR_SHADOW (1u << 21)
#define PROC_NMI_WINDOW (1u << 22)
#define PROC_MOV_DR_EXIT (1u << 23)
#define PROC_UNCOND_IO_EXIT (1u << 24)
#define PROC_IO_BITMAPS (1u << 25)
#define PROC_MTF (1u << 27)
#define PROC_MSR_BITMAPS (1u << 28)
#define PROC_MONITOR_EXIT (1u << 29)
#define PROC_PAUSE_EXIT (1u << 30)
#define PROC_SECONDARY (1u << 31)

/* Secondary processor-based controls (SDM 3C 25.6.2, table 25-7). */
#define PROC2_VIRT_APIC (1u << 0)
#define PROC2_EPT (1u << 1)
#define PROC2_DESC_TABLE_EXIT (1u << 2)
#define PROC2_RDTSCP (1u << 3)
#define PROC2_VIRT_X2APIC (1u << 4)
#define PROC2_VPID (1u << 5)
#define PROC2_WBINVD_EXIT (1u << 6)
#define PROC2_UNRESTRICTED (1u << 7)
#define PROC2_PAUSE_LOOP_EXIT (1u << 10)
#define PROC2_RDRAND_EXIT (1u << 11)
#define PROC2_INVPCID (1u << 12)
#define PROC2_VMFUNC (1u << 13)
#define PROC2_VMCS_SHADOW (1u << 14)
#define PROC2_ENCLS_EXIT (1u << 15)
#define PROC2_RDSEED_EXIT (1u << 16)
#define PROC2_PML (1u << 17)
#define PROC2_EPT_VE (1u << 18)
#define PROC2_XSAVES (1u << 20)
#define PROC2_USER_WAIT_PAUSE (1u << 26)
#define PROC2_PCONFIG (1u << 27)

/* VM-exit controls (SDM 3C 25.7.1). */
#define EXIT_SAVE_DEBUG (1u << 2)
#define EXIT_HOST_64 (1u << 9)
#define EXIT_LOAD_PERF_GLOBAL (1u << 12)
#define EXIT_ACK_INT (1u << 15)
#define EXIT_SAVE_PAT (1u << 18)
#define EXIT_LOAD_PAT (1u << 19)
#define EXIT_SAVE_EFER (1u << 20)
#define EXIT_LOAD_EFER (1u << 21)
#define EXIT_SAVE_PREEMPT (1u << 22)
#define EXIT_CLEAR_RTIT_CTL (1u << 25)
#define EXIT_CLEAR_LBR_CTL (1u << 26)

/* VM-entry controls (SDM 3C 25.8.1). */
#define ENTRY_LOAD_DEBUG (1u << 2)
#define ENTRY_IA32E_GUEST (1u << 9)
#define ENTRY_SMM (1u << 10)
#define ENTRY_DUAL_MONITOR (1u << 11)
#define ENTRY_LOAD_PERF_GLOBAL (1u << 13)
#define ENTRY_LOAD_PAT (1u << 14)
#define ENTRY_LOAD_EFER (1u << 15)

/* IA32_VMX_EPT_VPID_CAP (SDM 3D A.10). */
#define EPT_CAP_WALK4 (1ULL << 6)
#define EPT_CAP_WB (1ULL << 14)
#define EPT_CAP_2M (1ULL << 16)
#define EPT_CAP_1G (1ULL << 17)
#define EPT_CAP_INVEPT (1ULL << 20)
#define EPT_CAP_INVEPT_SINGLE (1ULL << 25)
#define EPT_CAP_INVEPT_ALL (1ULL << 26)
#define VPID_CAP_INVVPID (1ULL << 32)
#define VPID_CAP_INVVPID_SINGLE (1ULL << 41)
#define VPID_CAP_INVVPID_ALL (1ULL << 42)

/* EPT entries and pointer (SDM 3C 29.3.2-29.3.3, 25.6.11). */
#define EPT_R (1ULL << 0)
#define EPT_W (1ULL << 1)
#define EPT_X (1ULL << 2)
#define EPT_MT_WB (6ULL << 3)
#define EPT_LARGE (1ULL << 7)
#define EPTP_WB 6ULL
#define EPTP_WALK4 (3ULL << 3)

/* Exit reasons (SDM 3D appendix C). */
#define EXIT_REASON_EXCEPTION 0
#define EXIT_REASON_EXT_INT 1
#define EXIT_REASON_TRIPLE_FAULT 2
#define EXIT_REASON_INIT 3
#define EXIT_REASON_SIPI 4
#define EXIT_REASON_INT_WINDOW 7
#define EXIT_REASON_TASK_SWITCH 9
#define EXIT_REASON_CPUID 10
#define EXIT_REASON_GETSEC 11
#define EXIT_REASON_HLT 12
#define EXIT_REASON_INVD 13
#define EXIT_REASON_VMCALL 18
#define EXIT_REASON_VMCLEAR 19
#define EXIT_REASON_VMLAUNCH 20
#define EXIT_REASON_VMPTRLD 21
#define EXIT_REASON_VMPTRST 22
#define EXIT_REASON_VMREAD 23
#define EXIT_REASON_VMRESUME 24
#define EXIT_REASON_VMWRITE 25
#define EXIT_REASON_VMXOFF 26
#define EXIT_REASON_VMXON 27
#define EXIT_REASON_CR_ACCESS 28
#define EXIT_REASON_IO 30
#define EXIT_REASON_RDMSR 31
#define EXIT_REASON_WRMSR 32
#define EXIT_REASON_BAD_GUEST 33
#define EXIT_REASON_BAD_MSR_LOAD 34
#define EXIT_REASON_MCE_ENTRY 41
#define EXIT_REASON_EPT_VIOLATION 48
#define EXIT_REASON_EPT_MISCONFIG 49
#define EXIT_REASON_INVEPT 50
#define EXIT_REASON_INVVPID 53
#define EXIT_REASON_XSETBV 55
#define EXIT_REASON_VMFUNC 59
#define EXIT_REASON_ENTRY_FAIL (1u << 31)

/* Interruption information (SDM 3C 25.8.3, 25.9.2). */
#define INTR_INFO_VALID (1u << 31)
#define INTR_INFO_ERR_VALID (1u << 11)
#define INTR_TYPE_EXT_INT (0u << 8)
#define INTR_TYPE_NMI (2u << 8)
#define INTR_TYPE_HW_EXC (3u << 8)
#define INTR_TYPE_SW_INT (4u << 8)
#define INTR_TYPE_PRIV_SW_EXC (5u << 8)
#define INTR_TYPE_SW_EXC (6u << 8)
#define INTR_TYPE_MASK (7u << 8)

/* Guest interruptibility state (SDM 3C 25.4.2, table 25-3). */
#define INTERRUPT_BLOCK_STI (1u << 0)
#define INTERRUPT_BLOCK_MOVSS (1u << 1)
#define INTERRUPT_BLOCK_SMI (1u << 2)
#define INTERRUPT_BLOCK_NMI (1u << 3)

/* Segment access rights in the VMCS (SDM 3C 25.4.1, table 25-2). */
#define AR_UNUSABLE (1u << 16)

#endif
