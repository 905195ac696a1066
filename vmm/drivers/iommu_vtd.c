/*
 * Intel VT-d (Intel Virtualization Technology for Directed I/O, rev. 4.1):
 * one unit in legacy translation mode with the identity domain.
 *
 * - Root table: 256 entries, one per bus, all pointing at one context
 *   table whose 256 entries (device/function) all name domain 1 with the
 *   second-level tables below.  Every requester ID behind the unit, known
 *   to the tables or hot-plugged later, gets the same domain (3.4.2,
 *   3.4.3, 9.1, 9.3).
 * - Second-level tables: mm/nested_map.c builds them like NPT/EPT, hidden
 *   pages left absent, so a DMA there is blocked and recorded as a fault
 *   (R and W bits, 9.8); 3- or 4-level as SAGAW offers (CAP 10.4.2),
 *   2 MiB and 1 GiB pages where SLLPS offers them.
 * - Invalidation through the registers (context command, IOTLB; 6.5.1),
 *   after the root pointer is set and before translation is on (6.6,
 *   "Enabling DMA remapping").  Queued invalidation is switched off if
 *   firmware left it on, so that the register interface can be used.
 * - Interrupt remapping stays off (docs/iommu.md): with IRE clear, device
 *   interrupts pass through in compatibility format as without a unit.
 * - Fault events are masked; faults are collected by polling (10.4.14).
 */
#include <arch/cpu.h>
#include <sv/console.h>
#include <sv/iommu.h>
#include <sv/mm.h>
#include <sv/nested_map.h>

#include "fsstring.h"

/* Register offsets (10.4). */
#define VER 0x00
#define CAP 0x08
#define ECAP 0x10
#define GCMD 0x18
#define GSTS 0x1c
#define RTADDR 0x20
#define CCMD 0x28
#define FSTS 0x34
#define FECTL 0x38
#define PMEN 0x64

#define GCMD_TE (1u << 31)
#define GCMD_SRTP (1u << 30)
#define GCMD_WBF (1u << 27)
#define GCMD_QIE (1u << 26)
#define GCMD_IRE (1u << 25)
/* Status bits of the one-shot commands (SRTP, SFL, WBF, SIRTP): never written back. */
#define GSTS_ONESHOT ((1u << 30) | (1u << 29) | (1u << 27) | (1u << 24))

#define CAP_RWBF (1ULL << 4)
#define CAP_SAGAW(c) (((c) >> 8) & 0x1f)
#define CAP_MGAW(c) ((unsigned int)(((c) >> 16) & 0x3f) + 1)
#define CAP_FRO(c) ((unsigned int)(((c) >> 24) & 0x3ff) * 16)
#define CAP_SLLPS_2M (1ULL << 34)
#define CAP_SLLPS_1G (1ULL << 35)
#define CAP_NFR(c) ((unsigned int)(((c) >> 40) & 0xff) + 1)
#define ECAP_C (1ULL << 0)
#define ECAP_IRO(e) ((unsigned int)(((e) >> 8) & 0x3ff) * 16)

#define CCMD_ICC (1ULL << 63)
#define CCMD_GLOBAL (1ULL << 61)
#define IOTLB_IVT (1ULL << 63)
#define IOTLB_GLOBAL (1ULL << 60)
#define IOTLB_DR (1ULL << 49)
#define IOTLB_DW (1ULL << 48)

#define FSTS_PFO (1u << 0)
#define FSTS_PPF (1u << 1)
#define FECTL_IM (1u << 31)
#define PMEN_EPM (1u << 31)

/* Second-level entries (9.8): read, write, and the page-size bit. */
#define SL_R (1ULL << 0)
#define SL_W (1ULL << 1)
#define SL_PS (1ULL << 7)
#define SL_ADDR 0x000ffffffffff000ULL

#define DOMAIN_ID 1 /* 0 is reserved when caching mode is on (CAP.CM) */

static uint64_t sl_table(uint64_t pa, unsigned int level)
{
	(void)level;
	return pa | SL_R | SL_W;
}

static uint64_t sl_leaf(uint64_t pa, unsigned int level)
{
	return pa | SL_R | SL_W | (level > 1 ? SL_PS : 0);
}

/* Register access by offset across the mapped pages. */
static volatile void *reg(const struct iommu_unit *u, unsigned int off)
{
	return u->regs[off / PAGE_SIZE] + off % PAGE_SIZE;
}

static bool reg_ok(const struct iommu_unit *u, unsigned int off, unsigned int width)
{
	return off / PAGE_SIZE < u->nregs && (off + width - 1) / PAGE_SIZE < u->nregs;
}

static uint32_t rd32(const struct iommu_unit *u, unsigned int off)
{
	return *(volatile uint32_t *)reg(u, off);
}

static uint64_t rd64(const struct iommu_unit *u, unsigned int off)
{
	return *(volatile uint64_t *)reg(u, off);
}

static void wr32(const struct iommu_unit *u, unsigned int off, uint32_t v)
{
	*(volatile uint32_t *)reg(u, off) = v;
}

