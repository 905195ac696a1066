/*
 * Hypercall registry and dispatch (hc/hypercall.c).  A hypercall is a
 * struct hc_def placed in the .hypercalls section with HYPERCALL(); the
 * number is its position there plus one, and guests find it by name.
 */
#ifndef SV_HYPERCALL_H
#define SV_HYPERCALL_H

#include <sv/guest_mem.h>
#include <sv/vcpu.h>

#include <sealvisor/hypercall.h>

struct hc_call {
	uint64_t arg[4];                 /* RBX, RCX, RDX, RSI */
	struct sv_vcpu *vcpu;
	const struct gm_phys *phys;
	struct sv_guest_paging paging;   /* the caller's, for gm_* */
};

struct hc_def {
	const char *name;
	int64_t (*fn)(struct hc_call *c);
};

#define HYPERCALL(ident, str, func)                                                 \
	static const struct hc_def hcdef_##ident                                       \
		__attribute__((section(".hypercalls"), used, aligned(8))) = { str, func }

/* Dispatches the call in v->regs; returns the value for RAX. */
int64_t hc_dispatch(struct sv_vcpu *v, const struct sv_vcpu_ops *ops);

/* The process family's state: the guest's descriptor table, the audit ring. */
void hc_process_init(void);
/* newprocess audit records made since boot (the ring keeps the last 64). */
uint64_t hc_audit_total(void);
/*
 * The VMM's own log service, started at boot: the VMM keeps this process
 * (not its name) and sends its audit lines only there, and the guest
 * cannot kill it.
 */
void hc_log_service_started(int id);

/*
 * Appends r to the audit ring with this result (its number and time are
 * set here) and sends its line to the log service; returns result.
 */
int64_t hc_audit_record(struct sv_audit_entry2 *r, int64_t result);

/*
 * Kills every process (not the log service) that match() selects, each
 * kill audited as SV_AUDIT_KILL with result -why; returns the number
 * killed.  text is the reason on the console.
 */
struct proc;
int hc_kill_matching(bool (*match)(const struct proc *p, const void *ctx), const void *ctx,
		     int why, const char *text);

/* Guest-physical access limited to the guest's usable RAM (boot/guest_start.c). */
extern const struct gm_phys guest_phys;

#endif
