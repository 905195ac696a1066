/*
 * The VMM's TPM 2.0 driver (drivers/tpm.c over drivers/tpm_tis.c and
 * drivers/tpm_crb.c; docs/tpm.md).  At boot, before the guest runs, it
 * finds the TPM through the ACPI TPM2 table, picks the locality mode,
 * reads the dynamic PCRs once and releases the TPM, so that the guest's
 * own tpm_tis/tpm_crb driver finds it as the firmware left it.
 *
 * A TPM that does not answer within the PC Client PTP timeouts is marked
 * broken: it never hangs the VMM, and with tpm=required no process is
 * loaded (tpm_gate), the way iommu=required refuses loads.
 */
#ifndef SV_TPM_H
#define SV_TPM_H

#include <sv/tpm2.h>

/* PC Client PTP 1.05, table 17 (TPM 2.0 timeouts), in milliseconds. */
#define TPM_TIMEOUT_A 750   /* locality and register handshakes */
#define TPM_TIMEOUT_B 2000  /* commandReady after an abort */
#define TPM_TIMEOUT_C 200   /* stsValid after a FIFO access */
#define TPM_TIMEOUT_D 30000 /* burstCount becoming nonzero */
/*
 * How long the commands here may run.  The PTP leaves command durations
 * to the TPM; these are the ones the TCG's own driver guidance and
 * Linux use for the short commands sent here ("long": 2 s).
 */
#define TPM_DURATION 2000

enum tpm_mode {
	TPM_MODE_AUTO,     /* use a TPM when there is one */
	TPM_MODE_REQUIRED, /* without a working TPM no process is loaded */
	TPM_MODE_OFF,      /* leave the TPM alone */
};
extern enum tpm_mode tpm_mode;
const char *tpm_mode_name(enum tpm_mode m);
/* Parses "auto", "required" or "off" (len bytes at s); 0 or -SV_EINVAL. */
int tpm_parse_mode(const char *s, size_t len, enum tpm_mode *out);

/* How the VMM keeps its PCR from the guest (docs/tpm.md). */
enum tpm_locality_mode {
	TPM_LOC_NONE,
	TPM_LOC_2,        /* TIS with a working locality 2: PCR 22, extendable from locality 2 only */
	TPM_LOC_0_MEDIATED, /* CRB or no locality 2: PCR 23, the guest's commands to be filtered */
};

struct tpm_dev;
struct sv_range;

/* One interface, TIS or CRB, behind the driver (like iommu.c over vtd/amdvi). */
struct tpm_transport {
	const char *name; /* "TIS", "CRB" */
	/* Maps the registers, checks that something answers; 0 or a negative code with *why. */
	int (*probe)(struct tpm_dev *d, const char **why);
	/* Requests locality loc and waits TIMEOUT_A for it. */
	int (*request_locality)(struct tpm_dev *d, unsigned int loc, const char **why);
	void (*release_locality)(struct tpm_dev *d, unsigned int loc);
	/*
	 * Sends len command bytes at the active locality and reads the
	 * response into rsp (at most cap bytes, exactly its size field's
	 * worth).  Returns the response's length or a negative code.
	 */
	int (*transmit)(struct tpm_dev *d, const uint8_t *cmd, size_t len, uint8_t *rsp, size_t cap,
			const char **why);
};

struct tpm_dev {
	const struct tpm_transport *t;
	struct tpm2_acpi acpi;
	volatile uint8_t *page[TPM_LOCALITY_PAGES]; /* TIS: each locality's page; CRB: page[0] */
	unsigned int npages;
	unsigned int locality; /* the one requested last */
	/* CRB: the control area and the buffers it names, mapped. */
	volatile uint8_t *ctrl;
	volatile uint8_t *cmd_buf, *rsp_buf;
	uint32_t cmd_size, rsp_size;
	bool crb_localities; /* the PTP layout: locality registers before the control area */
	uint32_t did_vid;    /* TIS: TPM_DID_VID */
	/*
	 * TIS: set by request_locality when a lower locality (the guest's)
	 * held the TPM past TIMEOUT_A and was seized: 1 + that locality, and
	 * whether its command had finished first; the driver says so.
	 */
	unsigned int seized;
	bool seized_busy;
	/* What no register or buffer may overlap (RAM, the VMM), from tpm_init. */
	const struct sv_range *forbid;
	unsigned int nforbid;
};

extern const struct tpm_transport tpm_tis, tpm_crb;

/* Timing for the transports: a TSC deadline ms from now, and whether it passed. */
uint64_t tpm_deadline(unsigned int ms);
bool tpm_past(uint64_t deadline);
/* Maps the 4 KiB device page at pa uncached; NULL (with a console line) when out of slots. */
volatile uint8_t *tpm_map_page(uint64_t pa);

/*
 * At boot, after the TSC is calibrated and before the guest runs: finds,
 * probes and reads the TPM, prints the mode, releases it.  The TPM's
 * registers and buffers may overlap neither the memory map's entries
 * other than reserved (type 2: where firmware TPMs keep their buffers)
 * nor the nhidden ranges (the VMM's own memory).
 */
struct mb2_boot;
struct mem_range;
void tpm_init(const struct mb2_boot *mb, const struct mem_range *map, unsigned int map_n,
	      const struct sv_range *hidden, unsigned int nhidden);

/* Whether a working TPM was found, and in which mode. */
bool tpm_present(void);
enum tpm_locality_mode tpm_locality_mode(void);

/*
 * The TIS locality pages the guest may not reach (1-4, where the VMM
 * works at locality 2): before the nested map is built, from the ACPI
 * TPM2 table alone.  1 with *out set when the table names a TIS and
 * tpm= is not off, else 0.  The guest keeps locality 0 (its tpm_tis).
 */
unsigned int tpm_hidden_pages(const struct mb2_boot *mb, const struct mem_range *map,
			      unsigned int map_n, const struct sv_range *hidden,
			      unsigned int nhidden, struct sv_range *out);

/*
 * Extends one event digest (SHA-256) of the measurement log into the
 * VMM's PCR, under vmm_lock like the log itself (so one CPU at a time
 * reaches the transport): requests the VMM's locality, PCR_Extend,
 * releases it.  0 when it went in, or when there is nothing to anchor
 * (no working TPM: tpm_gate decides).  A TPM error marks the PCR broken
 * for good (console line) and is -SV_ETPMBROKEN; once broken, every
 * later event is -SV_ETPMBROKEN under tpm=required and 0 with a console
 * line under tpm=auto.  what names the event for the console.
 */
int tpm_extend_event(const uint8_t digest[32], const char *what);

/* The anchor's state for struct sv_measure_info.tpm (sealvisor/hypercall.h). */
uint32_t tpm_measure_state(void);

/*
 * The process-loading gate: 0, or -SV_ENOTPM (with a console line) when
 * tpm=required and no working TPM was found.  what names the refused load.
 */
int tpm_gate(const char *what);

#endif
