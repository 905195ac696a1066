/* The console's transmit ring; see include/sv/txring.h. */
#include <sv/format.h>
#include <sv/txring.h>

#include "fsstring.h"

/*
 * After bytes were dropped, the first byte that finds room again is
 * preceded by a line that says how many are missing there; the line goes
 * in only whole, so it is never cut itself.
 */
static bool queue_notice(struct txring *r)
{
	char line[96];
	int len = sv_snprintf(line, sizeof(line),
			      "\r\n[sealvisor] console: %lu bytes dropped here (the log ring has them)\r\n",
			      (unsigned long)(r->dropped - r->reported));

	if (len <= 0 || (size_t)len >= sizeof(line) ||
	    TXRING_SIZE - (r->head - r->tail) < (uint64_t)len + 1)
		return false;
	for (int i = 0; i < len; i++)
		r->buf[(r->head + (uint64_t)i) % TXRING_SIZE] = line[i];
	r->head += (uint64_t)len;
	r->reported = r->dropped;
	return true;
}

bool txring_put(struct txring *r, char c)
{
	if ((r->dropped != r->reported && !queue_notice(r)) || r->head - r->tail >= TXRING_SIZE) {
		r->dropped++;
		return false;
	}
	r->buf[r->head % TXRING_SIZE] = c;
	r->head++;
	return true;
}

uint64_t txring_pending(const struct txring *r)
{
	return r->head - r->tail;
}

bool txring_get(struct txring *r, char *c)
{
	if (r->tail == r->head)
		return false;
	*c = r->buf[r->tail % TXRING_SIZE];
	r->tail++;
	return true;
}

uint64_t txring_drain(struct txring *r, const struct txring_port *port, uint64_t max)
{
	uint64_t sent = 0;

	char c;

	while (sent < max && r->tail != r->head && port->ready(port->ctx) && txring_get(r, &c)) {
		port->put(port->ctx, c);
		sent++;
	}
	return sent;
}
