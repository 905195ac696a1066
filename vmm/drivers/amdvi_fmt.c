/*
 * AMD-Vi device table entries, the CONTROL value and event decoding
 * (documented in sv/amdvi_fmt.h).  Bit numbers are the specification's
 * (AMD IOMMU Specification 48882, 2.2.2.1 device table entry, 3.4.3
 * control register, 2.5.3 IO_PAGE_FAULT event), counted over the whole
 * 256-bit entry and split here into quadwords.
 */
#include <sv/amdvi_fmt.h>

#include "fsstring.h"

/* Quadword 0: bits 63:0. */
#define DTE0_V (1ULL << 0)
#define DTE0_TV (1ULL << 1)
#define DTE0_MODE_SHIFT 9 /* bits 11:9 */
#define DTE0_PT_ROOT 0x000ffffffffff000ULL /* bits 51:12 */
#define DTE0_IR (1ULL << 61)
#define DTE0_IW (1ULL << 62)

/*
 * Quadword 1: bits 127:64.  DomainID 79:64; IoCtl 100:99 stays 00b
 * (port I/O requests from the device are target-aborted) and SysMgt
 * 105:104 stays 00b (system-management messages, SMI among them, are
 * target-aborted); EX (103, exclusion range) stays clear.
 */
#define DTE1_DOMAIN 0xffffULL

/* Quadword 2: bits 191:128, the interrupt fields. */
#define DTE2_IV (1ULL << 0)                  /* bit 128 */
#define DTE2_INTTABLEN_SHIFT 1               /* bits 132:129: 2^n entries */
#define DTE2_IG (1ULL << 5)                  /* bit 133 */
#define DTE2_INTTABLEPTR 0x000fffffffffffc0ULL /* bits 179:134 */
#define DTE2_INITPASS (1ULL << 56)           /* bit 184 */
#define DTE2_EINTPASS (1ULL << 57)           /* bit 185 */
#define DTE2_NMIPASS (1ULL << 58)            /* bit 186 */
#define DTE2_INTCTL_SHIFT 60                 /* bits 189:188 */
#define DTE2_INTCTL_FORWARD 1ULL             /* 01b: forwarded unmapped */
#define DTE2_LINT0PASS (1ULL << 62)          /* bit 190 */
#define DTE2_LINT1PASS (1ULL << 63)          /* bit 191 */

/* Documented in sv/amdvi_fmt.h. */
void amdvi_dte_build(const struct amdvi_dte_cfg *c, uint64_t dte[4])
{
	dte[0] = DTE0_V | DTE0_TV | ((uint64_t)(c->levels & 7u) << DTE0_MODE_SHIFT) |
		 (c->pt_root & DTE0_PT_ROOT) | DTE0_IR | DTE0_IW;
	dte[1] = c->domain & DTE1_DOMAIN;
	dte[2] = 0;
	dte[3] = 0;
	if (c->intr == AMDVI_INTR_FILTER) {
		/*
		 * Every pass bit, IG and IntTabLen are left 0 on purpose: only
		 * IV, IntCtl and the (unread) table pointer are set.
		 */
		dte[2] = DTE2_IV | (0ULL << DTE2_INTTABLEN_SHIFT) | (c->irt & DTE2_INTTABLEPTR) |
			 (DTE2_INTCTL_FORWARD << DTE2_INTCTL_SHIFT);
	}
}

/* CONTROL bits (3.4.3). */
#define CTL_IOMMU_EN (1ULL << 0)
#define CTL_HT_TUN_EN (1ULL << 1)
#define CTL_EVENT_LOG_EN (1ULL << 2)
#define CTL_PASS_PW (1ULL << 8)
#define CTL_RES_PASS_PW (1ULL << 9)
#define CTL_COHERENT (1ULL << 10)
#define CTL_ISOC (1ULL << 11)
#define CTL_CMD_BUF_EN (1ULL << 12)

/* IVHD flags (IVRS 5.2.2.1) that name CONTROL bits. */
#define IVHD_HT_TUN_EN 0x01u
#define IVHD_PASS_PW 0x02u
#define IVHD_RES_PASS_PW 0x04u
#define IVHD_ISOC 0x08u

/* Documented in sv/amdvi_fmt.h. */
uint64_t amdvi_control_value(uint8_t ivhd_flags)
{
	uint64_t v = CTL_IOMMU_EN | CTL_EVENT_LOG_EN | CTL_CMD_BUF_EN | CTL_COHERENT;

	if (ivhd_flags & IVHD_HT_TUN_EN)
		v |= CTL_HT_TUN_EN;
	if (ivhd_flags & IVHD_PASS_PW)
		v |= CTL_PASS_PW;
	if (ivhd_flags & IVHD_RES_PASS_PW)
		v |= CTL_RES_PASS_PW;
	if (ivhd_flags & IVHD_ISOC)
		v |= CTL_ISOC;
	return v;
}

#define EV_CODE_SHIFT 60
#define EV_ILLEGAL_DTE 0x1u
#define EV_IO_PAGE_FAULT 0x2u
#define EV_FLAG_I (1ULL << 51)
#define EV_FLAG_RW (1ULL << 53)

/* Documented in sv/amdvi_fmt.h. */
void amdvi_event_decode(uint64_t lo, uint64_t hi, struct amdvi_event *out)
{
	out->code = (uint8_t)(lo >> EV_CODE_SHIFT);
	out->devid = (uint16_t)lo;
	out->write = (lo & EV_FLAG_RW) != 0;
	out->addr = hi;
	if (out->code != EV_ILLEGAL_DTE && out->code != EV_IO_PAGE_FAULT)
		out->kind = AMDVI_EV_OTHER;
	else
		out->kind = (lo & EV_FLAG_I) ? AMDVI_EV_INTR : AMDVI_EV_DMA;
}

/* Documented in sv/amdvi_fmt.h. */
enum amdvi_intr amdvi_intr_choice(unsigned int mode, unsigned int nioapic, const uint8_t *ivrs_hdr,
				  const char **why)
{
	if (mode == 2) {
		*why = "iommu_intr=pass";
		return AMDVI_INTR_PASS;
	}
	if (mode == 1) {
		*why = "iommu_intr=block";
		return AMDVI_INTR_FILTER;
	}
	if (!memcmp(ivrs_hdr + 10, "BOCHS ", 6) && !memcmp(ivrs_hdr + 16, "BXPC", 4)) {
		*why = "QEMU's amd-iommu forwards fixed interrupts as vector 0 to APIC 0; iommu_intr=block forces it";
		return AMDVI_INTR_PASS;
	}
	if (nioapic == 0) {
		*why = "the IVRS names no I/O APIC: the unit may not remap interrupts; iommu_intr=block forces it";
		return AMDVI_INTR_PASS;
	}
	*why = "iommu_intr=auto";
	return AMDVI_INTR_FILTER;
}
