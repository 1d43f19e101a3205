/* topo.c - loads node topologies (`pktpath snapshot` JSON, or `ip -j`
 * output of iproute2) and answers the analysis's lookups: ifindex -> name,
 * point names, veth pairs across namespaces, node/pod/service addresses and
 * the expected next hop (main-table longest-prefix match).
 * specification: pktpath(1) SNAPSHOT FORMAT; ip-link(8), ip-address(8),
 * ip-route(8) JSON output of iproute2 6.1.
 *
 * Loading runs in two passes per node: parsing stores raw values only
 * (indexes and names as the file gives them: topo_load_snapshot.c,
 * topo_load_ipj.c), then topo_finalize_node() resolves them into pointers,
 * pairs veths, and builds the sorted indexes the lookups binary-search
 * (topo_index.c). Any error leaves the topology as it was.
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

/* One file: a snapshot (an object with "pktpath_snapshot"), or ip -j link
 * or addr output (an array of objects with "ifindex" and "ifname"). */
static int load_file(struct node *n, const char *path)
{
	struct ld ld = {.file = path};
	json_t *root = topo_read_json(&ld, path);
	const json_t *first;
	int rc = -1;

	if (!root)
		return -1;
	if (json_is_object(root) && json_object_get(root, "pktpath_snapshot")) {
		rc = topo_load_snapshot(n, &ld, root);
	} else if (json_is_array(root)) {
		first = json_array_get(root, 0);
		if (!first)
			topo_bad(&ld, NULL, "an empty JSON array, expected ip -j addr show output");
		else if (json_is_object(first) && json_object_get(first, "dst"))
			topo_bad(
			    &ld, NULL,
			    "ip -j route output alone is not a topology: put it in a directory "
			    "as host.route.json next to host.addr.json");
		else if (!json_is_object(first) || !json_object_get(first, "ifname"))
			topo_bad(
			    &ld, NULL,
			    "not ip -j link or addr output (no \"ifname\" in the first entry)");
		else if (topo_node_add_ns(n, NULL, &ld))
			rc = topo_load_ipj_links(n, &ld, root, &n->ns[0]);
	} else {
		topo_bad(&ld, NULL,
		         "neither a pktpath snapshot (no \"pktpath_snapshot\") nor ip -j output");
	}
	json_decref(root);
	return rc;
}

/* --- public API ------------------------------------------------------------------------ */

struct topo *topo_new(void)
{
	return calloc(1, sizeof(struct topo));
}

void topo_free(struct topo *t)
{
	if (!t)
		return;
	if (t->known) {
		topo_ar_free(&t->known->ar);
		free(t->known->addrs);
		free(t->known->ifaces);
		free(t->known);
	}
	for (size_t i = 0; i < t->nnodes; i++)
		topo_node_free(t->nodes[i]);
	free(t->nodes);
	free(t->addrs);
	free(t->pods);
	free(t->svcs);
	free(t);
}

static struct node *find_node(const struct topo *t, const char *name, size_t len)
{
	for (size_t i = 0; i < t->nnodes; i++)
		if (strlen(t->nodes[i]->name) == len && strncmp(t->nodes[i]->name, name, len) == 0)
			return t->nodes[i];
	return NULL;
}

int topo_load(struct topo *t, const char *node, const char *path)
{
	struct ld ld = {.file = path};
	struct node *n, **v;
	struct stat st;
	int rc;

	if (!*node || strchr(node, '/'))
		return topo_bad(&ld, NULL, "'%s' is not a valid node name", node);
	if (find_node(t, node, strlen(node)))
		return topo_bad(&ld, NULL, "node %s already has a topology", node);
	if (stat(path, &st) < 0)
		return topo_bad(&ld, NULL, "%s", strerror(errno));
	n = calloc(1, sizeof *n);
	if (!n)
		return topo_oom(&ld);
	if (!(n->name = topo_ar_strdup(&n->ar, node))) {
		topo_node_free(n);
		return topo_oom(&ld);
	}
	rc = S_ISDIR(st.st_mode) ? topo_load_dir(n, path) : load_file(n, path);
	if (rc == 0 && (n->nns == 0 || !n->ns[0].nifs))
		rc = topo_bad(&ld, NULL, "no interfaces in the node's own namespace");
	if (rc == 0)
		rc = topo_finalize_node(n, &ld);
	if (rc == 0) {
		v = realloc(t->nodes, (t->nnodes + 1) * sizeof *v);
		if (!v) {
			rc = topo_oom(&ld);
		} else {
			t->nodes = v;
			t->nodes[t->nnodes++] = n;
			if (topo_rebuild(t) < 0) {
				t->nnodes--;
				rc = topo_oom(&ld);
			}
		}
	}
	if (rc < 0)
		topo_node_free(n);
	return rc < 0 ? -1 : 0;
}

