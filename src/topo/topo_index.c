/* topo_index.c - the second pass of loading: resolves a node's raw
 * records into pointers (interfaces by index and name, masters, veth
 * pairs across namespaces, route devices), sorts its main table for the
 * longest-prefix match, and rebuilds the address and pod-CIDR indexes of
 * all nodes that the lookups binary-search.
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

/* --- finalizing a node ------------------------------------------------------------ */

static int cmp_iface_index(const void *a, const void *b)
{
	uint32_t x = (*(struct iface *const *)a)->pub.ifindex;
	uint32_t y = (*(struct iface *const *)b)->pub.ifindex;

	return (x > y) - (x < y);
}

static int cmp_iface_name(const void *a, const void *b)
{
	return strcmp((*(struct iface *const *)a)->pub.name, (*(struct iface *const *)b)->pub.name);
}

struct iface *topo_find_index(const struct nsrec *ns, uint32_t ifindex)
{
	size_t lo = 0, hi;

	if (!ns->by_index) {
		/* while parsing, before the index exists */
		for (size_t i = 0; i < ns->nifs; i++)
			if (ns->ifs[i].pub.ifindex == ifindex)
				return &ns->ifs[i];
		return NULL;
	}
	hi = ns->nifs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint32_t v = ns->by_index[mid]->pub.ifindex;

		if (v == ifindex)
			return ns->by_index[mid];
		if (v < ifindex)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* name[0..len) need not be terminated. */
struct iface *topo_find_name(const struct nsrec *ns, const char *name, size_t len)
{
	size_t lo = 0, hi = ns->nifs;

	if (!ns->by_name)
		return NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *v = ns->by_name[mid]->pub.name;
		int c = strncmp(name, v, len);

