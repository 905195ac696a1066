/*
 * The hypervisor console: a polled 16550 UART plus an in-memory log ring
 * that the guest can read through a hypercall.  Every line the VMM prints
 * starts with "[sealvisor] " so a reader can tell it from the guest's own
 * output on the same serial port.
 */
#ifndef SV_CONSOLE_H
#define SV_CONSOLE_H

#include <sv/types.h>

#define CONSOLE_PREFIX "[sealvisor] "
#define LOG_RING_SIZE (64 * 1024)

/* Parses "com1".."com4" or a hex/decimal port; returns 0 if not valid. */
uint16_t console_parse_port(const char *s, size_t len);
void console_init(uint16_t port);
uint16_t console_port(void);

void sv_printf(const char *fmt, ...) __printf(1, 2);
void sv_vprintf(const char *fmt, va_list ap);
/* Writes text with the given line tag, e.g. "[sealvisor] [hello] ". */
void console_write_tagged(const char *tag, const char *s, size_t n);

/*
 * Once the guest runs (vmm_run_guest calls console_go_async), a write
 * waits for the UART for at most 256 bytes; what it does not take then
 * waits in the transmit ring (sv/txring.h) for console_pump, which every
 * VM exit calls and which never waits.  console_flush waits for the UART
 * for everything (bounded per byte): before a halt.
 */
void console_go_async(void);
void console_pump(void);
void console_flush(void);
/* Bytes the transmit ring had no room for (the log ring has them all). */
uint64_t console_dropped(void);

/* Copies log bytes [from, from+len) of the ring; returns bytes copied. */
size_t log_read(uint64_t from, char *buf, size_t len);
/* Total bytes ever written to the log (monotonic). */
uint64_t log_total(void);

#endif
