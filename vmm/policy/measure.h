/*
 * The measurement register and its event log (docs/signatures.md,
 * "Measurement log"): the arithmetic of a SHA-256 TPM PCR, kept by the
 * VMM.  register = SHA-256(register || digest) from 32 zero bytes; each
 * event's digest is SHA-256(le32 type || data), so the type is measured
 * too, and a replay that recomputes both from the log proves the log is
 * the one the register saw.  Event layout and types: struct
 * sv_measure_event in <sealvisor/hypercall.h>.
 *
 * The log's shape is fixed: event 0 is the VMM image, event 1 the trusted
 * keys, event 2 the VMM command line, then loads and revocation lists,
 * each type with its one data length.  The last slot is kept for an overflow marker: once the log is
 * full, events that must not be refused (revocation lists) still extend
 * the register, unlogged, after the marker.
 *
 * Portable (SHA-256 from bearssl-glue): the VMM keeps one log under
 * vmm_lock; vmmsign/svreplay and the unit tests replay saved ones.
 */
#ifndef SV_POLICY_MEASURE_H
#define SV_POLICY_MEASURE_H

#include <sv/types.h>
#include <sealvisor/errors.h>
#include <sealvisor/hypercall.h>

#define MEASURE_LOG_MAX 512u

struct measure_log {
	uint8_t reg[32];
	uint32_t count;
	uint32_t unlogged; /* events extended after the overflow marker */
	struct sv_measure_event ev[MEASURE_LOG_MAX];
};

/* The register at 32 zero bytes and no events. */
void measure_init(struct measure_log *m);

/* reg = SHA-256(reg || digest). */
void measure_extend_reg(uint8_t reg[32], const uint8_t digest[32]);

/* digest = SHA-256(le32 type || data[0, len)). */
void measure_event_digest(uint32_t type, const void *data, uint32_t len, uint8_t digest[32]);

/*
 * Whether event i of a log of n events has a type that may stand there
 * and that type's data length: NULL, or why not.
 */
const char *measure_event_invalid(const struct sv_measure_event *e, uint32_t i, uint32_t n);

/*
 * Appends an event of this type over data[0, len) and extends the
 * register.  0, -SV_EINVAL (a type or length measure_event_invalid
 * refuses, or this type out of its place), or -SV_ENOMEM when only
 * `reserve` free entries besides the overflow marker's slot are left
 * (loads keep room for revocation lists).  Nothing changes on failure.
 */
int measure_add(struct measure_log *m, uint32_t type, const void *data, uint32_t len,
		uint32_t reserve);

/*
 * Like measure_add with no reserve, but never refused for want of room:
 * when the log is full, the overflow marker takes the last slot (once)
 * and this event extends the register unlogged.  0, or -SV_EINVAL.
 */
int measure_add_always(struct measure_log *m, uint32_t type, const void *data, uint32_t len);

/*
 * Whether an event of this type with exactly this data is in the log
 * after its last revocation-list event (loads are measured once per list
 * in force, so that two histories never give the same log).
 */
bool measure_has(const struct measure_log *m, uint32_t type, const void *data, uint32_t len);

/*
 * Replays ev[0, n) from zero into reg.  0, -SV_EINVAL with *bad the index
 * of the first event measure_event_invalid refuses or whose digest is not
 * SHA-256(le32 type || data) (*why says which), or -SV_ERANGE when the
 * last event is the overflow marker (reg then holds the register up to
 * it: the live one extended unlogged events after).
 */
int measure_replay(const struct sv_measure_event *ev, uint32_t n, uint8_t reg[32], uint32_t *bad,
		   const char **why);

#endif