static void wr64(const struct iommu_unit *u, unsigned int off, uint64_t v)
{
	*(volatile uint64_t *)reg(u, off) = v;
}

/* Waits up to 100 ms for (reg & mask) == want; hardware takes microseconds. */
static bool wait32(const struct iommu_unit *u, unsigned int off, uint32_t mask, uint32_t want)
{
	uint64_t t0 = rdtsc(), limit = iommu_timeout_tsc();

	while ((rd32(u, off) & mask) != want) {
		if (rdtsc() - t0 > limit)
			return false;
		cpu_relax();
	}
	return true;
}

static bool wait64(const struct iommu_unit *u, unsigned int off, uint64_t mask)
{
	uint64_t t0 = rdtsc(), limit = iommu_timeout_tsc();

	while (rd64(u, off) & mask) {
		if (rdtsc() - t0 > limit)
			return false;
		cpu_relax();
	}
	return true;
}

/* A global command (10.4.4): the persistent bits as they are, plus/minus one. */
static bool gcmd(const struct iommu_unit *u, uint32_t set, uint32_t clear, uint32_t status_want)
{
	uint32_t v = (rd32(u, GSTS) & ~GSTS_ONESHOT & ~clear) | set;

	wr32(u, GCMD, v);
	return wait32(u, GSTS, set | clear, status_want);
}

/* The domain's tables, built once for all units of one format. */
static uint64_t sl_root4;  /* 4-level root */
static bool sl_2m, sl_1g;
static uint64_t sl_span;
static uint64_t ctx_tables[2]; /* [0] 3-level units, [1] 4-level */
static uint64_t root_tables[2];

static int build_tables(uint64_t span, const struct sv_range *hidden, unsigned int nhidden,
			bool large2, bool large1, const char **why)
{
	if (sl_root4) {
		if (large2 != sl_2m || large1 != sl_1g || span != sl_span) {
			*why = "units with different large-page support (one domain for all is not built)";
			return -SV_EINVAL;
		}
		return 0;
	}
	struct nested_format f = { sl_table, sl_leaf, large1, !large2 };
	int r = nested_map_build(&f, span, hidden, nhidden, 0, &sl_root4);
	if (r < 0) {
		*why = "out of pool memory for the second-level tables";
		return r;
	}
	sl_2m = large2;
	sl_1g = large1;
	sl_span = span;
	return 0;
}

/* Root and context table for units walking 3 (lvl4 false) or 4 levels. */
static int build_context(bool lvl4, const char **why)
{
	unsigned int k = lvl4;

	if (root_tables[k])
		return 0;
	uint64_t *l4 = phys_to_virt(sl_root4);
	uint64_t slpt = lvl4 ? sl_root4 : (l4[0] & SL_ADDR);
	uint64_t ctx = palloc_page(), root = palloc_page();
	if (!ctx || !root || !slpt) {
		*why = "out of pool memory for the root and context tables";
		return -SV_ENOMEM;
	}
	/* Context entry (9.3): present, TT 00 (second level), AW, domain. */
	uint64_t *c = phys_to_virt(ctx);
	for (unsigned int i = 0; i < 256; i++) {
		c[2 * i] = slpt | 1;
		c[2 * i + 1] = (lvl4 ? 2u : 1u) | ((uint64_t)DOMAIN_ID << 8);
	}
	/* Root entry (9.1): present, the context table; every bus the same. */
	uint64_t *rt = phys_to_virt(root);
	for (unsigned int i = 0; i < 256; i++) {
		rt[2 * i] = ctx | 1;
		rt[2 * i + 1] = 0;
	}
	ctx_tables[k] = ctx;
	root_tables[k] = root;
	return 0;
}

