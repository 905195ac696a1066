/*
 * The filter over the guest's TPM commands in locality 0 (mediated) mode
 * (drivers/tpm_filter.c; docs/tpm.md, "Mediating the guest's CRB").  The
 * TPM cannot tell the VMM from the guest at locality 0, so the VMM reads
 * every command the guest starts, before the TPM sees it, and refuses
 * the ones that reach the VMM's PCR or change the PCR banks: the guest
 * gets the answer a real TPM gives for a PCR its locality may not touch,
 * TPM_RC_LOCALITY.
 *
 * Portable: no hardware access and no libc; unit tests and a fuzzer run
 * it hosted over hostile bytes.
 */
#ifndef SV_TPM_FILTER_H
#define SV_TPM_FILTER_H

#include <sv/types.h>

/* Command codes the filter knows (TPM 2.0 part 2, table 12). */
#define TPM_CC_PCR_ALLOCATE 0x0000012b
#define TPM_CC_PCR_EVENT 0x0000013c
#define TPM_CC_PCR_RESET 0x0000013d
#define TPM_CC_PCR_SET_AUTH_POLICY 0x0000016c
#define TPM_CC_PCR_SET_AUTH_VALUE 0x00000183
#define TPM_CC_EVENT_SEQUENCE_COMPLETE 0x00000185

/* Response codes the filter answers with (part 2, table 16). */
#define TPM_RC_BAD_TAG 0x01e
#define TPM_RC_COMMAND_SIZE 0x142
#define TPM_RC_LOCALITY 0x907

enum tpm_filter_verdict {
	TPM_FILTER_PASS,      /* send it to the TPM */
	TPM_FILTER_VMM_PCR,   /* names the VMM's PCR: refused */
	TPM_FILTER_ALLOCATE,  /* PCR_Allocate: refused, it would change the next boot's banks */
	TPM_FILTER_MALFORMED, /* header or handle area that lies: refused */
};

struct tpm_filter_result {
	enum tpm_filter_verdict verdict;
	uint32_t cc;   /* the command code, 0 when the header was too short to hold one */
	uint32_t size; /* the header's size field: the bytes to send when it passes */
	uint32_t rc;   /* the response code of the refusal (0 when it passes) */
	const char *why; /* a refusal's reason in words, for the console */
};

/*
 * Checks the command in buf[0, len), len being how many bytes the guest's
 * command buffer holds (the CRB has no length register: the header's
 * size field says how long the command is).  The header must be whole,
 * its tag TPM_ST_NO_SESSIONS or TPM_ST_SESSIONS, its size at least 10
 * and at most len; PCR_Extend, PCR_Event, PCR_Reset, PCR_SetAuthValue
 * and EventSequenceComplete whose PCR handle is vmm_pcr, PCR_SetAuthPolicy
 * whose pcrNum parameter is vmm_pcr, and PCR_Allocate always, are
 * refused; a command whose handle or parameter area the filter must read
 * but the size field does not cover is malformed.  Every other command
 * passes, whatever its body: the TPM checks the rest.  Returns the
 * verdict (also in out->verdict).
 */
enum tpm_filter_verdict tpm_filter_command(const uint8_t *buf, size_t len, unsigned int vmm_pcr,
					   struct tpm_filter_result *out);

/* The TPM 2.0 name of a command code the filter refuses ("TPM2_PCR_Extend"), or NULL. */
const char *tpm_filter_cc_name(uint32_t cc);

/*
 * Writes the 10-byte error response (tag TPM_ST_NO_SESSIONS, size 10,
 * rc) into out; returns 10, or 0 when cap is smaller.
 */
size_t tpm_filter_error_response(uint8_t *out, size_t cap, uint32_t rc);

#endif
