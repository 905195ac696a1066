/*
 * The mini guest's runtime: self-relocation, COM1 output, the IDT that
 * catches expected faults, the hypercall instruction, and the loop over
 * the scenario table (scenarios.c).  It ends with "MINIGUEST DONE", then
 * Bochs's magic break (xchg %bx,%bx, which Bochs honours inside a guest
 * too: it is an ordinary instruction that no VMM intercepts) and QEMU's
 * isa-debug-exit port; with neither it halts.
 */
#include <stdarg.h>

#include "mg.h"

#define COM1 0x3f8
#define R_386_RELATIVE 8

struct elf32_rel {
	uint32_t offset, info;
};

/* Linker-script symbols (miniguest.ld). */
extern char __image_start[];
extern const struct elf32_rel __rel_start[], __rel_end[];

uint8_t mg_stack[16384] __attribute__((aligned(16)));
uint32_t mg_boot_params;
const char *mg_cmdline = "";
volatile int mg_fault_vector = -1;
volatile uint32_t mg_fault_skip;

static uint64_t idt[20] __attribute__((aligned(8)));
static char fail_reason[160];
static bool failed;

void mg_main(uint32_t boot_params);

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

void *memset(void *d, int c, size_t n)
{
	uint8_t *p = d;

	while (n--)
		*p++ = (uint8_t)c;
	return d;
}

void *memcpy(void *restrict d, const void *restrict s, size_t n)
{
	uint8_t *a = d;
	const uint8_t *b = s;

	while (n--)
		*a++ = *b++;
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;

	for (; n; n--, x++, y++) {
		if (*x != *y)
			return *x - *y;
	}
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

bool mg_option(const char *word)
{
	size_t n = strlen(word);

	for (const char *p = mg_cmdline; *p;) {
		while (*p == ' ')
			p++;
		size_t len = 0;
		while (p[len] && p[len] != ' ')
			len++;
		if (len == n && !memcmp(p, word, n))
			return true;
		p += len;
	}
	return false;
}

static void putc_raw(char c)
{
	for (unsigned int i = 0; i < 100000 && !(inb(COM1 + 5) & 0x20); i++)
		;
	outb(COM1, (uint8_t)c);
}

void mg_puts(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			putc_raw('\r');
		putc_raw(*s);
	}
}

/* A small vsnprintf: %s %c %d %u %x %lx %llx %p, with a width for x. */
static void vfmt(char *out, size_t size, const char *fmt, va_list ap)
{
	size_t n = 0;

#define PUT(ch)                          \
	do {                             \
		if (n + 1 < size)        \
			out[n++] = (ch); \
	} while (0)
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			PUT(*fmt);
			continue;
		}
		fmt++;
		int longs = 0;
		while (*fmt == 'l') {
			longs++;
			fmt++;
		}
		char buf[24];
		int len = 0;
		switch (*fmt) {
		case 's': {
			const char *s = va_arg(ap, const char *);
			for (; s && *s; s++)
				PUT(*s);
			continue;
		}
		case 'c':
			PUT((char)va_arg(ap, int));
			continue;
		case 'd': {
			int32_t v = va_arg(ap, int32_t);
			uint32_t u = v < 0 ? (uint32_t)-v : (uint32_t)v;
			if (v < 0)
				PUT('-');
			do {
				buf[len++] = (char)('0' + u % 10);
				u /= 10;
			} while (u);
			break;
		}
		case 'u': {
			uint32_t u = va_arg(ap, uint32_t);
			do {
				buf[len++] = (char)('0' + u % 10);
				u /= 10;
			} while (u);
			break;
		}
		case 'p':
		case 'x': {
			uint64_t u = longs == 2 ? va_arg(ap, uint64_t) : va_arg(ap, uint32_t);
			do {
				buf[len++] = "0123456789abcdef"[u & 15];
				u >>= 4;
			} while (u);
			break;
		}
		default:
			PUT('%');
			PUT(*fmt);
			continue;
		}
		while (len)
			PUT(buf[--len]);
	}
	out[n] = '\0';
#undef PUT
}

void mg_printf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vfmt(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	mg_puts(buf);
}

int mg_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfmt(fail_reason, sizeof(fail_reason), fmt, ap);
	va_end(ap);
	failed = true;
	return -1;
}

void mg_cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}

bool mg_is_intel(void)
{
	uint32_t r[4];

	mg_cpuid(0, 0, r);
	return r[1] == 0x756e6547 && r[3] == 0x49656e69 && r[2] == 0x6c65746e; /* GenuineIntel */
}

static bool use_vmcall;

int32_t mg_hypercall(uint32_t nr, uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4)
{
	uint32_t eax = nr;

	/* A 32-bit caller: the VMM sees the upper halves as zero. */
	if (use_vmcall)
		__asm__ volatile("vmcall" : "+a"(eax) : "b"(a1), "c"(a2), "d"(a3), "S"(a4) : "memory");
	else
		__asm__ volatile("vmmcall" : "+a"(eax) : "b"(a1), "c"(a2), "d"(a3), "S"(a4) : "memory");
	return (int32_t)eax;
}