		if (c == 0 && v[len] != '\0')
			c = -1;
		if (c == 0)
			return ns->by_name[mid];
		if (c > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static struct iface *resolve(const struct nsrec *ns, uint32_t index, const char *name)
{
	struct iface *f = index ? topo_find_index(ns, index) : NULL;

	if (!f && name)
		f = topo_find_name(ns, name, strlen(name));
	return f;
}

static int index_ns(const struct ld *ld, struct nsrec *ns)
{
	if (!ns->nifs)
		return 0;
	ns->by_index = malloc(ns->nifs * sizeof *ns->by_index);
	ns->by_name = malloc(ns->nifs * sizeof *ns->by_name);
	if (!ns->by_index || !ns->by_name)
		return topo_oom(ld);
	for (size_t i = 0; i < ns->nifs; i++)
		ns->by_index[i] = ns->by_name[i] = &ns->ifs[i];
	qsort(ns->by_index, ns->nifs, sizeof *ns->by_index, cmp_iface_index);
	qsort(ns->by_name, ns->nifs, sizeof *ns->by_name, cmp_iface_name);
	for (size_t i = 1; i < ns->nifs; i++) {
		const char *nsn = ns->name ? ns->name : "the node's own namespace";

		if (ns->by_index[i]->pub.ifindex == ns->by_index[i - 1]->pub.ifindex)
			return topo_bad(ld, NULL, "%s has two links with ifindex %u", nsn,
			                ns->by_index[i]->pub.ifindex);
		if (strcmp(ns->by_name[i]->pub.name, ns->by_name[i - 1]->pub.name) == 0)
			return topo_bad(ld, NULL, "%s has two links named %s", nsn,
			                ns->by_name[i]->pub.name);
	}
	return 0;
}

static bool is_veth(const struct iface *f)
{
	return f->pub.kind && strcmp(f->pub.kind, "veth") == 0;
}

/* Pairs veth ends. Within one namespace IFLA_LINK names the peer directly.
 * Across namespaces only pairs with one end in the node's own namespace are
 * resolved: pod L (IFLA_LINK = host index h, some netnsid) and host H = h
 * (IFLA_LINK = L's index, netnsid = the pod namespace's id) must agree both
 * ways. Where the pod namespace's id is unknown (ip -j output carries none),
 * the first such pair fixes it, and later pairs must agree. */
static void pair_veths(struct node *n)
{
	struct nsrec *host = &n->ns[0];

	for (size_t k = 0; k < n->nns; k++) {
		struct nsrec *ns = &n->ns[k];
		int64_t nsid = ns->nsid;

		for (size_t i = 0; i < ns->nifs; i++) {
			struct iface *l = &ns->ifs[i], *h;

			if ((!l->link_index && !l->link_name) || l->pub.peer)
				continue;
			if (l->link_nsid < 0) {
				h = resolve(ns, l->link_index, l->link_name);
				if (h && h != l && is_veth(l) && is_veth(h) && h->link_nsid < 0 &&
				    (h->link_index == l->pub.ifindex ||
				     (h->link_name && strcmp(h->link_name, l->pub.name) == 0))) {
					l->pub.peer = &h->pub;
					h->pub.peer = &l->pub;
				}
				continue;
			}
			if (k == 0 || !is_veth(l))
				continue;
			h = topo_find_index(host, l->link_index);
			if (!h || h->pub.peer || !is_veth(h) || h->link_index != l->pub.ifindex ||
			    h->link_nsid < 0)
				continue;
			if (nsid >= 0 && h->link_nsid != nsid)
				continue;
			nsid = h->link_nsid;
			l->pub.peer = &h->pub;
			h->pub.peer = &l->pub;
		}
	}
}

static void sb_add(char *buf, size_t len, size_t *pos, const char *fmt, ...) PP_PRINTF(4, 5);

static void sb_add(char *buf, size_t len, size_t *pos, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (*pos >= len)
		return;
	va_start(ap, fmt);
	r = vsnprintf(buf + *pos, len - *pos, fmt, ap);
	va_end(ap);
	if (r > 0)
		*pos += (size_t)r;
}

/* The route the way `ip route` prints it, minus proto/scope/src. */
static const char *route_text(struct node *n, const struct topo_route *r)
{
	size_t len = 160 + r->nnexthops * 120, pos = 0;
	char *buf = topo_ar_alloc(&n->ar, len), a[INET6_ADDRSTRLEN];

	if (!buf)
		return NULL;
	buf[0] = '\0';
	if (strcmp(r->type, "unicast") != 0)
		sb_add(buf, len, &pos, "%s ", r->type);
	if (r->dst_len == 0)
		sb_add(buf, len, &pos, "default");
	else
		sb_add(buf, len, &pos, "%s/%u", topo_fmt_addr(&r->dst, a, sizeof a), r->dst_len);
	if (r->has_gateway)
		sb_add(buf, len, &pos, " via %s", topo_fmt_addr(&r->gateway, a, sizeof a));
	if (r->dev)
		sb_add(buf, len, &pos, " dev %s", r->dev->name);
	if (r->table != TABLE_MAIN)
		sb_add(buf, len, &pos, " table %u", r->table);
	if (r->metric)
		sb_add(buf, len, &pos, " metric %u", r->metric);
	if (r->onlink)
		sb_add(buf, len, &pos, " onlink");
	for (size_t i = 0; i < r->nnexthops; i++) {
		const struct topo_nexthop *h = &r->nexthops[i];

		sb_add(buf, len, &pos, " nexthop");
		if (h->has_gateway)
			sb_add(buf, len, &pos, " via %s", topo_fmt_addr(&h->gateway, a, sizeof a));
		if (h->dev)
			sb_add(buf, len, &pos, " dev %s", h->dev->name);
		sb_add(buf, len, &pos, " weight %u", h->weight);
		if (h->onlink)
			sb_add(buf, len, &pos, " onlink");
	}
	return buf;
}

/* Without route data (a lone addr file), the kernel's own prefix routes
 * are all that can be known: one per address, as the kernel adds them. */
static int synth_routes(struct node *n, const struct ld *ld, struct nsrec *ns)
{
	size_t na = ns->naddrs;

	for (size_t i = 0; i < na; i++) {
		struct addrrec *a = &ns->addrs[i];
		uint8_t fam = topo_addr_family(&a->addr);
		struct routerec *r;

		if (!a->iface || a->iface->loopback || a->plen >= (fam == 4 ? 32 : 128))
			continue;
		if (!(r = topo_ns_add_route(ns, ld)))
			return -1;
		r->pub.family = fam;
		r->pub.dst = ns->addrs[i].addr;
		r->pub.dst_len = ns->addrs[i].plen;
		topo_mask_prefix(&r->pub.dst, fam, r->pub.dst_len);
		r->pub.type = "unicast";
		r->pub.table = TABLE_MAIN;
		r->pub.metric = fam == 6 ? 256 : 0;
		r->dev_index = ns->addrs[i].iface->pub.ifindex;
	}
	return 0;
}

static int resolve_routes(struct node *n, const struct ld *ld, struct nsrec *ns)
{
	for (size_t i = 0; i < ns->nroutes; i++) {
		struct routerec *r = &ns->routes[i];
		static const uint8_t any4[4];

		/* "default": the all-zero address of the route's family */
		if (r->pub.dst_len == 0) {
			memset(&r->pub.dst, 0, sizeof r->pub.dst);
			if (r->pub.family == 4)
				addr_set_v4(&r->pub.dst, any4);
		}
		r->pub.dev = (const struct topo_iface *)resolve(ns, r->dev_index, r->dev_name);
		if (r->nnh > 1) {
			struct topo_nexthop *v = topo_ar_alloc(&n->ar, r->nnh * sizeof *v);

			if (!v)
				return topo_oom(ld);
			for (size_t k = 0; k < r->nnh; k++) {
				v[k].has_gateway = r->nh[k].has_gw;
				v[k].gateway = r->nh[k].gw;
				v[k].dev = (const struct topo_iface *)resolve(
				    ns, r->nh[k].dev_index, r->nh[k].dev_name);
				v[k].weight = r->nh[k].weight;
				v[k].onlink = r->nh[k].onlink;
			}
			r->pub.nexthops = v;
			r->pub.nnexthops = r->nnh;
		} else if (r->nnh == 1 && !r->pub.dev && !r->pub.has_gateway) {
			/* a one-entry nexthops list: fold it in */
			r->pub.has_gateway = r->nh[0].has_gw;
			r->pub.gateway = r->nh[0].gw;
			r->pub.dev = (const struct topo_iface *)resolve(ns, r->nh[0].dev_index,
			                                                r->nh[0].dev_name);
			r->pub.onlink = r->nh[0].onlink;
		}
		if (!(r->pub.text = route_text(n, &r->pub)))
			return topo_oom(ld);
	}
	return 0;
}

static int cmp_route_lpm(const void *a, const void *b)
{
	const struct topo_route *x = &(*(struct routerec *const *)a)->pub;
	const struct topo_route *y = &(*(struct routerec *const *)b)->pub;

	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	if (x->dst_len != y->dst_len)
		return x->dst_len > y->dst_len ? -1 : 1;
	if (x->metric != y->metric)
		return x->metric < y->metric ? -1 : 1;
	return (x > y) - (x < y); /* file order */
}

int topo_finalize_node(struct node *n, const struct ld *ld)
{
	struct nsrec *host = &n->ns[0];

	for (size_t k = 0; k < n->nns; k++) {
		struct nsrec *ns = &n->ns[k];

		if (index_ns(ld, ns) < 0)
			return -1;
		for (size_t i = 0; i < ns->nifs; i++) {
			struct iface *f = &ns->ifs[i];
			struct iface *m = resolve(ns, f->master_index, f->master_name);

			f->ns = ns;
			f->pub.node = n->name;
			f->pub.netns = ns->name;
			f->pub.master = m ? &m->pub : NULL;
			if (f->pub.is_vxlan) {
				m = resolve(ns, f->vx_dev_index, f->vx_dev_name);
				f->pub.vxlan.dev = m ? &m->pub : NULL;
			}
		}
		for (size_t i = 0; i < ns->naddrs; i++) {
			struct addrrec *a = &ns->addrs[i];

			a->iface = resolve(ns, a->ifindex, a->ifname);
		}
	}
	pair_veths(n);
	for (size_t k = 0; k < n->nns; k++) {
		if (!n->ns[k].have_routes && synth_routes(n, ld, &n->ns[k]) < 0)
			return -1;
		if (resolve_routes(n, ld, &n->ns[k]) < 0)
			return -1;
	}
	for (size_t i = 0; i < host->nroutes; i++)
		if (host->routes[i].pub.table == TABLE_MAIN)
			n->nmain++;
	if (n->nmain && !(n->main = malloc(n->nmain * sizeof *n->main)))
		return topo_oom(ld);
	n->nmain = 0;
	for (size_t i = 0; i < host->nroutes; i++)
		if (host->routes[i].pub.table == TABLE_MAIN)
			n->main[n->nmain++] = &host->routes[i];
	if (n->nmain)
		qsort(n->main, n->nmain, sizeof *n->main, cmp_route_lpm);
	return 0;
}

/* --- the topology: global indexes --------------------------------------------------- */

static int cmp_aentry(const void *a, const void *b)
{
	const struct aentry *x = a, *y = b;
	int c = memcmp(x->addr.b, y->addr.b, sizeof x->addr.b);

	if (c)
		return c;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1; /* NODE, then POD, then SERVICE */
	return (x->order > y->order) - (x->order < y->order);
}

static int cmp_pentry(const void *a, const void *b)
{
	const struct pentry *x = a, *y = b;
	unsigned bx = topo_bits128(x->family, x->plen), by = topo_bits128(y->family, y->plen);

	return (bx < by) - (bx > by); /* longest first; qsort order among equals is fixed below */
}

static bool is_kube_ipvs(const struct iface *f)
{
	return strcmp(f->pub.name, "kube-ipvs0") == 0;
}

static bool skip_addr(const struct addrrec *a)
{
	static const uint8_t lo6[16] = {[15] = 1};

	if (!a->iface || a->iface->loopback)
		return true;
	if (addr_is_v4(&a->addr) && a->addr.b[12] == 127)
		return true;
	return memcmp(a->addr.b, lo6, 16) == 0;
}

/* A route that leads to pods: to a bridge (cni0, docker0), or to a veth
 * whose other end is in a recorded namespace (Calico-style /32 routes). */
static bool is_pod_route(const struct topo_route *r)
{
	static const uint8_t ll[2] = {0xfe, 0x80};
	const struct iface *d = (const struct iface *)r->dev;

	if (!d || r->dst_len == 0 || strcmp(r->type, "unicast") != 0 || is_kube_ipvs(d))
		return false;
	if (r->family == 6 && r->dst.b[0] == ll[0] && (r->dst.b[1] & 0xc0) == ll[1])
		return false; /* fe80::/64 exists on every link */
	if (d->pub.kind && strcmp(d->pub.kind, "bridge") == 0)
		return true;
	return is_veth(d) && d->pub.peer && d->pub.peer->netns;
}

/* Rebuilds the address and pod-CIDR indexes over all nodes. */
int topo_rebuild(struct topo *t)
{
	size_t na = 0, np = 0;
	struct aentry *av;
	struct pentry *pv;
	uint32_t order = 0;

	for (size_t i = 0; i < t->nnodes; i++) {
		struct node *n = t->nodes[i];

		for (size_t k = 0; k < n->nns; k++)
			na += n->ns[k].naddrs;
		np += n->nmain;
	}
	av = malloc((na ? na : 1) * sizeof *av);
	pv = malloc((np ? np : 1) * sizeof *pv);
	if (!av || !pv) {
		free(av);
		free(pv);
		return -1;
	}
	na = np = 0;
	for (size_t i = 0; i < t->nnodes; i++) {
		struct node *n = t->nodes[i];

		for (size_t k = 0; k < n->nns; k++) {
			for (size_t j = 0; j < n->ns[k].naddrs; j++) {
				struct addrrec *a = &n->ns[k].addrs[j];
				struct aentry *e;

				if (skip_addr(a))
					continue;
				e = &av[na++];
				e->addr = a->addr;
				e->rec = a;
				e->node = n;
				e->order = order++;
				if (k > 0)
					e->kind = TOPO_ADDR_POD;
				else if (is_kube_ipvs(a->iface))
					e->kind = TOPO_ADDR_SERVICE;
				else
					e->kind = TOPO_ADDR_NODE;
			}
		}
		for (size_t j = 0; j < n->nmain; j++) {
			const struct topo_route *r = &n->main[j]->pub;

			if (!is_pod_route(r))
				continue;
			pv[np].prefix = r->dst;
			pv[np].family = r->family;
			pv[np].plen = r->dst_len;
			pv[np].node = n;
			pv[np].dev = r->dev;
			np++;
		}
	}
	qsort(av, na, sizeof *av, cmp_aentry);
	/* Stable by load order among equal lengths: insertion sort is fine for
	 * the handful of pod CIDRs a cluster has. */
	for (size_t i = 1; i < np; i++) {
		struct pentry x = pv[i];
		size_t j = i;

		while (j > 0 && cmp_pentry(&pv[j - 1], &x) > 0) {
			pv[j] = pv[j - 1];
			j--;
		}
		pv[j] = x;
	}
	free(t->addrs);
	free(t->pods);
	t->addrs = av;
	t->naddrs = na;
	t->pods = pv;
	t->npods = np;
	return 0;
}
