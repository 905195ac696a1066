/*
 * The measurement register and log: documented in measure.h.
 */
#include "measure.h"

#include <fsstring.h>
#include <sv_verify.h>

void measure_init(struct measure_log *m)
{
	memset(m, 0, sizeof(*m));
}

void measure_extend_reg(uint8_t reg[32], const uint8_t digest[32])
{
	uint8_t both[64];

	memcpy(both, reg, 32);
	memcpy(both + 32, digest, 32);
	sv_sha256(both, sizeof(both), reg);
}

int measure_add(struct measure_log *m, uint32_t type, const void *data, uint32_t len,
		uint32_t reserve)
{
	struct sv_measure_event *e;

	if (len > SV_MEASURE_DATA_MAX)
		return -SV_E2BIG;
	if (reserve > MEASURE_LOG_MAX || m->count >= MEASURE_LOG_MAX - reserve)
		return -SV_ENOMEM;
	e = &m->ev[m->count];
	memset(e, 0, sizeof(*e));
	e->type = type;
	e->data_len = len;
	memcpy(e->data, data, len);
	sv_sha256(e->data, len, e->digest);
	measure_extend_reg(m->reg, e->digest);
	m->count++;
	return 0;
}

bool measure_has(const struct measure_log *m, uint32_t type, const void *data, uint32_t len)
{
	for (uint32_t i = 0; i < m->count; i++) {
		const struct sv_measure_event *e = &m->ev[i];

		if (e->type == type && e->data_len == len && !memcmp(e->data, data, len))
			return true;
	}
	return false;
}

int measure_replay(const struct sv_measure_event *ev, uint32_t n, uint8_t reg[32], uint32_t *bad)
{
	memset(reg, 0, 32);
	for (uint32_t i = 0; i < n; i++) {
		uint8_t d[32];

		if (ev[i].data_len > SV_MEASURE_DATA_MAX) {
			*bad = i;
			return -SV_EINVAL;
		}
		sv_sha256(ev[i].data, ev[i].data_len, d);
		if (memcmp(d, ev[i].digest, 32)) {
			*bad = i;
			return -SV_EINVAL;
		}
		measure_extend_reg(reg, ev[i].digest);
	}
	return 0;
}
