/* topo_record.c - the raw records a node is loaded into (namespaces,
 * interfaces, addresses, routes), stored as the file gives them, and the
 * members that snapshot files and `ip -j` output spell alike: link basics,
 * VXLAN attributes, addresses, route destinations and next hops.
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

const char *topo_ar_name(struct arena *ar, const struct ld *ld, const char *s)
{
	const char *d = topo_ar_strdup(ar, s);

	if (!d)
		topo_oom(ld);
	return d;
}

/* An optional name member copied into the node's arena; *out is set only
 * when the member is there. */
int topo_get_name(struct node *n, const struct ld *ld, const char *where, const json_t *o,
                  const char *key, const char **out)
{
	const char *s;
	int r = topo_get_str(ld, where, o, key, false, &s);

	if (r <= 0)
		return r;
	return (*out = topo_ar_name(&n->ar, ld, s)) ? 1 : -1;
}

/* --- building a node ------------------------------------------------------------- */

void *topo_grow(void *v, size_t *cap, size_t n, size_t size)
{
	size_t c = *cap ? *cap * 2 : 8;
	void *p;

	if (n < *cap)
		return v;
	if (c > SIZE_MAX / size)
		return NULL;
	p = realloc(v, c * size);
	if (p)
		*cap = c;
	return p;
}

/* topo_grow() for one more element, zeroed; a failure is reported. */
static void *grow_zeroed(void *v, size_t *cap, size_t n, size_t size, const struct ld *ld)
{
	char *p = topo_grow(v, cap, n, size);

	if (!p) {
		topo_oom(ld);
		return NULL;
	}
	memset(p + n * size, 0, size);
	return p;
}

struct nsrec *topo_node_add_ns(struct node *n, const char *name, const struct ld *ld)
{
	struct nsrec *ns, *v = grow_zeroed(n->ns, &n->capns, n->nns, sizeof *v, ld);

	if (!v)
		return NULL;
	n->ns = v;
	ns = &v[n->nns++];
	ns->nsid = -1;
	if (name && !(ns->name = topo_ar_name(&n->ar, ld, name))) {
		n->nns--;
		return NULL;
	}
	return ns;
}

struct iface *topo_ns_add_iface(struct nsrec *ns, const struct ld *ld)
{
	struct iface *f, *v = grow_zeroed(ns->ifs, &ns->capifs, ns->nifs, sizeof *v, ld);

	if (!v)
		return NULL;
	ns->ifs = v;
	f = &v[ns->nifs++];
	f->link_nsid = -1;
	return f;
}

static struct addrrec *ns_add_addr(struct nsrec *ns, const struct ld *ld)
{
	struct addrrec *v = grow_zeroed(ns->addrs, &ns->capaddrs, ns->naddrs, sizeof *v, ld);

	if (!v)
		return NULL;
	ns->addrs = v;
	return &v[ns->naddrs++];
}

struct routerec *topo_ns_add_route(struct nsrec *ns, const struct ld *ld)
{
	struct routerec *v = grow_zeroed(ns->routes, &ns->caproutes, ns->nroutes, sizeof *v, ld);

	if (!v)
		return NULL;
	ns->routes = v;
	return &v[ns->nroutes++];
}

void topo_node_free(struct node *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->nns; i++) {
		free(n->ns[i].ifs);
		free(n->ns[i].by_index);
		free(n->ns[i].by_name);
		free(n->ns[i].addrs);
		free(n->ns[i].routes);
	}
	free(n->ns);
	free(n->main);
	topo_ar_free(&n->ar);
	free(n);
}

/* "aa:bb:cc:dd:ee:ff" -> 6 bytes; anything else (other lengths, tunnels'
 * IP "addresses") is not a MAC and is ignored. */
bool topo_parse_mac(const char *s, uint8_t mac[6])
{
	unsigned v[6];
	char end;

	if (strlen(s) != 17 || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3],
	                              &v[4], &v[5], &end) != 6)
		return false;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	return true;
}

/* Fields both formats share. */
int topo_link_common(struct node *n, const struct ld *ld, const char *where, const json_t *o,
                     struct iface *f, const char *name_key, const char *kind)
{
	const char *s;
	uint64_t u;
	int r;

