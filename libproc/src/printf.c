/*
 * A small printf for processes.
 *
 * Formatting writes into a sink; printf's sink is a stack buffer flushed
 * with PROC_SYS_WRITE when full and at the end, so one printf is usually
 * one syscall and the VMM (which tags output lines with the process name)
 * sees whole lines.  No 64-bit division appears anywhere: a 32-bit process
 * has no libgcc to provide __udivdi3, so long long numbers are divided by
 * hand, 16 bits at a time.
 */
#include <sealvisor/proc.h>

#include <stdint.h>

struct sink {
	char *buf;
	size_t size; /* capacity of buf */
	size_t pos;  /* bytes in buf */
	size_t total; /* bytes produced, for the return value */
	int flush;   /* 1: write buf out when full (printf); 0: truncate */
};

static void sink_flush(struct sink *s)
{
	if (s->flush && s->pos) {
		proc_write(s->buf, (unsigned int)s->pos);
		s->pos = 0;
	}
}

static void put(struct sink *s, char c)
{
	s->total++;
	if (s->pos == s->size)
		sink_flush(s);
	if (s->pos < s->size)
		s->buf[s->pos++] = c;
}

/* n / base with the remainder in *rem, for base <= 16. */
static uint64_t divmod(uint64_t n, unsigned int base, unsigned int *rem)
{
	uint64_t q = 0;
	uint32_t r = 0;

	for (int shift = 48; shift >= 0; shift -= 16) {
		uint32_t cur = r << 16 | (uint32_t)(n >> shift & 0xffff);

		q = q << 16 | cur / base;
		r = cur % base;
	}
	*rem = r;
	return q;
}

struct spec {
	int left, zero, plus, space, alt;
	int width, prec; /* prec < 0: none */
};

static void pad(struct sink *s, int n, char c)
{
	while (n-- > 0)
		put(s, c);
}

static void emit_number(struct sink *s, uint64_t v, int neg, unsigned int base, int upper,
			const struct spec *sp)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, len, zeros, prefix_len = 0;
	char prefix[3];

	while (v) {
		unsigned int r;

		v = divmod(v, base, &r);
		tmp[n++] = digits[r];
	}
	/* "%.0d" of 0 prints nothing, as in C; otherwise at least one digit. */
	if (n == 0 && sp->prec != 0)
		tmp[n++] = '0';
	if (neg)
		prefix[prefix_len++] = '-';
	else if (sp->plus)
		prefix[prefix_len++] = '+';
	else if (sp->space)
		prefix[prefix_len++] = ' ';
	if (sp->alt && base == 16 && !(n == 1 && tmp[0] == '0')) {
		prefix[prefix_len++] = '0';
		prefix[prefix_len++] = upper ? 'X' : 'x';
	} else if (sp->alt && base == 8 && tmp[n - 1] != '0') {
		tmp[n++] = '0';
	}
	zeros = sp->prec > n ? sp->prec - n : 0;
	len = prefix_len + zeros + n;
	if (sp->zero && !sp->left && sp->prec < 0 && sp->width > len) {
		zeros += sp->width - len;
		len = sp->width;
	}
	if (!sp->left)
		pad(s, sp->width - len, ' ');
	for (int i = 0; i < prefix_len; i++)
		put(s, prefix[i]);
	pad(s, zeros, '0');
	while (n)
		put(s, tmp[--n]);
	if (sp->left)
		pad(s, sp->width - len, ' ');
}

static void emit_string(struct sink *s, const char *str, const struct spec *sp)
{
	int n = 0;

	if (str == NULL)
		str = "(null)";
	while (str[n] && (sp->prec < 0 || n < sp->prec))
		n++;
	if (!sp->left)
		pad(s, sp->width - n, ' ');
	for (int i = 0; i < n; i++)
		put(s, str[i]);
	if (sp->left)
		pad(s, sp->width - n, ' ');
}

static int parse_int(const char **fmt)
{
	int v = 0;

	while (**fmt >= '0' && **fmt <= '9') {
		if (v < 100000)
			v = v * 10 + (**fmt - '0');
		(*fmt)++;
	}
	return v;
}

static void format(struct sink *s, const char *fmt, va_list ap)
{
	while (*fmt) {
		struct spec sp = { .prec = -1 };
		int lng = 0, half = 0;
		uint64_t u;
		int64_t d;

		if (*fmt != '%') {
			put(s, *fmt++);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-')
				sp.left = 1;
			else if (*fmt == '0')
				sp.zero = 1;
			else if (*fmt == '+')
				sp.plus = 1;
			else if (*fmt == ' ')
				sp.space = 1;
			else if (*fmt == '#')
				sp.alt = 1;
			else
				break;
		}
		if (*fmt == '*') {
			sp.width = va_arg(ap, int);
			if (sp.width < 0) {
				sp.left = 1;
				sp.width = -sp.width;
			}
			fmt++;
		} else {
			sp.width = parse_int(&fmt);
		}
		if (*fmt == '.') {
			fmt++;
			if (*fmt == '*') {
				sp.prec = va_arg(ap, int);
				fmt++;
			} else {
				sp.prec = parse_int(&fmt);
			}
		}
		for (;; fmt++) {
			if (*fmt == 'l')
				lng++;
			else if (*fmt == 'h')
				half++;
			else if (*fmt == 'z')
				lng = sizeof(size_t) == 8 ? 2 : 0;
			else
				break;
		}
		switch (*fmt) {
		case 'd':
		case 'i':
			d = lng >= 2 ? va_arg(ap, long long) : lng ? va_arg(ap, long) : va_arg(ap, int);
			if (half == 1)
				d = (short)d;
			else if (half >= 2)
				d = (signed char)d;
			u = d < 0 ? (uint64_t)0 - (uint64_t)d : (uint64_t)d;
			emit_number(s, u, d < 0, 10, 0, &sp);
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			u = lng >= 2 ? va_arg(ap, unsigned long long)
			    : lng ? va_arg(ap, unsigned long)
				  : va_arg(ap, unsigned int);
			if (half == 1)
				u = (unsigned short)u;
			else if (half >= 2)
				u = (unsigned char)u;
			emit_number(s, u, 0, *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16, *fmt == 'X',
				    &sp);
			break;
		case 'p':
			sp.alt = 1;
			emit_number(s, (uintptr_t)va_arg(ap, void *), 0, 16, 0, &sp);
			break;
		case 'c': {
			char c = (char)va_arg(ap, int);

			if (!sp.left)
				pad(s, sp.width - 1, ' ');
			put(s, c);
			if (sp.left)
				pad(s, sp.width - 1, ' ');
			break;
		}
		case 's':
			emit_string(s, va_arg(ap, const char *), &sp);
			break;
		case '%':
			put(s, '%');
			break;
		case '\0':
			/* A lone '%' at the end: print it, do not read past. */
			put(s, '%');
			return;
		default:
			/* Unknown conversion: show it rather than guess. */
			put(s, '%');
			put(s, *fmt);
			break;
		}
		fmt++;
	}
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sink s = { .buf = buf, .size = size ? size - 1 : 0 };

	format(&s, fmt, ap);
	if (size)
		buf[s.pos] = '\0';
	return (int)s.total;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int vprintf(const char *fmt, va_list ap)
{
	char buf[128];
	struct sink s = { .buf = buf, .size = sizeof(buf), .flush = 1 };

	format(&s, fmt, ap);
	sink_flush(&s);
	return (int)s.total;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

int putchar(int c)
{
	char ch = (char)c;

	proc_write(&ch, 1);
	return (unsigned char)ch;
}

int puts(const char *s)
{
	printf("%s\n", s);
	return 0;
}
