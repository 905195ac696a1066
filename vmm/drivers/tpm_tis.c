/*
 * The TPM's FIFO (TIS) interface, PC Client PTP 1.05 section 6.4: one
 * 4 KiB register page per locality at 0xfed40000 + 0x1000 * n.  A
 * command is written byte-wise to DATA_FIFO in bursts the TPM announces
 * in STS.burstCount, started with STS.tpmGo, and read back the same way
 * while STS.dataAvail is set.  Every wait is bounded by the PTP's
 * timeouts (sv/tpm.h): a TPM that stops answering is an error, never a
 * hang.
 */
#include <arch/cpu.h>
#include <sv/tpm.h>

#include "fsstring.h"

/* Register offsets within a locality page (PTP table 19). */
#define TIS_ACCESS 0x00
#define TIS_INTF_CAPS 0x14
#define TIS_STS 0x18
#define TIS_DATA_FIFO 0x24
#define TIS_DID_VID 0xf00

/* TPM_ACCESS bits. */
#define ACCESS_REQUEST_USE 0x02
#define ACCESS_SEIZE 0x08
#define ACCESS_ACTIVE 0x20
#define ACCESS_VALID 0x80
#define ACCESS_RESERVED 0x40 /* reads 0 on a real register */

/* TPM_STS bits. */
#define STS_EXPECT 0x08
#define STS_DATA_AVAIL 0x10
#define STS_GO 0x20
#define STS_COMMAND_READY 0x40
#define STS_VALID 0x80

static uint8_t rd8(struct tpm_dev *d, unsigned int loc, unsigned int off)
{
	return *(volatile uint8_t *)(d->page[loc] + off);
}

static uint32_t rd32(struct tpm_dev *d, unsigned int loc, unsigned int off)
{
	return *(volatile uint32_t *)(d->page[loc] + off);
}

static void wr8(struct tpm_dev *d, unsigned int loc, unsigned int off, uint8_t v)
{
	*(volatile uint8_t *)(d->page[loc] + off) = v;
}

/* Waits until (reg & mask) == want; false after ms milliseconds. */
static bool wait_sts(struct tpm_dev *d, unsigned int loc, uint8_t mask, uint8_t want,
		     unsigned int ms)
{
	uint64_t end = tpm_deadline(ms);

	for (;;) {
		if ((rd8(d, loc, TIS_STS) & mask) == want)
			return true;
		if (tpm_past(end))
			return false;
		cpu_relax();
	}
}

static bool access_ok(uint8_t a)
{
	/* Nothing decoded there reads all ones; the reserved bit is 0 on a TPM. */
	return (a & ACCESS_VALID) && !(a & ACCESS_RESERVED);
}

static int tis_probe(struct tpm_dev *d, const char **why)
{
	d->npages = 0;
	for (unsigned int i = 0; i < TPM_LOCALITY_PAGES; i++) {
		d->page[i] = tpm_map_page(d->acpi.base + (uint64_t)i * PAGE_SIZE);
		if (!d->page[i]) {
			*why = "no mapping slot for the TIS pages";
			return -SV_ENOMEM;
		}
		d->npages++;
	}
	if (!access_ok(rd8(d, 0, TIS_ACCESS))) {
		*why = "TPM_ACCESS of locality 0 does not read as a TPM";
		return -SV_ENODEV;
	}
	d->did_vid = rd32(d, 0, TIS_DID_VID);
	/*
	 * The firmware may have left a locality active (SeaBIOS and OVMF
	 * normally release it): nobody else runs yet, so the VMM relinquishes
	 * it, or its own request would only pend.
	 */
	for (unsigned int i = 0; i < TPM_LOCALITY_PAGES; i++) {
		uint8_t a = rd8(d, i, TIS_ACCESS);
		if (access_ok(a) && (a & ACCESS_ACTIVE))
			wr8(d, i, TIS_ACCESS, ACCESS_ACTIVE);
	}
	return 0;
}

