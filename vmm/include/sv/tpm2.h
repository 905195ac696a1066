/*
 * TPM 2.0, the portable half (docs/tpm.md): the ACPI TPM2 table
 * (drivers/tpm_acpi.c) and the commands the VMM sends with their
 * response parsers (drivers/tpm2_cmd.c).  Neither touches hardware, so
 * the host unit tests (test/unit/tpm) and the fuzzer (test/fuzz/tpm) run
 * them over recorded and hostile bytes.
 *
 * The TPM is hardware the VMM talks to, but its answers are treated like
 * guest input: a broken or hostile TPM (or an emulator that answers
 * garbage) may put any bytes in a response, so every size field is
 * checked against the bytes actually there before it is used, and every
 * failure is a negative SV_E* code with a static reason string.
 *
 * References: TCG ACPI Specification for TPM 1.2 and 2.0, version 1.3
 * (the TPM2 table, 8.3, and its start methods, table 8); TPM 2.0 Library
 * specification part 2 (structures) and part 3 (commands), revision
 * 1.59; TCG PC Client Platform TPM Profile (PTP) 1.05 for the
 * registers (sv/tpm.h).
 */
#ifndef SV_TPM2_H
#define SV_TPM2_H

#include <sv/types.h>

/* ---- ACPI TPM2 table (drivers/tpm_acpi.c) ---- */

#define TPM2_ACPI_MIN_LEN 52   /* header, flags, control area address, start method */
#define TPM2_ACPI_LOG_LEN 76   /* revision 4+ with the log area (LAML at 64, LASA at 68) */

/* Start methods (TCG ACPI 1.3, table 8). */
#define TPM2_START_ACPI 2      /* ACPI start method: AML the VMM does not run */
#define TPM2_START_TIS 6       /* memory-mapped FIFO (TIS) at the PC Client address */
#define TPM2_START_CRB 7       /* command response buffer, started by CRB_CTRL_START */
#define TPM2_START_CRB_ACPI 8  /* CRB that also needs the ACPI start method */

/* PC Client PTP 1.05, 6.3: the fixed locality pages of a FIFO TPM. */
#define TPM_TIS_BASE 0xfed40000ULL
#define TPM_LOCALITY_PAGES 5   /* localities 0-4, one 4 KiB page each */

/* The control area of a CRB (PTP 6.5.3.3): what the VMM reads of it. */
#define TPM_CRB_CTRL_LEN 0x30

enum tpm_iface { TPM_IFACE_TIS = 1, TPM_IFACE_CRB = 2 };

struct tpm2_acpi {
	uint8_t revision;
	uint32_t start_method;
	enum tpm_iface iface;
	uint64_t control;    /* CRB: the control area's address; TIS: 0 as the table gives it */
	uint64_t base;       /* the first register page: TIS 0xfed40000, CRB the control area's page */
	bool has_log;        /* revision >= 4 with the log area fields */
	uint32_t log_len;
	uint64_t log_addr;
};

struct sv_range;

/*
 * Parses the TPM2 table in the avail bytes at table (acpi_table_check:
 * signature "TPM2", checksum, length; then length >= 52 and revision
 * >= 3, the TPM 2.0 layout).  The start method must be one the VMM can
 * drive without AML: 6 (TIS, registers at 0xfed40000) or 7 (CRB, control
 * area at a nonzero address, TPM_CRB_CTRL_LEN bytes inside one page).
 * The register pages (all five locality pages for TIS, the control
 * area's page for CRB) must not overlap any of the nforbid ranges (the
 * caller passes RAM and the VMM's own memory): a table that points the
 * VMM's MMIO writes at memory is a lie.  A log area, when given, must not
 * wrap.  Returns 0, or -SV_EINVAL / -SV_ENODEV (a start method it cannot
 * drive) with *why set.
 */
int tpm2_acpi_parse(const void *table, size_t avail, const struct sv_range *forbid,
		    unsigned int nforbid, struct tpm2_acpi *out, const char **why);

/*
 * True when [base, base+len) is a usable device range: len > 0, no wrap,
 * and none of the nforbid ranges (of nonzero size) overlaps it.  The
 * same rule for the CRB's command and response buffers, which the
 * control area names only at run time.
 */
bool tpm2_range_ok(uint64_t base, uint64_t len, const struct sv_range *forbid,
		   unsigned int nforbid);

/* ---- Commands and responses (drivers/tpm2_cmd.c) ---- */

#define TPM_ST_NO_SESSIONS 0x8001
#define TPM_ST_SESSIONS 0x8002
#define TPM_HDR_LEN 10            /* tag, size, command code or response code */

#define TPM_CC_STARTUP 0x00000144
#define TPM_CC_GET_CAPABILITY 0x0000017a
#define TPM_CC_GET_RANDOM 0x0000017b
#define TPM_CC_PCR_READ 0x0000017e
#define TPM_CC_PCR_EXTEND 0x00000182

#define TPM_RC_SUCCESS 0x000
#define TPM_RC_INITIALIZE 0x100   /* TPM2_Startup was not run since power-on */
#define TPM_SU_CLEAR 0x0000

#define TPM_CAP_PCRS 0x00000005
#define TPM_CAP_TPM_PROPERTIES 0x00000006
#define TPM_PT_MANUFACTURER 0x00000105 /* PT_FIXED + 5: four ASCII bytes, "IBM " for swtpm */
#define TPM_PT_FIRMWARE_VERSION_1 0x0000010b