/* The frame head.S builds: PUSHAL, vector, error code, then the CPU's. */
struct mg_frame {
	uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax;
	uint32_t vector, error;
	uint32_t eip, cs, eflags;
};

void mg_trap(struct mg_frame *f);
void mg_trap(struct mg_frame *f)
{
	if (mg_fault_vector != -1 || mg_fault_skip == 0) {
		mg_printf("MINIGUEST FAIL unexpected-exception: vector %u error %x at EIP %x\n",
			  f->vector, f->error, f->eip);
		mg_puts("MINIGUEST DONE\n");
		for (;;)
			__asm__ volatile("cli; hlt");
	}
	mg_fault_vector = (int)f->vector;
	f->eip += mg_fault_skip;
	mg_fault_skip = 0;
}

static void relocate(void)
{
	uint32_t delta = (uint32_t)(uintptr_t)__image_start; /* linked at 0 */

	for (const struct elf32_rel *r = __rel_start; r < __rel_end; r++) {
		if ((r->info & 0xff) == R_386_RELATIVE)
			*(uint32_t *)(uintptr_t)(r->offset + delta) += delta;
	}
}

extern void mg_stub0(void), mg_stub1(void), mg_stub2(void), mg_stub3(void), mg_stub4(void),
	mg_stub5(void), mg_stub6(void), mg_stub7(void), mg_stub8(void), mg_stub9(void),
	mg_stub10(void), mg_stub11(void), mg_stub12(void), mg_stub13(void), mg_stub14(void),
	mg_stub15(void), mg_stub16(void), mg_stub17(void), mg_stub18(void), mg_stub19(void);

static void idt_init(void)
{
	void (*const stubs[20])(void) = {
		mg_stub0, mg_stub1, mg_stub2, mg_stub3, mg_stub4, mg_stub5, mg_stub6,
		mg_stub7, mg_stub8, mg_stub9, mg_stub10, mg_stub11, mg_stub12, mg_stub13,
		mg_stub14, mg_stub15, mg_stub16, mg_stub17, mg_stub18, mg_stub19,
	};
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) idtr = { sizeof(idt) - 1, (uint32_t)(uintptr_t)idt };

	for (unsigned int i = 0; i < 20; i++) {
		uint32_t a = (uint32_t)(uintptr_t)stubs[i];
		/* 32-bit interrupt gate, DPL 0, selector 0x10 (the boot CS). */
		idt[i] = (a & 0xffff) | (0x10u << 16) | ((uint64_t)0x8e00 << 32) |
			 ((uint64_t)(a >> 16) << 48);
	}
	__asm__ volatile("lidt %0" : : "m"(idtr));
}

static void finish(void)
{
	/* Bochs: magic break, which the harness's debugger script answers with "quit". */
	__asm__ volatile("xchg %bx, %bx");
	/* QEMU with -device isa-debug-exit,iobase=0xf4: exit status 2 * 0x10 + 1. */
	outb(0xf4, 0x10);
	for (;;)
		__asm__ volatile("cli; hlt");
}

void mg_main(uint32_t boot_params)
{
	unsigned int pass = 0, fail = 0;

	relocate();
	/*
	 * Mask the 8259s, as an OS that does not use them does.  The BIOS
	 * leaves IRQ 0 (the PIT) on vector 8, and the VMM runs its processes
	 * with interrupts enabled: see docs/vmx.md, "Known problems".
	 */
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
	mg_boot_params = boot_params;
	/* boot_params.hdr.cmd_line_ptr (zero-page.rst, offset 0x228); paging is off. */
	uint32_t cmd = *(volatile uint32_t *)(uintptr_t)(boot_params + 0x228);
	if (cmd)
		mg_cmdline = (const char *)(uintptr_t)cmd;
	use_vmcall = mg_is_intel();
	idt_init();
	mg_printf("MINIGUEST start at %x, boot_params %x, %s, command line '%s'\n",
		  (uint32_t)(uintptr_t)__image_start, boot_params, use_vmcall ? "vmcall" : "vmmcall",
		  mg_cmdline);
	for (unsigned int i = 0; i < mg_nscenarios; i++) {
		const struct mg_scenario *s = &mg_scenarios[i];
		failed = false;
		fail_reason[0] = '\0';
		int rc = s->run();
		if (rc == 0 && !failed) {
			mg_printf("MINIGUEST PASS %s\n", s->name);
			pass++;
		} else {
			mg_printf("MINIGUEST FAIL %s: %s\n", s->name,
				  fail_reason[0] ? fail_reason : "failed");
			fail++;
		}
	}
	mg_printf("MINIGUEST DONE pass=%u fail=%u\n", pass, fail);
	finish();
}