/* Waits ms (0: one look) for loc's activeLocality. */
static bool wait_active(struct tpm_dev *d, unsigned int loc, unsigned int ms)
{
	uint64_t end = tpm_deadline(ms);

	for (;;) {
		uint8_t a = rd8(d, loc, TIS_ACCESS);
		if (access_ok(a) && (a & ACCESS_ACTIVE))
			return true;
		if (tpm_past(end))
			return false;
		cpu_relax();
	}
}

/* The active locality below loc, or -1. */
static int active_below(struct tpm_dev *d, unsigned int loc)
{
	for (unsigned int i = 0; i < loc && i < d->npages; i++) {
		uint8_t a = rd8(d, i, TIS_ACCESS);
		if (access_ok(a) && (a & ACCESS_ACTIVE))
			return (int)i;
	}
	return -1;
}

/*
 * Whether loc's command may be under way: TPM_STS valid and neither
 * commandReady (Ready) nor dataAvail (Completion).  Idle reads the same
 * as Execution (PTP 5.5.2), so a holder that sits idle is waited for
 * the whole command duration before it is seized: bounded, and only a
 * driver that keeps the locality between commands pays for it.  An
 * inactive locality's TPM_STS reads all ones: it let go.
 */
static bool executing(struct tpm_dev *d, unsigned int loc)
{
	uint8_t sts = rd8(d, loc, TIS_STS);

	return sts != 0xff && (sts & STS_VALID) && !(sts & (STS_COMMAND_READY | STS_DATA_AVAIL));
}

static int tis_request(struct tpm_dev *d, unsigned int loc, const char **why)
{
	if (loc >= d->npages) {
		*why = "no such locality";
		return -SV_EINVAL;
	}
	if (!access_ok(rd8(d, loc, TIS_ACCESS))) {
		*why = "TPM_ACCESS of that locality does not answer";
		return -SV_ENODEV;
	}
	wr8(d, loc, TIS_ACCESS, ACCESS_REQUEST_USE);
	if (wait_active(d, loc, TPM_TIMEOUT_A)) {
		d->locality = loc;
		return 0;
	}
	/*
	 * A lower locality (the guest's 0) still holds the TPM: a driver
	 * that finished relinquishes it and the pending request is granted
	 * (PTP 5.5.1); one that did not is waited for while its command
	 * runs, bounded by the command duration, and then seized (only a
	 * higher locality may seize).  The guest's next command finds its
	 * locality gone (beenSeized) and requests it again.
	 */
	int held = loc > 0 ? active_below(d, loc) : -1;
	if (held >= 0) {
		uint64_t end = tpm_deadline(TPM_DURATION);
		bool busy;
		while ((busy = executing(d, (unsigned int)held)) && !wait_active(d, loc, 0) &&
		       !tpm_past(end))
			cpu_relax();
		if (!wait_active(d, loc, 0)) {
			wr8(d, loc, TIS_ACCESS, ACCESS_SEIZE);
			d->seized = (unsigned int)held + 1;
			d->seized_busy = busy;
		}
		if (wait_active(d, loc, TPM_TIMEOUT_A)) {
			d->locality = loc;
			return 0;
		}
	}
	/* Withdraw the pending request: the guest must not inherit it. */
	wr8(d, loc, TIS_ACCESS, ACCESS_ACTIVE);
	*why = "the locality was not granted within TIMEOUT_A";
	return -SV_EBUSY;
}

static void tis_release(struct tpm_dev *d, unsigned int loc)
{
	if (loc < d->npages)
		wr8(d, loc, TIS_ACCESS, ACCESS_ACTIVE);
}

static uint16_t burst_count(struct tpm_dev *d, unsigned int loc)
{
	return (uint16_t)(rd32(d, loc, TIS_STS) >> 8);
}

/* Waits TIMEOUT_D for a nonzero burstCount; 0 when it never came. */
static uint16_t wait_burst(struct tpm_dev *d, unsigned int loc)
{
	uint64_t end = tpm_deadline(TPM_TIMEOUT_D);

	for (;;) {
		uint16_t b = burst_count(d, loc);
		if (b)
			return b;
		if (tpm_past(end))
			return 0;
		cpu_relax();
	}
}

