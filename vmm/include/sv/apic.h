/*
 * The guest's INIT and SIPI, and the trapped xAPIC page (guest/apic.c).
 *
 * On SVM a CPU has no wait-for-SIPI state under the VMM's control, and an
 * INIT that reaches a CPU in host mode would reset it out of the VMM.  So
 * on SVM the VMM keeps INIT and SIPI to itself: every guest write of the
 * ICR is caught (the xAPIC page is absent from the nested tables, the
 * x2APIC ICR MSR is intercepted), fixed/NMI/SMI IPIs go on to the real
 * LAPIC unchanged, and INIT/SIPI become messages in the target CPU's
 * mailbox, with an NMI of the VMM's own to make it look.  On VMX the CPU
 * does it: INIT exits, and a SIPI to a vCPU in wait-for-SIPI exits.
 */
#ifndef SV_APIC_H
#define SV_APIC_H

#include <sv/vcpu.h>

struct sv_cpu;

/* Sets up the trap at boot (SVM only); 0 or why not. */
int apic_trap_init(const struct sv_vcpu_ops *ops);
/*
 * When the VMM cannot hold every CPU (no MADT, a CPU it could not start):
 * on a hw_sipi backend, traps the xAPIC page and the ICR MSR after all
 * and filters INIT/SIPI to CPUs that run a vCPU.  Before any vCPU exists.
 */
int apic_trap_unknown_cpus(const struct sv_vcpu_ops *ops);
/* SV_EXIT_APIC: emulates the access; false when the guest must stop. */
bool apic_access_exit(const struct sv_vcpu_ops *ops, struct sv_vcpu *v, const struct sv_exit *e);
/* A WRMSR of the x2APIC ICR or the APIC base; false when not one of them. */
bool apic_wrmsr_exit(const struct sv_vcpu_ops *ops, struct sv_vcpu *v, const struct sv_exit *e);
/* INIT that reached v in guest mode (any vendor): reset or wait for SIPI. */
bool apic_init_exit(const struct sv_vcpu_ops *ops, struct sv_vcpu *v);
/*
 * The general registers after INIT (SDM 3A table 9-1, APM 2 table 14-1),
 * waiting for a SIPI; the backends set the rest of the state.
 */
void apic_vcpu_regs_after_init(struct sv_vcpu *v);
/* Before each entry: acts on this CPU's mailbox (INIT, SIPI). */
void apic_mailbox(const struct sv_vcpu_ops *ops, struct sv_cpu *c);
/* From the NMI handler: true when the NMI was the VMM's kick. */
bool apic_nmi_is_kick(struct sv_cpu *c);

#endif
