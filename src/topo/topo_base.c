/* topo_base.c - what every file of the topology stage uses: an arena that
 * holds the strings and fixed arrays of one node and is freed at once, and
 * addresses and prefixes (parse, print, match, mask; --service-cidr).
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "topo_int.h"

void *topo_ar_alloc(struct arena *ar, size_t n)
{
	struct chunk *c = ar->head;
	size_t need = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
	void *p;

	if (n == 0)
		need = sizeof(max_align_t);
	if (!c || c->cap - c->used < need) {
		size_t cap = need > 16384 ? need : 16384;

		c = calloc(1, sizeof *c + cap);
		if (!c)
			return NULL;
		c->cap = cap;
		c->next = ar->head;
		ar->head = c;
	}
	p = (char *)c->data + c->used;
	c->used += need;
	return p;
}

char *topo_ar_strdup(struct arena *ar, const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = topo_ar_alloc(ar, n);

	if (d)
		memcpy(d, s, n);
	return d;
}

void topo_ar_free(struct arena *ar)
{
	while (ar->head) {
		struct chunk *c = ar->head;

		ar->head = c->next;
		free(c);
	}
}

/* --- addresses ------------------------------------------------------------------ */

uint8_t topo_addr_family(const struct pp_addr *a)
{
	return addr_is_v4(a) ? 4 : 6;
}

unsigned topo_bits128(uint8_t family, unsigned plen)
{
	return family == 4 ? 96 + plen : plen;
}

bool topo_in_prefix(const struct pp_addr *a, const struct pp_addr *p, uint8_t family, unsigned plen)
{
	unsigned bits = topo_bits128(family, plen), full = bits / 8, rem = bits % 8;

	if (topo_addr_family(a) != family || memcmp(a->b, p->b, full) != 0)
		return false;
	if (rem) {
		uint8_t m = (uint8_t)(0xff << (8 - rem));

		return (a->b[full] & m) == (p->b[full] & m);
	}
	return true;
}

void topo_mask_prefix(struct pp_addr *a, uint8_t family, unsigned plen)
{
	unsigned bits = topo_bits128(family, plen);

	for (unsigned i = 0; i < 16; i++) {
		if (bits >= 8) {
			bits -= 8;
		} else {
			a->b[i] &= (uint8_t)(0xff << (8 - bits));
			bits = 0;
		}
	}
}

int topo_parse_addr(const char *s, struct pp_addr *a, uint8_t *family)
{
	uint8_t b[16];

	if (inet_pton(AF_INET, s, b) == 1) {
		addr_set_v4(a, b);
		*family = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, s, b) == 1) {
		addr_set_v6(a, b);
		*family = addr_is_v4(a) ? 4 : 6;
		return 0;
	}
	return -1;
}

const char *topo_fmt_addr(const struct pp_addr *a, char *buf, size_t len)
{
	if (addr_is_v4(a))
		return inet_ntop(AF_INET, a->b + 12, buf, (socklen_t)len);
	return inet_ntop(AF_INET6, a->b, buf, (socklen_t)len);
}

int topo_parse_cidr(const char *s, struct pp_addr *addr, unsigned *len)
{
	char buf[64];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	unsigned long plen;
	uint8_t family;
	char *end;

	if (n == 0 || n >= sizeof buf)
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (topo_parse_addr(buf, addr, &family) < 0)
		return -1;
	if (!slash) {
		*len = family == 4 ? 32 : 128;
		return 0;
	}
	if (slash[1] < '0' || slash[1] > '9')
		return -1;
	errno = 0;
	plen = strtoul(slash + 1, &end, 10);
	if (*end || errno || plen > (family == 4 ? 32u : 128u))
		return -1;
	*len = (unsigned)plen;
	return 0;
}
