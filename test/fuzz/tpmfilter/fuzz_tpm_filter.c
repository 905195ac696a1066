/*
 * libFuzzer target: arbitrary bytes -> the filter over the guest's TPM
 * commands (vmm/drivers/tpm_filter.c), as the guest's command buffer.
 *
 * The first byte is the VMM's PCR (mod 24), the rest the buffer, copied
 * into a heap block of exactly its size so that any read past it is an
 * AddressSanitizer report.  The filter must keep its promises: a command
 * that passes has a whole header whose size fits the buffer; a command
 * that names the VMM's PCR in its first handle is never passed; every
 * refusal carries a response code and a reason.
 */
#include <stdlib.h>
#include <string.h>

#include <sv/tpm2.h>
#include <sv/tpm_filter.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tpm_filter_result r;

	if (size < 1)
		return 0;
	unsigned int pcr = data[0] % 24;
	size_t n = size - 1;
	uint8_t *p = malloc(n ? n : 1);
	memcpy(p, data + 1, n);

	enum tpm_filter_verdict v = tpm_filter_command(p, n, pcr, &r);
	if (v != r.verdict)
		abort();
	if (v == TPM_FILTER_PASS) {
		if (n < TPM_HDR_LEN || r.size < TPM_HDR_LEN || r.size > n || r.rc != 0)
			abort();
		uint32_t cc = be32(p + 6);
		bool handle_cmd = cc == TPM_CC_PCR_EXTEND || cc == TPM_CC_PCR_EVENT ||
				  cc == TPM_CC_PCR_RESET || cc == TPM_CC_PCR_SET_AUTH_VALUE ||
				  cc == TPM_CC_EVENT_SEQUENCE_COMPLETE;
		if (cc == TPM_CC_PCR_ALLOCATE || (handle_cmd && be32(p + TPM_HDR_LEN) == pcr))
			abort();
	} else {
		if (r.rc == 0 || !r.why)
			abort();
		uint8_t out[TPM_HDR_LEN];
		if (tpm_filter_error_response(out, sizeof(out), r.rc) != TPM_HDR_LEN)
			abort();
	}
	free(p);
	return 0;
}
