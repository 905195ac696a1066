/*
 * The measurement register and log: documented in measure.h.
 */
#include "measure.h"

#include <fsstring.h>
#include <sv_verify.h>

/* The one data length of each event type (0: not a type). */
static uint32_t type_len(uint32_t type)
{
	switch (type) {
	case SV_MEV_VMM_IMAGE:
		return 112;
	case SV_MEV_TRUSTED_KEYS:
		return 40;
	case SV_MEV_LOAD:
		return 104;
	case SV_MEV_REVLIST:
		return 80;
	case SV_MEV_CMDLINE:
		return 120;
	default:
		return 0;
	}
}

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

void measure_event_digest(uint32_t type, const void *data, uint32_t len, uint8_t digest[32])
{
	uint8_t buf[4 + SV_MEASURE_DATA_MAX];

	for (int i = 0; i < 4; i++)
		buf[i] = (uint8_t)(type >> (8 * i));
	if (len > SV_MEASURE_DATA_MAX)
		len = SV_MEASURE_DATA_MAX; /* callers refuse such events first */
	memcpy(buf + 4, data, len);
	sv_sha256(buf, 4 + len, digest);
}

const char *measure_event_invalid(const struct sv_measure_event *e, uint32_t i, uint32_t n)
{
	if (e->type == SV_MEV_OVERFLOW) {
		if (e->data_len)
			return "an overflow marker carries no data";
		return i + 1 == n && n == MEASURE_LOG_MAX ? NULL
							  : "an overflow marker that is not the log's last slot";
	}
	if (!type_len(e->type))
		return "unknown event type";
	if (e->data_len != type_len(e->type))
		return "wrong data length for its type";
	if (i == 0 && e->type != SV_MEV_VMM_IMAGE)
		return "the first event is not the VMM image";
	if (i == 1 && e->type != SV_MEV_TRUSTED_KEYS)
		return "the second event is not the trusted keys";
	if (i == 2 && e->type != SV_MEV_CMDLINE)
		return "the third event is not the command line";
	if (i >= 3 && (e->type == SV_MEV_VMM_IMAGE || e->type == SV_MEV_TRUSTED_KEYS ||
		       e->type == SV_MEV_CMDLINE))
		return "an image, key-set or command-line event after the first three";
	return NULL;
}

/* Appends without a room check; the caller checked type, place and room. */
static void append(struct measure_log *m, uint32_t type, const void *data, uint32_t len)
{
	struct sv_measure_event *e = &m->ev[m->count];

	memset(e, 0, sizeof(*e));
	e->type = type;
	e->data_len = len;
	memcpy(e->data, data, len);
	measure_event_digest(type, data, len, e->digest);
	measure_extend_reg(m->reg, e->digest);
	m->count++;
}

/* Type, length and place of a new event, as if it were the log's next. */
static bool acceptable(const struct measure_log *m, uint32_t type, uint32_t len)
{
	struct sv_measure_event e;

	if (len > SV_MEASURE_DATA_MAX || type == SV_MEV_OVERFLOW)
		return false;
	e.type = type;
	e.data_len = len;
	return !measure_event_invalid(&e, m->count < 3 ? m->count : 3, 4);
}

int measure_add(struct measure_log *m, uint32_t type, const void *data, uint32_t len,
		uint32_t reserve)
{
	if (!acceptable(m, type, len))
		return -SV_EINVAL;
	/* The last slot is the overflow marker's. */
	if (reserve >= MEASURE_LOG_MAX || m->count >= MEASURE_LOG_MAX - 1 - reserve)
		return -SV_ENOMEM;
	append(m, type, data, len);
	return 0;
}

int measure_add_always(struct measure_log *m, uint32_t type, const void *data, uint32_t len)
{
	uint8_t d[32];

	if (!acceptable(m, type, len))
		return -SV_EINVAL;
	if (m->count < MEASURE_LOG_MAX - 1) {
		append(m, type, data, len);
		return 0;
	}
	if (m->count == MEASURE_LOG_MAX - 1)
		append(m, SV_MEV_OVERFLOW, NULL, 0);
	measure_event_digest(type, data, len, d);
	measure_extend_reg(m->reg, d);
	m->unlogged++;
	return 0;
}

bool measure_has(const struct measure_log *m, uint32_t type, const void *data, uint32_t len)
{
	for (uint32_t i = m->count; i-- > 0;) {
		const struct sv_measure_event *e = &m->ev[i];

		if (e->type == SV_MEV_REVLIST)
			return false;
		if (e->type == type && e->data_len == len && !memcmp(e->data, data, len))
			return true;
	}
	return false;
}

int measure_replay(const struct sv_measure_event *ev, uint32_t n, uint8_t reg[32], uint32_t *bad,
		   const char **why)
{
	memset(reg, 0, 32);
	*why = NULL;
	if (n < 3) {
		*bad = n;
		*why = "a log starts with the VMM image, the trusted keys and the command line";
		return -SV_EINVAL;
	}
	for (uint32_t i = 0; i < n; i++) {
		uint8_t d[32];

		*why = measure_event_invalid(&ev[i], i, n);
		if (!*why) {
			measure_event_digest(ev[i].type, ev[i].data, ev[i].data_len, d);
			if (memcmp(d, ev[i].digest, 32))
				*why = "its digest is not SHA-256 of its type and data";
		}
		if (*why) {
			*bad = i;
			return -SV_EINVAL;
		}
		measure_extend_reg(reg, ev[i].digest);
	}
	if (ev[n - 1].type == SV_MEV_OVERFLOW) {
		*bad = n - 1;
		*why = "the log overflowed: later events extended the register without being logged";
		return -SV_ERANGE;
	}
	return 0;
}
