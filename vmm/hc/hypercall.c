/*
 * Hypercall dispatcher.  Every argument is guest-controlled: numbers are
 * bounds-checked against the registry, pointers only reach guest memory
 * through gm_* (which walk the caller's page tables), and an unknown
 * number is an error code for the guest, never a VMM failure.
 */
#include <sv/console.h>
#include <sv/hypercall.h>
#include <sv/iommu.h>
#include <sv/lock.h>
#include <sv/nospec.h>

#include <sv_config.h>

#include "fsstring.h"

extern const struct hc_def __hypercalls_start[], __hypercalls_end[];

static size_t hc_count(void)
{
	return (size_t)(__hypercalls_end - __hypercalls_start);
}

/* Function 0: get_vmmcall_number(name) -> number, or 0 when unknown. */
static int64_t hc_get_number(struct hc_call *c)
{
	char name[64];
	int rc = gm_read_string(c->phys, &c->paging, c->arg[0], name, sizeof(name));

	if (rc == -SV_E2BIG)
		return 0; /* longer than any name we have */
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < hc_count(); i++) {
		if (!strcmp(__hypercalls_start[i].name, name))
			return (int64_t)i + 1;
	}
	return 0;
}

static int64_t hc_version(struct hc_call *c)
{
	static const char version[] = "Sealvisor " SV_VERSION;
	uint64_t size = c->arg[1];

	if (size < sizeof(version))
		return -SV_ERANGE;
	int rc = gm_copy_to(c->phys, &c->paging, c->arg[0], version, sizeof(version));
	return rc ? rc : (int64_t)(sizeof(version) - 1);
}
HYPERCALL(version, SV_HC_VERSION, hc_version);

/*
 * guest_access=kernel (docs/access.md): the guest's kernel decides which of
 * its users may ask (the sealvisor module and /dev/sealvisor's
 * permissions), so a caller in guest ring 3 gets only what a tool needs to
 * say "running under Sealvisor, but go through the module": the number
 * lookup and the version.  The CPL is the one the vendor code read from
 * the VMCB's CPL field (SVM) or the SS access rights' DPL (VMX).
 */
static bool hc_allowed(uint64_t nr, const struct sv_guest_paging *pg)
{
	if (SV_GUEST_ACCESS_ANY || pg->cpl == 0 || nr == SV_HC_GET_NUMBER)
		return true;
	if (nr < 1 || nr > hc_count())
		return false;
	return __hypercalls_start[nospec_index(nr - 1, hc_count())].fn == hc_version;
}

int64_t hc_dispatch(struct sv_vcpu *v, const struct sv_vcpu_ops *ops)
{
	struct hc_call c = {
		.arg = { v->regs.rbx, v->regs.rcx, v->regs.rdx, v->regs.rsi },
		.vcpu = v,
		.phys = &guest_phys,
	};
	uint64_t nr = v->regs.rax;

	/* No timer of its own: the VMM looks for blocked DMA when the guest calls. */
	iommu_poll_maybe();
	ops->get_paging(v, &c.paging);
	if (!hc_allowed(nr, &c.paging)) {
		/* Said once, so that a looping program cannot flood the console. */
		static bool told;
		if (!told) {
			told = true;
			sv_printf("hypercall %lu from guest ring 3 refused (guest_access=kernel: use "
				  "/dev/sealvisor); further refusals are not logged\n", (unsigned long)nr);
		}
		return -SV_EPERM;
	}
	if (nr == SV_HC_GET_NUMBER)
		return hc_get_number(&c);
	if (nr > hc_count())
		return -SV_ENOSYS;
	/* Hypercalls share the process and audit state: one CPU at a time (sv/lock.h). */
	rlock_take(&vmm_lock);
	int64_t r = __hypercalls_start[nospec_index(nr - 1, hc_count())].fn(&c);
	rlock_drop(&vmm_lock);
	return r;
}
