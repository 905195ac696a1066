/*
 * Speculation defences on the hardware (arch/x86/spec.c): the plan of
 * arch/spec_plan.h applied on every CPU, and what the VM entry stubs
 * (svm_entry.S, vmx_entry.S) and the ring-3 exit stubs (isr.S) do with
 * it.
 *
 * struct spec_vm is one per CPU (each CPU runs one vCPU); the entry stubs
 * get its address as an argument and use it for IA32_SPEC_CTRL:
 *   before VM entry: the guest's value when it differs from the VMM's;
 *   after VM exit:   the guest's value read back (the MSR is the guest's
 *                    to write natively), the VMM's written again (always
 *                    with legacy IBRS, whose write is the barrier), an IBPB
 *                    where the plan asks for one, then the RSB filled.
 * SVM's V_SPEC_CTRL (the VMCB holding the guest's value) is not used:
 * the same manual switch runs on both vendors.
 */
#ifndef ARCH_SPEC_H
#define ARCH_SPEC_H

#define MSR_SPEC_CTRL 0x48
#define MSR_PRED_CMD 0x49

/* struct spec_vm offsets (pinned in spec.c). */
#define SPEC_VM_GUEST 0
#define SPEC_VM_HOST 8
#define SPEC_VM_FLAGS 16
/* SPEC_VM_FLAGS bits */
#define SPEC_VM_CTRL 1        /* SPEC_CTRL exists: switch it */
#define SPEC_VM_ALWAYS 2      /* write the VMM's value on every exit (legacy IBRS) */
#define SPEC_VM_IBPB_EXIT 4   /* IBPB on every VM exit (Retbleed/SRSO) */
#define SPEC_VM_VERW 8        /* VERW right before VM entry */
#define SPEC_VM_L1D_CMD 16    /* L1D flush through IA32_FLUSH_CMD (C only) */
#define SPEC_VM_L1D_SW 32     /* software L1D flush (C only) */

#ifndef __ASSEMBLER__
#include <arch/spec_plan.h>

struct spec_vm {
	uint64_t guest_spec_ctrl;  /* the guest's SPEC_CTRL, read back on every exit */
	uint64_t host_spec_ctrl;   /* the VMM's */
	uint32_t flags;            /* SPEC_VM_* */
	uint32_t l1d_pending;      /* a process ran on this CPU since the last VM entry */
	uint32_t l1d_told;         /* the first flush was reported */
};

/*
 * On every CPU, before anything runs a process or the guest on it:
 * reads CPUID and ARCH_CAPABILITIES, decides, writes SPEC_CTRL, EFER's
 * AIBRSE and the AMD chicken bits (all through wrmsr_safe), fills this
 * CPU's struct spec_vm.  The boot CPU prints what it got; an AP prints
 * only where its plan differs from the boot CPU's.
 */
void spec_setup_cpu(void);
/* The boot CPU's plan (entry.c takes VERW-to-ring-3 and IBPB from it). */
const struct spec_plan *spec_boot_plan(void);
/* This CPU's struct spec_vm. */
struct spec_vm *spec_vm_this(void);
/* A process is about to run on this CPU: flush the L1D before the next VM entry. */
void spec_note_process(void);
/*
 * Right before the entry stub: the L1D flush when the plan has one and a
 * process ran here since the last entry.  VERW is the stub's last step.
 */
void spec_before_vmentry(struct spec_vm *sv);

/* The VMM's SPEC_CTRL, for the ring-3 exit stubs' legacy-IBRS rewrite (isr.S). */
extern uint64_t spec_host_ctrl;
/* Nonzero: VERW right before VM entry (the stubs read it). */
extern uint8_t spec_verw_vmentry;
#endif

#ifdef __ASSEMBLER__
/*
 * Before VM entry, \base = struct spec_vm *: the guest's SPEC_CTRL where
 * it differs from the VMM's.  Clobbers rax, rcx, rdx, flags.
 */
.macro SPEC_CTRL_TO_GUEST base
	testl $SPEC_VM_CTRL, SPEC_VM_FLAGS(\base)
	jz .Lspec_in_done_\@
	movq SPEC_VM_GUEST(\base), %rax
	cmpq SPEC_VM_HOST(\base), %rax
	je .Lspec_in_done_\@
	movq %rax, %rdx
	shrq $32, %rdx
	movl $MSR_SPEC_CTRL, %ecx
	wrmsr
.Lspec_in_done_\@:
.endm

/*
 * After VM exit (or a failed entry), \base = struct spec_vm *: saves the
 * guest's SPEC_CTRL, puts the VMM's back, then the IBPB the plan asks
 * for.  The LFENCE keeps the following code from running ahead of the
 * writes on a mispredicted skip.  Clobbers rax, rcx, rdx, flags.
 */
.macro SPEC_CTRL_TO_HOST base
	testl $SPEC_VM_CTRL, SPEC_VM_FLAGS(\base)
	jz .Lspec_out_ibpb_\@
	movl $MSR_SPEC_CTRL, %ecx
	rdmsr
	shlq $32, %rdx
	movl %eax, %eax
	orq %rdx, %rax
	movq %rax, SPEC_VM_GUEST(\base)
	testl $SPEC_VM_ALWAYS, SPEC_VM_FLAGS(\base)
	jnz .Lspec_out_write_\@
	cmpq SPEC_VM_HOST(\base), %rax
	je .Lspec_out_ibpb_\@
.Lspec_out_write_\@:
	movq SPEC_VM_HOST(\base), %rax
	movq %rax, %rdx
	shrq $32, %rdx
	wrmsr
.Lspec_out_ibpb_\@:
	testl $SPEC_VM_IBPB_EXIT, SPEC_VM_FLAGS(\base)
	jz .Lspec_out_done_\@
	movl $MSR_PRED_CMD, %ecx
	movl $1, %eax
	xorl %edx, %edx
	wrmsr
.Lspec_out_done_\@:
	lfence
.endm

/* Right before VMRUN/VMLAUNCH/VMRESUME: VERW where the plan says. Flags only. */
.macro SPEC_VERW_BEFORE_ENTRY
	cmpb $0, spec_verw_vmentry(%rip)
	je .Lspec_verw_done_\@
	verw entry_verw_sel(%rip)
.Lspec_verw_done_\@:
.endm
#endif

#endif
