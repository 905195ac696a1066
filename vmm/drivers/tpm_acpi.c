/*
 * The ACPI TPM2 table (documented in sv/tpm2.h).  TCG ACPI 1.3, 8.3:
 * after the 36-byte header come platform class/flags (4), the control
 * area address (8, offset 40), the start method (4, offset 48), 12 bytes
 * of start-method parameters and, from revision 4, the log area's
 * length (offset 64) and address (offset 68).
 */
#include <sv/acpi.h>
#include <sv/bytes.h>
#include <sv/tpm2.h>
#include <sv/vcpu.h>

bool tpm2_range_ok(uint64_t base, uint64_t len, const struct sv_range *forbid,
		   unsigned int nforbid)
{
	if (len == 0 || base + len < base)
		return false;
	for (unsigned int i = 0; i < nforbid; i++) {
		if (forbid[i].size && forbid[i].base + forbid[i].size > forbid[i].base &&
		    ranges_overlap(base, len, forbid[i].base, forbid[i].size))
			return false;
		/* A forbidden range that wraps reaches the top of the address space. */
		if (forbid[i].size && forbid[i].base + forbid[i].size <= forbid[i].base &&
		    base + len > forbid[i].base)
			return false;
	}
	return true;
}

int tpm2_acpi_parse(const void *table, size_t avail, const struct sv_range *forbid,
		    unsigned int nforbid, struct tpm2_acpi *out, const char **why)
{
	const uint8_t *t = table;
	int len = acpi_table_check(table, avail, "TPM2", why);

	memset(out, 0, sizeof(*out));
	if (len < 0)
		return len;
	if ((unsigned int)len < TPM2_ACPI_MIN_LEN)
		return acpi_fail(why, -SV_EINVAL, "TPM2 table shorter than 52 bytes");
	out->revision = t[8];
	/* Revisions 1 and 2 are the TPM 1.2-era layout some firmware still labels TPM2. */
	if (out->revision < 3)
		return acpi_fail(why, -SV_EINVAL, "TPM2 table revision below 3");
	out->control = rd64(t + 40);
	out->start_method = rd32(t + 48);

	switch (out->start_method) {
	case TPM2_START_TIS:
		/*
		 * A FIFO TPM's registers sit at the PC Client address (PTP
		 * 6.3); the control area field means nothing here (QEMU and
		 * most firmware put 0).
		 */
		out->iface = TPM_IFACE_TIS;
		out->base = TPM_TIS_BASE;
		if (!tpm2_range_ok(out->base, TPM_LOCALITY_PAGES * PAGE_SIZE, forbid, nforbid))
			return acpi_fail(why, -SV_EINVAL, "TPM locality pages overlap RAM or the VMM");
		break;
	case TPM2_START_CRB:
		out->iface = TPM_IFACE_CRB;
		if (out->control == 0)
			return acpi_fail(why, -SV_EINVAL, "CRB control area address is 0");
		if ((out->control & 3) != 0)
			return acpi_fail(why, -SV_EINVAL, "CRB control area not 4-byte aligned");
		/* The VMM maps one page: the control area must not cross it. */
		if ((out->control & (PAGE_SIZE - 1)) > PAGE_SIZE - TPM_CRB_CTRL_LEN)
			return acpi_fail(why, -SV_EINVAL, "CRB control area crosses a page");
		out->base = ALIGN_DOWN(out->control, PAGE_SIZE);
		if (!tpm2_range_ok(out->base, PAGE_SIZE, forbid, nforbid))
			return acpi_fail(why, -SV_EINVAL, "CRB control area overlaps RAM or the VMM");
		break;
	case TPM2_START_ACPI:
	case TPM2_START_CRB_ACPI:
		return acpi_fail(why, -SV_ENODEV, "start method needs ACPI AML the VMM does not run");
	default:
		return acpi_fail(why, -SV_ENODEV, "unknown TPM2 start method");
	}

	if (out->revision >= 4 && (unsigned int)len >= TPM2_ACPI_LOG_LEN) {
		out->log_len = rd32(t + 64);
		out->log_addr = rd64(t + 68);
		if (out->log_len && out->log_addr + out->log_len < out->log_addr)
			return acpi_fail(why, -SV_EINVAL, "TPM2 log area wraps");
		out->has_log = out->log_len != 0 && out->log_addr != 0;
	}
	return 0;
}
