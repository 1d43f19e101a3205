/* snapshot_collect.c - `pktpath snapshot`: links, addresses and routes of
 * network namespaces, read through libnl-route-3 caches into the JSON values
 * of the document (format version 1, pktpath(1), SNAPSHOT FORMAT). The only
 * file that calls libnl.
 * specification: rtnetlink(7); RTM_GETNSID (linux/net_namespace.h); setns(2).
 *
 * Read-only: every request is a dump or a GET; nothing is ever set. The
 * process's own threads never leave their namespace: a namespace is entered
 * by a short-lived worker thread that only connects the netlink socket there
 * (a socket stays bound to the namespace it was created in), so there is no
 * way back to get wrong and no later open() lands in the wrong namespace.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/if.h>
#include <linux/net_namespace.h>
#include <linux/rtnetlink.h>

#include <jansson.h>
#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <netlink/cache.h>
#include <netlink/route/link.h>
#include <netlink/route/link/vxlan.h>
#include <netlink/route/addr.h>
#include <netlink/route/route.h>

#include "snapshot_int.h"
#include "util/escape.h"
#include "util/msg.h"

/* --- small helpers ------------------------------------------------------ */

/* Interface names are bytes, not necessarily UTF-8; jansson only takes
 * UTF-8. Invalid bytes are written as the four characters \xNN (escape.h). */
json_t *snapshot_jstr(const char *s)
{
	json_t *j;
	char *esc;

	if (!s)
		return json_null();
	j = json_string(s);
	if (j)
		return j;
	esc = esc_utf8_clean(s);
	j = json_string(esc);
	free(esc);
	return j;
}

/* Sets key to v (stealing it); remembers a failed allocation. */
void snapshot_put(struct snap *s, json_t *obj, const char *key, json_t *v)
{
	if (!v || json_object_set_new(obj, key, v) < 0)
		s->oom = true;
}

static void append(struct snap *s, json_t *arr, json_t *v)
{
	if (!v || json_array_append_new(arr, v) < 0)
		s->oom = true;
}

static json_t *jint_or_null(bool have, long long v)
{
	return have ? json_integer(v) : json_null();
}

/* An IPv4/IPv6 nl_addr as text without prefix length, or JSON null. */
static json_t *jaddr(struct nl_addr *a)
{
	char buf[INET6_ADDRSTRLEN];
	int fam;

	if (!a)
		return json_null();
	fam = nl_addr_get_family(a);
	if ((fam == AF_INET && nl_addr_get_len(a) == 4) ||
	    (fam == AF_INET6 && nl_addr_get_len(a) == 16)) {
		if (inet_ntop(fam, nl_addr_get_binary_addr(a), buf, sizeof buf))
			return json_string(buf);
	}
	return json_null();
}

static const char *family_name(int fam)
{
	switch (fam) {
	case AF_INET:
		return "inet";
	case AF_INET6:
		return "inet6";
	case AF_BRIDGE:
		return "bridge";
	case AF_MPLS:
		return "mpls";
	default:
		return NULL;
	}
}

/* Names as iproute2 prints them; anything else as its decimal value. */
static json_t *jname(const char *const *tab, size_t n, unsigned v)
{
	char buf[16];

	if (v < n && tab[v])
		return json_string(tab[v]);
	snprintf(buf, sizeof buf, "%u", v);
	return json_string(buf);
}

static json_t *jscope(unsigned v)
{
	switch (v) {
	case RT_SCOPE_UNIVERSE:
		return json_string("global");
	case RT_SCOPE_SITE:
		return json_string("site");
	case RT_SCOPE_LINK:
		return json_string("link");
	case RT_SCOPE_HOST:
		return json_string("host");
	case RT_SCOPE_NOWHERE:
		return json_string("nowhere");
	default:
		return jname(NULL, 0, v);
	}
}

static const char *const proto_names[] = {
    [RTPROT_UNSPEC] = "unspec",
    [RTPROT_REDIRECT] = "redirect",
    [RTPROT_KERNEL] = "kernel",
    [RTPROT_BOOT] = "boot",
    [RTPROT_STATIC] = "static",
    [RTPROT_GATED] = "gated",
    [RTPROT_RA] = "ra",
    [RTPROT_MRT] = "mrt",
    [RTPROT_ZEBRA] = "zebra",
    [RTPROT_BIRD] = "bird",
    [RTPROT_DNROUTED] = "dnrouted",
    [RTPROT_XORP] = "xorp",
    [RTPROT_NTK] = "ntk",
    [RTPROT_DHCP] = "dhcp",
    [RTPROT_MROUTED] = "mrouted",
    [RTPROT_KEEPALIVED] = "keepalived",
    [RTPROT_BABEL] = "babel",
    [RTPROT_OPENR] = "openr",
    [RTPROT_BGP] = "bgp",
    [RTPROT_ISIS] = "isis",
    [RTPROT_OSPF] = "ospf",
    [RTPROT_RIP] = "rip",
    [RTPROT_EIGRP] = "eigrp",
};

