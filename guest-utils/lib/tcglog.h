/*
 * The measurement log in the TCG crypto-agile format (TCG PC Client
 * Platform Firmware Profile, "Crypto Agile Log Format"; docs/tpm.md,
 * "The TCG event log").  Portable and hosted: SHA-256 from bearssl-glue
 * (sv_sha256), no OpenSSL, no allocation.  Used by vmmctl (writer),
 * svreplay / vmmsign replay and svverify (reader).
 *
 * The layout, all integers little-endian:
 *   header  TCG_PCClientPCREvent (SHA-1 format): pcrIndex 0, eventType
 *           EV_NO_ACTION, digest[20] zero, eventDataSize, then
 *           TCG_EfiSpecIDEvent "Spec ID Event03" (platform class, spec
 *           version, uintnSize, the algorithms and their digest sizes,
 *           vendorInfoSize, vendorInfo);
 *   events  TCG_PCR_EVENT2: pcrIndex, eventType, TPML_DIGEST_VALUES
 *           (count, then per digest hashAlg and the digest of the size
 *           the header gives that algorithm), eventSize, event data.
 *
 * A Sealvisor log has one algorithm (SHA-256), then one EV_EVENT_TAG
 * event per sv_measure_event whose data is a TCG_PCClientTaggedEvent
 * {taggedEventID = SV_MEV_* type, taggedEventDataSize = data_len, data}
 * and whose digest is the event's digest, SHA-256(le32 type || data): it
 * covers the ID and the data, NOT the size field.  Last comes one
 * EV_NO_ACTION trailer in PCR 0 (not extended, zero digest) with struct
 * tcglog_sv_trailer's fields, so a reader of the file alone can check
 * the register.
 *
 * Every size and count of a parsed log is checked against its bytes:
 * the functions below never read outside buf[0, len).  On malformed
 * input they return TCGLOG_EMALFORMED with *why a reason (a static
 * string) and *at the byte offset of the structure it concerns.
 */
#ifndef SV_TCGLOG_H
#define SV_TCGLOG_H

#include <stddef.h>
#include <stdint.h>

#include <sealvisor/hypercall.h>

#define TCGLOG_EV_NO_ACTION 0x3u
#define TCGLOG_EV_EVENT_TAG 0x6u
#define TCGLOG_ALG_SHA1 0x0004u
#define TCGLOG_ALG_SHA256 0x000bu
#define TCGLOG_PCRS 24u        /* PCR 0-23 */
#define TCGLOG_ALGS_MAX 8u     /* banks a parsed header may declare */
#define TCGLOG_DIGEST_MAX 64u  /* the largest digest size accepted (SHA-512) */
#define TCGLOG_EMALFORMED (-1) /* a parse error: *why says which */

/*
 * The PCR a Sealvisor log names when the VMM has no TPM
 * (SV_MEASURE_TPM_PCR(tpm) == 0): 23, which starts at zeros, so its
 * replay equals the register; the trailer's tpm word (PCR bits 0) says
 * the log is not anchored in any TPM.
 */
#define TCGLOG_SV_PCR_NONE 23u

/* The trailer's signature: 16 bytes, NUL-padded. */
#define TCGLOG_SV_SIGNATURE "Sealvisor Log 1"

/* The Spec ID header, as parsed. */
struct tcglog_header {
	uint32_t platform_class;
	uint8_t spec_minor, spec_major, spec_errata, uintn_size;
	uint32_t nalgs;
	struct {
		uint16_t id;
		uint16_t size;
	} alg[TCGLOG_ALGS_MAX];
	uint8_t vendor_info_size;
};

/*
 * One TCG_PCR_EVENT2, as parsed: pointers into the caller's buffer, valid
 * while it is.  digest[i] follows the event's order; sha256 points at its
 * SHA-256 digest (the header declares every bank an event carries, so it
 * is NULL only when the log has no SHA-256 bank).
 */
struct tcglog_event {
	uint32_t index;  /* 0 for the first event after the header */
	size_t offset;   /* of the event in the log */
	uint32_t pcr;    /* pcrIndex, any value (the replay refuses > 23) */
	uint32_t type;   /* eventType, any value */
	uint32_t ndigests;
	struct {
		uint16_t alg;
		uint16_t size;
		const uint8_t *digest;
	} digest[TCGLOG_ALGS_MAX];
	const uint8_t *sha256;
	uint32_t data_len;
	const uint8_t *data;
};

