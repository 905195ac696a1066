/*
 * AMD-Vi (AMD I/O Virtualization Technology (IOMMU) Specification, pub.
 * 48882 rev. 3.x): one IOMMU with the identity domain.
 *
 * - Device table (2.2.2): all 65,536 entries valid, translation valid,
 *   4-level tables, read and write allowed, domain 1: every requester ID,
 *   listed in the IVRS or not, gets the same domain.  Interrupts
 *   (sv/amdvi_fmt.h): with the unit's intr_filter, IV set and IntCtl 01b,
 *   so the guest's fixed and lowest-priority MSIs and I/O APIC messages
 *   pass exactly as it programmed them while INIT, NMI, SMI, ExtINT and
 *   LINT0/1 from any device are target-aborted (and logged); without it
 *   IV clear, every interrupt untranslated.  Firmware's per-device IVHD
 *   settings (InitPass etc. for its I/O APIC) are not applied.
 * - Page tables (2.2.3): mm/nested_map.c builds them with the AMD-Vi
 *   entry format (NextLevel in each PDE, 0 in a leaf of any size); hidden
 *   pages are absent, so a DMA there is blocked and logged as an
 *   IO_PAGE_FAULT event.
 * - Command buffer (2.4) for the invalidations after the tables are
 *   written, ended by a COMPLETION_WAIT whose store the VMM polls.
 * - Event log (2.5) polled for faults; its interrupt stays off.  (QEMU
 *   7.2's AMD-Vi never writes its event log: docs/iommu.md.)
 * - An exclusion range left by firmware (3.4.3) is switched off: it would
 *   let devices past the tables.
 * - CONTROL is written with exactly the VMM's value (amdvi_control_value):
 *   nothing firmware left there (device-table segmentation, guest
 *   translation, guest virtual APIC, PPR, x2APIC mode, ...) survives.
 */
#include <arch/cpu.h>
#include <sv/amdvi_fmt.h>
#include <sv/console.h>
#include <sv/iommu.h>
#include <sv/mm.h>
#include <sv/nested_map.h>

#include "fsstring.h"

/* MMIO registers (3.4). */
#define DEVTAB_BASE 0x0000
#define CMDBUF_BASE 0x0008
#define EVLOG_BASE 0x0010
#define CONTROL 0x0018
#define EXCL_BASE 0x0020
#define EXCL_LIMIT 0x0028
#define EFR 0x0030
#define CMD_HEAD 0x2000
#define CMD_TAIL 0x2008
#define EV_HEAD 0x2010
#define EV_TAIL 0x2018
#define STATUS 0x2020

#define CTL_EN (1ULL << 0)
#define CTL_EVLOG_EN (1ULL << 2)
#define CTL_CMDBUF_EN (1ULL << 12)
#define STATUS_EV_OVERFLOW (1ULL << 0)
#define EFR_IA_SUP (1ULL << 6) /* INVALIDATE_IOMMU_ALL */

/* Page-table entries (2.2.3): present, next level, read, write. */
#define PTE_PR (1ULL << 0)
#define PTE_NL(l) ((uint64_t)(l) << 9)
#define PTE_IR (1ULL << 61)
#define PTE_IW (1ULL << 62)

#define DEVTAB_PAGES 512 /* 65,536 entries of 32 bytes */
#define CMDBUF_LEN_LOG2 8 /* 256 commands of 16 bytes: one page */
#define EVLOG_LEN_LOG2 12 /* 4,096 events of 16 bytes: 64 KiB */
#define EVLOG_PAGES 16
#define DOMAIN_ID 1

#define CMD_COMPLETION_WAIT 1u
#define CMD_INV_DEVTAB 2u
#define CMD_INV_PAGES 3u
#define CMD_INV_INTR_TABLE 5u
#define CMD_INV_ALL 8u

static uint64_t pte_table(uint64_t pa, unsigned int level)
{
	return pa | PTE_PR | PTE_NL(level - 1) | PTE_IR | PTE_IW;
}

static uint64_t pte_leaf(uint64_t pa, unsigned int level)
{
	(void)level; /* NextLevel 0: a page of the size of the level it is found at */
	return pa | PTE_PR | PTE_IR | PTE_IW;
}

static volatile uint64_t *reg(const struct iommu_unit *u, unsigned int off)
{
	return (volatile uint64_t *)(u->regs[off / PAGE_SIZE] + off % PAGE_SIZE);
}

static uint64_t rd(const struct iommu_unit *u, unsigned int off)
{
	return *reg(u, off);
}

static void wr(const struct iommu_unit *u, unsigned int off, uint64_t v)
{
	*reg(u, off) = v;
}

/*
 * One domain's tables and one device table for all units; irt is the
 * one-entry, all-zero interrupt remapping table the filtering entries
 * point at (IntCtl 01b never reads it).
 */
static uint64_t pt_root, devtab, irt;
static bool devtab_filters;

