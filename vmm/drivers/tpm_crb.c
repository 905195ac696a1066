/*
 * The TPM's command response buffer interface (CRB), PC Client PTP 1.05
 * section 6.5: the control area the ACPI TPM2 table names says where the
 * command and response buffers are; a command is copied into the one,
 * started with CRB_CTRL_START, and its response read from the other once
 * the TPM clears START.  When the control area sits at offset 0x40 of a
 * page (the PTP layout, QEMU's tpm-crb, Intel PTT) the locality registers
 * precede it; the CRB offers locality 0 only in QEMU.
 */
#include <arch/cpu.h>
#include <sv/bytes.h>
#include <sv/tpm.h>
#include <sv/vcpu.h>

#include "fsstring.h"

/* Locality registers, offsets in the page (PTP table 30). */
#define CRB_LOC_STATE 0x00
#define CRB_LOC_CTRL 0x08
#define CRB_LOC_STS 0x0c
#define LOC_STATE_ASSIGNED 0x02
#define LOC_STATE_VALID 0x80
#define LOC_CTRL_REQUEST 0x01
#define LOC_CTRL_RELINQUISH 0x02
#define LOC_STS_GRANTED 0x01

/* Control area, offsets from its start (PTP table 31). */
#define CTRL_REQ 0x00
#define CTRL_STS 0x04
#define CTRL_CANCEL 0x08
#define CTRL_START 0x0c
#define CTRL_CMD_SIZE 0x18
#define CTRL_CMD_LADDR 0x1c
#define CTRL_CMD_HADDR 0x20
#define CTRL_RSP_SIZE 0x24
#define CTRL_RSP_ADDR 0x28
#define REQ_CMD_READY 0x01
#define REQ_GO_IDLE 0x02
#define STS_ERROR 0x01
#define STS_IDLE 0x02

/* The buffers must hold the largest command and response the VMM exchanges. */
#define CRB_MIN_BUF 256

static uint32_t rdr(volatile uint8_t *base, unsigned int off)
{
	return *(volatile uint32_t *)(base + off);
}

static void wrr(volatile uint8_t *base, unsigned int off, uint32_t v)
{
	*(volatile uint32_t *)(base + off) = v;
}

/* Waits until (reg & mask) == want; false after ms milliseconds. */
static bool wait_reg(volatile uint8_t *base, unsigned int off, uint32_t mask, uint32_t want,
		     unsigned int ms)
{
	uint64_t end = tpm_deadline(ms);

	for (;;) {
		if ((rdr(base, off) & mask) == want)
			return true;
		if (tpm_past(end))
			return false;
		cpu_relax();
	}
}

/*
 * A buffer named by the control area: it must lie outside RAM and the
 * VMM (the same rule as the table's addresses) and, clipped to its page,
 * still hold CRB_MIN_BUF bytes; the VMM maps that one page.
 */
static volatile uint8_t *map_buf(struct tpm_dev *d, uint64_t pa, uint32_t *size,
				 const struct sv_range *forbid, unsigned int nforbid)
{
	uint64_t room = PAGE_SIZE - (pa & (PAGE_SIZE - 1));

	if (*size > room)
		*size = (uint32_t)room;
	if (*size < CRB_MIN_BUF || !tpm2_range_ok(pa, *size, forbid, nforbid))
		return NULL;
	volatile uint8_t *page = ALIGN_DOWN(pa, PAGE_SIZE) == d->acpi.base ? d->page[0]
									  : tpm_map_page(pa);
	return page ? page + (pa & (PAGE_SIZE - 1)) : NULL;
}

static int crb_probe(struct tpm_dev *d, const char **why)
{
	d->page[0] = tpm_map_page(d->acpi.base);
	if (!d->page[0]) {
		*why = "no mapping slot for the CRB page";
		return -SV_ENOMEM;
	}
	d->npages = 1;
	d->ctrl = d->page[0] + (d->acpi.control & (PAGE_SIZE - 1));
	d->crb_localities = (d->acpi.control & (PAGE_SIZE - 1)) == 0x40;
	if (d->crb_localities && !(rdr(d->page[0], CRB_LOC_STATE) & LOC_STATE_VALID)) {
		*why = "CRB locality state does not read as valid";
		return -SV_ENODEV;
	}
	uint64_t cmd = (uint64_t)rdr(d->ctrl, CTRL_CMD_HADDR) << 32 | rdr(d->ctrl, CTRL_CMD_LADDR);
	uint64_t rsp = (uint64_t)rdr(d->ctrl, CTRL_RSP_ADDR + 4) << 32 | rdr(d->ctrl, CTRL_RSP_ADDR);
	d->cmd_size = rdr(d->ctrl, CTRL_CMD_SIZE);
	d->rsp_size = rdr(d->ctrl, CTRL_RSP_SIZE);
	d->cmd_buf = map_buf(d, cmd, &d->cmd_size, d->forbid, d->nforbid);
	d->rsp_buf = map_buf(d, rsp, &d->rsp_size, d->forbid, d->nforbid);
	if (!d->cmd_buf || !d->rsp_buf) {
		*why = "CRB buffers too small, in RAM or the VMM, or not mappable";
		return -SV_EINVAL;
	}
	return 0;
}

