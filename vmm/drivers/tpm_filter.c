/*
 * The filter over the guest's TPM commands; documented in sv/tpm_filter.h.
 *
 * Layouts from TPM 2.0 part 3 (commands) and part 1 18.2 (the handle
 * area, then the authorization area with its UINT32 size when the tag is
 * TPM_ST_SESSIONS, then the parameters).  A PCR's handle is its number
 * (part 2 7.2: TPM_HT_PCR is 0x00, so handle 23 is PCR 23).
 */
#include <sv/tpm2.h>
#include <sv/tpm_filter.h>

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static enum tpm_filter_verdict verdict(struct tpm_filter_result *out, enum tpm_filter_verdict v,
				       uint32_t rc, const char *why)
{
	out->verdict = v;
	out->rc = rc;
	out->why = why;
	return v;
}

/*
 * PCR_SetAuthPolicy names its PCR in the parameters (part 3 22.7): after
 * the one handle (authHandle) and the authorization area, a TPM2B_DIGEST
 * authPolicy, a TPMI_ALG_HASH hashAlg, then TPMI_DH_PCR pcrNum.  Returns
 * the pcrNum, or -1 when the size field does not cover it.
 */
static int64_t set_auth_policy_pcr(const uint8_t *buf, uint32_t size, uint16_t tag)
{
	size_t pos = TPM_HDR_LEN + 4;

	if (tag == TPM_ST_SESSIONS) {
		if (pos + 4 > size)
			return -1;
		uint32_t auth = be32(buf + pos);
		if (auth > size - pos - 4)
			return -1;
		pos += 4 + auth;
	}
	if (pos + 2 > size)
		return -1;
	uint16_t dlen = be16(buf + pos);
	if (dlen > size - pos - 2)
		return -1;
	pos += 2 + dlen + 2; /* the digest, then hashAlg */
	if (pos + 4 > size)
		return -1;
	return be32(buf + pos);
}

enum tpm_filter_verdict tpm_filter_command(const uint8_t *buf, size_t len, unsigned int vmm_pcr,
					   struct tpm_filter_result *out)
{
	*out = (struct tpm_filter_result){ 0 };
	if (len < TPM_HDR_LEN)
		return verdict(out, TPM_FILTER_MALFORMED, TPM_RC_COMMAND_SIZE,
			       "shorter than a command header");
	uint16_t tag = be16(buf);
	uint32_t size = be32(buf + 2);
	out->cc = be32(buf + 6);
	out->size = size;
	if (size < TPM_HDR_LEN || size > len)
		return verdict(out, TPM_FILTER_MALFORMED, TPM_RC_COMMAND_SIZE,
			       size < TPM_HDR_LEN ? "size field below the header's 10 bytes"
						  : "size field larger than the command buffer");
	if (tag != TPM_ST_NO_SESSIONS && tag != TPM_ST_SESSIONS)
		return verdict(out, TPM_FILTER_MALFORMED, TPM_RC_BAD_TAG, "tag is not a TPM 2.0 tag");

	int64_t pcr;
	switch (out->cc) {
	case TPM_CC_PCR_ALLOCATE:
		return verdict(out, TPM_FILTER_ALLOCATE, TPM_RC_LOCALITY,
			       "it would change the PCR banks of the next boot");
	case TPM_CC_PCR_EXTEND:
	case TPM_CC_PCR_EVENT:
	case TPM_CC_PCR_RESET:
	case TPM_CC_PCR_SET_AUTH_VALUE:
	case TPM_CC_EVENT_SEQUENCE_COMPLETE:
		/* The PCR is the first handle of each (part 3 22.2, 22.3, 22.8, 22.9, 17.5). */
		if (size < TPM_HDR_LEN + 4)
			return verdict(out, TPM_FILTER_MALFORMED, TPM_RC_COMMAND_SIZE,
				       "size field does not cover the PCR handle");
		pcr = be32(buf + TPM_HDR_LEN);
		break;
	case TPM_CC_PCR_SET_AUTH_POLICY:
		pcr = set_auth_policy_pcr(buf, size, tag);
		if (pcr < 0)
			return verdict(out, TPM_FILTER_MALFORMED, TPM_RC_COMMAND_SIZE,
				       "size field does not cover pcrNum");
		break;
	default:
		return verdict(out, TPM_FILTER_PASS, 0, NULL);
	}
	if (pcr == (int64_t)vmm_pcr)
		return verdict(out, TPM_FILTER_VMM_PCR, TPM_RC_LOCALITY, "the VMM's PCR");
	return verdict(out, TPM_FILTER_PASS, 0, NULL);
}

const char *tpm_filter_cc_name(uint32_t cc)
{
	switch (cc) {
	case TPM_CC_PCR_ALLOCATE:
		return "TPM2_PCR_Allocate";
	case TPM_CC_PCR_EXTEND:
		return "TPM2_PCR_Extend";
	case TPM_CC_PCR_EVENT:
		return "TPM2_PCR_Event";
	case TPM_CC_PCR_RESET:
		return "TPM2_PCR_Reset";
	case TPM_CC_PCR_SET_AUTH_POLICY:
		return "TPM2_PCR_SetAuthPolicy";
	case TPM_CC_PCR_SET_AUTH_VALUE:
		return "TPM2_PCR_SetAuthValue";
	case TPM_CC_EVENT_SEQUENCE_COMPLETE:
		return "TPM2_EventSequenceComplete";
	default:
		return NULL;
	}
}

size_t tpm_filter_error_response(uint8_t *out, size_t cap, uint32_t rc)
{
	if (cap < TPM_HDR_LEN)
		return 0;
	out[0] = TPM_ST_NO_SESSIONS >> 8;
	out[1] = TPM_ST_NO_SESSIONS & 0xff;
	out[2] = out[3] = out[4] = 0;
	out[5] = TPM_HDR_LEN;
	out[6] = (uint8_t)(rc >> 24);
	out[7] = (uint8_t)(rc >> 16);
	out[8] = (uint8_t)(rc >> 8);
	out[9] = (uint8_t)rc;
	return TPM_HDR_LEN;
}
