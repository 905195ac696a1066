/*
 * Host unit tests of the TPM 2.0 portable half (vmm/drivers/tpm_acpi.c,
 * tpm2_cmd.c): the TPM2 tables QEMU builds for tpm-tis and tpm-crb and
 * tables that lie; every command byte for byte; responses as swtpm sends
 * them, then each one cut, grown and bent.
 */
#include <stdlib.h>

#include <sv/tpm2.h>
#include <sv/vcpu.h>

#include "tharness.h"

/* QEMU 7.2's TPM2 table layout (revision 4, 76 bytes, a log area). */
static void make_tpm2(uint8_t *t, uint32_t len, uint8_t rev, uint64_t control, uint32_t method)
{
	memset(t, 0, len);
	make_hdr(t, "TPM2", len, rev);
	put64(t + 40, control);
	put32(t + 48, method);
	if (len >= 76) {
		put32(t + 64, 0x10000);
		put64(t + 68, 0x7ffd0000);
	}
	fix_table(t);
}

/* A 2 GiB machine with the VMM at 64 MiB, like the boot tests'. */
static const struct sv_range forbid[] = {
	{ 0, 0x80000000ULL },
	{ 0x4000000, 0x400000 },
};

static void test_acpi(void)
{
	uint8_t t[128];
	struct tpm2_acpi a;
	const char *why = NULL;

	/* tpm-tis: start method 6, control area 0. */
	make_tpm2(t, 76, 4, 0, TPM2_START_TIS);
	CHECK_EQ(tpm2_acpi_parse(t, sizeof(t), forbid, 2, &a, &why), 0);
	CHECK_EQ(a.iface, TPM_IFACE_TIS);
	CHECK_EQ(a.base, 0xfed40000);
	CHECK_EQ(a.revision, 4);
	CHECK(a.has_log);
	CHECK_EQ(a.log_len, 0x10000);
	CHECK_EQ(a.log_addr, 0x7ffd0000);

	/* tpm-crb: start method 7, control area at 0xfed40040. */
	make_tpm2(t, 76, 4, 0xfed40040, TPM2_START_CRB);
	CHECK_EQ(tpm2_acpi_parse(t, sizeof(t), forbid, 2, &a, &why), 0);
	CHECK_EQ(a.iface, TPM_IFACE_CRB);
	CHECK_EQ(a.control, 0xfed40040);
	CHECK_EQ(a.base, 0xfed40000);

	/* Revision 3, 52 bytes: no log area. */
	make_tpm2(t, 52, 3, 0xfed40040, TPM2_START_CRB);
	CHECK_EQ(tpm2_acpi_parse(t, 52, forbid, 2, &a, &why), 0);
	CHECK(!a.has_log);

	/* Truncated: the length says 52, 51 bytes are there. */
	make_tpm2(t, 52, 3, 0xfed40040, TPM2_START_CRB);
	CHECK(tpm2_acpi_parse(t, 51, forbid, 2, &a, &why) < 0);
	/* A consistent table of 48 bytes: no start method. */
	make_tpm2(t, 48, 4, 0, TPM2_START_TIS);
	CHECK_EQ(tpm2_acpi_parse(t, 48, forbid, 2, &a, &why), -SV_EINVAL);
	CHECK_WHY(why, "TPM2 table shorter than 52 bytes");
	/* A bad checksum. */
	make_tpm2(t, 76, 4, 0, TPM2_START_TIS);
	t[50] ^= 1;
	CHECK_EQ(tpm2_acpi_parse(t, 76, forbid, 2, &a, &why), -SV_EINVAL);
	/* Revision 2. */
	make_tpm2(t, 76, 2, 0, TPM2_START_TIS);
	CHECK_EQ(tpm2_acpi_parse(t, 76, forbid, 2, &a, &why), -SV_EINVAL);
	CHECK_WHY(why, "TPM2 table revision below 3");

	/* Start methods the VMM cannot drive. */
	make_tpm2(t, 76, 4, 0xfed40040, TPM2_START_CRB_ACPI);
	CHECK_EQ(tpm2_acpi_parse(t, 76, forbid, 2, &a, &why), -SV_ENODEV);
	CHECK_WHY(why, "start method needs ACPI AML the VMM does not run");
	make_tpm2(t, 76, 4, 0xfed40040, TPM2_START_ACPI);
	CHECK_EQ(tpm2_acpi_parse(t, 76, forbid, 2, &a, &why), -SV_ENODEV);
	make_tpm2(t, 76, 4, 0xfed40040, 11);
	CHECK_EQ(tpm2_acpi_parse(t, 76, forbid, 2, &a, &why), -SV_ENODEV);
	CHECK_WHY(why, "unknown TPM2 start method");
	make_tpm2(t, 76, 4, 0xfed40040, 0);
	CHECK_EQ(tpm2_acpi_parse(t, 76, forbid, 2, &a, &why), -SV_ENODEV);

	/* CRB control areas that lie. */
	make_tpm2(t, 76, 4, 0, TPM2_START_CRB);
	CHECK_EQ(tpm2_acpi_parse(t, 76, forbid, 2, &a, &why), -SV_EINVAL);
	CHECK_WHY(why, "CRB control area address is 0");
	make_tpm2(t, 76, 4, 0x1000040, TPM2_START_CRB); /* in RAM */
	CHECK_EQ(tpm2_acpi_parse(t, 76, forbid, 2, &a, &why), -SV_EINVAL);
	CHECK_WHY(why, "CRB control area overlaps RAM or the VMM");
	make_tpm2(t, 76, 4, 0x4100040, TPM2_START_CRB); /* in the VMM */
	CHECK_EQ(tpm2_acpi_parse(t, 76, forbid + 1, 1, &a, &why), -SV_EINVAL);
	make_tpm2(t, 76, 4, 0xfed40ff0, TPM2_START_CRB);
	CHECK_EQ(tpm2_acpi_parse(t, 76, forbid, 2, &a, &why), -SV_EINVAL);
	CHECK_WHY(why, "CRB control area crosses a page");
	make_tpm2(t, 76, 4, 0xfed40042, TPM2_START_CRB);
	CHECK_EQ(tpm2_acpi_parse(t, 76, forbid, 2, &a, &why), -SV_EINVAL);
	CHECK_WHY(why, "CRB control area not 4-byte aligned");
	/* The last page of the address space: its end would wrap to 0. */
	make_tpm2(t, 76, 4, 0xfffffffffffff040ULL, TPM2_START_CRB);
	CHECK_EQ(tpm2_acpi_parse(t, 76, forbid, 2, &a, &why), -SV_EINVAL);

	/* TIS on a machine whose RAM reaches over 0xfed40000. */
	static const struct sv_range big[] = { { 0, 0x100000000ULL } };
	make_tpm2(t, 76, 4, 0, TPM2_START_TIS);
	CHECK_EQ(tpm2_acpi_parse(t, 76, big, 1, &a, &why), -SV_EINVAL);
	CHECK_WHY(why, "TPM locality pages overlap RAM or the VMM");

	/* A log area that wraps. */
	make_tpm2(t, 76, 4, 0, TPM2_START_TIS);
	put64(t + 68, 0xffffffffffff0000ULL);
	put32(t + 64, 0x20000);
	fix_table(t);
	CHECK_EQ(tpm2_acpi_parse(t, 76, forbid, 2, &a, &why), -SV_EINVAL);
	CHECK_WHY(why, "TPM2 log area wraps");

	/* Another signature. */
	make_tpm2(t, 76, 4, 0, TPM2_START_TIS);
	memcpy(t, "TCPA", 4);
	fix_table(t);
	CHECK(tpm2_acpi_parse(t, 76, forbid, 2, &a, &why) < 0);

	/* The range rule itself. */
	CHECK(!tpm2_range_ok(0, 0, NULL, 0));
	CHECK(!tpm2_range_ok(0xfffffffffffff000ULL, 0x2000, NULL, 0));
	static const struct sv_range wraps[] = { { 0xfffffffffff00000ULL, 0x200000 } };
	CHECK(!tpm2_range_ok(0xfffffffffff10000ULL, 0x1000, wraps, 1));
	CHECK(tpm2_range_ok(0xfed40000, 0x5000, forbid, 2));
}

