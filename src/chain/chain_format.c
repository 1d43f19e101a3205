/* chain_format.c - names and address formatting shared by the reports. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "pktpath/chain.h"

const char *chain_verdict_name(enum chain_verdict v)
{
	switch (v) {
	case CHAIN_DELIVERED:
		return "delivered";
	case CHAIN_STOPPED:
		return "stopped";
	case CHAIN_PARTIAL:
		return "partial";
	case CHAIN_NOT_JUDGED:
		return "not_judged";
	}
	return "unknown";
}

/* Dotted quad by hand: reports format millions of addresses, and
 * inet_ntop() goes through printf for IPv4. */
static bool format_v4(const uint8_t *b, char *buf, size_t len)
{
	char tmp[16], *p = tmp;

	for (int i = 0; i < 4; i++) {
		unsigned v = b[i];

		if (v >= 100)
			*p++ = (char)('0' + v / 100);
		if (v >= 10)
			*p++ = (char)('0' + v / 10 % 10);
		*p++ = (char)('0' + v % 10);
		*p++ = i < 3 ? '.' : '\0';
	}
	if ((size_t)(p - tmp) > len)
		return false;
	memcpy(buf, tmp, (size_t)(p - tmp));
	return true;
}

void chain_format_addr(const struct pp_addr *a, char *buf, size_t len)
{
	if (addr_is_v4(a)) {
		if (!format_v4(a->b + 12, buf, len))
			snprintf(buf, len, "?");
	} else if (!inet_ntop(AF_INET6, a->b, buf, (socklen_t)len)) {
		snprintf(buf, len, "?");
	}
}

void chain_format_endpoint(const struct pp_addr *a, uint16_t port, bool has_port, char *buf,
                           size_t len)
{
	char ip[INET6_ADDRSTRLEN];

	chain_format_addr(a, ip, sizeof ip);
	if (!has_port)
		snprintf(buf, len, "%s", ip);
	else if (addr_is_v4(a))
		snprintf(buf, len, "%s:%u", ip, port);
	else
		snprintf(buf, len, "[%s]:%u", ip, port);
}

void chain_format_tuple(const struct pp_tuple *t, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN + 8], b[INET6_ADDRSTRLEN + 8];
	bool echo = (t->proto == 1 || t->proto == 58) && t->has_ports;

	chain_format_endpoint(&t->src, t->sport, t->has_ports, a, sizeof a);
	chain_format_endpoint(&t->dst, t->dport, t->has_ports && !echo, b, sizeof b);
	snprintf(buf, len, "%s %s -> %s", chain_proto_name(t->proto), a, b);
}

const char *chain_proto_name(uint8_t proto)
{
	switch (proto) {
	case 1:
		return "icmp";
	case 6:
		return "tcp";
	case 17:
		return "udp";
	case 58:
		return "icmp6";
	case 132:
		return "sctp";
	case 47:
		return "gre";
	case 50:
		return "esp";
	default:
		return "ip";
	}
}

void chain_format_tcp_flags(uint8_t flags, char *buf, size_t len)
{
	static const struct {
		uint8_t bit;
		char c;
	} letters[] = {{0x02, 'S'}, {0x01, 'F'}, {0x04, 'R'}, {0x08, 'P'},
	               {0x20, 'U'}, {0x40, 'E'}, {0x80, 'W'}, {0x10, '.'}};
	size_t n = 0;

	for (size_t i = 0; i < sizeof letters / sizeof letters[0] && n + 1 < len; i++) {
		if (flags & letters[i].bit)
			buf[n++] = letters[i].c;
	}
	if (len)
		buf[n < len ? n : len - 1] = '\0';
}