static int vtd_enable(struct iommu_unit *u, uint64_t span, const struct sv_range *hidden,
		      unsigned int nhidden, const char **why)
{
	u->cap = rd64(u, CAP);
	u->ecap = rd64(u, ECAP);
	uint32_t ver = rd32(u, VER);
	unsigned int sagaw = CAP_SAGAW(u->cap);
	unsigned int fro = CAP_FRO(u->cap), iro = ECAP_IRO(u->ecap);

	if (ver == 0xffffffffu || u->cap == ~0ULL) {
		*why = "its registers read as all ones (no unit there)";
		return -SV_ENODEV;
	}
	if (!reg_ok(u, fro, 16 * CAP_NFR(u->cap)) || !reg_ok(u, iro, 16)) {
		*why = "fault-recording or IOTLB registers outside the register pages";
		return -SV_EINVAL;
	}
	/* 4 levels when offered (48 bits), else 3 (39 bits: 512 GiB). */
	bool lvl4 = sagaw & 4;
	if (!lvl4 && !(sagaw & 2)) {
		*why = "neither 3- nor 4-level second-level tables supported (SAGAW)";
		return -SV_ENODEV;
	}
	uint64_t limit = lvl4 ? (1ULL << 48) : (1ULL << 39);
	if (CAP_MGAW(u->cap) < 64 && (1ULL << CAP_MGAW(u->cap)) < limit)
		limit = 1ULL << CAP_MGAW(u->cap);
	if (span > limit) {
		if (limit < vmm_layout.max_phys)
			sv_printf("iommu: WARNING: VT-d unit at %lx maps only the first %lu GiB; DMA to RAM above is blocked\n",
				  (unsigned long)u->base, (unsigned long)(limit >> 30));
		span = limit;
	}
	int r = build_tables(span, hidden, nhidden, u->cap & CAP_SLLPS_2M, u->cap & CAP_SLLPS_1G, why);
	if (r == 0)
		r = build_context(lvl4, why);
	if (r < 0)
		return r;
	if (!(u->ecap & ECAP_C))
		__asm__ volatile("wbinvd" ::: "memory"); /* its table walks do not snoop caches */

	/* Firmware may have left the unit running (pre-boot DMA protection). */
	uint32_t st = rd32(u, GSTS);
	if ((st & GCMD_IRE) && !gcmd(u, 0, GCMD_IRE, 0)) {
		*why = "interrupt remapping left on by firmware cannot be switched off";
		return -SV_ETIMEOUT;
	}
	if ((st & GCMD_QIE) && !gcmd(u, 0, GCMD_QIE, 0)) {
		*why = "queued invalidation left on by firmware cannot be switched off";
		return -SV_ETIMEOUT;
	}
	wr32(u, FECTL, FECTL_IM);
	wr64(u, RTADDR, root_tables[lvl4]); /* TTM 00: legacy mode */
	if (!gcmd(u, GCMD_SRTP, 0, GCMD_SRTP)) {
		*why = "the root table pointer was not latched";
		return -SV_ETIMEOUT;
	}
	if ((u->cap & CAP_RWBF) && !gcmd(u, GCMD_WBF, 0, 0)) {
		*why = "write-buffer flush did not finish";
		return -SV_ETIMEOUT;
	}
	wr64(u, CCMD, CCMD_ICC | CCMD_GLOBAL);
	if (!wait64(u, CCMD, CCMD_ICC)) {
		*why = "context-cache invalidation did not finish";
		return -SV_ETIMEOUT;
	}
	wr64(u, iro + 8, IOTLB_IVT | IOTLB_GLOBAL | IOTLB_DR | IOTLB_DW);
	if (!wait64(u, iro + 8, IOTLB_IVT)) {
		*why = "IOTLB invalidation did not finish";
		return -SV_ETIMEOUT;
	}
	/* Old faults (firmware's) are cleared, so that every report is ours. */
	struct iommu_fault dummy[1];
	for (unsigned int k = 0; k < 256 && iommu_vtd.poll(u, dummy, 1); k++)
		;
	if (!gcmd(u, GCMD_TE, 0, GCMD_TE)) {
		*why = "translation did not turn on";
		return -SV_ETIMEOUT;
	}
	/* Protected memory regions would block DMA to guest RAM; translation covers it all. */
	if (rd32(u, PMEN) & PMEN_EPM) {
		wr32(u, PMEN, 0);
		wait32(u, PMEN, 1u, 0);
	}
	u->tables = root_tables[lvl4];
	return 0;
}

static const char *reason(unsigned int fr)
{
	switch (fr) {
	case 0x1:
		return "VT-d fault 1: root entry not present";
	case 0x2:
		return "VT-d fault 2: context entry not present";
	case 0x4:
		return "VT-d fault 4: address above the domain's width";
	case 0x5:
		return "VT-d fault 5: write to a page the domain does not map writable";
	case 0x6:
		return "VT-d fault 6: read of a page the domain does not map";
	default:
		return "VT-d fault";
	}
}

/* Primary fault records (10.4.14): F bit 127, type bit 126 (1: read), reason 103:96, SID 79:64. */
static unsigned int vtd_poll(struct iommu_unit *u, struct iommu_fault *out, unsigned int max)
{
	unsigned int n = 0, nfr = CAP_NFR(u->cap), fro = CAP_FRO(u->cap);
	uint32_t fs = rd32(u, FSTS);

	if (fs & FSTS_PPF) {
		unsigned int i = (fs >> 8) & 0xff;
		for (unsigned int k = 0; k < nfr && n < max; k++, i = (i + 1) % nfr) {
			unsigned int off = fro + 16 * (i % nfr);
			uint64_t hi = rd64(u, off + 8);
			if (!(hi >> 63))
				continue;
			uint64_t lo = rd64(u, off);
			struct iommu_fault *f = &out[n++];
			f->sid = (uint16_t)hi;
			f->reason = (uint16_t)((hi >> 32) & 0xff);
			f->write = !((hi >> 62) & 1);
			f->addr = lo & ~0xfffULL;
			f->what = reason(f->reason);
			wr32(u, off + 12, 1u << 31); /* F is write-1-to-clear */
		}
	}
	if (fs & FSTS_PFO)
		wr32(u, FSTS, FSTS_PFO);
	return n;
}

const struct iommu_vendor iommu_vtd = {
	.name = "Intel VT-d",
	.enable = vtd_enable,
	.poll = vtd_poll,
};
