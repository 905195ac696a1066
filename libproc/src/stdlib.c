/*
 * strtol, strtoul and <ctype.h>'s classes for processes (ASCII only, the
 * "C" locale).  As in C: leading space, a sign, "0x" for base 16 or 0,
 * a leading 0 for octal with base 0; out-of-range values clamp to the
 * type's limit (there is no errno).  No 64-bit division is used in the
 * 32-bit build: long is 32 bits there.
 */
#include <sealvisor/proc.h>

/* GCC's own limits, not <limits.h>: there is no 32-bit libc to include. */
#define LONG_MAX __LONG_MAX__
#define LONG_MIN (-LONG_MAX - 1L)
#define ULONG_MAX (LONG_MAX * 2UL + 1UL)

int isascii(int c)
{
	return c >= 0 && c <= 0x7f;
}

int isupper(int c)
{
	return c >= 'A' && c <= 'Z';
}

int islower(int c)
{
	return c >= 'a' && c <= 'z';
}

int isalpha(int c)
{
	return isupper(c) || islower(c);
}

int isdigit(int c)
{
	return c >= '0' && c <= '9';
}

int isalnum(int c)
{
	return isalpha(c) || isdigit(c);
}

int isxdigit(int c)
{
	return isdigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int isblank(int c)
{
	return c == ' ' || c == '\t';
}

int isspace(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

int iscntrl(int c)
{
	return (c >= 0 && c < 0x20) || c == 0x7f;
}

int isprint(int c)
{
	return c >= 0x20 && c < 0x7f;
}

int isgraph(int c)
{
	return c > 0x20 && c < 0x7f;
}

int ispunct(int c)
{
	return isgraph(c) && !isalnum(c);
}

static int digit(int c)
{
	if (isdigit(c))
		return c - '0';
	if (islower(c))
		return c - 'a' + 10;
	if (isupper(c))
		return c - 'A' + 10;
	return 99;
}

/*
 * The magnitude of the number at s, clamped to limit; *neg for a minus
 * sign, *end past the last digit used (s itself when there was none).
 */
static unsigned long parse(const char *s, char **end, int base, unsigned long limit, int *neg)
{
	const char *p = s, *digits;
	unsigned long v = 0;
	int over = 0;

	*neg = 0;
	if (end)
		*end = (char *)s;
	if (base < 0 || base == 1 || base > 36)
		return 0;
	while (isspace(*p))
		p++;
	if (*p == '-' || *p == '+')
		*neg = *p++ == '-';
	if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
	    digit(p[2]) < 16) {
		p += 2;
		base = 16;
	} else if (base == 0) {
		base = p[0] == '0' ? 8 : 10;
	}
	digits = p;
	for (; digit(*p) < base; p++) {
		unsigned long d = (unsigned long)digit(*p);

		if (v > (limit - d) / (unsigned long)base)
			over = 1;
		else
			v = v * (unsigned long)base + d;
	}
	if (p == digits)
		return 0;
	if (end)
		*end = (char *)p;
	return over ? limit : v;
}

unsigned long strtoul(const char *s, char **end, int base)
{
	int neg;
	unsigned long v = parse(s, end, base, ULONG_MAX, &neg);

	return neg ? -v : v;
}

long strtol(const char *s, char **end, int base)
{
	int neg;
	unsigned long v = parse(s, end, base, (unsigned long)LONG_MAX + 1, &neg);

	if (!neg)
		return v > (unsigned long)LONG_MAX ? LONG_MAX : (long)v;
	return v > (unsigned long)LONG_MAX ? LONG_MIN : -(long)v;
}
