/*
 * svdma: aims a device's DMA at guest RAM and at the VMM's memory, and
 * checks what the IOMMU let through (the iommu boot suite; docs/iommu.md).
 *
 * The device is QEMU's "edu" test device (PCI 1234:11e8): BAR0 holds a
 * DMA engine (source 0x80, destination 0x88, count 0x90, command 0x98:
 * bit 0 start, bit 1 direction 1 = from the device's 4 KiB buffer at
 * 0x40000 to a bus address; it runs 100 ms of QEMU's clock later and
 * clears bit 0 when done).  Bus addresses are physical addresses here:
 * the VMM's IOMMU domain is an identity map.
 *
 *   svdma info            the VMM's iommu record, one "key value" a line
 *   svdma run [--unreported]
 *                         the DMA scenarios, SVTEST PASS/FAIL markers; on
 *                         the way it reads and writes the IOMMU's register
 *                         page through /dev/mem (the guest reaches only the
 *                         sink page there) and then proves translation is
 *                         still on by DMA into the VMM's memory
 *   svdma control         under iommu=off: a DMA into the VMM's pool
 *                         self-test page reaches it (the VMM says so)
 *   svdma msi --delivery fixed|lowest|smi|nmi|init|extint --cpu N
 *             [--vector V] [--count K] [--gap-us U]
 *                         programs the edu's MSI capability (physical
 *                         destination: CPU N's APIC ID) and raises its
 *                         interrupt K times (register 0x60), U us apart
 *   svdma fixed-test CPU  200 fixed MSIs with the rescheduling vector to
 *                         CPU arrive (its RES count in /proc/interrupts)
 *   svdma intr-test CPU [--control | --no-fixed]
 *                         device interrupts (docs/iommu.md): fixed MSIs
 *                         to CPU arrive, NMI MSIs do not, and INIT MSIs
 *                         sent while a process runs there in the VMM do
 *                         not reset it; --control (iommu_intr=pass):
 *                         the same INIT does reach the CPU; --no-fixed:
 *                         the unit cannot forward fixed MSIs while it
 *                         filters (QEMU 7.2's amd-iommu): what arrives is
 *                         said, not checked
 *
 * Guest buffers are found in physical memory through /proc/self/pagemap
 * (root only), locked so they do not move while the device writes.
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <dirent.h>
#include <pthread.h>
#include <sched.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "svcall.h"
#include "svpin.h"

#define PAGE 4096u
#define EDU_BUF 0x40000u
#define EDU_SRC 0x80
#define EDU_DST 0x88
#define EDU_CNT 0x90
#define EDU_CMD 0x98
#define EDU_TO_RAM 2u
#define EDU_IRQ_RAISE 0x60
#define EDU_IRQ_ACK 0x64
/*
 * Bytes per DMA: half the edu buffer.  QEMU 7.2's range check refuses a
 * transfer that ends exactly at the buffer's end (and stops QEMU with a
 * "hardware error"), so a whole 4 KiB page is never sent at once.
 */
#define XFER 2048u

static int failures;
static void check(const char *name, int ok, const char *detail)
{
	/* The PASS line is the marker alone; what was seen goes on a line of its own. */
	if (ok && detail)
		printf("SVTEST PASS %s\nSVTEST INFO %s: %s\n", name, name, detail);
	else
		printf("SVTEST %s %s%s%s\n", ok ? "PASS" : "FAIL", name, detail ? ": " : "", detail ? detail : "");
	fflush(stdout);
	if (!ok)
		failures++;
}

/*
 * run --unreported: the unit blocks but cannot report (QEMU 7.2's AMD-Vi
 * never writes its event log, docs/iommu.md): what is blocked and kept is
 * still checked, the fault records are not.
 */
static int unreported;

/* A check about the fault record, skipped (and said so) when the unit cannot report. */
static void check_report(const char *name, int ok, const char *detail)
{
	if (unreported)
		printf("SVTEST NOTE %s not checked: this unit does not report faults\n", name);
	else
		check(name, ok, detail);
}

static int iommu_info(struct sv_iommu_info *s)
{
	memset(s, 0, sizeof(*s));
	int64_t rc = sv_call(SV_HC_IOMMU, (uint64_t)(uintptr_t)s, sizeof(*s), 0, 0);
	if (rc != (int64_t)sizeof(*s)) {
		fprintf(stderr, "svdma: iommu hypercall: %s\n", sv_error_message(rc));
		return -1;
	}
	return 0;
}