static int crb_request(struct tpm_dev *d, unsigned int loc, const char **why)
{
	/* One register page: the VMM drives locality 0 only through the CRB. */
	if (loc != 0) {
		*why = "the CRB driver uses locality 0 only";
		return -SV_EINVAL;
	}
	d->locality = 0;
	if (!d->crb_localities)
		return 0;
	wrr(d->page[0], CRB_LOC_CTRL, LOC_CTRL_REQUEST);
	if (!wait_reg(d->page[0], CRB_LOC_STS, LOC_STS_GRANTED, LOC_STS_GRANTED, TPM_TIMEOUT_A)) {
		wrr(d->page[0], CRB_LOC_CTRL, LOC_CTRL_RELINQUISH);
		*why = "locality 0 was not granted within TIMEOUT_A";
		return -SV_EBUSY;
	}
	return 0;
}

static void crb_release(struct tpm_dev *d, unsigned int loc)
{
	(void)loc;
	if (d->crb_localities)
		wrr(d->page[0], CRB_LOC_CTRL, LOC_CTRL_RELINQUISH);
}

static int crb_transmit(struct tpm_dev *d, const uint8_t *cmd, size_t len, uint8_t *rsp, size_t cap,
			const char **why)
{
	int r = -SV_EBUSY;

	if (len < TPM_HDR_LEN || len > d->cmd_size || cap < TPM_HDR_LEN) {
		*why = "command larger than the CRB command buffer";
		return -SV_E2BIG;
	}
	/* Idle -> Ready (PTP 6.5.3.2): cmdReady, cleared by the TPM when done. */
	wrr(d->ctrl, CTRL_REQ, REQ_CMD_READY);
	if (!wait_reg(d->ctrl, CTRL_REQ, REQ_CMD_READY, 0, TPM_TIMEOUT_C) ||
	    !wait_reg(d->ctrl, CTRL_STS, STS_IDLE, 0, TPM_TIMEOUT_C)) {
		*why = "CRB not ready within TIMEOUT_C";
		goto out;
	}
	if (rdr(d->ctrl, CTRL_STS) & STS_ERROR) {
		*why = "CRB reports a fatal error (tpmSts)";
		r = -SV_ENODEV;
		goto out;
	}
	for (size_t i = 0; i < len; i++)
		d->cmd_buf[i] = cmd[i];
	wrr(d->ctrl, CTRL_START, 1);
	if (!wait_reg(d->ctrl, CTRL_START, 1, 0, TPM_DURATION)) {
		/* Cancel, so the guest does not find a command under way. */
		wrr(d->ctrl, CTRL_CANCEL, 1);
		wait_reg(d->ctrl, CTRL_START, 1, 0, TPM_TIMEOUT_B);
		wrr(d->ctrl, CTRL_CANCEL, 0);
		*why = "no response within the command duration";
		goto out;
	}
	for (size_t i = 0; i < TPM_HDR_LEN; i++)
		rsp[i] = d->rsp_buf[i];
	uint32_t size = (uint32_t)rsp[2] << 24 | (uint32_t)rsp[3] << 16 | (uint32_t)rsp[4] << 8 | rsp[5];
	if (size < TPM_HDR_LEN || size > cap || size > d->rsp_size) {
		*why = "response size field out of bounds";
		r = -SV_E2BIG;
		goto out;
	}
	for (size_t i = TPM_HDR_LEN; i < size; i++)
		rsp[i] = d->rsp_buf[i];
	r = (int)size;
out:
	wrr(d->ctrl, CTRL_REQ, REQ_GO_IDLE);
	return r;
}

const struct tpm_transport tpm_crb = {
	.name = "CRB",
	.probe = crb_probe,
	.request_locality = crb_request,
	.release_locality = crb_release,
	.transmit = crb_transmit,
};