static const char *const type_names[] = {
    [RTN_UNSPEC] = "unspec",
    [RTN_UNICAST] = "unicast",
    [RTN_LOCAL] = "local",
    [RTN_BROADCAST] = "broadcast",
    [RTN_ANYCAST] = "anycast",
    [RTN_MULTICAST] = "multicast",
    [RTN_BLACKHOLE] = "blackhole",
    [RTN_UNREACHABLE] = "unreachable",
    [RTN_PROHIBIT] = "prohibit",
    [RTN_THROW] = "throw",
    [RTN_NAT] = "nat",
    [RTN_XRESOLVE] = "xresolve",
};

/* RFC 2863 operational states, spelt as `ip link` does. */
static const char *const operstate_names[] = {
    [IF_OPER_UNKNOWN] = "UNKNOWN", [IF_OPER_NOTPRESENT] = "NOTPRESENT",
    [IF_OPER_DOWN] = "DOWN",       [IF_OPER_LOWERLAYERDOWN] = "LOWERLAYERDOWN",
    [IF_OPER_TESTING] = "TESTING", [IF_OPER_DORMANT] = "DORMANT",
    [IF_OPER_UP] = "UP",
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* The name of ifindex in this namespace's link cache, or JSON null. */
static json_t *jifname(struct nl_cache *links, int ifindex)
{
	char buf[IFNAMSIZ + 1];

	if (ifindex <= 0 || !rtnl_link_i2name(links, ifindex, buf, sizeof buf))
		return json_null();
	return snapshot_jstr(buf);
}

/* --- links, addresses, routes -------------------------------------------- */

static json_t *link_ref(struct snap *s, struct nl_cache *links, int ifindex)
{
	json_t *o;

	if (ifindex <= 0)
		return json_null();
	o = json_object();
	if (!o)
		return NULL;
	snapshot_put(s, o, "ifindex", json_integer(ifindex));
	snapshot_put(s, o, "name", jifname(links, ifindex));
	return o;
}

static json_t *vxlan_json(struct snap *s, struct nl_cache *links, struct rtnl_link *l)
{
	uint32_t vni = 0, port = 0, dev = 0;
	struct nl_addr *local = NULL;
	bool have_port;
	json_t *o;

	if (rtnl_link_vxlan_get_id(l, &vni) < 0)
		return json_null();
	o = json_object();
	if (!o)
		return NULL;
	snapshot_put(s, o, "vni", json_integer(vni));
	have_port = rtnl_link_vxlan_get_port(l, &port) == 0;
	snapshot_put(s, o, "port", jint_or_null(have_port, port));
	if (rtnl_link_vxlan_get_local(l, &local) == 0) {
		snapshot_put(s, o, "local", jaddr(local));
		nl_addr_put(local);
	} else {
		snapshot_put(s, o, "local", json_null());
	}
	if (rtnl_link_vxlan_get_link(l, &dev) == 0 && dev)
		snapshot_put(s, o, "dev", link_ref(s, links, (int)dev));
	else
		snapshot_put(s, o, "dev", json_null());
	return o;
}

static json_t *link_json(struct snap *s, struct nl_cache *links, struct rtnl_link *l)
{
	struct nl_addr *mac = rtnl_link_get_addr(l);
	const char *kind = rtnl_link_get_type(l);
	char buf[64];
	int32_t nsid;
	int iflink = rtnl_link_get_link(l);
	bool have_nsid = rtnl_link_get_link_netnsid(l, &nsid) == 0;
	json_t *o = json_object();

	if (!o)
		return NULL;
	snapshot_put(s, o, "ifindex", json_integer(rtnl_link_get_ifindex(l)));
	snapshot_put(s, o, "name", snapshot_jstr(rtnl_link_get_name(l)));
	snapshot_put(s, o, "kind", snapshot_jstr(kind));
	snapshot_put(s, o, "link_type",
	             snapshot_jstr(nl_llproto2str(rtnl_link_get_arptype(l), buf, sizeof buf)));
	if (mac && nl_addr_get_len(mac) > 0 && nl_addr_get_len(mac) <= 20) {
		const unsigned char *b = nl_addr_get_binary_addr(mac);
		char *o2 = buf;

		for (unsigned i = 0; i < nl_addr_get_len(mac); i++)
			o2 += sprintf(o2, i ? ":%02x" : "%02x", b[i]);
		snapshot_put(s, o, "mac", json_string(buf));
	} else {
		snapshot_put(s, o, "mac", json_null());
	}
	snapshot_put(s, o, "mtu", json_integer(rtnl_link_get_mtu(l)));
	snapshot_put(s, o, "operstate",
	             jname(operstate_names, NELEM(operstate_names), rtnl_link_get_operstate(l)));
	snapshot_put(s, o, "up", json_boolean(rtnl_link_get_flags(l) & IFF_UP));
	snapshot_put(s, o, "master", link_ref(s, links, rtnl_link_get_master(l)));
	/* IFLA_LINK: a veth's peer, the parent of a vlan/macvlan/ipvlan. With
	 * IFLA_LINK_NETNSID the index is one in that other namespace. */
	if (iflink > 0) {
		json_t *lk = json_object();

		if (!lk) {
			s->oom = true;
		} else {
			snapshot_put(s, lk, "ifindex", json_integer(iflink));
			snapshot_put(s, lk, "netnsid", jint_or_null(have_nsid, nsid));
			snapshot_put(s, lk, "name",
			             have_nsid ? json_null() : jifname(links, iflink));
			snapshot_put(s, o, "link", lk);
		}
	} else {
		snapshot_put(s, o, "link", json_null());
	}
	if (kind && strcmp(kind, "vxlan") == 0)
		snapshot_put(s, o, "vxlan", vxlan_json(s, links, l));
	else
		snapshot_put(s, o, "vxlan", json_null());
	return o;
}

static int cmp_link_index(const void *a, const void *b)
{
	int x = rtnl_link_get_ifindex(*(struct rtnl_link *const *)a);
	int y = rtnl_link_get_ifindex(*(struct rtnl_link *const *)b);

	return (x > y) - (x < y);
}

static json_t *links_json(struct snap *s, struct nl_cache *links)
{
	int n = nl_cache_nitems(links), i = 0;
	struct rtnl_link **v;
	json_t *arr = json_array();

	if (!arr || n <= 0)
		return arr;
	/* The kernel dumps links in hash order; sort for stable output. No
	 * references are taken: the cache owns the objects throughout. */
	v = snapshot_xrealloc(NULL, (size_t)n, sizeof *v);
	for (struct nl_object *o = nl_cache_get_first(links); o && i < n; o = nl_cache_get_next(o))
		v[i++] = (struct rtnl_link *)o;
	qsort(v, (size_t)i, sizeof *v, cmp_link_index);
	for (int k = 0; k < i; k++)
		append(s, arr, link_json(s, links, v[k]));
	free(v);
	return arr;
}

static json_t *addr_json(struct snap *s, struct nl_cache *links, struct rtnl_addr *a)
{
	const char *fam = family_name(rtnl_addr_get_family(a));
	json_t *o;

	if (!fam)
		return NULL;
	o = json_object();
	if (!o)
		return NULL;
	snapshot_put(s, o, "ifindex", json_integer(rtnl_addr_get_ifindex(a)));
	snapshot_put(s, o, "ifname", jifname(links, rtnl_addr_get_ifindex(a)));
	snapshot_put(s, o, "family", json_string(fam));
	snapshot_put(s, o, "address", jaddr(rtnl_addr_get_local(a)));
	snapshot_put(s, o, "prefixlen", json_integer(rtnl_addr_get_prefixlen(a)));
	snapshot_put(s, o, "scope", jscope((unsigned)rtnl_addr_get_scope(a)));
	/* Point-to-point: IFA_ADDRESS differs from IFA_LOCAL. */
	snapshot_put(s, o, "peer", jaddr(rtnl_addr_get_peer(a)));
	return o;
}

static json_t *addrs_json(struct snap *s, struct nl_cache *links, struct nl_cache *addrs)
{
	json_t *arr = json_array();

	if (!arr)
		return NULL;
	for (struct nl_object *o = nl_cache_get_first(addrs); o; o = nl_cache_get_next(o)) {
		struct rtnl_addr *a = (struct rtnl_addr *)o;

		if (family_name(rtnl_addr_get_family(a)))
			append(s, arr, addr_json(s, links, a));
	}
	return arr;
}

static json_t *dst_json(struct nl_addr *dst)
{
	char buf[INET6_ADDRSTRLEN + 8];
	int fam;

	if (!dst || nl_addr_get_prefixlen(dst) == 0)
		return json_string("default");
	fam = nl_addr_get_family(dst);
	if ((fam != AF_INET || nl_addr_get_len(dst) != 4) &&
	    (fam != AF_INET6 || nl_addr_get_len(dst) != 16))
		return json_null();
	if (!inet_ntop(fam, nl_addr_get_binary_addr(dst), buf, INET6_ADDRSTRLEN))
		return json_null();
	snprintf(buf + strlen(buf), 8, "/%u", nl_addr_get_prefixlen(dst));
	return json_string(buf);
}

static json_t *nexthop_json(struct snap *s, struct nl_cache *links, struct rtnl_nexthop *nh)
{
	int ifindex = rtnl_route_nh_get_ifindex(nh);
	json_t *o = json_object();

	if (!o)
		return NULL;
	snapshot_put(s, o, "gateway", jaddr(rtnl_route_nh_get_gateway(nh)));
	snapshot_put(s, o, "dev", jifname(links, ifindex));
	snapshot_put(s, o, "ifindex", jint_or_null(ifindex > 0, ifindex));
	/* rtnh_hops holds weight - 1, as `ip route` explains. */
	snapshot_put(s, o, "weight", json_integer(rtnl_route_nh_get_weight(nh) + 1));
	snapshot_put(s, o, "onlink", json_boolean(rtnl_route_nh_get_flags(nh) & RTNH_F_ONLINK));
	return o;
}

static json_t *route_json(struct snap *s, struct nl_cache *links, struct rtnl_route *r)
{
	const char *fam = family_name(rtnl_route_get_family(r));
	int nnh = rtnl_route_get_nnexthops(r);
	struct rtnl_nexthop *nh = nnh == 1 ? rtnl_route_nexthop_n(r, 0) : NULL;
	int ifindex = nh ? rtnl_route_nh_get_ifindex(nh) : 0;
	json_t *o;

	if (!fam)
		return NULL;
	o = json_object();
	if (!o)
		return NULL;
	snapshot_put(s, o, "table", json_integer(rtnl_route_get_table(r)));
	snapshot_put(s, o, "family", json_string(fam));
	snapshot_put(s, o, "dst", dst_json(rtnl_route_get_dst(r)));
	snapshot_put(s, o, "type", jname(type_names, NELEM(type_names), rtnl_route_get_type(r)));
	snapshot_put(s, o, "protocol",
	             jname(proto_names, NELEM(proto_names), rtnl_route_get_protocol(r)));
	snapshot_put(s, o, "scope", jscope(rtnl_route_get_scope(r)));
	snapshot_put(s, o, "metric", json_integer(rtnl_route_get_priority(r)));
	snapshot_put(s, o, "prefsrc", jaddr(rtnl_route_get_pref_src(r)));
	snapshot_put(s, o, "gateway", jaddr(nh ? rtnl_route_nh_get_gateway(nh) : NULL));
	snapshot_put(s, o, "dev", jifname(links, ifindex));
	snapshot_put(s, o, "ifindex", jint_or_null(ifindex > 0, ifindex));
	snapshot_put(s, o, "onlink",
	             json_boolean(nh && (rtnl_route_nh_get_flags(nh) & RTNH_F_ONLINK)));
	if (nnh > 1) {
		json_t *arr = json_array();

		for (int i = 0; arr && i < nnh; i++)
			append(s, arr, nexthop_json(s, links, rtnl_route_nexthop_n(r, i)));
		snapshot_put(s, o, "nexthops", arr);
	} else {
		snapshot_put(s, o, "nexthops", json_null());
	}
	return o;
}

struct route_dump {
	struct snap *s;
	struct nl_cache *links;
	json_t *arr;
};

static int route_valid_cb(struct nl_msg *msg, void *arg)
{
	struct route_dump *d = arg;
	struct rtnl_route *r = NULL;
	int fam;

	if (rtnl_route_parse(nlmsg_hdr(msg), &r) < 0)
		return NL_SKIP;
	fam = rtnl_route_get_family(r);
	if (fam == AF_INET || fam == AF_INET6)
		append(d->s, d->arr, route_json(d->s, d->links, r));
	rtnl_route_put(r);
	return NL_OK;
}

/* All routes of all tables. Not through rtnl_route_alloc_cache(): a cache
 * keeps one object per (family, tos, table, dst, priority) and so drops all
 * but one of the fe80::/64 routes (one per IPv6 link) and any two routes
 * to one prefix over two devices. A plain dump keeps every RTM_NEWROUTE. */
static int routes_json(struct snap *s, struct nl_sock *sk, struct nl_cache *links, json_t **out)
{
	struct route_dump d = {.s = s, .links = links, .arr = json_array()};
	struct rtmsg rtm = {.rtm_family = AF_UNSPEC};
	struct nl_cb *cb;
	int err;

	*out = NULL;
	if (!d.arr)
		return -NLE_NOMEM;
	err = nl_send_simple(sk, RTM_GETROUTE, NLM_F_DUMP, &rtm, sizeof rtm);
	if (err >= 0) {
		cb = nl_cb_alloc(NL_CB_DEFAULT);
		if (!cb) {
			err = -NLE_NOMEM;
		} else {
			nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, route_valid_cb, &d);
			err = nl_recvmsgs(sk, cb);
			nl_cb_put(cb);
		}
	}
	if (err < 0) {
		json_decref(d.arr);
		return err;
	}
	*out = d.arr;
	return 0;
}