static int build(uint64_t span, const struct sv_range *hidden, unsigned int nhidden, bool filter,
		 const char **why)
{
	if (devtab) {
		if (filter != devtab_filters) {
			*why = "units differ in interrupt filtering (one device table serves all)";
			return -SV_EINVAL;
		}
		return 0;
	}
	struct nested_format f = { pte_table, pte_leaf, true, false };
	if (nested_map_build(&f, MIN(span, 1ULL << 48), hidden, nhidden, 0, &pt_root) < 0) {
		*why = "out of pool memory for the page tables";
		return -SV_ENOMEM;
	}
	irt = palloc_page(); /* zeroed: its one entry has RemapEn clear */
	devtab = palloc_pages(DEVTAB_PAGES, DEVTAB_PAGES);
	if (!devtab || !irt) {
		*why = "out of pool memory for the 2 MiB device table or its interrupt table";
		return -SV_ENOMEM;
	}
	struct amdvi_dte_cfg cfg = { pt_root, 4, DOMAIN_ID,
				     filter ? AMDVI_INTR_FILTER : AMDVI_INTR_PASS, irt };
	uint64_t e[4];
	amdvi_dte_build(&cfg, e);
	uint64_t *d = phys_to_virt(devtab);
	for (unsigned int i = 0; i < 65536; i++)
		memcpy(&d[4 * i], e, sizeof(e));
	devtab_filters = filter;
	return 0;
}

/* Queues one command; false when the buffer stays full past 100 ms. */
static bool command(struct iommu_unit *u, uint64_t lo, uint64_t hi)
{
	uint64_t size = (1ULL << CMDBUF_LEN_LOG2) * 16;
	uint64_t tail = rd(u, CMD_TAIL) & (size - 1);
	uint64_t next = (tail + 16) % size;
	uint64_t t0 = rdtsc(), limit = iommu_timeout_tsc();

	while ((rd(u, CMD_HEAD) & (size - 1)) == next) {
		if (rdtsc() - t0 > limit)
			return false;
		cpu_relax();
	}
	volatile uint64_t *c = phys_to_virt(u->cmdbuf + tail);
	c[0] = lo;
	c[1] = hi;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	wr(u, CMD_TAIL, next);
	return true;
}

/* COMPLETION_WAIT with a store: every command before it has finished. */
static bool sync(struct iommu_unit *u)
{
	static volatile uint64_t done __attribute__((aligned(8)));
	uint64_t pa = virt_to_phys((const void *)&done);
	uint64_t t0 = rdtsc(), limit = iommu_timeout_tsc();

	done = 0;
	if (!command(u, (pa & 0x000ffffffffffff8ULL) | 1u | ((uint64_t)CMD_COMPLETION_WAIT << 60), 1))
		return false;
	while (done != 1) {
		if (rdtsc() - t0 > limit)
			return false;
		cpu_relax();
	}
	return true;
}

static int amdvi_enable(struct iommu_unit *u, uint64_t span, const struct sv_range *hidden,
			unsigned int nhidden, const char **why)
{
	if (u->nregs < 3) {
		*why = "fewer than 3 register pages mapped";
		return -SV_EINVAL;
	}
	uint64_t efr = rd(u, EFR);
	if (efr == ~0ULL) {
		*why = "its registers read as all ones (no unit there)";
		return -SV_ENODEV;
	}
	u->ecap = efr;
	int r = build(span, hidden, nhidden, u->intr_filter, why);
	if (r < 0)
		return r;
	u->cmdbuf = palloc_page();
	u->evlog = palloc_pages(EVLOG_PAGES, EVLOG_PAGES);
	if (!u->cmdbuf || !u->evlog) {
		*why = "out of pool memory for the command buffer and event log";
		return -SV_ENOMEM;
	}
	/*
	 * Off first: firmware may have left it running with tables of its
	 * own.  All of CONTROL goes to 0, not only the enables: a bit left
	 * from firmware (device-table segmentation, guest translation) would
	 * change how the unit reads the VMM's tables.
	 */
	uint64_t fw_control = rd(u, CONTROL);
	wr(u, CONTROL, 0);
	wr(u, EXCL_BASE, 0);
	wr(u, EXCL_LIMIT, 0);
	wr(u, DEVTAB_BASE, devtab | (DEVTAB_PAGES - 1));
	wr(u, CMDBUF_BASE, u->cmdbuf | ((uint64_t)CMDBUF_LEN_LOG2 << 56));
	wr(u, EVLOG_BASE, u->evlog | ((uint64_t)EVLOG_LEN_LOG2 << 56));
	wr(u, CMD_HEAD, 0);
	wr(u, CMD_TAIL, 0);
	wr(u, EV_HEAD, 0);
	wr(u, EV_TAIL, 0);
	wr(u, STATUS, STATUS_EV_OVERFLOW); /* write-1-to-clear */
	__asm__ volatile("wbinvd" ::: "memory");
	uint64_t control = amdvi_control_value(u->ivhd_flags);
	wr(u, CONTROL, control);
	sv_printf("iommu: AMD-Vi unit at %lx: CONTROL %lx (firmware left %lx)\n", (unsigned long)u->base,
		  (unsigned long)control, (unsigned long)fw_control);
	u->evlog_head = 0;
	/* Nothing the unit cached from firmware's tables may survive. */
	bool ok;
	if (efr & EFR_IA_SUP) {
		ok = command(u, (uint64_t)CMD_INV_ALL << 60, 0);
	} else {
		ok = true;
		for (unsigned int id = 0; id < 65536 && ok; id++) {
			ok = command(u, id | ((uint64_t)CMD_INV_DEVTAB << 60), 0);
			/* Interrupt table entries firmware's remapping may have left cached. */
			ok = ok && command(u, id | ((uint64_t)CMD_INV_INTR_TABLE << 60), 0);
			if (ok && id % 64 == 63)
				ok = sync(u);
		}
		/* All pages of the domain: S set, address with every bit from 12 up. */
		ok = ok && command(u, ((uint64_t)DOMAIN_ID << 32) | ((uint64_t)CMD_INV_PAGES << 60),
				   0x7ffffffffffff000ULL | 1u);
	}
	if (!ok || !sync(u)) {
		wr(u, CONTROL, rd(u, CONTROL) & ~(CTL_EN | CTL_CMDBUF_EN | CTL_EVLOG_EN));
		*why = "its command buffer did not complete the invalidations";
		return -SV_ETIMEOUT;
	}
	u->tables = devtab;
	u->intr_blocking = devtab_filters;
	return 0;
}

