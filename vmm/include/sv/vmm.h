/* Global VMM state and the run loop (core/main.c, core/run.c). */
#ifndef SV_VMM_H
#define SV_VMM_H

#include <sv/vcpu.h>

extern const struct sv_vcpu_ops *vmm_backend;
extern struct sv_vcpu vmm_vcpu;

__noreturn void vmm_run_guest(struct sv_guest_boot *boot, const struct sv_range *hidden,
			      unsigned int nhidden);

#endif