	if (topo_get_uint(ld, where, o, "ifindex", INT32_MAX, true, &u) < 0)
		return -1;
	if (u == 0)
		return topo_bad(ld, where, "'ifindex' must not be 0");
	f->pub.ifindex = (uint32_t)u;
	if (topo_get_str(ld, where, o, name_key, true, &s) < 0 ||
	    topo_check_name(ld, where, "interface", s) < 0)
		return -1;
	if (!(f->pub.name = topo_ar_name(&n->ar, ld, s)))
		return -1;
	f->loopback = strcmp(s, "lo") == 0;
	if (kind) {
		if (strlen(kind) > 64)
			return topo_bad(ld, where, "the link kind is too long");
		if (!(f->pub.kind = topo_ar_name(&n->ar, ld, kind)))
			return -1;
	}
	if ((r = topo_get_uint(ld, where, o, "mtu", UINT32_MAX, false, &u)) < 0)
		return -1;
	if (r)
		f->pub.mtu = (uint32_t)u;
	if ((r = topo_get_str(ld, where, o, "link_type", false, &s)) < 0)
		return -1;
	if (r && strcmp(s, "loopback") == 0)
		f->loopback = true;
	return 0;
}

int topo_vxlan_addr(const struct ld *ld, const char *where, const json_t *o, const char *key,
                    struct iface *f)
{
	uint8_t fam;
	int r = topo_get_addr(ld, where, o, key, false, &f->pub.vxlan.local, &fam);

	if (r > 0)
		f->pub.vxlan.has_local = true;
	return r < 0 ? -1 : 0;
}

/* A link's MAC address; one that is not six bytes (a tunnel's, say) is
 * kept as no MAC. */
int topo_get_mac(const struct ld *ld, const char *where, const json_t *o, const char *key,
                 struct iface *f)
{
	const char *s;
	int r = topo_get_str(ld, where, o, key, false, &s);

	if (r > 0)
		f->pub.has_mac = topo_parse_mac(s, f->pub.mac);
	return r < 0 ? -1 : 0;
}

/* What both formats say of a VXLAN device: its id (named vni_key), its
 * port and its local address. */
int topo_vxlan_common(const struct ld *ld, const char *where, const json_t *o, const char *vni_key,
                      bool vni_required, struct iface *f)
{
	uint64_t u;
	int r;

	f->pub.is_vxlan = true;
	if (topo_get_uint(ld, where, o, vni_key, 0xffffff, vni_required, &u) < 0)
		return -1;
	f->pub.vxlan.vni = (uint32_t)u;
	if ((r = topo_get_uint(ld, where, o, "port", 65535, false, &u)) < 0)
		return -1;
	if (r)
		f->pub.vxlan.port = (uint16_t)u;
	return topo_vxlan_addr(ld, where, o, "local", f);
}

int topo_family_of(const struct ld *ld, const char *where, const char *s, uint8_t *family)
{
	if (strcmp(s, "inet") == 0)
		*family = 4;
	else if (strcmp(s, "inet6") == 0)
		*family = 6;
	else
		return topo_bad(ld, where, "family '%s' is neither inet nor inet6", s);
	return 0;
}

/* One address: fields "address"|"local", "prefixlen", "family". */
int topo_add_address(const struct ld *ld, const char *where, const json_t *o, struct nsrec *ns,
                     const char *addr_key, uint32_t ifindex, struct node *n)
{
	struct addrrec *a;
	const char *fam;
	uint8_t family, afam;
	uint64_t u;

	if (!json_is_object(o))
		return topo_bad(ld, where, "must be an object");
	if (topo_get_str(ld, where, o, "family", true, &fam) < 0)
		return -1;
	/* ip -j also lists other families (e.g. "mpls"), a snapshot never. */
	if (strcmp(fam, "inet") != 0 && strcmp(fam, "inet6") != 0)
		return 0;
	if (topo_family_of(ld, where, fam, &family) < 0 || !(a = ns_add_addr(ns, ld)))
		return -1;
	if (topo_get_addr(ld, where, o, addr_key, true, &a->addr, &afam) < 0)
		return -1;
	if (afam != family)
		return topo_bad(ld, where, "address and family '%s' disagree", fam);
	if (topo_get_uint(ld, where, o, "prefixlen", family == 4 ? 32 : 128, true, &u) < 0)
		return -1;
	a->plen = (uint8_t)u;
	a->ifindex = ifindex;
	if (!ifindex) {
		if (topo_get_index(ld, where, o, "ifindex", false, &a->ifindex) < 0 ||
		    topo_get_name(n, ld, where, o, "ifname", &a->ifname) < 0)
			return -1;
		if (!a->ifindex && !a->ifname)
			return topo_bad(ld, where, "neither 'ifindex' nor 'ifname' is given");
	}
	return 0;
}

/* The route fields are the same in both formats but for the table, the
 * family and the defaults iproute2 leaves out. */