static int print_info(void)
{
	struct sv_iommu_info s;

	if (sv_open() || iommu_info(&s))
		return 1;
	printf("mode %u\nstate %u\nvendor %u\nunits %u\nunits_found %u\n", s.mode, s.state, s.vendor,
	       s.units, s.units_found);
	for (unsigned int i = 0; i < 4 && s.unit_base[i]; i++)
		printf("unit_base %" PRIx64 "\n", s.unit_base[i]);
	printf("faults %" PRIu64 "\nlast_addr %" PRIx64 "\nlast_sid %x\nlast_write %u\n", s.faults,
	       s.last_addr, s.last_sid, s.last_write);
	printf("canary_image %" PRIx64 " %s\ncanary_pool %" PRIx64 " %s\n", s.canary_image,
	       s.canary_image_ok ? "intact" : "CHANGED", s.canary_pool,
	       s.canary_pool_ok ? "intact" : "CHANGED");
	printf("intr_mode %u\nintr_blocking %u\nintr_blocked %" PRIu64 "\n", s.intr_mode, s.intr_blocking,
	       s.intr_blocked);
	return 0;
}

/* The first PCI function with this vendor:device; its sysfs path in out. */
static int find_pci(const char *vendor, const char *device, char *out, size_t max)
{
	DIR *d = opendir("/sys/bus/pci/devices");
	struct dirent *e;
	int found = -1;

	if (!d)
		return -1;
	while (found < 0 && (e = readdir(d))) {
		char path[512], v[16] = "", dv[16] = "";
		FILE *f;
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vendor", e->d_name);
		if ((f = fopen(path, "r"))) {
			if (!fgets(v, sizeof(v), f))
				v[0] = 0;
			fclose(f);
		}
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/device", e->d_name);
		if ((f = fopen(path, "r"))) {
			if (!fgets(dv, sizeof(dv), f))
				dv[0] = 0;
			fclose(f);
		}
		if (!strncmp(v, vendor, strlen(vendor)) && !strncmp(dv, device, strlen(device))) {
			snprintf(out, max, "/sys/bus/pci/devices/%s", e->d_name);
			found = 0;
		}
	}
	closedir(d);
	return found;
}

/* Memory space and bus mastering on, through the config-space file. */
static int enable_master(const char *dev)
{
	char path[600];
	uint16_t cmd;

	snprintf(path, sizeof(path), "%s/config", dev);
	int fd = open(path, O_RDWR);
	if (fd < 0 || pread(fd, &cmd, 2, 4) != 2)
		return -1;
	cmd |= 0x6;
	int rc = pwrite(fd, &cmd, 2, 4) == 2 ? 0 : -1;
	close(fd);
	return rc;
}

static volatile uint8_t *bar;

static uint64_t rd64(unsigned int off)
{
	return *(volatile uint64_t *)(bar + off);
}

static void wr64(unsigned int off, uint64_t v)
{
	*(volatile uint64_t *)(bar + off) = v;
}

/* One DMA of len bytes; 0 when the engine finished within 10 s. */
static int dma(uint64_t src, uint64_t dst, uint64_t len, unsigned int dir)
{
	wr64(EDU_SRC, src);
	wr64(EDU_DST, dst);
	wr64(EDU_CNT, len);
	wr64(EDU_CMD, 1u | dir);
	for (int i = 0; i < 10000; i++) {
		if (!(rd64(EDU_CMD) & 1))
			return 0;
		usleep(1000);
	}
	return -1;
}

/* A locked page of ours and its physical address. */
static uint8_t *phys_page(uint64_t *pa)
{
	uint8_t *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t ent = 0;

	if (p == MAP_FAILED || mlock(p, PAGE))
		return NULL;
	memset(p, 0, PAGE);
	int fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0)
		return NULL;
	off_t off = (off_t)((uintptr_t)p / PAGE) * 8;
	if (pread(fd, &ent, 8, off) != 8 || !(ent >> 63) || !(ent & ((1ULL << 55) - 1))) {
		close(fd);
		return NULL; /* not present, or no PFN (not root) */
	}
	close(fd);
	*pa = (ent & ((1ULL << 55) - 1)) * PAGE;
	return p;
}

static uint8_t pattern(unsigned int i)
{
	return (uint8_t)(0xc3 ^ (i * 11u));
}

static int is_canary(const uint8_t *p)
{
	for (unsigned int i = 0; i < XFER; i++)
		if (p[i] != SV_IOMMU_CANARY_BYTE(i))
			return 0;
	return 1;
}

