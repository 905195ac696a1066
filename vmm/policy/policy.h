/*
 * The VMM's load policy (issue 15; docs/signatures.md): anti-rollback by
 * security version, the revocation list in force, and the measurement
 * register.  One instance of each, guarded by vmm_lock; the hypercalls
 * (hc/hc_process.c, hc/hc_policy.c) and the loader call in here.
 */
#ifndef SV_POLICY_POLICY_H
#define SV_POLICY_POLICY_H

#include <sv/types.h>
#include <proc/elf.h>
#include <policy/measure.h>

/* Measures the VMM image and trusted keys into a fresh register (boot). */
void policy_init(void);

/*
 * May this verified binary load?  0, or -SV_EREVOKED, -SV_ESVN_FLOOR,
 * -SV_ESVN_ROLLBACK (*min: the minimum it was held to), -SV_ETABLE_FULL
 * (no room for a new product), -SV_ENOMEM (measurement log full).  A
 * refusal prints the console line that names product, SVN and minimum.
 */
int policy_check_load(const uint8_t sha256[32], int key, const struct elf_manifest *m,
		      uint32_t *min);

/*
 * Commits a load, under the same vmm_lock hold as its policy_check_load
 * and process_create and before any of its code runs: checks again (the
 * same refusals and console lines), then adds the measurement event
 * (once per distinct binary, key, product and SVN since the last list)
 * and records the product's SVN.  1 when older instances of the product
 * are to be killed now (-Dsvn_kill_older; on every load of a product
 * other than "none", so that a kill cut short is made up by the next),
 * 0, or the negative code of the refusal (the caller destroys the
 * process it created, which never ran).
 */
int policy_commit_load(const uint8_t sha256[32], int key, const struct elf_manifest *m);

/* Whether the list in force revokes this binary digest or key (-1: none). */
bool policy_revoked(const uint8_t sha256[32], int key);

/*
 * Verifies list[0, len) with sig, parses it and, when it is newer than
 * the list in force, makes it the list in force and measures it (never
 * refused for want of log room: measure_add_always).  0, or the
 * signature's (-SV_ESIG_MISMATCH also for a trusted key that
 * -Drevocation_keys leaves out), the parser's, -SV_ERL_STALE, -SV_ERL_VERSION (a version
 * above the one in force by more than REVLIST_MAX_VERSION_STEP) or
 * -SV_EREVOKED (signed with a key the list in force or the list itself
 * revokes); nothing changes on failure.
 * *key_out: the key that verified it (-1 if none), *version: its version
 * (0 if unparsed), *sha256: its digest.
 */
int policy_revoke(const uint8_t *list, size_t len, const uint8_t *sig, size_t siglen,
		  int *key_out, uint64_t *version, uint8_t sha256[32]);

/* The list in force: its version and counts (0 before any). */
void policy_revlist_info(uint64_t *version, uint32_t *ndigests, uint32_t *nkeys);

/* The register and event log, read under vmm_lock. */
const struct measure_log *policy_measure_log(void);

#endif