/* Event codes (2.5.x) in words. */
static const char *event_name(unsigned int code)
{
	switch (code) {
	case 0x1:
		return "AMD-Vi event 1: illegal device table entry";
	case 0x2:
		return "AMD-Vi event 2: I/O page fault";
	case 0x3:
		return "AMD-Vi event 3: device table hardware error";
	case 0x4:
		return "AMD-Vi event 4: page table hardware error";
	default:
		return "AMD-Vi event";
	}
}

/* Empties and restarts the event log after an overflow (3.4.11: log off, pointers reset, on). */
static void evlog_restart(struct iommu_unit *u)
{
	wr(u, CONTROL, rd(u, CONTROL) & ~CTL_EVLOG_EN);
	memset(phys_to_virt(u->evlog), 0, EVLOG_PAGES * PAGE_SIZE);
	wr(u, EVLOG_BASE, u->evlog | ((uint64_t)EVLOG_LEN_LOG2 << 56));
	wr(u, EV_HEAD, 0);
	wr(u, EV_TAIL, 0);
	wr(u, STATUS, STATUS_EV_OVERFLOW);
	u->evlog_head = 0;
	wr(u, CONTROL, rd(u, CONTROL) | CTL_EVLOG_EN);
}

/*
 * Event log entries (2.5): DeviceID 15:0, flags 59:48 (RW = bit 53),
 * code 63:60, address 127:64, from head up to the tail register.
 */
static unsigned int amdvi_poll(struct iommu_unit *u, struct iommu_fault *out, unsigned int max)
{
	uint64_t size = (1ULL << EVLOG_LEN_LOG2) * 16;
	uint64_t tail = rd(u, EV_TAIL) & (size - 1);
	uint32_t head = u->evlog_head;
	unsigned int n = 0;

	while (head != tail && n < max) {
		volatile uint64_t *e = phys_to_virt(u->evlog + head);
		uint64_t lo = e[0], hi = e[1];
		head = (uint32_t)((head + 16) % size);
		struct amdvi_event ev;
		amdvi_event_decode(lo, hi, &ev);
		if (ev.kind == AMDVI_EV_OTHER)
			continue; /* only requests the tables refused are reported */
		struct iommu_fault *f = &out[n++];
		f->sid = ev.devid;
		f->reason = ev.code;
		f->write = ev.write;
		f->intr = ev.kind == AMDVI_EV_INTR;
		f->addr = ev.addr;
		/* An interrupt the device table aborted is logged as an I/O page fault with the I flag. */
		f->what = f->intr ? "AMD-Vi: interrupt request aborted by the device table"
				  : event_name(ev.code);
	}
	if (head != u->evlog_head) {
		u->evlog_head = head;
		wr(u, EV_HEAD, head);
	}
	if (rd(u, STATUS) & STATUS_EV_OVERFLOW) {
		/* The log filled up: the events lost are lost, the next ones are seen. */
		evlog_restart(u);
	}
	return n;
}

const struct iommu_vendor iommu_amdvi = {
	.name = "AMD-Vi",
	.enable = amdvi_enable,
	.poll = amdvi_poll,
};