/* A DMA write from the edu buffer to a VMM page: blocked, reported, nothing changed. */
static void write_to_vmm(const char *name, uint64_t target, int image)
{
	struct sv_iommu_info a, b;
	char what[160];

	iommu_info(&a);
	int rc = dma(EDU_BUF, target, XFER, EDU_TO_RAM);
	iommu_info(&b);
	snprintf(what, sizeof(what), "%s at %" PRIx64 ": engine %s, faults %" PRIu64 " -> %" PRIu64
		 ", last %" PRIx64 " %s", name, target, rc ? "stuck" : "done", a.faults, b.faults,
		 b.last_addr, b.last_write ? "write" : "read");
	char n[80];
	snprintf(n, sizeof(n), "dma-write-%s-done", name);
	check(n, rc == 0, what);
	snprintf(n, sizeof(n), "dma-write-%s-faulted", name);
	check_report(n, b.faults > a.faults, what);
	snprintf(n, sizeof(n), "dma-write-%s-fault-address", name);
	check_report(n, b.last_addr == (target & ~(uint64_t)(PAGE - 1)), what);
	snprintf(n, sizeof(n), "dma-write-%s-fault-is-write", name);
	check_report(n, b.last_write == 1, what);
	snprintf(n, sizeof(n), "dma-write-%s-unchanged", name);
	check(n, image ? b.canary_image_ok == 1 : b.canary_pool_ok == 1, what);
	printf("SVDMA blocked %s %" PRIx64 "\n", name, target);
}

/* The IOMMU's registers seen from the guest: the sink page, not the unit. */
static int regs(void)
{
	struct sv_iommu_info s;
	char msg[160];

	if (sv_open() || iommu_info(&s) || !s.unit_base[0]) {
		printf("SVTEST FAIL dma-regs-open: no unit to look at\n");
		return 1;
	}
	int fd = open("/dev/mem", O_RDWR | O_SYNC);
	volatile uint32_t *r = fd < 0 ? MAP_FAILED
				      : mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
					     (off_t)s.unit_base[0]);
	if (r == MAP_FAILED) {
		/* Linux refusing the mapping also keeps the guest out; say which it was. */
		printf("SVTEST PASS dma-regs-unreadable\nSVTEST INFO /dev/mem refuses %" PRIx64 "\n", s.unit_base[0]);
		return 0;
	}
	/* VT-d's version register is 0x10 in QEMU; AMD-Vi's first register holds the device table. */
	uint32_t v0 = r[0], v1 = r[1], v2 = r[2], v3 = r[3];
	snprintf(msg, sizeof(msg), "%" PRIx64 ": %08x %08x %08x %08x", s.unit_base[0], v0, v1, v2, v3);
	check("dma-regs-unreadable", v0 == 0xffffffffu && v1 == 0xffffffffu && v2 == 0xffffffffu,
	      msg);
	/* Try to turn translation off: VT-d GCMD (0x18) = 0, AMD-Vi control (0x18) = 0. */
	r[0x18 / 4] = 0;
	r[0x1c / 4] = 0;
	munmap((void *)r, PAGE);
	close(fd);
	return 0;
}

/* The edu's sysfs directory, once edu_open found it. */
static char dev[512];

/* Finds the edu device, turns bus mastering on and maps its BAR0 (bar). */
static int edu_open(void)
{
	char res[600], msg[80];

	if (find_pci("0x1234", "0x11e8", dev, sizeof(dev))) {
		printf("SVTEST FAIL dma-edu-found: no edu device (QEMU -device edu)\n");
		return -1;
	}
	check("dma-edu-master", enable_master(dev) == 0, dev);
	snprintf(res, sizeof(res), "%s/resource0", dev);
	int fd = open(res, O_RDWR | O_SYNC);
	bar = fd < 0 ? MAP_FAILED : mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (bar == MAP_FAILED) {
		printf("SVTEST FAIL dma-edu-bar: cannot map %s\n", res);
		return -1;
	}
	uint32_t id = *(volatile uint32_t *)bar;
	snprintf(msg, sizeof(msg), "identification register %08x", id);
	check("dma-edu-bar", id == 0x010000ed, msg);
	return 0;
}

/*
 * The control (iommu=off): the same DMA into the VMM's pool self-test
 * page reaches it, so the blocking the other runs see is the IOMMU's
 * doing, and the VMM's check of its bytes can fail.
 */
