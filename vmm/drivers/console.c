/*
 * Polled serial console and log ring.  The guest owns the UART (devices are
 * passed through), so the VMM never enables UART interrupts and only ever
 * writes the transmit register when the line status says it is empty; it
 * reprograms the line settings once, at boot, before the guest runs.
 *
 * Once the guest runs, printing waits for the UART for a bounded number of
 * bytes only: text goes to the log ring at once and to the transmit ring
 * (sv/txring.h); a write sends up to TX_SYNC_QUOTA bytes through the
 * bounded wait, then what the UART takes without waiting, and every VM
 * exit drains more without waiting.  Before the guest runs and on the way
 * to a halt, the console waits for the UART for everything (bounded per
 * byte, see uart_stuck).
 */
#include <arch/cpu.h>
#include <sv/console.h>
#include <sv/lock.h>
#include <sv/format.h>
#include <sv/txring.h>

#include <sv_config.h>

#include "fsstring.h"

#define UART_THR 0
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_DLL 0
#define UART_DLM 1
#define LSR_THRE 0x20
#define LCR_DLAB 0x80

static uint16_t uart_port;
static bool at_line_start = true;
static char log_ring[LOG_RING_SIZE];
static uint64_t log_written;

uint16_t console_parse_port(const char *s, size_t len)
{
	static const uint16_t com[] = { 0x3f8, 0x2f8, 0x3e8, 0x2e8 };
	uint64_t v = 0;
	size_t i = 0;
	unsigned int base = 10;

	if (len == 4 && !strncmp(s, "com", 3) && s[3] >= '1' && s[3] <= '4')
		return com[s[3] - '1'];
	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i == len)
		return 0;
	for (; i < len; i++) {
		char c = s[i];
		unsigned int d;
		if (c >= '0' && c <= '9')
			d = (unsigned int)(c - '0');
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = (unsigned int)(c - 'a' + 10);
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = (unsigned int)(c - 'A' + 10);
		else
			return 0;
		v = v * base + d;
		if (v > 0xfff8)
			return 0; /* 8 registers must fit below 64 Ki */
	}
	return (uint16_t)v;
}

void console_init(uint16_t port)
{
	uart_port = port;
	outb(port + UART_IER, 0x00);
	outb(port + UART_LCR, LCR_DLAB);
	outb(port + UART_DLL, 1); /* 115200 baud */
	outb(port + UART_DLM, 0);
	outb(port + UART_LCR, 0x03); /* 8N1 */
	outb(port + UART_FCR, 0xc7); /* FIFOs on and cleared */
	outb(port + UART_MCR, 0x03); /* DTR, RTS; OUT2 stays off: no IRQs */
}

uint16_t console_port(void)
{
	return uart_port;
}

/*
 * The UART is the guest's too: it may set any baud rate or none.  The
 * wait for room is bounded, and once a wait ran out the console stops
 * waiting altogether (characters are dropped while the UART is full; the
 * log ring keeps them) until the UART has room again, so a slowed or
 * stuck UART cannot hold the VMM, and every CPU behind the console lock.
 */
static bool uart_stuck;

static void uart_putc(char c)
{
	if (!uart_port)
		return;
	bool ready = inb(uart_port + UART_LSR) & LSR_THRE;
	for (int i = 0; !ready && !uart_stuck && i < 100000; i++) {
		cpu_relax();
		ready = inb(uart_port + UART_LSR) & LSR_THRE;
	}
	uart_stuck = !ready;
	if (ready)
		outb(uart_port + UART_THR, (uint8_t)c);
}

static void log_putc(char c)
{
	log_ring[log_written % LOG_RING_SIZE] = c;
	log_written++;
}

static struct txring tx;
static bool tx_async; /* the guest runs: never wait for the UART */

static bool uart_ready(void *ctx)
{
	(void)ctx;
	return !uart_port || (inb(uart_port + UART_LSR) & LSR_THRE);
}

static void uart_put(void *ctx, char c)
{
	(void)ctx;
	if (uart_port)
		outb(uart_port + UART_THR, (uint8_t)c);
}

