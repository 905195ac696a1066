/*
 * Unit tests of libproc's printf (libproc/src/printf.c), compiled hosted
 * with its public names prefixed lp_ (see meson.build) so that it cannot
 * be confused with the C library's.  proc_write, the syscall, is replaced
 * by a function that records what a process would have written.
 */
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "check.h"

int lp_snprintf(char *buf, size_t size, const char *fmt, ...);
int lp_printf(const char *fmt, ...);
int lp_putchar(int c);
int lp_puts(const char *s);
int lp_proc_write(const char *s, unsigned int len);

static char written[8192];
static size_t nwritten;
static int nwrites;

/* Stands in for the PROC_SYS_WRITE syscall. */
int lp_proc_write(const char *s, unsigned int len)
{
	if (nwritten + len < sizeof(written)) {
		memcpy(written + nwritten, s, len);
		nwritten += len;
	}
	nwrites++;
	return (int)len;
}

#define FMT(want, ...)                                                           \
	do {                                                                     \
		char got_[256];                                                  \
		int n_ = lp_snprintf(got_, sizeof(got_), __VA_ARGS__);           \
		check_count++;                                                   \
		if (strcmp(got_, want) != 0 || n_ != (int)strlen(want)) {        \
			fprintf(stderr, "%s:%d: printf(%s) gave \"%s\" (%d), want \"%s\"\n", \
				__FILE__, __LINE__, #__VA_ARGS__, got_, n_, want); \
			check_failures++;                                        \
		}                                                                \
	} while (0)

static void test_formats(void)
{
	FMT("Hello, World!\n", "Hello, World!\n");
	FMT("42 -42 0", "%d %i %d", 42, -42, 0);
	FMT("-2147483648 2147483647", "%d %d", INT32_MIN, INT32_MAX);
	FMT("4294967295", "%u", UINT32_MAX);
	FMT("ff FF 0xff 0XFF 0", "%x %X %#x %#X %#x", 255, 255, 255, 255, 0);
	FMT("17 017", "%o %#o", 15, 15);
	FMT("-9223372036854775808", "%lld", (long long)INT64_MIN);
	FMT("18446744073709551615", "%llu", (unsigned long long)UINT64_MAX);
	FMT("ffffffffffffffff", "%llx", (unsigned long long)UINT64_MAX);
	FMT("1234567890123", "%ld", 1234567890123L);
	FMT("12345", "%zu", (size_t)12345);
	FMT("-1 255 65535", "%hhd %hhu %hu", 255, 255, 65535);
	FMT("[   42] [42   ] [00042] [+42] [ 42]", "[%5d] [%-5d] [%05d] [%+d] [% d]", 42, 42, 42,
	    42, 42);
	FMT("[-0042] [  -42]", "[%05d] [%5d]", -42, -42);
	FMT("[  042] [00042]", "[%5.3d] [%.5d]", 42, 42);
	FMT("[] [0]", "[%.0d] [%d]", 0, 0);
	FMT("[    7] [7    ]", "[%*d] [%*d]", 5, 7, -5, 7);
	FMT("a b%", "%c %c%%", 'a', 'b');
	FMT("[  x] [x  ]", "[%3c] [%-3c]", 'x', 'x');
	FMT("str [  abc] [abc  ] [ab] (null)", "%s [%5s] [%-5s] [%.2s] %s", "str", "abc", "abc",
	    "abc", (char *)NULL);
	FMT("0x1234 0", "%p %d", (void *)0x1234, 0);
	FMT("%y", "%y");
	FMT("end %", "end %");
	FMT("1", "%.*d", -1, 1);
}

static void test_truncation(void)
{
	char b[8];
	int n;

	memset(b, 'x', sizeof(b));
	n = lp_snprintf(b, sizeof(b), "%s", "0123456789");
	CHECK_EQ(n, 10);
	CHECK_EQ(strcmp(b, "0123456"), 0);
	n = lp_snprintf(b, 1, "abc");
	CHECK_EQ(n, 3);
	CHECK_EQ(b[0], '\0');
	n = lp_snprintf(NULL, 0, "abc%d", 12);
	CHECK_EQ(n, 5);
}

static void test_output(void)
{
	char big[1000];

	/* One short printf is one write. */
	nwritten = 0;
	nwrites = 0;
	CHECK_EQ(lp_printf("Hello, %s!\n", "World"), 14);
	CHECK_EQ(nwrites, 1);
	CHECK_EQ(nwritten, 14);
	CHECK_EQ(memcmp(written, "Hello, World!\n", 14), 0);

	/* A long one is cut into buffer-sized writes, nothing lost. */
	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	nwritten = 0;
	nwrites = 0;
	CHECK_EQ(lp_printf("<%s>", big), 1001);
	CHECK_EQ(nwritten, 1001);
	CHECK(nwrites > 1);
	CHECK_EQ(written[0], '<');
	CHECK_EQ(written[1000], '>');

	nwritten = 0;
	lp_putchar('Z');
	lp_puts("line");
	CHECK_EQ(nwritten, 6);
	CHECK_EQ(memcmp(written, "Zline\n", 6), 0);
}

int main(void)
{
	test_formats();
	test_truncation();
	test_output();
	return check_report("test_printf");
}
