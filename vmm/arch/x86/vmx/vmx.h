/* VMX backend internals shared by the files of arch/x86/vmx. */
#ifndef VMX_VMX_H
#define VMX_VMX_H

#include <sv/vcpu.h>

#include "vmcs.h"
#include "vmx_caps.h"

struct vmx_vcpu {
	uint64_t vmcs_pa;
	uint64_t msr_bitmap_pa;
	bool launched;          /* VMLAUNCH done: the next entry is VMRESUME */
	uint64_t cr2;           /* the guest's CR2: VMX does not switch it */
	uint64_t cr0_shadow;    /* CR0/CR4 as the guest believes them */
	uint64_t cr4_shadow;
	uint32_t pending_event; /* IDT-vectoring info to re-inject, or 0 */
	uint32_t pending_err;
	uint32_t pending_len;
	uint64_t exit_rip;      /* guest RIP at the last exit */
	/* Guest interrupts and NMIs that reached the VMM (vmx_queue_event). */
	bool nmi_pending;
	uint64_t irq_pending[4];
	bool window;            /* interrupt-window exiting is on */
	uint32_t nested_gen;    /* nested_map_gen this vCPU's EPT TLB was last flushed at */
	uint64_t debugctl;      /* the guest's DEBUGCTL when the VMCS does not switch it */
};

extern struct vmx_config vmx_cfg;
extern struct vmx_cap_msrs vmx_msrs;
extern uint64_t vmx_eptp;

/* VMX instructions (SDM 3C 31.3): false when they report VMfail. */
static inline bool vmwrite(uint64_t field, uint64_t value)
{
	bool fail;

	__asm__ volatile("vmwrite %2, %1" : "=@ccbe"(fail) : "r"(field), "rm"(value) : "memory");
	return !fail;
}

static inline uint64_t vmread(uint64_t field)
{
	uint64_t v = 0;

	__asm__ volatile("vmread %1, %0" : "+rm"(v) : "r"(field) : "cc");
	return v;
}

static inline bool vmx_op_pa(uint64_t pa, int op)
{
	bool fail;

	switch (op) {
	case 0:
		__asm__ volatile("vmxon %1" : "=@ccbe"(fail) : "m"(pa) : "memory");
		break;
	case 1:
		__asm__ volatile("vmclear %1" : "=@ccbe"(fail) : "m"(pa) : "memory");
		break;
	default:
		__asm__ volatile("vmptrld %1" : "=@ccbe"(fail) : "m"(pa) : "memory");
		break;
	}
	return !fail;
}
#define vmxon(pa) vmx_op_pa((pa), 0)
#define vmclear(pa) vmx_op_pa((pa), 1)
#define vmptrld(pa) vmx_op_pa((pa), 2)

/* INVEPT/INVVPID descriptors (SDM 3C 31.3, "INVEPT", "INVVPID"). */
static inline void invept(uint64_t type, uint64_t eptp)
{
	struct {
		uint64_t eptp, zero;
	} d = { eptp, 0 };

	__asm__ volatile("invept %0, %1" : : "m"(d), "r"(type) : "memory", "cc");
}

static inline void invvpid(uint64_t type, uint16_t vpid)
{
	struct {
		uint64_t vpid, addr;
	} d = { vpid, 0 };

	__asm__ volatile("invvpid %0, %1" : : "m"(d), "r"(type) : "memory", "cc");
}

/* vmx_entry.S: 0 after a VM exit, 1 VMfailInvalid, 2 VMfailValid. */
struct spec_vm;
int vmx_enter(struct sv_gprs *gprs, bool launched, struct spec_vm *spec);
void vmx_exit_stub(void);

/* vmx_msr.c; vmx_trap_apic_msrs: the bitmaps made from now on catch x2APIC ICR writes too. */
extern bool vmx_trap_apic_msrs;
/* vmx_vmcs.c: applies vmx_trap_apic_msrs to the bitmaps already made. */
void vmx_msr_bitmaps_refresh(void);
void vmx_msr_bitmap_init(uint8_t *bitmap);
bool vmx_msr_exit(struct sv_vcpu *v, bool write);

/* vmx_exit.c: guest general-purpose register n in the SDM's encoding. */
uint64_t *vmx_gpr(struct sv_vcpu *v, unsigned int n);

/* The struct sv_vcpu_ops entries (vmx_init.c builds the table). */
int vmx_build_ept(uint64_t span, const struct sv_range *hidden, unsigned int nhidden, uint64_t sink);
int vmx_ept_trap(uint64_t gpa);
int vmx_vcpu_init(struct sv_vcpu *v, const struct sv_guest_boot *boot);
int vmx_vcpu_init_ap(struct sv_vcpu *v);
void vmx_vcpu_init_signal(struct sv_vcpu *v);
void vmx_vcpu_sipi(struct sv_vcpu *v, uint8_t vector);
void vmx_run(struct sv_vcpu *v, struct sv_exit *e);
void vmx_inject_exception(struct sv_vcpu *v, unsigned int vector, int64_t error_code);
void vmx_get_paging(struct sv_vcpu *v, struct sv_guest_paging *p);
void vmx_queue_event(struct sv_vcpu *v, unsigned int vector, bool nmi);

#endif