static int route_dst(const struct ld *ld, const char *where, const char *s, struct routerec *r,
                     bool *fam_known)
{
	unsigned plen;
	uint8_t fam;

	if (strcmp(s, "default") == 0) {
		r->pub.dst_len = 0;
		return 0;
	}
	if (topo_parse_cidr(s, &r->pub.dst, &plen) < 0)
		return topo_bad(ld, where, "'dst' is not a prefix ('%s')", s);
	fam = topo_addr_family(&r->pub.dst);
	if (*fam_known && fam != r->pub.family)
		return topo_bad(ld, where, "'dst' and 'family' disagree");
	r->pub.family = fam;
	*fam_known = true;
	r->pub.dst_len = (uint8_t)plen;
	topo_mask_prefix(&r->pub.dst, fam, plen);
	return 0;
}

int topo_route_nexthops(struct node *n, const struct ld *ld, const char *where, const json_t *arr,
                        struct routerec *r, bool snapshot)
{
	size_t k = json_array_size(arr);

	if (k == 0)
		return 0;
	if (k > MAX_NEXTHOPS)
		return topo_bad(ld, where, "more than %d next hops", MAX_NEXTHOPS);
	if (!(r->nh = topo_ar_alloc(&n->ar, k * sizeof *r->nh)))
		return topo_oom(ld);
	memset(r->nh, 0, k * sizeof *r->nh);
	r->nnh = k;
	for (size_t i = 0; i < k; i++) {
		const json_t *o = json_array_get(arr, i);
		struct nhraw *h = &r->nh[i];
		char w[96];
		uint64_t u;
		uint8_t fam;
		int g;

		snprintf(w, sizeof w, "%s.nexthops[%zu]", where, i);
		if (!json_is_object(o))
			return topo_bad(ld, w, "must be an object");
		if ((g = topo_get_addr(ld, w, o, "gateway", false, &h->gw, &fam)) < 0)
			return -1;
		h->has_gw = g > 0;
		if (topo_get_name(n, ld, w, o, "dev", &h->dev_name) < 0)
			return -1;
		if (snapshot)
			(void)topo_get_index(ld, w, o, "ifindex", false, &h->dev_index);
		if ((g = topo_get_uint(ld, w, o, "weight", 256, false, &u)) < 0)
			return -1;
		h->weight = g ? (uint32_t)u : 1;
		if (snapshot) {
			if (topo_get_bool(ld, w, o, "onlink", &h->onlink) < 0)
				return -1;
		} else {
			json_t *fl;

			if ((g = topo_get_typed(ld, w, o, "flags", JSON_ARRAY, false, &fl)) < 0)
				return -1;
			for (size_t j = 0; g && j < json_array_size(fl); j++)
				if (json_is_string(json_array_get(fl, j)) &&
				    strcmp(json_string_value(json_array_get(fl, j)), "onlink") == 0)
					h->onlink = true;
		}
		if (h->has_gw && !r->pub.family)
			r->pub.family = fam;
	}
	return 0;
}

static const char *route_type(struct node *n, const struct ld *ld, const char *s)
{
	static const char *const known[] = {"unicast",   "local",     "broadcast",   "anycast",
	                                    "multicast", "blackhole", "unreachable", "prohibit",
	                                    "throw",     "nat",       "xresolve",    "unspec"};

	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strcmp(s, known[i]) == 0)
			return known[i];
	return topo_ar_name(&n->ar, ld, s);
}

/* The members both route formats (snapshot, ip -j) spell alike: dst, type,
 * metric, gateway; *gw_fam is the gateway's family when there is one. */
int topo_route_common(struct node *n, const struct ld *ld, const char *where, const json_t *o,
                      struct routerec *r, bool *fam_known, uint8_t *gw_fam)
{
	const char *s;
	uint64_t u;
	int g;

	if (topo_get_str(ld, where, o, "dst", true, &s) < 0 ||
	    route_dst(ld, where, s, r, fam_known) < 0)
		return -1;
	r->pub.type = "unicast";
	if ((g = topo_get_str(ld, where, o, "type", false, &s)) < 0)
		return -1;
	if (g && !(r->pub.type = route_type(n, ld, s)))
		return -1;
	if ((g = topo_get_uint(ld, where, o, "metric", UINT32_MAX, false, &u)) < 0)
		return -1;
	if (g)
		r->pub.metric = (uint32_t)u;
	if ((g = topo_get_addr(ld, where, o, "gateway", false, &r->pub.gateway, gw_fam)) < 0)
		return -1;
	r->pub.has_gateway = g > 0;
	return 0;
}