static const struct txring_port uart = { uart_ready, uart_put, NULL };

/*
 * Once the guest runs, a write waits for the UART for at most this many
 * bytes (about 22 ms at 115200 baud, well inside a process's budget), so
 * that the VMM's lines stay whole on the serial line it shares with the
 * guest; anything beyond waits in the ring for later drains.
 */
#define TX_SYNC_QUOTA 256

/*
 * Sends what the transmit ring holds: everything, through the bounded wait
 * (before the guest runs, before a halt); or TX_SYNC_QUOTA bytes that way
 * and then only what the UART takes without waiting.
 */
static void pump(bool all)
{
	char c;

	for (unsigned int n = 0; (all || n < TX_SYNC_QUOTA) && txring_get(&tx, &c); n++)
		uart_putc(c);
	txring_drain(&tx, &uart, TXRING_SIZE);
}

static void emit(char c)
{
	if (c == '\n')
		txring_put(&tx, '\r');
	txring_put(&tx, c);
	log_putc(c);
}

/* One CPU's write at a time, so lines from different CPUs do not mix. */
static struct rlock console_lock = RLOCK_INIT;

/*
 * Whose line is open: the tag of the writer whose text the console line
 * holds now ("" for the VMM itself).  Another writer first ends that
 * line, so every line starts with its own writer's prefix, and a
 * process that prints without a newline never takes the VMM's next
 * message under its tag.
 */
static char line_owner[48];

void console_write_tagged(const char *tag, const char *s, size_t n)
{
	const char *me = tag ? tag : "";

	rlock_take(&console_lock);
	if (!at_line_start && n && strncmp(line_owner, me, sizeof(line_owner) - 1)) {
		emit('\n');
		at_line_start = true;
	}
	if (at_line_start) {
		size_t k = strlen(me);
		if (k > sizeof(line_owner) - 1)
			k = sizeof(line_owner) - 1;
		memcpy(line_owner, me, k);
		line_owner[k] = 0;
	}
	for (size_t i = 0; i < n; i++) {
		if (at_line_start) {
			for (const char *p = CONSOLE_PREFIX; *p; p++)
				emit(*p);
			for (const char *p = tag; p && *p; p++)
				emit(*p);
			at_line_start = false;
		}
		emit(s[i]);
		if (s[i] == '\n')
			at_line_start = true;
	}
	pump(!tx_async);
	rlock_drop(&console_lock);
}

void console_go_async(void)
{
	__atomic_store_n(&tx_async, true, __ATOMIC_RELEASE);
}

void console_pump(void)
{
	if (!txring_pending(&tx))
		return; /* the common case on a VM exit: no lock taken */
	/* Another CPU printing drains it too: VM exits never queue up here. */
	if (!rlock_try_take(&console_lock))
		return;
	txring_drain(&tx, &uart, TXRING_SIZE); /* a VM exit never waits for the UART */
	rlock_drop(&console_lock);
}

void console_flush(void)
{
	rlock_take(&console_lock);
	pump(true);
	rlock_drop(&console_lock);
}

uint64_t console_dropped(void)
{
	return tx.dropped;
}

void sv_vprintf(const char *fmt, va_list ap)
{
	char buf[512];
	int n = sv_vsnprintf(buf, sizeof(buf), fmt, ap);

	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	console_write_tagged(NULL, buf, (size_t)n);
}

void sv_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sv_vprintf(fmt, ap);
	va_end(ap);
}

size_t log_read(uint64_t from, char *buf, size_t len)
{
	size_t n = 0;

	rlock_take(&console_lock);
	uint64_t oldest = log_written > LOG_RING_SIZE ? log_written - LOG_RING_SIZE : 0;

	if (from < oldest)
		from = oldest;
	while (n < len && from < log_written) {
		buf[n++] = log_ring[from % LOG_RING_SIZE];
		from++;
	}
	rlock_drop(&console_lock);
	return n;
}

uint64_t log_total(void)
{
	return log_written;
}
