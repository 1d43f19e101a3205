/* escape.c - names made safe to show (the rules are in escape.h).
 * specification: RFC 3629 (UTF-8), XML 1.0 section 2.2 (Char).
 */
#include <stdlib.h>
#include <string.h>

#include "util/escape.h"
#include "util/msg.h"

size_t esc_utf8_seq(const unsigned char *p, size_t n)
{
	size_t len;
	unsigned char lo = 0x80, hi = 0xbf;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (len > n)
		return 0;
	if (p[0] == 0xe0)
		lo = 0xa0;
	else if (p[0] == 0xed)
		hi = 0x9f;
	else if (p[0] == 0xf0)
		lo = 0x90;
	else if (p[0] == 0xf4)
		hi = 0x8f;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++) {
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	}
	return len;
}

/* The escape of the character at p (n bytes left) into e[16]: its length,
 * 0 when it is shown as it is; *used gets the bytes it covers. */
static size_t escape_one(const unsigned char *p, size_t n, char e[16], size_t *used)
{
	static const char named[] = "abtnvfr";
	static const char hex[] = "0123456789abcdef";
	size_t seq, k = 0;

	*used = 1;
	if (*p >= 0x20 && *p < 0x7f)
		return 0;
	if (*p >= 0x07 && *p <= 0x0d) {
		e[0] = '\\';
		e[1] = named[*p - 0x07];
		return 2;
	}
	if (*p < 0x80) { /* other C0 controls and DEL: octal */
		e[0] = '\\';
		e[1] = (char)('0' + (*p >> 6));
		e[2] = (char)('0' + (*p >> 3 & 7));
		e[3] = (char)('0' + (*p & 7));
		return 4;
	}
	seq = esc_utf8_seq(p, n);
	if (seq) {
		*used = seq;
		/* C1 controls reach terminals as controls; U+FFFE/U+FFFF are no
		 * XML characters: their bytes as \xNN */
		if (!(p[0] == 0xc2 && p[1] < 0xa0) &&
		    !(seq == 3 && p[0] == 0xef && p[1] == 0xbf && p[2] >= 0xbe))
			return 0;
	}
	for (size_t i = 0; i < *used; i++) {
		e[k++] = '\\';
		e[k++] = 'x';
		e[k++] = hex[p[i] >> 4];
		e[k++] = hex[p[i] & 15];
	}
	return k;
}

size_t esc_text(char *out, size_t len, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), o = 0;

	if (len == 0)
		return 0;
	while (n) {
		char e[16];
		size_t used, k = escape_one(p, n, e, &used);
		const char *from = k ? e : (const char *)p;

		if (!k)
			k = used;
		if (o + k >= len)
			break;
		memcpy(out + o, from, k);
		o += k;
		p += used;
		n -= used;
	}
	out[o] = '\0';
	return o;
}

void esc_fputs(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);

	while (n) {
		size_t run = 0, used, k;
		char e[16];

		while (run < n && p[run] >= 0x20 && p[run] < 0x7f)
			run++;
		fwrite(p, 1, run, f);
		p += run;
		n -= run;
		if (!n)
			break;
		k = escape_one(p, n, e, &used);
		fwrite(k ? e : (const char *)p, 1, k ? k : used, f);
		p += used;
		n -= used;
	}
}

char *esc_utf8_clean(const char *str)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)str;
	size_t n = strlen(str);
	char *out = malloc(4 * n + 1), *o = out;

	if (!out)
		msg_oom("names", 4 * n + 1);
	while (n) {
		size_t seq = *p < 0x80 ? 1 : esc_utf8_seq(p, n);

		if (seq) {
			memcpy(o, p, seq);
			o += seq;
		} else {
			*o++ = '\\';
			*o++ = 'x';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 15];
			seq = 1;
		}
		p += seq;
		n -= seq;
	}
	*o = '\0';
	return out;
}