int topo_add_service_cidr(struct topo *t, const char *cidr)
{
	struct pentry *v, e = {0};
	unsigned plen;

	if (topo_parse_cidr(cidr, &e.prefix, &plen) < 0) {
		msg_usage("--service-cidr: '%s' is not an address or ADDRESS/LENGTH", cidr);
		return -1;
	}
	e.family = topo_addr_family(&e.prefix);
	e.plen = (uint8_t)plen;
	topo_mask_prefix(&e.prefix, e.family, plen);
	v = realloc(t->svcs, (t->nsvcs + 1) * sizeof *v);
	if (!v) {
		msg_error("--service-cidr", "out of memory");
		return -1;
	}
	t->svcs = v;
	t->svcs[t->nsvcs++] = e;
	return 0;
}

size_t topo_node_count(const struct topo *t)
{
	return t->nnodes;
}

const char *topo_node_name(const struct topo *t, size_t i)
{
	return i < t->nnodes ? t->nodes[i]->name : NULL;
}

bool topo_has_node(const struct topo *t, const char *node)
{
	return find_node(t, node, strlen(node)) != NULL;
}

const struct topo_iface *topo_iface_by_index(const struct topo *t, const char *node,
                                             uint32_t ifindex)
{
	const struct node *n = find_node(t, node, strlen(node));
	const struct iface *f = n ? topo_find_index(&n->ns[0], ifindex) : NULL;

	return f ? &f->pub : NULL;
}

static const struct known_iface *known_iface(const struct known *k, const char *point);

const struct topo_iface *topo_iface_by_point(const struct topo *t, const char *point)
{
	const char *s1 = strchr(point, '/'), *s2, *ifname;
	const struct nsrec *ns = NULL;
	const struct node *n;
	const struct iface *f;

	if (t->known) {
		const struct known_iface *k = known_iface(t->known, point);

		return k ? &k->iface : NULL;
	}
	if (!s1 || !(n = find_node(t, point, (size_t)(s1 - point))))
		return NULL;
	s2 = strchr(s1 + 1, '/');
	if (!s2) {
		ns = &n->ns[0];
		ifname = s1 + 1;
	} else {
		size_t len = (size_t)(s2 - s1 - 1);

		for (size_t k = 1; k < n->nns && !ns; k++)
			if (strlen(n->ns[k].name) == len &&
			    strncmp(n->ns[k].name, s1 + 1, len) == 0)
				ns = &n->ns[k];
		ifname = s2 + 1;
	}
	if (!ns || !*ifname || strchr(ifname, '/'))
		return NULL;
	f = topo_find_name(ns, ifname, strlen(ifname));
	return f ? &f->pub : NULL;
}

size_t topo_iface_point(const struct topo_iface *iface, char *buf, size_t len)
{
	int r;

	if (!iface->node) /* known from a report: name is the whole point */
		r = snprintf(buf, len, "%s", iface->name);
	else if (iface->netns)
		r = snprintf(buf, len, "%s/%s/%s", iface->node, iface->netns, iface->name);
	else
		r = snprintf(buf, len, "%s/%s", iface->node, iface->name);
	return r < 0 ? 0 : (size_t)r;
}

const char *topo_addr_kind_name(enum topo_addr_kind kind)
{
	switch (kind) {
	case TOPO_ADDR_NODE:
		return "node";
	case TOPO_ADDR_POD:
		return "pod";
	case TOPO_ADDR_SERVICE:
		return "service";
	case TOPO_ADDR_UNKNOWN:
		break;
	}
	return "unknown";
}

static const struct aentry *find_addr(const struct topo *t, const struct pp_addr *a)
{
	size_t lo = 0, hi = t->naddrs;

	/* the first entry of a run of equal addresses has precedence */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (memcmp(t->addrs[mid].addr.b, a->b, 16) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < t->naddrs && addr_eq(&t->addrs[lo].addr, a))
		return &t->addrs[lo];
	return NULL;
}

