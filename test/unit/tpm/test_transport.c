/*
 * Host tests of the TPM transports (vmm/drivers/tpm_tis.c, tpm_crb.c)
 * over fake register pages: a TPM that never answers must end every wait
 * at its PTP timeout with its reason (never hang), and a CRB modelled by
 * a thread must carry a command and refuse a response whose size field
 * lies.  Time runs ten times faster here (tpm_deadline below), so each
 * timeout is checked in the driver's milliseconds without waiting them
 * (real time while the modelled CRB must answer).
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sv/tpm.h>
#include <sv/vcpu.h>

static int failures, checks;

#define CHECK(c)                                                              \
	do {                                                                  \
		checks++;                                                     \
		if (!(c)) {                                                   \
			printf("%s:%d: %s\n", __FILE__, __LINE__, #c);        \
			failures++;                                           \
		}                                                             \
	} while (0)
#define CHECK_WHY(w, want)                                                    \
	do {                                                                  \
		checks++;                                                     \
		if (!(w) || strcmp((w), (want))) {                            \
			printf("%s:%d: reason \"%s\", expected \"%s\"\n", __FILE__, \
			       __LINE__, (w) ? (w) : "(null)", (want));      \
			failures++;                                           \
		}                                                             \
	} while (0)

/* The driver's milliseconds, ten of them per real one. */
static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/*
 * Real microseconds per driver millisecond: 100 while a timeout is
 * awaited, 1000 (real time) while the model thread must answer in time
 * on a host that runs other tests beside this one.
 */
static volatile unsigned int us_per_ms = 100;

uint64_t tpm_deadline(unsigned int ms)
{
	return now_us() + (uint64_t)ms * us_per_ms;
}

bool tpm_past(uint64_t deadline)
{
	return now_us() > deadline;
}

/* Five fake locality pages at 0xfed40000; like paging_map_uc, the page's start. */
static uint8_t pages[TPM_LOCALITY_PAGES][4096] __attribute__((aligned(4096)));

volatile uint8_t *tpm_map_page(uint64_t pa)
{
	if (pa < TPM_TIS_BASE || pa >= TPM_TIS_BASE + sizeof(pages))
		return NULL;
	return pages[(pa - TPM_TIS_BASE) / 4096];
}

/*
 * How long a call took, in the driver's milliseconds.  The checks want
 * at least the timeout and less than twice it: the upper bound only says
 * "it ended", loose enough for a loaded host running tests in parallel.
 */
static unsigned int ms_since(uint64_t t0)
{
	return (unsigned int)((now_us() - t0) / us_per_ms);
}

static void setup(struct tpm_dev *d, enum tpm_iface iface, uint64_t control)
{
	memset(pages, 0, sizeof(pages));
	memset(d, 0, sizeof(*d));
	d->acpi.iface = iface;
	d->acpi.base = TPM_TIS_BASE;
	d->acpi.control = control;
}

static void test_tis_dead(void)
{
	struct tpm_dev d;
	const char *why = NULL;
	uint8_t cmd[12] = { 0x80, 1, 0, 0, 0, 12, 0, 0, 1, 0x7b, 0, 16 }, rsp[64];

	/* Nothing decoded at 0xfed40000 reads all ones. */
	setup(&d, TPM_IFACE_TIS, 0);
	memset(pages, 0xff, sizeof(pages));
	CHECK(tpm_tis.probe(&d, &why) == -SV_ENODEV);
	CHECK_WHY(why, "TPM_ACCESS of locality 0 does not read as a TPM");

	/* A TPM that never grants a locality: TIMEOUT_A, then the request withdrawn. */
	setup(&d, TPM_IFACE_TIS, 0);
	for (unsigned int i = 0; i < TPM_LOCALITY_PAGES; i++)
		pages[i][0] = 0x81;
	CHECK(tpm_tis.probe(&d, &why) == 0);
	uint64_t t0 = now_us();
	CHECK(tpm_tis.request_locality(&d, 2, &why) == -SV_EBUSY);
	unsigned int took = ms_since(t0);
	CHECK(took >= TPM_TIMEOUT_A && took < 2 * TPM_TIMEOUT_A);
	CHECK_WHY(why, "the locality was not granted within TIMEOUT_A");
	CHECK(pages[2][0] == 0x20);

	/*
	 * Granted, but a TPM whose registers are plain memory: commandReady
	 * reads back as written, burstCount stays 0: TIMEOUT_D.
	 */
	pages[0][0] = 0xa1;
	d.locality = 0; /* as if granted: a write of requestUse would overwrite the fake register */
	t0 = now_us();
	CHECK(tpm_tis.transmit(&d, cmd, sizeof(cmd), rsp, sizeof(rsp), &why) == -SV_EBUSY);
	took = ms_since(t0);
	CHECK(took >= TPM_TIMEOUT_D && took < 2 * TPM_TIMEOUT_D);
	CHECK_WHY(why, "burstCount stayed 0 for TIMEOUT_D");

	/* The interface is left with commandReady written: idle for the guest. */
	CHECK(pages[0][0x18] == 0x40);

	/* No such locality. */
	CHECK(tpm_tis.request_locality(&d, 5, &why) == -SV_EINVAL);
}

