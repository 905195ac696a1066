/*
 * The console's transmit ring (lib/txring.c): what the VMM prints waits
 * here until the UART has room, so that printing never waits for a slow
 * serial line while the guest is held (one 4 KiB process write takes
 * about 355 ms at 115200 baud).  Portable: the UART is two callbacks.
 *
 * When the ring is full, bytes are dropped and counted (the log ring,
 * which is written at once, keeps them all); the first byte queued after
 * that is preceded by a line saying how many went missing there.
 */
#ifndef SV_TXRING_H
#define SV_TXRING_H

#include <sv/types.h>

#define TXRING_SIZE (16 * 1024)

struct txring {
	char buf[TXRING_SIZE];
	uint64_t head;      /* bytes ever put */
	uint64_t tail;      /* bytes ever sent */
	uint64_t dropped;   /* bytes ever dropped because the ring was full */
	uint64_t reported;  /* of those, already reported on the line */
};

/* The UART: ready() says whether it takes a byte now, put() sends one. */
struct txring_port {
	bool (*ready)(void *ctx);
	void (*put)(void *ctx, char c);
	void *ctx;
};

/* Queues c; false (and counted as dropped) when the ring is full. */
bool txring_put(struct txring *r, char c);
/* Bytes waiting. */
uint64_t txring_pending(const struct txring *r);
/* Takes the oldest waiting byte; false when none waits. */
bool txring_get(struct txring *r, char *c);
/* Sends waiting bytes while the port is ready, at most max, never waiting; returns bytes sent. */
uint64_t txring_drain(struct txring *r, const struct txring_port *port, uint64_t max);

#endif