static void check_bytes(const char *what, const uint8_t *got, int len, const uint8_t *want,
			size_t wlen)
{
	t_checks++;
	if (len != (int)wlen || memcmp(got, want, wlen) != 0) {
		printf("%s: %d bytes differ from the %zu expected\n", what, len, wlen);
		t_failures++;
	}
}

static void test_build(void)
{
	uint8_t b[TPM_CMD_MAX];
	int n;

	static const uint8_t startup[] = { 0x80, 0x01, 0, 0, 0, 12, 0, 0, 0x01, 0x44, 0, 0 };
	n = tpm2_build_startup(b, sizeof(b), TPM_SU_CLEAR);
	check_bytes("Startup(CLEAR)", b, n, startup, sizeof(startup));

	static const uint8_t getcap[] = { 0x80, 0x01, 0, 0, 0, 22, 0, 0, 0x01, 0x7a,
					  0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 1 };
	n = tpm2_build_get_capability(b, sizeof(b), TPM_CAP_PCRS, 0, 1);
	check_bytes("GetCapability(PCRS)", b, n, getcap, sizeof(getcap));

	/* PCR 22 is bit 6 of the third selection byte. */
	static const uint8_t pcrread[] = { 0x80, 0x01, 0, 0, 0, 20, 0, 0, 0x01, 0x7e,
					   0, 0, 0, 1, 0, 0x0b, 3, 0, 0, 0x40 };
	n = tpm2_build_pcr_read(b, sizeof(b), TPM_ALG_SHA256, 22);
	check_bytes("PCR_Read(22)", b, n, pcrread, sizeof(pcrread));
	CHECK_EQ(tpm2_build_pcr_read(b, sizeof(b), TPM_ALG_SHA256, 24), -SV_EINVAL);

	uint8_t digest[32];
	for (unsigned int i = 0; i < 32; i++)
		digest[i] = (uint8_t)i;
	uint8_t ext[] = { 0x80, 0x02, 0, 0, 0, 65, 0, 0, 0x01, 0x82,
			  0, 0, 0, 22,             /* pcrHandle */
			  0, 0, 0, 9,              /* authorizationSize */
			  0x40, 0, 0, 9, 0, 0, 1, 0, 0, /* TPM_RS_PW, nonce, attrs, hmac */
			  0, 0, 0, 1, 0, 0x0b,     /* one SHA-256 digest */
			  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
			  20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31 };
	n = tpm2_build_pcr_extend(b, sizeof(b), 22, TPM_ALG_SHA256, digest, 32);
	check_bytes("PCR_Extend(22)", b, n, ext, sizeof(ext));

	static const uint8_t rnd[] = { 0x80, 0x01, 0, 0, 0, 12, 0, 0, 0x01, 0x7b, 0, 16 };
	n = tpm2_build_get_random(b, sizeof(b), 16);
	check_bytes("GetRandom(16)", b, n, rnd, sizeof(rnd));

	/* Too small a buffer is refused, not overrun. */
	CHECK_EQ(tpm2_build_startup(b, 11, TPM_SU_CLEAR), -SV_E2BIG);
	CHECK_EQ(tpm2_build_pcr_extend(b, 64, 22, TPM_ALG_SHA256, digest, 32), -SV_E2BIG);
}