/* --- namespaces ----------------------------------------------------------- */

struct nsid_reply {
	int nsid;
	bool got;
};

static int nsid_valid_cb(struct nl_msg *msg, void *arg)
{
	struct nsid_reply *r = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct nlattr *tb[NETNSA_MAX + 1];

	if (h->nlmsg_type != RTM_NEWNSID ||
	    nlmsg_parse(h, sizeof(struct rtgenmsg), tb, NETNSA_MAX, NULL) < 0)
		return NL_SKIP;
	if (tb[NETNSA_NSID] && nla_len(tb[NETNSA_NSID]) >= 4) {
		r->nsid = (int32_t)nla_get_u32(tb[NETNSA_NSID]);
		r->got = true;
	}
	return NL_OK;
}

/* The id under which the namespace behind fd is known in sk's namespace
 * (RTM_GETNSID; it only reads, it never assigns one). -1 if none. */
static int query_nsid(struct nl_sock *sk, int fd)
{
	struct rtgenmsg g = {.rtgen_family = AF_UNSPEC};
	struct nsid_reply r = {.nsid = -1};
	struct nl_msg *msg;
	struct nl_cb *cb;
	int err;

	msg = nlmsg_alloc_simple(RTM_GETNSID, NLM_F_REQUEST);
	if (!msg)
		return -1;
	if (nlmsg_append(msg, &g, sizeof g, NLMSG_ALIGNTO) < 0 ||
	    nla_put_u32(msg, NETNSA_FD, (uint32_t)fd) < 0) {
		nlmsg_free(msg);
		return -1;
	}
	/* The request carries NLM_F_ACK (libnl's auto-ack): the kernel answers
	 * RTM_NEWNSID then an ACK, or only an error. Both are consumed here so
	 * that libnl's sequence numbers stay in step for the dumps that follow. */
	err = nl_send_auto(sk, msg);
	nlmsg_free(msg);
	if (err < 0)
		return -1;
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return -1;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, nsid_valid_cb, &r);
	err = nl_recvmsgs(sk, cb);
	nl_cb_put(cb);
	if (err >= 0 && r.got)
		nl_wait_for_ack(sk);
	return r.got && r.nsid >= 0 ? r.nsid : -1;
}