static int control(void)
{
	struct sv_iommu_info a, b;
	uint64_t src_pa = 0;
	char msg[160];

	if (sv_open() || iommu_info(&a) || edu_open())
		return 1;
	check("dma-control-iommu-off", a.state == SV_IOMMU_OFF && a.canary_pool_ok, NULL);
	uint8_t *src = phys_page(&src_pa);
	if (!src) {
		printf("SVTEST FAIL dma-guest-pages: no physical addresses from /proc/self/pagemap\n");
		return 1;
	}
	for (unsigned int i = 0; i < PAGE; i++)
		src[i] = pattern(i);
	int rc = dma(src_pa, EDU_BUF, XFER, 0);
	rc |= dma(EDU_BUF, a.canary_pool, XFER, EDU_TO_RAM);
	iommu_info(&b);
	snprintf(msg, sizeof(msg), "pool page %" PRIx64 ": engine %s, VMM says %s", a.canary_pool,
		 rc ? "stuck" : "done", b.canary_pool_ok ? "unchanged" : "changed");
	check("dma-unprotected-reaches-vmm", rc == 0 && !b.canary_pool_ok, msg);
	printf("SVTEST CONTROL DONE fail=%d\n", failures);
	return failures != 0;
}

static int run(void)
{
	struct sv_iommu_info s;
	char msg[200];
	uint64_t src_pa = 0, dst_pa = 0, rd_pa = 0;

	if (sv_open() || iommu_info(&s)) {
		printf("SVTEST FAIL dma-open: not under Sealvisor or no iommu hypercall\n");
		return 1;
	}
	snprintf(msg, sizeof(msg), "state %u, %u unit(s), vendor %u", s.state, s.units, s.vendor);
	check("dma-protection-on", s.state == SV_IOMMU_ON && s.units >= 1, msg);
	check("dma-canaries-intact-at-start", s.canary_image_ok && s.canary_pool_ok, NULL);
	if (edu_open())
		return 1;

	uint8_t *src = phys_page(&src_pa), *dst = phys_page(&dst_pa), *rdb = phys_page(&rd_pa);
	if (!src || !dst || !rdb) {
		printf("SVTEST FAIL dma-guest-pages: no physical addresses from /proc/self/pagemap\n");
		return 1;
	}
	for (unsigned int i = 0; i < PAGE; i++)
		src[i] = pattern(i);

	/* Guest RAM both ways: allowed, and the bytes arrive. */
	int rc = dma(src_pa, EDU_BUF, XFER, 0);
	rc |= dma(EDU_BUF, dst_pa, XFER, EDU_TO_RAM);
	int same = memcmp(src, dst, XFER) == 0;
	snprintf(msg, sizeof(msg), "%" PRIx64 " -> edu -> %" PRIx64 ": engine %s, bytes %s", src_pa,
		 dst_pa, rc ? "stuck" : "done", same ? "arrived" : "DIFFER");
	check("dma-guest-ram-arrives", rc == 0 && same, msg);
	struct sv_iommu_info after;
	iommu_info(&after);
	check("dma-guest-ram-no-fault", after.faults == s.faults, NULL);

	/*
	 * Into the VMM's pool and its image: blocked, even after the guest
	 * wrote "translation off" where the unit's registers are.
	 */
	regs();
	write_to_vmm("pool", s.canary_pool, 0);
	write_to_vmm("image", s.canary_image, 1);

	/* A read of the VMM's page into the device, then back to guest RAM: not the VMM's bytes. */
	struct sv_iommu_info a, b;
	iommu_info(&a);
	memset(rdb, 0, PAGE);
	rc = dma(s.canary_pool, EDU_BUF, XFER, 0);
	rc |= dma(EDU_BUF, rd_pa, XFER, EDU_TO_RAM);
	iommu_info(&b);
	snprintf(msg, sizeof(msg), "faults %" PRIu64 " -> %" PRIu64 ", last %" PRIx64 " %s", a.faults,
		 b.faults, b.last_addr, b.last_write ? "write" : "read");
	check("dma-read-pool-done", rc == 0, msg);
	check_report("dma-read-pool-faulted", b.faults > a.faults && b.last_addr == s.canary_pool, msg);
	check_report("dma-read-pool-fault-is-read", b.last_write == 0, msg);
	check("dma-read-pool-secret-kept", !is_canary(rdb), NULL);
	printf("SVDMA blocked pool-read %" PRIx64 "\n", s.canary_pool);

	/* The guest goes on: guest RAM still works after the faults. */
	memset(dst, 0, PAGE);
	rc = dma(src_pa, EDU_BUF, XFER, 0);
	rc |= dma(EDU_BUF, dst_pa, XFER, EDU_TO_RAM);
	check("dma-guest-ram-after-faults", rc == 0 && memcmp(src, dst, XFER) == 0, NULL);
	printf("SVTEST DMA DONE fail=%d\n", failures);
	return failures != 0;
}

/* ---- device interrupts (svdma msi, svdma intr-test) ---- */