/* The longest pod CIDR holding a; only node n's when n is given. */
static const struct pentry *find_pod_cidr(const struct topo *t, const struct pp_addr *a,
                                          const struct node *n)
{
	uint8_t fam = topo_addr_family(a);

	for (size_t i = 0; i < t->npods; i++)
		if ((!n || t->pods[i].node == n) && t->pods[i].family == fam &&
		    topo_in_prefix(a, &t->pods[i].prefix, fam, t->pods[i].plen))
			return &t->pods[i];
	return NULL;
}

static const struct known_addr *known_addr(const struct known *k, const struct pp_addr *a);

enum topo_addr_kind topo_addr_classify(const struct topo *t, const struct pp_addr *addr,
                                       struct topo_addr_info *info)
{
	const struct aentry *e = find_addr(t, addr);
	const struct pentry *p;
	uint8_t fam = topo_addr_family(addr);

	memset(info, 0, sizeof *info);
	if (t->known) {
		const struct known_addr *k = known_addr(t->known, addr);

		if (k)
			*info = k->info;
		return info->kind;
	}
	if (e) {
		const struct iface *f = e->rec->iface;

		info->kind = e->kind;
		info->node = e->node->name;
		info->iface = &f->pub;
		info->prefix = e->addr;
		info->prefix_len = e->rec->plen;
		topo_mask_prefix(&info->prefix, fam, e->rec->plen);
		if (e->kind == TOPO_ADDR_SERVICE) {
			info->prefix = e->addr;
			info->prefix_len = fam == 4 ? 32 : 128;
		}
		if (e->kind == TOPO_ADDR_POD) {
			info->netns = f->pub.netns;
			if (f->pub.peer && !f->pub.peer->netns) {
				info->host_veth = f->pub.peer;
				info->bridge = f->pub.peer->master;
			}
			if ((p = find_pod_cidr(t, addr, e->node))) {
				info->prefix = p->prefix;
				info->prefix_len = p->plen;
				info->bridge = p->dev;
			} else {
				info->prefix_len = 0;
				memset(&info->prefix, 0, sizeof info->prefix);
			}
		}
		return info->kind;
	}
	for (size_t i = 0; i < t->nsvcs; i++) {
		if (t->svcs[i].family == fam &&
		    topo_in_prefix(addr, &t->svcs[i].prefix, fam, t->svcs[i].plen)) {
			info->kind = TOPO_ADDR_SERVICE;
			info->prefix = t->svcs[i].prefix;
			info->prefix_len = t->svcs[i].plen;
			return info->kind;
		}
	}
	if ((p = find_pod_cidr(t, addr, NULL))) {
		info->kind = TOPO_ADDR_POD;
		info->node = p->node->name;
		info->bridge = p->dev;
		info->prefix = p->prefix;
		info->prefix_len = p->plen;
		return info->kind;
	}
	return TOPO_ADDR_UNKNOWN;
}

int topo_next_hop(const struct topo *t, const char *node, const struct pp_addr *dst,
                  struct topo_hop *hop)
{
	const struct node *n = find_node(t, node, strlen(node));
	uint8_t fam = topo_addr_family(dst);

	memset(hop, 0, sizeof *hop);
	if (!n)
		return -1;
	for (size_t i = 0; i < n->nmain; i++) {
		const struct topo_route *r = &n->main[i]->pub;
		const struct aentry *e;

		if (r->family != fam || !topo_in_prefix(dst, &r->dst, fam, r->dst_len))
			continue;
		hop->route = r;
		hop->dev = r->dev;
		if (!hop->dev && r->nnexthops)
			hop->dev = r->nexthops[0].dev;
		/* Across a bridge: the port whose veth leads to the pod that
		 * holds dst, if that pod namespace was recorded. */
		if (hop->dev && hop->dev->kind && strcmp(hop->dev->kind, "bridge") == 0 &&
		    (e = find_addr(t, dst)) && e->node == n && e->kind == TOPO_ADDR_POD) {
			const struct topo_iface *peer = e->rec->iface->pub.peer;

			if (peer && !peer->netns && peer->master == hop->dev)
				hop->port = peer;
		}
		return 0;
	}
	return -1;
}

/* --- what a saved report knew (pktpath merge) ---------------------------------------- */

static struct known *known_get(struct topo *t)
{
	if (!t->known && !(t->known = calloc(1, sizeof *t->known)))
		msg_oom("topology from a report", sizeof *t->known);
	t->known->sorted = false;
	return t->known;
}

/* A stand-in interface that has only a name (node NULL: topo_iface_point
 * writes the name as it is). NULL for NULL. */