struct enter_arg {
	int fd;
	struct nl_sock *sk;
	int setns_errno;
	int nlerr;
};

/* Runs on its own thread: setns() changes only the calling thread's
 * namespace, and this thread ends right after, so the rest of pktpath
 * stays where it started. */
static void *enter_and_connect(void *p)
{
	struct enter_arg *a = p;

	if (setns(a->fd, CLONE_NEWNET) < 0) {
		a->setns_errno = errno;
		return NULL;
	}
	a->nlerr = nl_connect(a->sk, NETLINK_ROUTE);
	return NULL;
}

/* "network namespace pod-a", for messages. */
/* A NETLINK_ROUTE socket living in ns. Returns NULL after a message; *skip
 * is set when an --all-netns entry went away and may be left out. */
static struct nl_sock *ns_socket(const struct ns_sel *ns, bool *skip)
{
	struct enter_arg a = {.fd = ns->fd};
	char what[NAME_MAX + 32];
	pthread_t th;
	int err;

	*skip = false;
	a.sk = nl_socket_alloc();
	if (!a.sk) {
		msg_error("snapshot", "out of memory");
		return NULL;
	}
	if (!ns->name) {
		a.nlerr = nl_connect(a.sk, NETLINK_ROUTE);
	} else {
		err = pthread_create(&th, NULL, enter_and_connect, &a);
		if (err) {
			msg_error("snapshot", "cannot start a thread: %s", strerror(err));
			nl_socket_free(a.sk);
			return NULL;
		}
		pthread_join(th, NULL);
	}
	if (a.setns_errno) {
		if (a.setns_errno == EINVAL && ns->optional) {
			/* `ip netns add` creates the file before it mounts
			 * the namespace on it. */
			msg_warn("snapshot", "%s is not a network namespace, left out", ns->path);
			*skip = true;
		} else if (a.setns_errno == EINVAL) {
			msg_error(
			    "snapshot",
			    "cannot enter network namespace %s: %s is not a network namespace",
			    ns->name, ns->path);
		} else {
			msg_error("snapshot", "cannot enter network namespace %s: %s%s", ns->name,
			          strerror(a.setns_errno),
			          a.setns_errno == EPERM ? " (needs CAP_SYS_ADMIN)" : "");
		}
		nl_socket_free(a.sk);
		return NULL;
	}
	if (a.nlerr < 0) {
		msg_error("snapshot", "cannot open a netlink socket in %s: %s",
		          snapshot_ns_what(ns, what, sizeof what), nl_geterror(a.nlerr));
		nl_socket_free(a.sk);
		return NULL;
	}
	return a.sk;
}