#define TPM_ALG_SHA1 0x0004
#define TPM_ALG_SHA256 0x000b
#define TPM_ALG_SHA384 0x000c
#define TPM_ALG_SHA512 0x000d
#define TPM_ALG_SM3_256 0x0012
#define TPM_SHA256_LEN 32

#define TPM_RS_PW 0x40000009      /* the password session: empty auth for PCRs */
#define TPM_PCR_COUNT 24          /* PC Client: PCRs 0-23 */
#define TPM_PCR_SELECT_MAX 4      /* bytes of a selection the parser accepts (3 used) */
#define TPM_MAX_BANKS 8           /* banks a TPML_PCR_SELECTION may list */
#define TPM_GET_RANDOM_MAX 48     /* bytes GetRandom asks for at once (a SHA-384 digest) */
#define TPM_CMD_MAX 256           /* the commands here are all shorter */
#define TPM_RSP_MAX 1024          /* a response above this is refused */

/*
 * Builders: each writes one command into buf (cap bytes) and returns its
 * length, or -SV_E2BIG when cap is too small (nothing useful written).
 * The size field is filled in; multi-byte fields are big-endian.
 */
int tpm2_build_startup(uint8_t *buf, size_t cap, uint16_t su);
int tpm2_build_get_capability(uint8_t *buf, size_t cap, uint32_t capability, uint32_t property,
			      uint32_t count);
int tpm2_build_pcr_read(uint8_t *buf, size_t cap, uint16_t alg, unsigned int pcr);
/* PCR_Extend of one digest in one bank, authorized by an empty password (TPM_RS_PW). */
int tpm2_build_pcr_extend(uint8_t *buf, size_t cap, unsigned int pcr, uint16_t alg,
			  const uint8_t *digest, size_t digest_len);
int tpm2_build_get_random(uint8_t *buf, size_t cap, uint16_t n);

/* A checked response header. */
struct tpm2_rsp {
	uint16_t tag;
	uint32_t size; /* the size field: TPM_HDR_LEN <= size <= the bytes received */
	uint32_t rc;
	const uint8_t *body; /* size - TPM_HDR_LEN bytes after the header */
	size_t body_len;
};

/*
 * Checks the header of the len bytes at rsp: at least 10 bytes, the size
 * field exactly len (a TPM that says less or more than it sent is
 * refused: the transports read exactly the size field's bytes), size <=
 * TPM_RSP_MAX, tag TPM_ST_NO_SESSIONS or TPM_ST_SESSIONS, rc <= 0xffff
 * (an error response, rc != 0, must be exactly 10 bytes).  Returns 0 with *out set,
 * rc included (the caller decides what a TPM error means), or -SV_EINVAL.
 */
int tpm2_rsp_parse(const uint8_t *rsp, size_t len, struct tpm2_rsp *out, const char **why);

/*
 * The response parsers below take a whole response, check its header
 * with tpm2_rsp_parse, and return the TPM's rc when it is nonzero (a
 * positive value), 0 when the body parsed exactly (no trailing bytes),
 * or -SV_EINVAL with *why when it did not.
 */

/* What TPM2_GetCapability(TPM_CAP_PCRS) says: the banks and the PCRs each holds. */
struct tpm2_pcr_banks {
	unsigned int count;               /* banks listed, <= TPM_MAX_BANKS */
	uint16_t alg[TPM_MAX_BANKS];
	uint32_t pcrs[TPM_MAX_BANKS];     /* bit n: PCR n is allocated in this bank */
	bool more;                        /* moreData was set */
};
int tpm2_parse_cap_pcrs(const uint8_t *rsp, size_t len, struct tpm2_pcr_banks *out,
			const char **why);
/* The PCRs allocated in bank alg (0 when the bank is not listed). */
uint32_t tpm2_bank_pcrs(const struct tpm2_pcr_banks *b, uint16_t alg);

/*
 * TPM2_GetCapability(TPM_CAP_TPM_PROPERTIES): the value of property
 * prop.  A response that does not list it is -SV_ENOENT.
 */
int tpm2_parse_cap_property(const uint8_t *rsp, size_t len, uint32_t prop, uint32_t *value,
			    const char **why);

/*
 * TPM2_PCR_Read of one PCR in one bank: the selection in the response
 * must be exactly that PCR in that bank, with one digest of the bank's
 * size (TPM_SHA256_LEN for SHA-256; digest_len is what the caller
 * expects).  *update_counter gets pcrUpdateCounter.
 */
int tpm2_parse_pcr_read(const uint8_t *rsp, size_t len, uint16_t alg, unsigned int pcr,
			uint8_t *digest, size_t digest_len, uint32_t *update_counter,
			const char **why);

/*
 * TPM2_PCR_Extend: a session response (tag TPM_ST_SESSIONS) with an
 * empty parameter area and one password-session acknowledgement (empty
 * nonce and HMAC).
 */
int tpm2_parse_pcr_extend(const uint8_t *rsp, size_t len, const char **why);

/* TPM2_GetRandom: at most max bytes copied to out, *got how many came. */
int tpm2_parse_get_random(const uint8_t *rsp, size_t len, uint8_t *out, size_t max, size_t *got,
			  const char **why);

/* TPM2_Startup: no body. */
int tpm2_parse_empty(const uint8_t *rsp, size_t len, const char **why);

#endif
