/* SVM backend internals shared by the files of arch/x86/svm. */
#ifndef SVM_SVM_H
#define SVM_SVM_H

#include <sv/vcpu.h>

#include "vmcb.h"

struct svm_vcpu {
	struct vmcb *vmcb;
	uint64_t vmcb_pa;
	uint64_t host_vmcb_pa; /* host state VMLOAD/VMSAVE handle (FS, GS, TR ...) */
	uint64_t iopm_pa, msrpm_pa;
	/* Guest events that reached the VMM meanwhile (guest/irq.c). */
	bool nmi_pending;
	uint64_t irq_pending[4];
	uint32_t nested_gen;   /* nested_map_gen this vCPU's TLB was last flushed at */
	uint64_t debugctl;     /* the guest's DEBUGCTL without LBR virtualization (svm_msr.c) */
};

extern bool svm_has_nrips;
/* CPUID 8000000A EDX[1]: VMRUN/#VMEXIT switch DEBUGCTL and the LBRs (svm_vmcb.c). */
extern bool svm_has_lbrv;
extern uint64_t svm_npt_root;

/* svm_entry.S */
struct spec_vm;
void svm_enter(uint64_t vmcb_pa, struct sv_gprs *gprs, uint64_t host_vmcb_pa, struct spec_vm *spec);

/* svm_msr.c: the intercepted MSRs only SVM answers; false for common code (#GP or guest/msr.c). */
bool svm_msr_exit(struct sv_vcpu *v, struct svm_vcpu *s, bool write);
int svm_msrpm_init(uint8_t *msrpm);
/* svm_vmcb.c: the I/O and MSR permission maps, once, on the boot CPU. */
int svm_maps_init(void);

/* The struct sv_vcpu_ops entries (svm_init.c builds the table). */
int svm_build_npt(uint64_t span, const struct sv_range *hidden, unsigned int nhidden, uint64_t sink);
int svm_npt_trap(uint64_t gpa);
int svm_vcpu_init(struct sv_vcpu *v, const struct sv_guest_boot *boot);
int svm_vcpu_init_ap(struct sv_vcpu *v);
void svm_vcpu_init_signal(struct sv_vcpu *v);
void svm_vcpu_sipi(struct sv_vcpu *v, uint8_t vector);
void svm_run(struct sv_vcpu *v, struct sv_exit *e);
void svm_inject_exception(struct sv_vcpu *v, unsigned int vector, int64_t error_code);
void svm_get_paging(struct sv_vcpu *v, struct sv_guest_paging *p);
void svm_queue_event(struct sv_vcpu *v, unsigned int vector, bool nmi);
void svm_host_irq_window(bool open);

#endif
