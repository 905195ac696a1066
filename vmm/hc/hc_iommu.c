/*
 * The iommu hypercall: the state of DMA protection, the last blocked DMA,
 * and the self-test pages (sealvisor/hypercall.h, struct sv_iommu_info).
 * Faults are collected first, so a DMA that just failed is counted.
 */
#include <sv/hypercall.h>
#include <sv/iommu.h>

#include "fsstring.h"

static int64_t hc_iommu(struct hc_call *c)
{
	struct sv_iommu_info s;
	struct iommu_fault f;

	/* A tool built against an older, shorter record gets the part it knows. */
	if (c->arg[1] < 8)
		return -SV_ERANGE;
	size_t n = c->arg[1] < sizeof(s) ? (size_t)c->arg[1] : sizeof(s);
	iommu_poll();
	memset(&s, 0, sizeof(s));
	s.size = sizeof(s);
	s.mode = (uint32_t)iommu_mode;
	s.state = (uint32_t)iommu_state();
	s.vendor = iommu_vendor_id();
	s.units = iommu_units_on();
	s.units_found = iommu_units_found();
	for (unsigned int i = 0; i < ARRAY_SIZE(s.unit_base); i++)
		s.unit_base[i] = iommu_unit_base(i);
	s.faults = iommu_fault_count();
	if (iommu_last_fault(&f)) {
		s.last_addr = f.addr;
		s.last_sid = f.sid;
		s.last_write = f.write;
	}
	s.canary_image = iommu_canary_pa(0);
	s.canary_pool = iommu_canary_pa(1);
	s.canary_image_ok = iommu_canary_intact(0);
	s.canary_pool_ok = iommu_canary_intact(1);
	s.intr_mode = (uint32_t)iommu_intr_mode;
	s.intr_blocking = iommu_intr_blocking();
	s.intr_blocked = iommu_intr_blocked_count();
	int rc = gm_copy_to(c->phys, &c->paging, c->arg[0], &s, n);
	return rc ? rc : (int64_t)n;
}
HYPERCALL(iommu, SV_HC_IOMMU, hc_iommu);
