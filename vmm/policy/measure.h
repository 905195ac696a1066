/*
 * The measurement register and its event log (docs/signatures.md,
 * "Measurement log"): the arithmetic of a SHA-256 TPM PCR, kept by the
 * VMM.  register = SHA-256(register || digest) from 32 zero bytes; each
 * event's digest is SHA-256 of its data, so a replay that recomputes both
 * from the log proves the log is the one the register saw.  Event layout
 * and types: struct sv_measure_event in <sealvisor/hypercall.h>.
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
	struct sv_measure_event ev[MEASURE_LOG_MAX];
};

/* The register at 32 zero bytes and no events. */
void measure_init(struct measure_log *m);

/* reg = SHA-256(reg || digest). */
void measure_extend_reg(uint8_t reg[32], const uint8_t digest[32]);

/*
 * Appends an event of this type over data[0, len) and extends the
 * register.  0, -SV_E2BIG (len above SV_MEASURE_DATA_MAX) or -SV_ENOMEM
 * when only `reserve` free entries are left (loads keep some room for
 * revocation lists, which must never be refused for want of it).
 */
int measure_add(struct measure_log *m, uint32_t type, const void *data, uint32_t len,
		uint32_t reserve);

/* Whether an event of this type with exactly this data is in the log. */
bool measure_has(const struct measure_log *m, uint32_t type, const void *data, uint32_t len);

/*
 * Replays ev[0, n) from zero into reg.  0, or -SV_EINVAL with *bad the
 * index of the first event whose digest is not SHA-256 of its data (or
 * whose data_len is above SV_MEASURE_DATA_MAX).
 */
int measure_replay(const struct sv_measure_event *ev, uint32_t n, uint8_t reg[32], uint32_t *bad);

#endif