/*
 * The guest holds locality 0 while the VMM asks for locality 2: the VMM
 * waits TIMEOUT_A for the guest to let go, then for the guest's command
 * (TPM_STS neither commandReady nor dataAvail) at most the command
 * duration, then seizes; a TPM that grants nothing still ends, with the
 * request withdrawn.  Plain-memory registers: writes read back, so the
 * seize is seen as the last value written before the withdrawal.
 */
static void test_tis_seize(void)
{
	struct tpm_dev d;
	const char *why = NULL;

	/* Its command finished (commandReady): seized after TIMEOUT_A, no duration wait. */
	setup(&d, TPM_IFACE_TIS, 0);
	for (unsigned int i = 0; i < TPM_LOCALITY_PAGES; i++)
		pages[i][0] = 0x81;
	CHECK(tpm_tis.probe(&d, &why) == 0);
	pages[0][0] = 0xa1; /* valid, active: the guest's */
	pages[0][0x18] = 0xc0; /* stsValid, commandReady */
	pages[2][0] = 0x81;
	uint64_t t0 = now_us();
	CHECK(tpm_tis.request_locality(&d, 2, &why) == -SV_EBUSY);
	unsigned int took = ms_since(t0);
	CHECK(took >= 2 * TPM_TIMEOUT_A && took < 2 * TPM_TIMEOUT_A + TPM_DURATION);
	CHECK(d.seized == 1 && !d.seized_busy);
	CHECK_WHY(why, "the locality was not granted within TIMEOUT_A");
	CHECK(pages[2][0] == 0x20);

	/* Its command still runs (stsValid only): the command duration first, then the seize. */
	d.seized = 0;
	pages[0][0x18] = 0x80;
	pages[2][0] = 0x81;
	t0 = now_us();
	CHECK(tpm_tis.request_locality(&d, 2, &why) == -SV_EBUSY);
	took = ms_since(t0);
	CHECK(took >= 2 * TPM_TIMEOUT_A + TPM_DURATION && took < 2 * (2 * TPM_TIMEOUT_A + TPM_DURATION));
	CHECK(d.seized == 1 && d.seized_busy);

	/* Locality 0 itself is never seized from anyone: TIMEOUT_A and done. */
	d.seized = 0;
	pages[1][0] = 0xa1;
	pages[0][0] = 0x81;
	t0 = now_us();
	CHECK(tpm_tis.request_locality(&d, 0, &why) == -SV_EBUSY);
	took = ms_since(t0);
	CHECK(took >= TPM_TIMEOUT_A && took < 2 * TPM_TIMEOUT_A);
	CHECK(d.seized == 0);
}

/* ---- A CRB modelled by a thread ---- */

#define CTRL 0x40
static volatile int model_run, model_mode;
enum { MODEL_GOOD, MODEL_SIZE_LIES, MODEL_NEVER_DONE };

static volatile uint32_t *reg(unsigned int off)
{
	return (volatile uint32_t *)&pages[0][off];
}

static void *crb_model(void *arg)
{
	(void)arg;
	while (model_run) {
		if (*reg(0x08) & 1) { /* LOC_CTRL.requestAccess */
			*reg(0x08) = 0;
			*reg(0x0c) = 1;    /* LOC_STS.granted */
			*reg(0x00) = 0x82; /* valid, assigned */
		}
		if (*reg(0x08) & 2) { /* relinquish */
			*reg(0x08) = 0;
			*reg(0x0c) = 0;
		}
		if (*reg(CTRL + 0x00) & 1) { /* CTRL_REQ.cmdReady */
			*reg(CTRL + 0x04) = 0;
			*reg(CTRL + 0x00) = 0;
		}
		if (*reg(CTRL + 0x00) & 2) { /* goIdle */
			*reg(CTRL + 0x04) = 2;
			*reg(CTRL + 0x00) = 0;
		}
		if (*reg(CTRL + 0x0c) & 1 && model_mode != MODEL_NEVER_DONE) {
			/* GetRandom(16): 28 bytes back, or a size field over the buffer. */
			uint8_t r[28] = { 0x80, 1, 0, 0, 0, 28, 0, 0, 0, 0, 0, 16 };
			if (model_mode == MODEL_SIZE_LIES)
				r[4] = 0x10;
			memcpy(&pages[0][0x80], r, sizeof(r));
			*reg(CTRL + 0x0c) = 0;
		}
		if (*reg(CTRL + 0x08) & 1 && model_mode == MODEL_NEVER_DONE) {
			*reg(CTRL + 0x0c) = 0; /* the cancel is honoured */
		}
	}
	return NULL;
}

