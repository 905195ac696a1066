/* Global VMM state and the run loop (boot/main.c, guest/run.c). */
#ifndef SV_VMM_H
#define SV_VMM_H

#include <sv/vcpu.h>

extern const struct sv_vcpu_ops *vmm_backend;

/* The C entry point, called by boot/entry.S on the boot stack. */
void vmm_main(uint32_t magic, uint32_t info_phys);

/* Installs the interrupt hook: guest events and the budget timer (guest/irq.c). */
void irq_init(void);

/*
 * The span the nested map covers: the CPU's physical address space (or
 * 1 TiB without 1 GiB pages), at least all RAM.  The IOMMU domain covers
 * the same (guest/run.c).
 */
uint64_t nested_span(void);
/* The shared nested tables, with the hidden ranges and the xAPIC trap (guest/run.c). */
int vmm_build_nested(const struct sv_range *hidden, unsigned int nhidden);
/* The boot CPU's vCPU from the Linux entry, then its loop. */
__noreturn void vmm_run_guest(struct sv_guest_boot *boot);

#endif