static void wr32(unsigned int off, uint32_t v)
{
	*(volatile uint32_t *)(bar + off) = v;
}

/* CPU n's initial APIC ID (CPUID 1, EBX 31:24) read on it; -1 when it cannot run there. */
static int apic_id_of(int cpu)
{
	unsigned int a, b, c, d;

	if (sv_pin_cpu(cpu))
		return -1;
	__cpuid(1, a, b, c, d);
	return (int)(b >> 24);
}

/*
 * The edu's MSI capability (ID 05h) in its config space: its offset, or
 * 0 when there is none.  The list is walked at most 48 steps.
 */
static int msi_cap(int cfg)
{
	uint8_t p = 0, id = 0;
	uint16_t status = 0;

	if (pread(cfg, &status, 2, 6) != 2 || !(status & 0x10) || pread(cfg, &p, 1, 0x34) != 1)
		return 0;
	for (int i = 0; i < 48 && p >= 0x40; i++) {
		if (pread(cfg, &id, 1, p) != 1)
			return 0;
		if (id == 0x05)
			return p;
		if (pread(cfg, &p, 1, p + 1) != 1)
			return 0;
		p &= 0xfc;
	}
	return 0;
}

/*
 * Programs the MSI: address 0xfee00000 with the destination APIC ID in
 * bits 19:12, physical destination, no redirection hint; data = delivery
 * mode in bits 10:8, edge, the vector in 7:0.  Enabled with one vector.
 */
static int msi_program(unsigned int apic, unsigned int delivery, unsigned int vector, int enable)
{
	char path[600];

	snprintf(path, sizeof(path), "%s/config", dev);
	int cfg = open(path, O_RDWR);
	if (cfg < 0)
		return -1;
	int cap = msi_cap(cfg);
	uint16_t ctl = 0;
	if (!cap || pread(cfg, &ctl, 2, cap + 2) != 2) {
		close(cfg);
		return -1;
	}
	uint32_t addr = 0xfee00000u | ((apic & 0xffu) << 12);
	uint16_t data = (uint16_t)(((delivery & 7u) << 8) | (vector & 0xffu));
	int is64 = (ctl & 0x80) != 0;
	uint32_t zero = 0;
	ctl &= (uint16_t)~0x71u; /* off, one vector, while it is changed */
	int ok = pwrite(cfg, &ctl, 2, cap + 2) == 2 && pwrite(cfg, &addr, 4, cap + 4) == 4 &&
		 (!is64 || pwrite(cfg, &zero, 4, cap + 8) == 4) &&
		 pwrite(cfg, &data, 2, cap + (is64 ? 12 : 8)) == 2;
	if (ok && enable) {
		ctl |= 1u;
		ok = pwrite(cfg, &ctl, 2, cap + 2) == 2;
	}
	close(cfg);
	return ok ? 0 : -1;
}

/*
 * Waits us microseconds on the vDSO clock, without a system call: once
 * an INIT took another CPU away, a sleep whose timer Linux queued on that
 * CPU would never end.
 */
static void spin_us(long us)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do
		clock_gettime(CLOCK_MONOTONIC, &t);
	while ((t.tv_sec - t0.tv_sec) * 1000000L + (t.tv_nsec - t0.tv_nsec) / 1000 < us);
}

/* Raises the edu's interrupt count times, gap_us apart (each is one MSI). */
static void msi_fire(long count, long gap_us)
{
	for (long i = 0; i < count; i++) {
		wr32(EDU_IRQ_RAISE, 1);
		wr32(EDU_IRQ_ACK, 1);
		if (gap_us)
			spin_us(gap_us);
	}
}

/* The per-CPU count of a /proc/interrupts row ("RES", "NMI"), -1 when not found. */
static long irq_count(const char *row, int cpu)
{
	FILE *f = fopen("/proc/interrupts", "r");
	char line[4096];
	long v = -1;
	size_t n = strlen(row);

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *p = line;
		while (*p == ' ')
			p++;
		if (strncmp(p, row, n) || p[n] != ':')
			continue;
		p += n + 1;
		for (int c = 0; c <= cpu; c++) {
			char *end;
			v = strtol(p, &end, 10);
			if (end == p) {
				v = -1;
				break;
			}
			p = end;
		}
		break;
	}
	fclose(f);
	return v;
}

static const char *const delivery_names[8] = { "fixed", "lowest", "smi", "3", "nmi", "init", "6", "extint" };