static const struct topo_iface *known_named(struct known *k, const char *name)
{
	struct topo_iface *f;

	if (!name)
		return NULL;
	f = topo_ar_alloc(&k->ar, sizeof *f); /* zeroed */
	if (!f || !(f->name = topo_ar_strdup(&k->ar, name)))
		msg_oom("topology from a report", strlen(name) + 1);
	return f;
}

static const char *known_str(struct known *k, const char *s)
{
	const char *d = s ? topo_ar_strdup(&k->ar, s) : NULL;

	if (s && !d)
		msg_oom("topology from a report", strlen(s) + 1);
	return d;
}

/* Room for a zeroed element at v[n]; out of memory ends the run. */
static void *known_grow(void *v, size_t *cap, size_t n, size_t size)
{
	char *p = topo_grow(v, cap, n + 1, size);

	if (!p)
		msg_oom("topology from a report", (n + 1) * size);
	memset(p + n * size, 0, size);
	return p;
}

void topo_add_known_addr(struct topo *t, const struct pp_addr *a, const struct topo_known_addr *in)
{
	struct known *k = known_get(t);
	struct known_addr *e;

	k->addrs = known_grow(k->addrs, &k->capaddrs, k->naddrs, sizeof *k->addrs);
	e = &k->addrs[k->naddrs++];
	e->addr = *a;
	e->info.kind = in->kind;
	e->info.node = known_str(k, in->node);
	e->info.iface = known_named(k, in->iface);
	e->info.netns = known_str(k, in->netns);
	e->info.host_veth = known_named(k, in->host_veth);
	e->info.bridge = known_named(k, in->bridge);
	e->info.prefix = in->prefix;
	e->info.prefix_len = in->prefix_len;
}

void topo_add_known_iface(struct topo *t, const char *point, const struct topo_known_iface *in)
{
	struct known *k = known_get(t);
	struct known_iface *e;

	k->ifaces = known_grow(k->ifaces, &k->capifaces, k->nifaces, sizeof *k->ifaces);
	e = &k->ifaces[k->nifaces++];
	e->point = known_str(k, point);
	e->iface.name = e->point; /* node NULL: named by its point */
	e->iface.ifindex = in->ifindex;
	e->iface.kind = known_str(k, in->kind);
	e->iface.has_mac = in->has_mac;
	memcpy(e->iface.mac, in->mac, 6);
	e->iface.mtu = in->mtu;
	e->iface.master = known_named(k, in->master);
	e->iface.peer = known_named(k, in->peer);
}

static int cmp_known_addr(const void *x, const void *y)
{
	return memcmp(((const struct known_addr *)x)->addr.b,
	              ((const struct known_addr *)y)->addr.b, 16);
}

static int cmp_known_iface(const void *x, const void *y)
{
	return strcmp(((const struct known_iface *)x)->point,
	              ((const struct known_iface *)y)->point);
}

void topo_known_seal(struct topo *t)
{
	struct known *k = t->known;

	if (!k || k->sorted)
		return;
	/* stable for equal keys: the first one given wins the lookup */
	for (size_t i = 1; i < k->naddrs; i++) {
		struct known_addr x = k->addrs[i];
		size_t j = i;

		for (; j > 0 && cmp_known_addr(&k->addrs[j - 1], &x) > 0; j--)
			k->addrs[j] = k->addrs[j - 1];
		k->addrs[j] = x;
	}
	if (k->naddrs > 1) {
		size_t n = 1;

		for (size_t i = 1; i < k->naddrs; i++)
			if (cmp_known_addr(&k->addrs[n - 1], &k->addrs[i]) != 0)
				k->addrs[n++] = k->addrs[i];
		k->naddrs = n;
	}
	if (k->nifaces > 1) /* k->ifaces is NULL with none: no qsort(NULL, 0) */
		qsort(k->ifaces, k->nifaces, sizeof *k->ifaces, cmp_known_iface);
	k->sorted = true;
}

static const struct known_addr *known_addr(const struct known *k, const struct pp_addr *a)
{
	struct known_addr key;

	if (!k->sorted || k->naddrs == 0)
		return NULL; /* topo_known_seal() not called, or nothing known */
	key.addr = *a;
	return bsearch(&key, k->addrs, k->naddrs, sizeof key, cmp_known_addr);
}

static const struct known_iface *known_iface(const struct known *k, const char *point)
{
	struct known_iface key;

	if (!k->sorted || k->nifaces == 0)
		return NULL;
	key.point = point;
	return bsearch(&key, k->ifaces, k->nifaces, sizeof key, cmp_known_iface);
}
