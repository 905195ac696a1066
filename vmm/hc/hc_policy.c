/*
 * Hypercalls of the load policy (issue 15; docs/signatures.md): revoke
 * loads a signed revocation list, measure reads the measurement register
 * and its event log.  Argument shapes: <sealvisor/hypercall.h>.
 */
#include <sv/console.h>
#include <sv/hypercall.h>
#include <sv/tpm.h>
#include <sv/process.h>

#include <policy/policy.h>
#include <policy/revlist.h>
#include <proc/elf.h>
#include <sv_config.h>
#include <sv_verify.h>

#include "fsstring.h"

_Static_assert(SV_REVLIST_MAX_SIZE == REVLIST_MAX_SIZE, "hypercall.h names the parser's limit");

/* The copy being looked at; vmm_lock is held from copy-in to the end. */
static uint8_t staging[REVLIST_MAX_SIZE];

static bool revoked(const struct proc *p, const void *ctx)
{
	(void)ctx;
	/* Built-ins carry no digest and no key: nothing to revoke. */
	return process_key(p) >= 0 && policy_revoked(process_sha256(p), process_key(p));
}

/* revoke(list, len, sig, siglen): the number of processes killed, or why not. */
static int64_t hc_revoke(struct hc_call *c)
{
	struct sv_audit_entry2 r;
	uint8_t sig[SV_MAX_SIG_SIZE];
	uint64_t len = c->arg[1], siglen = c->arg[3];
	int key = -1, rc;

	memset(&r, 0, sizeof(r));
	r.kind = SV_AUDIT_REVLIST;
	r.proc_id = -1;
	r.v1.size = len;
	if (len == 0 || siglen == 0)
		return hc_audit_record(&r, -SV_EINVAL);
	if (len > REVLIST_MAX_SIZE)
		return hc_audit_record(&r, -SV_ERL_TOOBIG);
	if (siglen > SV_MAX_SIG_SIZE)
		return hc_audit_record(&r, -SV_E2BIG);
	if ((rc = gm_copy_from(c->phys, &c->paging, staging, c->arg[0], len)) ||
	    (rc = gm_copy_from(c->phys, &c->paging, sig, c->arg[2], siglen)))
		return hc_audit_record(&r, rc);
	rc = policy_revoke(staging, len, sig, siglen, &key, &r.list_version, r.v1.sha256);
	if (key >= 0 && sv_trusted_key_id((unsigned int)key))
		memcpy(r.v1.key_id, sv_trusted_key_id((unsigned int)key), 32);
	if (rc) {
		sv_printf("revoke: list of %lu bytes refused: %s (%d); nothing changed\n",
			  (unsigned long)len, sv_strerror(rc), rc);
		return hc_audit_record(&r, rc);
	}
	uint64_t version;
	uint32_t nd, nk;
	policy_revlist_info(&version, &nd, &nk);
	/*
	 * The kill scan comes first, while vmm_lock is still held since the
	 * list came into force; audit records (whose log service lines drop
	 * the lock) after.  A load in any later window is checked, and
	 * committed, against this list (policy_commit_load).
	 */
	int killed = hc_kill_matching(revoked, NULL, SV_EREVOKED, "its binary or key was revoked");
	sv_printf("revoke: list version %lu in force (%u digests, %u keys, signed with key %d)\n",
		  (unsigned long)version, nd, nk, key);
	hc_audit_record(&r, 0);
	if (killed)
		sv_printf("revoke: %d running process(es) killed\n", killed);
	return killed;
}
HYPERCALL(revoke, SV_HC_REVOKE, hc_revoke);

/* measure(info, events, max, first): events [first, first + max) of the log. */
static int64_t hc_measure(struct hc_call *c)
{
	const struct measure_log *m = policy_measure_log();
	struct sv_measure_info info;
	uint64_t max = c->arg[2], first = c->arg[3], n = 0;
	int rc;

	memset(&info, 0, sizeof(info));
	memcpy(info.reg, m->reg, sizeof(info.reg));
	info.count = m->count;
	info.capacity = MEASURE_LOG_MAX;
	info.event_size = sizeof(struct sv_measure_event);
	info.tpm = tpm_measure_state();
	if ((rc = gm_copy_to(c->phys, &c->paging, c->arg[0], &info, sizeof(info))))
		return rc;
	for (uint64_t i = first; i < m->count && n < max; i++, n++) {
		rc = gm_copy_to(c->phys, &c->paging, c->arg[1] + n * sizeof(struct sv_measure_event),
				&m->ev[i], sizeof(struct sv_measure_event));
		if (rc)
			return rc;
	}
	return (int64_t)n;
}
HYPERCALL(measure, SV_HC_MEASURE, hc_measure);