static int msi_cmd(int argc, char **argv)
{
	long delivery = -1, cpu = -1, vector = 0, count = 1, gap = 1000;

	for (int i = 2; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--delivery")) {
			for (int k = 0; k < 8; k++)
				if (!strcmp(argv[i + 1], delivery_names[k]))
					delivery = k;
		} else if (!strcmp(argv[i], "--cpu")) {
			cpu = strtol(argv[i + 1], NULL, 0);
		} else if (!strcmp(argv[i], "--vector")) {
			vector = strtol(argv[i + 1], NULL, 0);
		} else if (!strcmp(argv[i], "--count")) {
			count = strtol(argv[i + 1], NULL, 0);
		} else if (!strcmp(argv[i], "--gap-us")) {
			gap = strtol(argv[i + 1], NULL, 0);
		} else {
			delivery = -1;
			break;
		}
	}
	if (delivery < 0 || cpu < 0 || cpu > 4095 || vector < 0 || vector > 255 || count < 1 ||
	    count > 1000000 || gap < 0 || gap > 10000000) {
		fprintf(stderr, "svdma msi: --delivery fixed|lowest|smi|nmi|init|extint --cpu N "
				"[--vector 0-255] [--count 1-1000000] [--gap-us U]\n");
		return 2;
	}
	int apic = apic_id_of((int)cpu);
	if (apic < 0 || sv_pin_cpu(0)) {
		fprintf(stderr, "svdma msi: CPU %ld is not online\n", cpu);
		return 1;
	}
	if (edu_open() || msi_program((unsigned int)apic, (unsigned int)delivery, (unsigned int)vector, 1)) {
		fprintf(stderr, "svdma msi: no edu device with an MSI capability\n");
		return 1;
	}
	msi_fire(count, gap);
	printf("SVDMA msi %s to CPU %ld (APIC ID %d) vector %ld: %ld raised\n", delivery_names[delivery], cpu,
	       apic, vector, count);
	return 0;
}

/* The call loop pinned to the target CPU: the t-cycle built-in spinning in the VMM there. */
struct intr_calls {
	int cpu;
	int64_t desc, desc1, spin;
	int rounds, done, good, restarts, pinned;
	int64_t last;
	pthread_barrier_t go;
};

/* Both t-cycle built-ins afresh (a process the VMM killed for its budget is gone). */
static int cycle_start(struct intr_calls *c)
{
	c->desc = sv_call(SV_HC_BUILTIN, (uint64_t)(uintptr_t)"t-cycle", 0, 0, 0);
	c->desc1 = sv_call(SV_HC_BUILTIN, (uint64_t)(uintptr_t)"t-cycle", 1, 0, 0);
	return c->desc < 0 || c->desc1 < 0 ? -1 : 0;
}

static void cycle_stop(struct intr_calls *c)
{
	sv_call(SV_HC_KILL, (uint64_t)c->desc, 0, 0, 0);
	sv_call(SV_HC_KILL, (uint64_t)c->desc1, 0, 0, 0);
}

/*
 * A call that did not return 7 (a host that stalled the emulated CPU
 * past the 100 ms budget gets the process killed) is counted and the
 * built-ins are started again, so that the next calls still run there.
 */
