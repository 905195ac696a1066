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
 *
 * Guest buffers are found in physical memory through /proc/self/pagemap
 * (root only), locked so they do not move while the device writes.
 */
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "svcall.h"

#define PAGE 4096u
#define EDU_BUF 0x40000u
#define EDU_SRC 0x80
#define EDU_DST 0x88
#define EDU_CNT 0x90
#define EDU_CMD 0x98
#define EDU_TO_RAM 2u
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

/* Finds the edu device, turns bus mastering on and maps its BAR0 (bar). */
static int edu_open(void)
{
	char dev[512], res[600], msg[80];

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
	fprintf(stderr, "usage: svdma info | run [--unreported] | control\n");
	return 2;
}
