/*
 * The fast system-call MSRs in the VMM (arch/x86/sysmsr.c).  Processes
 * enter the VMM through an interrupt gate (int $0x80) only; SYSCALL and
 * SYSENTER must never take a process's ring 3 into ring 0, whatever
 * firmware or the guest left in EFER.SCE, STAR, LSTAR, CSTAR, SFMASK and
 * the SYSENTER MSRs.  The values below are the VMM's own on every CPU.
 */
#ifndef ARCH_SYSMSR_H
#define ARCH_SYSMSR_H

#include <sv/types.h>

#define MSR_SYSENTER_CS 0x174
#define MSR_SYSENTER_ESP 0x175
#define MSR_SYSENTER_EIP 0x176
#define MSR_STAR 0xC0000081
#define MSR_LSTAR 0xC0000082
#define MSR_CSTAR 0xC0000083
#define MSR_SFMASK 0xC0000084

/*
 * SYSENTER_CS 0: SYSENTER is #GP(0) on Intel (SDM 2B SYSENTER: "IF
 * IA32_SYSENTER_CS[15:2] = 0"); AMD has no SYSENTER in long mode (#UD).
 * The VMX host-state fields load these on every VM exit, SVM's VMLOAD of
 * the host save area does (arch/x86/svm).
 */
#define SYSMSR_SYSENTER_CS 0ULL
#define SYSMSR_SYSENTER_ESP 0ULL
#define SYSMSR_SYSENTER_EIP 0ULL
/*
 * With EFER.SCE clear SYSCALL is #UD on both vendors, so STAR, LSTAR and
 * CSTAR are never used: they hold no address at all rather than one
 * that firmware or the guest chose.  SFMASK would clear TF, IF, DF, IOPL,
 * NT and AC.
 */
#define SYSMSR_STAR 0ULL
#define SYSMSR_LSTAR 0ULL
#define SYSMSR_CSTAR 0ULL
#define SYSMSR_SFMASK 0x47700ULL

/*
 * On each CPU, before its virtualization state (VMCS host fields, SVM
 * host save area) is set up: clears EFER.SCE and writes the values
 * above.  say: print what was found (the boot CPU).
 */
void sysmsr_init_cpu(bool say);

#endif