/*
 * Called once per event, in order; 0 goes on, any other value stops the
 * parse, which then returns it (callbacks should return > 0).
 */
typedef int (*tcglog_event_fn)(void *ctx, const struct tcglog_event *ev);

/*
 * Parses any crypto-agile log (a Sealvisor one, a firmware's
 * binary_bios_measurements): the Spec ID header into *hdr (may be NULL),
 * then each event to cb (may be NULL: only checks).  Events of unknown
 * types are passed on; each event must carry exactly the header's banks,
 * each once.  0, the callback's value, or TCGLOG_EMALFORMED.
 */
int tcglog_parse(const uint8_t *buf, size_t len, struct tcglog_header *hdr, tcglog_event_fn cb,
		 void *ctx, const char **why, size_t *at);

/* The value a PCR has after a TPM reset: 0xff.. for 17-22, else zeros. */
void tcglog_pcr_start(uint32_t pcr, uint8_t value[32]);

/*
 * Replays the SHA-256 bank into all 24 PCRs: each starts at
 * tcglog_pcr_start, except PCR 0, which an EV_NO_ACTION
 * "StartupLocality" event (before PCR 0's first extend) starts at
 * 0..0 || locality; EV_NO_ACTION events are not extended, every other
 * event is: pcr = SHA-256(pcr || digest).  extends[i] counts PCR i's
 * events.  0 or TCGLOG_EMALFORMED (also: no SHA-256 bank, an extended
 * event of a PCR above 23).
 */
struct tcglog_pcrs {
	uint8_t value[TCGLOG_PCRS][32];
	uint32_t extends[TCGLOG_PCRS];
};
int tcglog_replay_sha256(const uint8_t *buf, size_t len, struct tcglog_pcrs *out,
			 const char **why, size_t *at);

/* The Sealvisor trailer: sv_measure_info's reg, tpm and count. */
struct tcglog_sv_trailer {
	uint8_t reg[32];
	uint32_t tpm;   /* sv_measure_info.tpm: SV_MEASURE_TPM_PCR, ANCHORED, ... */
	uint32_t count; /* the events before the trailer */
};
#define TCGLOG_SV_TRAILER_SIZE 56u /* signature[16], reg[32], le32 tpm, le32 count */

/*
 * Bytes of the Sealvisor log of these n events (0 when an event's
 * data_len is above SV_MEASURE_DATA_MAX).
 */
size_t tcglog_sv_size(const struct sv_measure_event *ev, uint32_t n);

/*
 * Writes the Sealvisor log of ev[0, n) and info (register, tpm word) to
 * buf[0, cap): the header, n EV_EVENT_TAG events with ev[i].digest as
 * their SHA-256 digest, in PCR SV_MEASURE_TPM_PCR(info->tpm) or
 * TCGLOG_SV_PCR_NONE when it is 0, and the trailer with info->reg,
 * info->tpm and n.  The bytes written (tcglog_sv_size), or 0 when cap is
 * too small or an event's data_len is above SV_MEASURE_DATA_MAX.
 */
size_t tcglog_sv_write(const struct sv_measure_event *ev, uint32_t n,
		       const struct sv_measure_info *info, uint8_t *buf, size_t cap);

/*
 * Converts a Sealvisor log back: its events into ev[0, *n) (at most max),
 * the PCR they name into *pcr, the trailer into *tr.  Refused
 * (TCGLOG_EMALFORMED, *why): not exactly the one SHA-256 bank, an event
 * of another PCR or another type than EV_EVENT_TAG, a tagged size that is
 * not the rest of the event, data longer than SV_MEASURE_DATA_MAX, a
 * digest that is not SHA-256(le32 type || data), more than max events,
 * no trailer, a trailer not last or not in PCR 0, a bad signature, a
 * count that is not the events' or a PCR (SV_MEASURE_TPM_PCR of its tpm
 * word, 0: TCGLOG_SV_PCR_NONE) that is not theirs.  The order rules are measure_replay's (vmm/policy), not
 * checked here.  0 or TCGLOG_EMALFORMED.
 */
int tcglog_sv_read(const uint8_t *buf, size_t len, struct sv_measure_event *ev, uint32_t max,
		   uint32_t *n, uint32_t *pcr, struct tcglog_sv_trailer *tr, const char **why,
		   size_t *at);

/*
 * Whether buf starts like a crypto-agile log (the header's pcrIndex 0
 * and EV_NO_ACTION), not like the text form (`vmmctl measure`).
 */
int tcglog_looks_binary(const uint8_t *buf, size_t len);

#endif
