/*
 * What a process may put on the shared console and into the log ring.
 * People read both, and terminals interpret them: every C0 control but
 * newline and tab, DEL, every C1 control (0x80-0x9f, where 0x9b is the
 * 8-bit CSI, and its UTF-8 form U+0080-U+009F), and every byte that is
 * not part of well-formed UTF-8 (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF) becomes '?', byte for byte, so the
 * length stays what the process wrote.
 */
#include <sv/text.h>

/* Length of the well-formed UTF-8 sequence at s[0, n), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len;
	uint32_t cp;

	if (c >= 0xc2 && c <= 0xdf)
		len = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, cp = c & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	if (cp >= 0x80 && cp <= 0x9f)
		return 0; /* a C1 control, spelt in UTF-8 */
	return len;
}

size_t text_sanitize(char *buf, size_t len)
{
	unsigned char *s = (unsigned char *)buf;
	size_t replaced = 0;

	for (size_t i = 0; i < len;) {
		unsigned char c = s[i];
		if (c < 0x80) {
			if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
				s[i] = '?';
				replaced++;
			}
			i++;
			continue;
		}
		size_t n = utf8_len(s + i, len - i);
		if (n) {
			i += n;
			continue;
		}
		s[i++] = '?';
		replaced++;
	}
	return replaced;
}