/* Reads n response bytes from the FIFO; false when the TPM stops offering them. */
static bool read_fifo(struct tpm_dev *d, unsigned int loc, uint8_t *out, size_t n)
{
	size_t got = 0;

	while (got < n) {
		if (!wait_sts(d, loc, STS_VALID | STS_DATA_AVAIL, STS_VALID | STS_DATA_AVAIL,
			      TPM_TIMEOUT_C))
			return false;
		uint16_t b = wait_burst(d, loc);
		if (!b)
			return false;
		for (; b && got < n; b--)
			out[got++] = rd8(d, loc, TIS_DATA_FIFO);
	}
	return true;
}

static int tis_transmit(struct tpm_dev *d, const uint8_t *cmd, size_t len, uint8_t *rsp, size_t cap,
			const char **why)
{
	unsigned int loc = d->locality;
	int r = -SV_EBUSY;

	if (len < TPM_HDR_LEN || cap < TPM_HDR_LEN) {
		*why = "command or buffer shorter than a header";
		return -SV_EINVAL;
	}
	/* Idle -> Ready (PTP 5.5.2): commandReady, then wait for it to read back. */
	wr8(d, loc, TIS_STS, STS_COMMAND_READY);
	if (!wait_sts(d, loc, STS_COMMAND_READY, STS_COMMAND_READY, TPM_TIMEOUT_B)) {
		*why = "TPM not ready for a command within TIMEOUT_B";
		goto out;
	}
	/* All bytes but the last, in bursts; Expect must stay set until the end. */
	size_t sent = 0;
	while (sent < len - 1) {
		uint16_t b = wait_burst(d, loc);
		if (!b) {
			*why = "burstCount stayed 0 for TIMEOUT_D";
			goto out;
		}
		for (; b && sent < len - 1; b--)
			wr8(d, loc, TIS_DATA_FIFO, cmd[sent++]);
		if (!wait_sts(d, loc, STS_VALID | STS_EXPECT, STS_VALID | STS_EXPECT, TPM_TIMEOUT_C)) {
			*why = "TPM stopped expecting command bytes";
			goto out;
		}
	}
	wr8(d, loc, TIS_DATA_FIFO, cmd[len - 1]);
	if (!wait_sts(d, loc, STS_VALID | STS_EXPECT, STS_VALID, TPM_TIMEOUT_C)) {
		*why = "TPM expects more bytes than the command has";
		goto out;
	}
	wr8(d, loc, TIS_STS, STS_GO);
	if (!wait_sts(d, loc, STS_VALID | STS_DATA_AVAIL, STS_VALID | STS_DATA_AVAIL, TPM_DURATION)) {
		*why = "no response within the command duration";
		goto out;
	}
	/* The header first: its size field says how much follows. */
	if (!read_fifo(d, loc, rsp, TPM_HDR_LEN)) {
		*why = "response header cut short";
		goto out;
	}
	uint32_t size = (uint32_t)rsp[2] << 24 | (uint32_t)rsp[3] << 16 | (uint32_t)rsp[4] << 8 | rsp[5];
	if (size < TPM_HDR_LEN || size > cap) {
		*why = "response size field out of bounds";
		r = -SV_E2BIG;
		goto out;
	}
	if (!read_fifo(d, loc, rsp + TPM_HDR_LEN, size - TPM_HDR_LEN)) {
		*why = "response shorter than its size field";
		goto out;
	}
	/* A TPM with still more to say sent more than its size field. */
	if (!wait_sts(d, loc, STS_VALID, STS_VALID, TPM_TIMEOUT_C) ||
	    (rd8(d, loc, TIS_STS) & STS_DATA_AVAIL)) {
		*why = "response longer than its size field";
		goto out;
	}
	r = (int)size;
out:
	/* Ready -> Idle, or an abort of whatever was under way (PTP 5.5.2.1). */
	wr8(d, loc, TIS_STS, STS_COMMAND_READY);
	return r;
}

const struct tpm_transport tpm_tis = {
	.name = "TIS",
	.probe = tis_probe,
	.request_locality = tis_request,
	.release_locality = tis_release,
	.transmit = tis_transmit,
};