/* Runs a parser over every truncation and one byte longer: never 0. */
#define EVERY_CUT(rsp, call)                                                      \
	do {                                                                      \
		for (size_t cut_ = 0; cut_ < sizeof(rsp); cut_++) {               \
			uint8_t *c_ = malloc(cut_ ? cut_ : 1);                    \
			memcpy(c_, rsp, cut_);                                    \
			/* The size field agrees with the cut, so the body checks decide. */ \
			if (cut_ >= 6)                                            \
				put_be32(c_ + 2, (uint32_t)cut_);                 \
			const uint8_t *p_ = c_;                                   \
			size_t l_ = cut_;                                         \
			CHECK(call < 0);                                          \
			free(c_);                                                 \
		}                                                                 \
	} while (0)

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void test_parse(void)
{
	const char *why = NULL;
	struct tpm2_rsp h;

	/* Headers. */
	static const uint8_t ok[] = { 0x80, 0x01, 0, 0, 0, 10, 0, 0, 0, 0 };
	CHECK_EQ(tpm2_rsp_parse(ok, sizeof(ok), &h, &why), 0);
	CHECK_EQ(tpm2_parse_empty(ok, sizeof(ok), &why), 0);
	static const uint8_t init[] = { 0x80, 0x01, 0, 0, 0, 10, 0, 0, 0x01, 0x00 };
	CHECK_EQ(tpm2_parse_empty(init, sizeof(init), &why), TPM_RC_INITIALIZE);
	CHECK_EQ(tpm2_rsp_parse(ok, 9, &h, &why), -SV_EINVAL);
	CHECK_WHY(why, "response shorter than its 10-byte header");
	static const uint8_t longer[] = { 0x80, 0x01, 0, 0, 0, 10, 0, 0, 0, 0, 0 };
	CHECK_EQ(tpm2_rsp_parse(longer, sizeof(longer), &h, &why), -SV_EINVAL);
	CHECK_WHY(why, "response size field differs from the bytes received");
	static const uint8_t tpm12[] = { 0x00, 0xc4, 0, 0, 0, 10, 0, 0, 0, 0 };
	CHECK_EQ(tpm2_rsp_parse(tpm12, sizeof(tpm12), &h, &why), -SV_EINVAL);
	CHECK_WHY(why, "response tag is not a TPM 2.0 tag");
	static const uint8_t errbody[] = { 0x80, 0x01, 0, 0, 0, 12, 0, 0, 0x09, 0x22, 0, 0 };
	CHECK_EQ(tpm2_rsp_parse(errbody, sizeof(errbody), &h, &why), -SV_EINVAL);
	CHECK_WHY(why, "error response with a body");
	/* Found by the fuzzer: an rc with bit 31 set once passed as success. */
	static const uint8_t rchigh[] = { 0x80, 0x01, 0, 0, 0, 10, 0x80, 0, 0, 0 };
	CHECK_EQ(tpm2_parse_empty(rchigh, sizeof(rchigh), &why), -SV_EINVAL);
	CHECK_WHY(why, "response code outside the TPM 2.0 range");
	static const uint8_t huge[] = { 0x80, 0x01, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0 };
	CHECK_EQ(tpm2_rsp_parse(huge, sizeof(huge), &h, &why), -SV_EINVAL);

	/* GetCapability(PCRS) as swtpm answers: SHA-1 and SHA-256, PCRs 0-23 each. */
	static const uint8_t pcrs[] = { 0x80, 0x01, 0, 0, 0, 0x1f, 0, 0, 0, 0, 0,
					0, 0, 0, 5, 0, 0, 0, 2,
					0, 0x04, 3, 0xff, 0xff, 0xff,
					0, 0x0b, 3, 0xff, 0xff, 0xff };
	struct tpm2_pcr_banks banks;
	CHECK_EQ(tpm2_parse_cap_pcrs(pcrs, sizeof(pcrs), &banks, &why), 0);
	CHECK_EQ(banks.count, 2);
	CHECK_EQ(tpm2_bank_pcrs(&banks, TPM_ALG_SHA256), 0xffffff);
	CHECK_EQ(tpm2_bank_pcrs(&banks, TPM_ALG_SHA384), 0);
	EVERY_CUT(pcrs, tpm2_parse_cap_pcrs(p_, l_, &banks, &why));
	uint8_t bad[sizeof(pcrs)];
	memcpy(bad, pcrs, sizeof(bad));
	bad[26] = 0x04; /* SHA-1 twice */
	CHECK_EQ(tpm2_parse_cap_pcrs(bad, sizeof(bad), &banks, &why), -SV_EINVAL);
	CHECK_WHY(why, "a PCR bank listed twice");
	memcpy(bad, pcrs, sizeof(bad));
	bad[18] = 9;
	CHECK_EQ(tpm2_parse_cap_pcrs(bad, sizeof(bad), &banks, &why), -SV_EINVAL);
	CHECK_WHY(why, "more PCR banks than the VMM accepts");
	memcpy(bad, pcrs, sizeof(bad));
	bad[21] = 200; /* sizeofSelect far past the body */
	CHECK_EQ(tpm2_parse_cap_pcrs(bad, sizeof(bad), &banks, &why), -SV_EINVAL);
	memcpy(bad, pcrs, sizeof(bad));
	bad[14] = 6; /* another capability */
	CHECK_EQ(tpm2_parse_cap_pcrs(bad, sizeof(bad), &banks, &why), -SV_EINVAL);
	CHECK_WHY(why, "capability response for another capability");

	/* GetCapability(TPM_PROPERTIES, MANUFACTURER, 1): "IBM ". */
	static const uint8_t props[] = { 0x80, 0x01, 0, 0, 0, 0x1b, 0, 0, 0, 0, 1,
					 0, 0, 0, 6, 0, 0, 0, 1,
					 0, 0, 0x01, 0x05, 'I', 'B', 'M', ' ' };
	uint32_t v = 0;
	CHECK_EQ(tpm2_parse_cap_property(props, sizeof(props), TPM_PT_MANUFACTURER, &v, &why), 0);
	CHECK_EQ(v, 0x49424d20);
	CHECK_EQ(tpm2_parse_cap_property(props, sizeof(props), TPM_PT_FIRMWARE_VERSION_1, &v, &why),
		 -SV_ENOENT);
	EVERY_CUT(props, tpm2_parse_cap_property(p_, l_, TPM_PT_MANUFACTURER, &v, &why));
	uint8_t badp[sizeof(props)];
	memcpy(badp, props, sizeof(badp));
	badp[18] = 0xff; /* count far past the body */
	CHECK_EQ(tpm2_parse_cap_property(badp, sizeof(badp), TPM_PT_MANUFACTURER, &v, &why), -SV_EINVAL);
	CHECK_WHY(why, "property count beyond the response");

	/* PCR_Read(SHA-256, 22): counter 20, PCR 22 selected, all ones. */
	uint8_t rd[62] = { 0x80, 0x01, 0, 0, 0, 62, 0, 0, 0, 0,
			   0, 0, 0, 20, 0, 0, 0, 1, 0, 0x0b, 3, 0, 0, 0x40,
			   0, 0, 0, 1, 0, 32 };
	memset(rd + 30, 0xff, 32);
	uint8_t d[32];
	uint32_t counter = 0;
	CHECK_EQ(tpm2_parse_pcr_read(rd, sizeof(rd), TPM_ALG_SHA256, 22, d, 32, &counter, &why), 0);
	CHECK_EQ(counter, 20);
	CHECK_EQ(d[0] & d[31], 0xff);
	CHECK_EQ(tpm2_parse_pcr_read(rd, sizeof(rd), TPM_ALG_SHA256, 21, d, 32, &counter, &why),
		 -SV_EINVAL);
	CHECK_WHY(why, "PCR_Read answered for other PCRs");
	CHECK_EQ(tpm2_parse_pcr_read(rd, sizeof(rd), TPM_ALG_SHA1, 22, d, 20, &counter, &why),
		 -SV_EINVAL);
	CHECK_WHY(why, "PCR_Read answered for another bank");
	EVERY_CUT(rd, tpm2_parse_pcr_read(p_, l_, TPM_ALG_SHA256, 22, d, 32, &counter, &why));
	uint8_t badr[sizeof(rd)];
	memcpy(badr, rd, sizeof(badr));
	badr[29] = 33; /* a digest longer than SHA-256's */
	CHECK_EQ(tpm2_parse_pcr_read(badr, sizeof(badr), TPM_ALG_SHA256, 22, d, 32, &counter, &why),
		 -SV_EINVAL);
	CHECK_WHY(why, "PCR_Read digest has the wrong size for its bank");
	memcpy(badr, rd, sizeof(badr));
	badr[23] = 0x60; /* PCRs 21 and 22 */
	CHECK_EQ(tpm2_parse_pcr_read(badr, sizeof(badr), TPM_ALG_SHA256, 22, d, 32, &counter, &why),
		 -SV_EINVAL);
	memcpy(badr, rd, sizeof(badr));
	badr[27] = 2;
	CHECK_EQ(tpm2_parse_pcr_read(badr, sizeof(badr), TPM_ALG_SHA256, 22, d, 32, &counter, &why),
		 -SV_EINVAL);
	CHECK_WHY(why, "PCR_Read digest count is not 1");
	memcpy(badr, rd, sizeof(badr));
	badr[1] = 0x02; /* a session tag where none was asked for */
	CHECK_EQ(tpm2_parse_pcr_read(badr, sizeof(badr), TPM_ALG_SHA256, 22, d, 32, &counter, &why),
		 -SV_EINVAL);

	/* PCR_Extend: parameterSize 0, nonce empty, continueSession, hmac empty. */
	static const uint8_t ex[] = { 0x80, 0x02, 0, 0, 0, 19, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0 };
	CHECK_EQ(tpm2_parse_pcr_extend(ex, sizeof(ex), &why), 0);
	EVERY_CUT(ex, tpm2_parse_pcr_extend(p_, l_, &why));
	/* Locality 0 extending PCR 22: TPM_RC_LOCALITY (0x907) in a 10-byte answer. */
	static const uint8_t loc[] = { 0x80, 0x01, 0, 0, 0, 10, 0, 0, 0x09, 0x07 };
	CHECK_EQ(tpm2_parse_pcr_extend(loc, sizeof(loc), &why), 0x907);
	static const uint8_t exnosess[] = { 0x80, 0x01, 0, 0, 0, 14, 0, 0, 0, 0, 0, 0, 0, 0 };
	CHECK_EQ(tpm2_parse_pcr_extend(exnosess, sizeof(exnosess), &why), -SV_EINVAL);
	CHECK_WHY(why, "response has no session area");
	static const uint8_t exhmac[] = { 0x80, 0x02, 0, 0, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0,
					  0, 0, 1, 0, 1, 0xaa };
	CHECK_EQ(tpm2_parse_pcr_extend(exhmac, sizeof(exhmac), &why), -SV_EINVAL);
	CHECK_WHY(why, "PCR_Extend password session answered with a nonce or HMAC");

	/* GetRandom(16). */
	uint8_t gr[28] = { 0x80, 0x01, 0, 0, 0, 28, 0, 0, 0, 0, 0, 16 };
	for (unsigned int i = 0; i < 16; i++)
		gr[12 + i] = (uint8_t)(0xa0 + i);
	uint8_t r[16];
	size_t got = 0;
	CHECK_EQ(tpm2_parse_get_random(gr, sizeof(gr), r, 16, &got, &why), 0);
	CHECK_EQ(got, 16);
	CHECK_EQ(r[15], 0xaf);
	CHECK_EQ(tpm2_parse_get_random(gr, sizeof(gr), r, 8, &got, &why), -SV_EINVAL);
	CHECK_WHY(why, "GetRandom returned more bytes than asked for");
	CHECK_EQ(got, 0);
	EVERY_CUT(gr, tpm2_parse_get_random(p_, l_, r, 16, &got, &why));
}

int main(void)
{
	test_acpi();
	test_build();
	test_parse();
	return t_report();
}
