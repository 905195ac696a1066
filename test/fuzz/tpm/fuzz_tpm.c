/*
 * libFuzzer target: arbitrary bytes -> the TPM 2.0 response parsers and
 * the ACPI TPM2 table parser (vmm/drivers/tpm2_cmd.c, tpm_acpi.c).
 *
 * The first byte picks the parser, the rest is the response (or table),
 * copied into a heap block of exactly its size so that any read past it
 * is an AddressSanitizer report.  Each parser must also keep its
 * promises: a success fills exactly what it says (a digest of the asked
 * size, random bytes within the limit, banks within the array).
 */
#include <stdlib.h>
#include <string.h>

#include <sv/tpm2.h>
#include <sv/vcpu.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *why = NULL;

	if (size < 1)
		return 0;
	uint8_t sel = data[0];
	size_t n = size - 1;
	uint8_t *p = malloc(n ? n : 1);
	memcpy(p, data + 1, n);

	switch (sel % 8) {
	case 0: {
		struct tpm2_rsp h;
		if (tpm2_rsp_parse(p, n, &h, &why) == 0 && (h.size != n || h.body_len != n - TPM_HDR_LEN))
			abort();
		break;
	}
	case 1: {
		struct tpm2_pcr_banks b;
		if (tpm2_parse_cap_pcrs(p, n, &b, &why) == 0 && b.count > TPM_MAX_BANKS)
			abort();
		(void)tpm2_bank_pcrs(&b, TPM_ALG_SHA256);
		break;
	}
	case 2: {
		uint32_t v;
		(void)tpm2_parse_cap_property(p, n, TPM_PT_MANUFACTURER, &v, &why);
		break;
	}
	case 3: {
		uint8_t d[TPM_SHA256_LEN];
		uint32_t c;
		(void)tpm2_parse_pcr_read(p, n, TPM_ALG_SHA256, (sel >> 3) % TPM_PCR_COUNT, d, sizeof(d),
					  &c, &why);
		break;
	}
	case 4:
		(void)tpm2_parse_pcr_extend(p, n, &why);
		break;
	case 5: {
		uint8_t r[TPM_GET_RANDOM_MAX];
		size_t got = 0, max = (sel >> 3) % (TPM_GET_RANDOM_MAX + 1);
		if (tpm2_parse_get_random(p, n, r, max, &got, &why) == 0 && got > max)
			abort();
		break;
	}
	case 6:
		(void)tpm2_parse_empty(p, n, &why);
		break;
	case 7: {
		static const struct sv_range ram[] = { { 0, 0x80000000ULL } };
		struct tpm2_acpi a;
		if (tpm2_acpi_parse(p, n, ram, 1, &a, &why) == 0 &&
		    a.iface != TPM_IFACE_TIS && a.iface != TPM_IFACE_CRB)
			abort();
		break;
	}
	}
	free(p);
	return 0;
}