static void crb_layout(void)
{
	*reg(0x00) = 0x80;              /* LOC_STATE: valid */
	*reg(CTRL + 0x04) = 2;          /* idle */
	*reg(CTRL + 0x18) = 0xf80;      /* command buffer: 0xfed40080, 3968 bytes */
	*reg(CTRL + 0x1c) = 0xfed40080;
	*reg(CTRL + 0x20) = 0;
	*reg(CTRL + 0x24) = 0xf80;      /* response buffer: the same */
	*reg(CTRL + 0x28) = 0xfed40080;
	*reg(CTRL + 0x2c) = 0;
}

static void test_crb(void)
{
	static const struct sv_range ram[] = { { 0, 0x80000000ULL } };
	struct tpm_dev d;
	const char *why = NULL;
	uint8_t cmd[12] = { 0x80, 1, 0, 0, 0, 12, 0, 0, 1, 0x7b, 0, 16 }, rsp[64];
	pthread_t th;

	/* Buffers the control area puts in RAM are refused. */
	setup(&d, TPM_IFACE_CRB, TPM_TIS_BASE + CTRL);
	crb_layout();
	*reg(CTRL + 0x1c) = 0x100000;
	d.forbid = ram;
	d.nforbid = 1;
	CHECK(tpm_crb.probe(&d, &why) == -SV_EINVAL);
	CHECK_WHY(why, "CRB buffers too small, in RAM or the VMM, or not mappable");
	/* Too small a buffer, too. */
	crb_layout();
	*reg(CTRL + 0x18) = 64;
	CHECK(tpm_crb.probe(&d, &why) == -SV_EINVAL);

	/* No locality grant: TIMEOUT_A. */
	crb_layout();
	CHECK(tpm_crb.probe(&d, &why) == 0);
	uint64_t t0 = now_us();
	CHECK(tpm_crb.request_locality(&d, 0, &why) == -SV_EBUSY);
	unsigned int took = ms_since(t0);
	CHECK(took >= TPM_TIMEOUT_A && took < 2 * TPM_TIMEOUT_A);
	CHECK_WHY(why, "locality 0 was not granted within TIMEOUT_A");
	CHECK(tpm_crb.request_locality(&d, 2, &why) == -SV_EINVAL);

	model_run = 1;
	model_mode = MODEL_GOOD;
	pthread_create(&th, NULL, crb_model, NULL);
	us_per_ms = 1000;
	CHECK(tpm_crb.request_locality(&d, 0, &why) == 0);
	CHECK(tpm_crb.transmit(&d, cmd, sizeof(cmd), rsp, sizeof(rsp), &why) == 28);
	CHECK(rsp[5] == 28 && rsp[11] == 16);

	/* A size field larger than the caller's buffer is refused, not copied. */
	model_mode = MODEL_SIZE_LIES;
	CHECK(tpm_crb.transmit(&d, cmd, sizeof(cmd), rsp, sizeof(rsp), &why) == -SV_E2BIG);
	CHECK_WHY(why, "response size field out of bounds");

	/* START never clears: the command duration, then a cancel. */
	model_mode = MODEL_NEVER_DONE;
	t0 = now_us();
	CHECK(tpm_crb.transmit(&d, cmd, sizeof(cmd), rsp, sizeof(rsp), &why) == -SV_EBUSY);
	took = ms_since(t0);
	CHECK(took >= TPM_DURATION && took < 2 * TPM_DURATION);
	CHECK_WHY(why, "no response within the command duration");
	CHECK(*reg(CTRL + 0x08) == 0); /* cancel written back to 0 */

	/* A command larger than the buffer never reaches it. */
	uint8_t big[TPM_CMD_MAX];
	memset(big, 0, sizeof(big));
	d.cmd_size = 100;
	CHECK(tpm_crb.transmit(&d, big, sizeof(big), rsp, sizeof(rsp), &why) == -SV_E2BIG);

	tpm_crb.release_locality(&d, 0);
	model_run = 0;
	pthread_join(th, NULL);
}

int main(void)
{
	test_tis_dead();
	test_tis_seize();
	test_crb();
	printf("%d checks, %d failures\n", checks, failures);
	return failures ? 1 : 0;
}
