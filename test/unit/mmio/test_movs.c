/*
 * Host unit tests of MOVS between guest memory and an emulated page
 * (vmm/guest/mmio_movs.c) over a fake guest: identity page tables over a
 * 16 KiB RAM array with one page not present, and an emulated page at
 * 0xfed40000 that records every element access.  Checks the bytes moved,
 * RSI/RDI/RCX afterwards exactly as the CPU leaves them, the stops at
 * page ends, and each refused form.
 */
#include <stdio.h>
#include <string.h>

#include <sv/mmio_movs.h>

static int failures, checks;
static const char *ctx = "";

#define CHECK_EQ(got, want)                                                                      \
	do {                                                                                     \
		unsigned long long g_ = (unsigned long long)(got);                               \
		unsigned long long w_ = (unsigned long long)(want);                              \
		checks++;                                                                        \
		if (g_ != w_) {                                                                  \
			printf("%s:%d: %s: %s == %#llx, expected %#llx\n", __FILE__, __LINE__, ctx, \
			       #got, g_, w_);                                                    \
			failures++;                                                              \
		}                                                                                \
	} while (0)

#define RAM_BASE 0x10000ULL
#define RAM_SIZE 0x4000ULL
#define HOLE (RAM_BASE + 0x3000) /* not present in the fake page tables */
#define DEV 0xfed40000ULL

static uint8_t ram[RAM_SIZE], dev[4096];
static unsigned int dev_reads, dev_writes, last_size;

static int translate(void *c, uint64_t gva, bool write, uint64_t *gpa)
{
	(void)c;
	(void)write;
	if ((gva & ~0xfffULL) == HOLE)
		return -SV_EFAULT;
	*gpa = gva;
	return 0;
}

static int ram_access(uint64_t gva, size_t len)
{
	if (gva < RAM_BASE || gva + len > RAM_BASE + RAM_SIZE)
		return -SV_EFAULT;
	if (gva + len > HOLE && gva < HOLE + 0x1000)
		return -SV_EFAULT;
	return 0;
}

static int ram_read(void *c, uint64_t gva, void *buf, size_t len)
{
	(void)c;
	if (ram_access(gva, len))
		return -SV_EFAULT;
	memcpy(buf, ram + (gva - RAM_BASE), len);
	return 0;
}

static int ram_write(void *c, uint64_t gva, const void *buf, size_t len)
{
	(void)c;
	if (ram_access(gva, len))
		return -SV_EFAULT;
	memcpy(ram + (gva - RAM_BASE), buf, len);
	return 0;
}

static uint64_t page_read(void *c, unsigned int off, unsigned int size)
{
	uint64_t v = 0;

	(void)c;
	dev_reads++;
	last_size = size;
	if (off + size > sizeof(dev)) {
		failures++;
		printf("%s: page read past the page (%u+%u)\n", ctx, off, size);
		return 0;
	}
	for (unsigned int b = 0; b < size; b++)
		v |= (uint64_t)dev[off + b] << (8 * b);
	return v;
}

static void page_write(void *c, unsigned int off, unsigned int size, uint64_t v)
{
	(void)c;
	dev_writes++;
	last_size = size;
	if (off + size > sizeof(dev)) {
		failures++;
		printf("%s: page write past the page (%u+%u)\n", ctx, off, size);
		return;
	}
	for (unsigned int b = 0; b < size; b++)
		dev[off + b] = (uint8_t)(v >> (8 * b));
}

static const struct mmio_movs_env env = { translate, ram_read, ram_write, page_read, page_write, NULL, DEV };

static void fill(void)
{
	for (unsigned int i = 0; i < sizeof(ram); i++)
		ram[i] = (uint8_t)(i * 7 + 1);
	for (unsigned int i = 0; i < sizeof(dev); i++)
		dev[i] = (uint8_t)(i * 13 + 5);
	dev_reads = dev_writes = 0;
}

static struct mmio_insn decode(const uint8_t *b, size_t n)
{
	struct mmio_insn in;

	if (mmio_insn_decode(b, n, MMIO_MODE_64, &in) != 0 || !in.movs) {
		printf("%s: does not decode as MOVS\n", ctx);
		failures++;
	}
	return in;
}

static const uint8_t REP_MOVSL[] = { 0xf3, 0xa5 }, MOVSW[] = { 0x66, 0xa5 }, MOVSB[] = { 0xa4 },
		     REP_MOVSQ[] = { 0xf3, 0x48, 0xa5 }, REP_MOVSB[] = { 0xf3, 0xa4 };

/* memcpy_toio of a 0x3e-byte command: rep movsl of 15, movsw; the bytes and the registers. */
static void test_toio(void)
{
	struct mmio_insn in;
	struct mmio_movs_regs r;
	const char *why = NULL;
	uint8_t want[0x40];

	ctx = "memcpy_toio";
	fill();
	in = decode(REP_MOVSL, sizeof(REP_MOVSL));
	r = (struct mmio_movs_regs){ .rsi = RAM_BASE + 0x100, .rdi = DEV + 0x80, .rcx = 15, .rflags = 2 };
	CHECK_EQ(mmio_movs_run(&in, &env, &r, &why), 1);
	CHECK_EQ(r.rsi, RAM_BASE + 0x100 + 60);
	CHECK_EQ(r.rdi, DEV + 0x80 + 60);
	CHECK_EQ(r.rcx, 0);
	CHECK_EQ(dev_writes, 15);
	CHECK_EQ(last_size, 4);
	in = decode(MOVSW, sizeof(MOVSW));
	r.rcx = 0x1234; /* not REP: RCX is neither read nor written */
	CHECK_EQ(mmio_movs_run(&in, &env, &r, &why), 1);
	CHECK_EQ(r.rcx, 0x1234);
	CHECK_EQ(r.rsi, RAM_BASE + 0x100 + 62);
	CHECK_EQ(r.rdi, DEV + 0x80 + 62);
	CHECK_EQ(last_size, 2);
	memcpy(want, ram + 0x100, 62);
	CHECK_EQ(memcmp(dev + 0x80, want, 62), 0);
	CHECK_EQ(dev[0x80 + 62], (uint8_t)((0x80 + 62) * 13 + 5)); /* nothing past it */
}

/* memcpy_fromio of a response: rep movsl, then movsb; RCX=0 moves nothing. */
static void test_fromio(void)
{
	struct mmio_insn in;
	struct mmio_movs_regs r;
	const char *why = NULL;

	ctx = "memcpy_fromio";
	fill();
	in = decode(REP_MOVSL, sizeof(REP_MOVSL));
	r = (struct mmio_movs_regs){ .rsi = DEV + 0x80, .rdi = RAM_BASE + 0x200, .rcx = 2 };
	CHECK_EQ(mmio_movs_run(&in, &env, &r, &why), 1);
	in = decode(MOVSB, sizeof(MOVSB));
	CHECK_EQ(mmio_movs_run(&in, &env, &r, &why), 1);
	CHECK_EQ(r.rsi, DEV + 0x89);
	CHECK_EQ(r.rdi, RAM_BASE + 0x209);
	CHECK_EQ(memcmp(ram + 0x200, dev + 0x80, 9), 0);
	CHECK_EQ(dev_reads, 3);

	ctx = "rep movsl, rcx 0";
	in = decode(REP_MOVSL, sizeof(REP_MOVSL));
	r = (struct mmio_movs_regs){ .rsi = DEV + 0x80, .rdi = RAM_BASE, .rcx = 0 };
	dev_reads = 0;
	CHECK_EQ(mmio_movs_run(&in, &env, &r, &why), 1);
	CHECK_EQ(dev_reads, 0);
	CHECK_EQ(r.rsi, DEV + 0x80);
}

/* The stops: the emulated page's end, the RAM page's end, then the rest on the next run. */
static void test_page_ends(void)
{
	struct mmio_insn in = decode(REP_MOVSB, sizeof(REP_MOVSB));
	struct mmio_movs_regs r;
	const char *why = NULL;

	ctx = "rep movsb to the page's end";
	fill();
	/* 0x100 bytes from DEV+0xf80: 0x80 fit, the rest would leave the page. */
	r = (struct mmio_movs_regs){ .rsi = DEV + 0xf80, .rdi = RAM_BASE + 0x10, .rcx = 0x100 };
	CHECK_EQ(mmio_movs_run(&in, &env, &r, &why), 0);
	CHECK_EQ(r.rcx, 0x80);
	CHECK_EQ(r.rsi, DEV + 0x1000);
	CHECK_EQ(r.rdi, RAM_BASE + 0x90);
	CHECK_EQ(memcmp(ram + 0x10, dev + 0xf80, 0x80), 0);

	ctx = "rep movsl to the RAM page's end";
	in = decode(REP_MOVSL, sizeof(REP_MOVSL));
	/* 992 dwords (a whole CRB buffer) from RAM+0xf00: 64 fit that RAM page. */
	r = (struct mmio_movs_regs){ .rsi = RAM_BASE + 0xf00, .rdi = DEV + 0x80, .rcx = 992 };
	CHECK_EQ(mmio_movs_run(&in, &env, &r, &why), 0);
	CHECK_EQ(r.rcx, 992 - 64);
	CHECK_EQ(r.rsi, RAM_BASE + 0x1000);
	CHECK_EQ(r.rdi, DEV + 0x80 + 256);
	/* The next run continues on the next RAM page, up to the device page's end: done. */
	CHECK_EQ(mmio_movs_run(&in, &env, &r, &why), 1);
	CHECK_EQ(r.rcx, 0);
	CHECK_EQ(r.rdi, DEV + 0x1000);
	CHECK_EQ(memcmp(dev + 0x80, ram + 0xf00, 0xf80), 0);

	ctx = "rep movsq";
	in = decode(REP_MOVSQ, sizeof(REP_MOVSQ));
	r = (struct mmio_movs_regs){ .rsi = DEV + 0x80, .rdi = RAM_BASE + 0x800, .rcx = 16 };
	CHECK_EQ(mmio_movs_run(&in, &env, &r, &why), 1);
	CHECK_EQ(last_size, 8);
	CHECK_EQ(r.rdi, RAM_BASE + 0x880);

	ctx = "element across the device page's end";
	in = decode(REP_MOVSL, sizeof(REP_MOVSL));
	r = (struct mmio_movs_regs){ .rsi = DEV + 0xffe, .rdi = RAM_BASE, .rcx = 1 };
	CHECK_EQ(mmio_movs_run(&in, &env, &r, &why), -SV_EINVAL);
	CHECK_EQ(r.rcx, 1);

	ctx = "element across a RAM page's end";
	fill();
	r = (struct mmio_movs_regs){ .rsi = RAM_BASE + 0xffe, .rdi = DEV + 0x80, .rcx = 2 };
	CHECK_EQ(mmio_movs_run(&in, &env, &r, &why), 0);
	CHECK_EQ(r.rcx, 1);
	CHECK_EQ(memcmp(dev + 0x80, ram + 0xffe, 4), 0);
	CHECK_EQ(mmio_movs_run(&in, &env, &r, &why), 1);
}

static void test_refused(void)
{
	struct mmio_insn in = decode(REP_MOVSL, sizeof(REP_MOVSL));
	struct mmio_movs_regs r, r0;
	const char *why = NULL;

	ctx = "DF=1";
	r0 = r = (struct mmio_movs_regs){ .rsi = RAM_BASE, .rdi = DEV + 0x80, .rcx = 4, .rflags = 0x402 };
	CHECK_EQ(mmio_movs_run(&in, &env, &r, &why), -SV_EINVAL);
	CHECK_EQ(memcmp(&r, &r0, sizeof(r)), 0);

	ctx = "both sides in RAM / both in the page";
	r = (struct mmio_movs_regs){ .rsi = RAM_BASE, .rdi = RAM_BASE + 0x100, .rcx = 4 };
	CHECK_EQ(mmio_movs_run(&in, &env, &r, &why), -SV_EINVAL);
	r = (struct mmio_movs_regs){ .rsi = DEV + 0x80, .rdi = DEV + 0x100, .rcx = 4 };
	CHECK_EQ(mmio_movs_run(&in, &env, &r, &why), -SV_EINVAL);

	ctx = "source page not present";
	r0 = r = (struct mmio_movs_regs){ .rsi = HOLE, .rdi = DEV + 0x80, .rcx = 4 };
	CHECK_EQ(mmio_movs_run(&in, &env, &r, &why), -SV_EFAULT);
	CHECK_EQ(memcmp(&r, &r0, sizeof(r)), 0);

	ctx = "destination in RAM runs into a hole after some elements";
	fill();
	r = (struct mmio_movs_regs){ .rsi = DEV + 0x80, .rdi = HOLE - 0x200, .rcx = 0x100 };
	CHECK_EQ(mmio_movs_run(&in, &env, &r, &why), 0);
	CHECK_EQ(r.rcx, 0x100 - 0x80);
	CHECK_EQ(r.rdi, HOLE);

	ctx = "32-bit addresses, FS override, 32-bit mode";
	static const uint8_t a32[] = { 0xf3, 0x67, 0xa5 }, fs[] = { 0x64, 0xf3, 0xa5 };
	in = decode(a32, sizeof(a32));
	r = (struct mmio_movs_regs){ .rsi = RAM_BASE, .rdi = DEV + 0x80, .rcx = 4 };
	CHECK_EQ(mmio_movs_run(&in, &env, &r, &why), -SV_EINVAL);
	in = decode(fs, sizeof(fs));
	CHECK_EQ(mmio_movs_run(&in, &env, &r, &why), -SV_EINVAL);
	CHECK_EQ(mmio_insn_decode(REP_MOVSL, sizeof(REP_MOVSL), MMIO_MODE_32, &in), 0);
	CHECK_EQ(mmio_movs_run(&in, &env, &r, &why), -SV_EINVAL);
	CHECK_EQ(r.rcx, 4);
}

int main(void)
{
	test_toio();
	test_fromio();
	test_page_ends();
	test_refused();
	printf("mmio movs: %d checks, %d failures\n", checks, failures);
	return failures ? 1 : 0;
}