/* Links, addresses and routes of the namespace sk lives in. */
static json_t *read_ns(struct snap *s, const struct ns_sel *ns, struct nl_sock *sk, int nsid)
{
	struct nl_cache *links = NULL, *addrs = NULL;
	const char *what = "links";
	char nsw[NAME_MAX + 32];
	json_t *o = NULL, *routes = NULL;
	int err;

	err = rtnl_link_alloc_cache(sk, AF_UNSPEC, &links);
	if (err >= 0) {
		what = "addresses";
		err = rtnl_addr_alloc_cache(sk, &addrs);
	}
	if (err >= 0) {
		what = "routes";
		err = routes_json(s, sk, links, &routes);
	}
	if (err < 0) {
		msg_error("snapshot", "cannot read the %s of %s: %s", what,
		          snapshot_ns_what(ns, nsw, sizeof nsw), nl_geterror(err));
	} else if ((o = json_object())) {
		snapshot_put(s, o, "name", snapshot_jstr(ns->name));
		snapshot_put(s, o, "pid", jint_or_null(ns->pid > 0, ns->pid));
		snapshot_put(s, o, "inode", json_integer((json_int_t)ns->inode));
		snapshot_put(s, o, "netnsid", jint_or_null(nsid >= 0, nsid));
		snapshot_put(s, o, "links", links_json(s, links));
		snapshot_put(s, o, "addresses", addrs_json(s, links, addrs));
		snapshot_put(s, o, "routes", routes);
		routes = NULL;
	} else {
		s->oom = true;
	}
	/* nl_cache_free() drops the cache's reference on every object. */
	json_decref(routes);
	if (addrs)
		nl_cache_free(addrs);
	if (links)
		nl_cache_free(links);
	return o;
}

/* --- the document's namespaces ----------------------------------------- */

int snapshot_collect(struct snap *s, json_t *arr)
{
	struct nl_sock *host = NULL;
	int rc = -1;

	/* s.ns[0] is the namespace pktpath runs in; its socket also asks for
	 * the ids of the others. */
	for (size_t i = 0; i < s->nns; i++) {
		struct ns_sel *ns = &s->ns[i];
		struct nl_sock *sk;
		bool skip;
		json_t *o;

		if (ns->skip)
			continue;
		sk = ns_socket(ns, &skip);
		if (!sk) {
			if (skip)
				continue;
			goto out;
		}
		if (i == 0)
			host = sk;
		/* The id as seen from the namespace pktpath runs in: the one
		 * its veths' IFLA_LINK_NETNSID carry. */
		o = read_ns(s, ns, sk, query_nsid(host, ns->fd));
		if (sk != host)
			nl_socket_free(sk);
		if (!o)
			goto out;
		append(s, arr, o);
	}
	rc = 0;
out:
	if (host)
		nl_socket_free(host);
	return rc;
}