static void *intr_call_thread(void *p)
{
	struct intr_calls *c = p;

	c->pinned = sv_pin_cpu(c->cpu) == 0;
	pthread_barrier_wait(&c->go);
	for (int r = 0; r < c->rounds && c->pinned; r++) {
		c->last = sv_call(SV_HC_MSGSENDINT, (uint64_t)c->desc, (uint64_t)c->spin, 0, 0);
		if (c->last == 7) {
			__atomic_add_fetch(&c->good, 1, __ATOMIC_SEQ_CST);
			continue;
		}
		c->restarts++;
		cycle_stop(c);
		if (cycle_start(c))
			break;
	}
	__atomic_store_n(&c->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/* A hypercall made on cpu: 0 when it came back within 5 s. */
static void *stats_thread(void *p)
{
	struct intr_calls *c = p;
	struct sv_stats st;

	if (sv_pin_cpu(c->cpu) == 0 && sv_call(SV_HC_STATS, (uint64_t)(uintptr_t)&st, sizeof(st), 0, 0) > 0)
		__atomic_store_n(&c->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static int wait_flag(const int *flag, int seconds)
{
	for (int i = 0; i < seconds * 100; i++) {
		if (__atomic_load_n(flag, __ATOMIC_SEQ_CST))
			return 1;
		spin_us(10000);
	}
	return 0;
}

/*
 * intr-test --no-fixed: under QEMU 7.2's amd-iommu a filtering device
 * table entry turns every fixed MSI into vector 0 for APIC ID 0, so that
 * fixed MSIs arrive is said, not checked (docs/iommu.md).
 */
static int no_fixed;

/* Fixed MSIs with the rescheduling vector (0xfd: harmless, counted as RES) reach cpu. */
static void fixed_arrive(const char *name, int cpu, int apic)
{
	char msg[160];
	const long n = 200;

	long before = irq_count("RES", cpu);
	int rc = msi_program((unsigned int)apic, 0, 0xfd, 1);
	msi_fire(n, 2000);
	usleep(100000);
	long after = irq_count("RES", cpu);
	snprintf(msg, sizeof(msg), "%ld fixed MSIs to APIC ID %d, vector 0xfd: RES on CPU %d %ld -> %ld", n,
		 apic, cpu, before, after);
	if (no_fixed)
		printf("SVTEST NOTE %s not checked: this unit does not forward fixed MSIs while it filters (%s)\n",
		       name, msg);
	else
		check(name, rc == 0 && before >= 0 && after - before >= n / 2, msg);
}

static int intr_test(int cpu, int control)
{
	struct sv_iommu_info s;
	struct sv_stats st;
	char msg[240];

	if (sv_open() || iommu_info(&s) || sv_call(SV_HC_STATS, (uint64_t)(uintptr_t)&st, sizeof(st), 0, 0) <= 0) {
		printf("SVTEST FAIL intr-open: not under Sealvisor or no iommu hypercall\n");
		return 1;
	}
	int apic = apic_id_of(cpu);
	if (apic < 0 || sv_pin_cpu(0) || edu_open()) {
		printf("SVTEST FAIL intr-setup: CPU %d not online or no edu device\n", cpu);
		return 1;
	}
	snprintf(msg, sizeof(msg), "iommu_intr mode %u, blocking %u, %" PRIu64 " blocked so far", s.intr_mode,
		 s.intr_blocking, s.intr_blocked);
	if (control)
		check("intr-blocking-off-control", s.intr_blocking == 0 && s.intr_mode == 2, msg);
	else
		check("intr-blocking-on", s.intr_blocking == 1, msg);

	int rc;
	/*
	 * Ordinary MSIs still arrive.  Not in the control, which keeps CPU 1
	 * quiet before its INITs: an INIT that takes a CPU while its kernel
	 * holds a lock others need (the console's, after an interrupt storm)
	 * would stop this CPU too before it can say what happened.
	 */
	if (!control)
		fixed_arrive("intr-fixed-arrives", cpu, apic);

	/*
	 * NMI MSIs: blocked, the guest's NMI count on that CPU does not move.
	 * Not in the control: there, after 20 device NMIs had reached CPU 1
	 * (Linux counted them), CPU 1 stopped running the guest's threads and
	 * the INIT part below could not start (seen under QEMU TCG only).
	 */
	if (control) {
		printf("SVTEST NOTE intr-nmi not sent in the control\n");
	} else {
		long nb = irq_count("NMI", cpu);
		rc = msi_program((unsigned int)apic, 4, 0, 1);
		msi_fire(20, 5000);
		usleep(100000);
		long na = irq_count("NMI", cpu);
		snprintf(msg, sizeof(msg), "20 NMI MSIs to APIC ID %d: NMI on CPU %d %ld -> %ld", apic, cpu, nb, na);
		check("intr-nmi-blocked", rc == 0 && nb >= 0 && na == nb, msg);
	}

	/*
	 * INIT MSIs, one about every millisecond, while the t-cycle built-in
	 * spins 5 ms per call in the VMM on that CPU, 120 calls: an INIT that
	 * got through would reset the CPU out of the VMM (or, caught in guest
	 * mode, stop the guest's CPU), and the calls would never end.
	 */
	static struct intr_calls c;
	if (cycle_start(&c)) {
		printf("SVTEST FAIL intr-init-setup: t-cycle built-ins: %" PRId64 ", %" PRId64 "\n", c.desc,
		       c.desc1);
		return 1;
	}
	c.cpu = cpu;
	c.spin = st.tsc_hz_estimate ? (int64_t)(st.tsc_hz_estimate / 200 / 1000) : 5000;
	c.rounds = 120;
	if (control) {
		/*
		 * The control aims its few INITs at the middle of a 40 ms spin
		 * in ring 3: an INIT that caught the CPU inside the VMM's own
		 * locked work would take the VMM down with it, this CPU too.
		 */
		c.spin *= 8;
		c.rounds = 10;
	}
	pthread_barrier_init(&c.go, NULL, 2);
	pthread_t th;
	rc = msi_program((unsigned int)apic, 5, 0, 1);
	pthread_create(&th, NULL, intr_call_thread, &c);
	pthread_barrier_wait(&c.go);
	if (control) {
		/*
		 * The last line the control may get out: an INIT that resets
		 * CPU 1 inside the VMM can leave this CPU stuck as well (the
		 * hole at its worst), so the harness takes this marker and no
		 * SVTEST FAIL afterwards as the control's result.
		 */
		printf("SVTEST INFO intr-init-calls-running on CPU %d: INIT MSIs follow\n", cpu);
		fflush(stdout);
	}
	spin_us(control ? 15000 : 5000); /* the first call is in the VMM */
	/*
	 * The control stops after a short burst: once an INIT got through,
	 * the guest's kernel on this CPU may soon wait for the lost one too.
	 */
	long fired = 0, most = control ? 5 : 30000;
	for (; fired < most && !__atomic_load_n(&c.done, __ATOMIC_SEQ_CST); fired++)
		msi_fire(1, control ? 2000 : 1000);
	if (control) {
		printf("SVTEST INFO intr-init-burst: %ld INIT MSIs sent, calls %s\n", fired,
		       __atomic_load_n(&c.done, __ATOMIC_SEQ_CST) ? "done" : "running");
		fflush(stdout);
	}
	int finished = wait_flag(&c.done, control ? 15 : 60);
	snprintf(msg, sizeof(msg), "%ld INIT MSIs to APIC ID %d while %d calls of %" PRId64 "k TSC cycles ran there: "
		 "%s, %d of %d returned 7 (last %" PRId64 ", %d restart(s))", fired, apic, c.rounds, c.spin,
		 finished ? "finished" : "NOT finished", c.good, c.rounds, c.last, c.restarts);
	if (control) {
		/* The CPU is gone: no join, no exit (Linux would wait for it); the harness stops here. */
		check("intr-init-reaches-control", rc == 0 && !finished && fired > 0, msg);
		printf("SVTEST INTR DONE fail=%d\n", failures);
		fflush(stdout);
		for (;;)
			pause();
	}
	pthread_join(th, NULL);
	check("intr-init-fired", rc == 0 && fired >= 20 && c.pinned, msg);
	/* Every call came back; a few may have met the budget on a loaded host, not more. */
	check("intr-init-process-finished", finished && c.good >= c.rounds * 3 / 4, msg);
	msi_program((unsigned int)apic, 0, 0xfd, 0);

	/* The CPU still takes hypercalls, and still gets fixed MSIs. */
	struct intr_calls h = { .cpu = cpu };
	pthread_create(&th, NULL, stats_thread, &h);
	int alive = wait_flag(&h.done, 10);
	check("intr-init-cpu-alive", alive, "a hypercall from that CPU after the INIT MSIs came back");
	if (alive)
		pthread_join(th, NULL);
	fixed_arrive("intr-fixed-after-init", cpu, apic);
	msi_program((unsigned int)apic, 0, 0xfd, 0);
	cycle_stop(&c);
	printf("SVTEST INTR DONE fail=%d\n", failures);
	return failures != 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "info"))
		return print_info();
	if (argc == 2 && !strcmp(argv[1], "control"))
		return control();
	if (argc >= 2 && !strcmp(argv[1], "run")) {
		unreported = argc == 3 && !strcmp(argv[2], "--unreported");
		return run();
	}
	if (argc >= 2 && !strcmp(argv[1], "msi"))
		return msi_cmd(argc, argv);
	if (argc == 3 && !strcmp(argv[1], "fixed-test")) {
		int cpu = (int)strtol(argv[2], NULL, 0);
		int apic = apic_id_of(cpu);
		if (sv_open() || apic < 0 || edu_open()) {
			printf("SVTEST FAIL intr-fixed-arrives: CPU %d not online or no edu device\n", cpu);
			return 1;
		}
		fixed_arrive("intr-fixed-arrives", cpu, apic);
		msi_program((unsigned int)apic, 0, 0xfd, 0);
		return failures != 0;
	}
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "intr-test")) {
		int control = argc == 4 && !strcmp(argv[3], "--control");
		no_fixed = argc == 4 && !strcmp(argv[3], "--no-fixed");
		if (argc == 4 && !control && !no_fixed) {
			fprintf(stderr, "svdma intr-test CPU [--control | --no-fixed]\n");
			return 2;
		}
		return intr_test((int)strtol(argv[2], NULL, 0), control);
	}
	fprintf(stderr, "usage: svdma info | run [--unreported] | control | msi ... | intr-test CPU [--control | --no-fixed]\n");
	return 2;
}
