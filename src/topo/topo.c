/* topo.c - loads node topologies (`pktpath snapshot` JSON, or `ip -j`
 * output of iproute2) and answers the analysis's lookups: ifindex -> name,
 * point names, veth pairs across namespaces, node/pod/service addresses and
 * the expected next hop (main-table longest-prefix match).
 * specification: pktpath(1) SNAPSHOT FORMAT; ip-link(8), ip-address(8),
 * ip-route(8) JSON output of iproute2 6.1.
 *
 * Loading runs in two passes per node: parsing stores raw values only
 * (indexes and names as the file gives them), then finalize_node() resolves
 * them into pointers, pairs veths, and builds the sorted indexes the lookups
 * binary-search. Any error leaves the topology as it was.
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

#include <jansson.h>

#include "util/input_file.h"
#include "util/msg.h"
#include "topo/topo.h"

#define TOPO_SNAPSHOT_VERSION 1
#define MAX_NAME              255 /* interface, namespace and kind names */
#define MAX_NEXTHOPS          256
#define TABLE_MAIN            254u
#define TABLE_LOCAL           255u
#define TABLE_DEFAULT         253u
#define TABLE_UNKNOWN         0xffffffffu

/* --- arena: strings and fixed arrays of one node, freed at once ------------ */

struct chunk {
	struct chunk *next;
	size_t used, cap;
	max_align_t data[];
};

struct arena {
	struct chunk *head;
};

static void *ar_alloc(struct arena *ar, size_t n)
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

static char *ar_strdup(struct arena *ar, const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = ar_alloc(ar, n);

	if (d)
		memcpy(d, s, n);
	return d;
}

static void ar_free(struct arena *ar)
{
	while (ar->head) {
		struct chunk *c = ar->head;

		ar->head = c->next;
		free(c);
	}
}

/* --- internal records -------------------------------------------------------- */

struct nsrec;

struct iface {
	struct topo_iface pub; /* first: a topo_iface pointer is an iface pointer */
	struct nsrec *ns;
	uint32_t master_index;
	const char *master_name;
	uint32_t link_index; /* IFLA_LINK: 0 if none */
	int64_t link_nsid;   /* -1: the link is in this namespace */
	const char *link_name;
	uint32_t vx_dev_index;
	const char *vx_dev_name;
	bool loopback;
};

struct addrrec {
	uint32_t ifindex;
	const char *ifname; /* when the file gives no index */
	struct iface *iface;
	struct pp_addr addr;
	uint8_t plen;
};

struct nhraw {
	bool has_gw;
	struct pp_addr gw;
	uint32_t dev_index;
	const char *dev_name;
	uint32_t weight;
	bool onlink;
};

struct routerec {
	struct topo_route pub;
	uint32_t dev_index;
	const char *dev_name;
	struct nhraw *nh; /* multipath only */
	size_t nnh;
};

struct nsrec {
	const char *name; /* NULL: the node's own namespace */
	int64_t nsid;     /* as seen from the node's namespace; -1 unknown */
	struct iface *ifs;
	size_t nifs, capifs;
	struct iface **by_index, **by_name;
	struct addrrec *addrs;
	size_t naddrs, capaddrs;
	struct routerec *routes;
	size_t nroutes, caproutes;
	bool have_routes;
};

struct node {
	const char *name;
	struct arena ar;
	struct nsrec *ns; /* ns[0]: the node's own namespace */
	size_t nns, capns;
	struct routerec **main; /* main table, best first for longest-prefix match */
	size_t nmain;
};

/* Entry of the address index: every address bound somewhere. */
struct aentry {
	struct pp_addr addr;
	enum topo_addr_kind kind;
	uint32_t order; /* load order: the first node wins ties */
	struct node *node;
	struct addrrec *rec;
};

struct pentry {
	struct pp_addr prefix;
	uint8_t family, plen;
	struct node *node;            /* NULL for --service-cidr */
	const struct topo_iface *dev; /* pod CIDR: the bridge or veth */
};

/* What a saved report said (topo_add_known_*): pktpath merge has no
 * snapshot, only the report's "addresses" and points' "iface". */
struct known_addr {
	struct pp_addr addr;
	struct topo_addr_info info;
};

struct known_iface {
	const char *point;
	struct topo_iface iface;
};

struct known {
	struct arena ar;
	struct known_addr *addrs;
	size_t naddrs, capaddrs;
	struct known_iface *ifaces;
	size_t nifaces, capifaces;
	bool sorted;
};

struct topo {
	struct known *known; /* NULL: the lookups read the loaded nodes */
	struct node **nodes;
	size_t nnodes;
	struct aentry *addrs;
	size_t naddrs;
	struct pentry *pods; /* longest prefix first */
	size_t npods;
	struct pentry *svcs;
	size_t nsvcs;
};

/* --- addresses ------------------------------------------------------------------ */

static uint8_t addr_family(const struct pp_addr *a)
{
	return addr_is_v4(a) ? 4 : 6;
}

static unsigned bits128(uint8_t family, unsigned plen)
{
	return family == 4 ? 96 + plen : plen;
}

static bool in_prefix(const struct pp_addr *a, const struct pp_addr *p, uint8_t family,
                      unsigned plen)
{
	unsigned bits = bits128(family, plen), full = bits / 8, rem = bits % 8;

	if (addr_family(a) != family || memcmp(a->b, p->b, full) != 0)
		return false;
	if (rem) {
		uint8_t m = (uint8_t)(0xff << (8 - rem));

		return (a->b[full] & m) == (p->b[full] & m);
	}
	return true;
}

static void mask_prefix(struct pp_addr *a, uint8_t family, unsigned plen)
{
	unsigned bits = bits128(family, plen);

	for (unsigned i = 0; i < 16; i++) {
		if (bits >= 8) {
			bits -= 8;
		} else {
			a->b[i] &= (uint8_t)(0xff << (8 - bits));
			bits = 0;
		}
	}
}

static int parse_addr(const char *s, struct pp_addr *a, uint8_t *family)
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

static const char *fmt_addr(const struct pp_addr *a, char *buf, size_t len)
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
	if (parse_addr(buf, addr, &family) < 0)
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

/* --- loading context and typed JSON access -------------------------------- */

struct ld {
	const char *file; /* named in every message */
};

static int PP_PRINTF(3, 4) bad(const struct ld *ld, const char *where, const char *fmt, ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	if (where && *where)
		msg_error(ld->file, "%s: %s", where, why);
	else
		msg_error(ld->file, "%s", why);
	return -1;
}

static int oom(const struct ld *ld)
{
	return bad(ld, NULL, "out of memory");
}

/* The getters return 1 when the key holds a value of the right type, 0 when
 * it is absent or null (an error if required), -1 after a message. The
 * output is always set: 0/NULL when absent (get_bool leaves it alone). */
static int get_uint(const struct ld *ld, const char *where, const json_t *o, const char *key,
                    uint64_t max, bool required, uint64_t *out)
{
	json_t *v = json_object_get(o, key);

	*out = 0;
	if (!v || json_is_null(v)) {
		if (required)
			return bad(ld, where, "'%s' is missing", key);
		return 0;
	}
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    (uint64_t)json_integer_value(v) > max)
		return bad(ld, where, "'%s' must be an integer from 0 to %llu", key,
		           (unsigned long long)max);
	*out = (uint64_t)json_integer_value(v);
	return 1;
}

static int get_str(const struct ld *ld, const char *where, const json_t *o, const char *key,
                   bool required, const char **out)
{
	json_t *v = json_object_get(o, key);

	*out = NULL;
	if (!v || json_is_null(v)) {
		if (required)
			return bad(ld, where, "'%s' is missing", key);
		return 0;
	}
	if (!json_is_string(v))
		return bad(ld, where, "'%s' must be a string", key);
	if (json_string_length(v) > MAX_NAME * 4 ||
	    strlen(json_string_value(v)) != json_string_length(v))
		return bad(ld, where, "'%s' is too long or holds a NUL", key);
	*out = json_string_value(v);
	return 1;
}

static int get_bool(const struct ld *ld, const char *where, const json_t *o, const char *key,
                    bool *out)
{
	json_t *v = json_object_get(o, key);

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_boolean(v))
		return bad(ld, where, "'%s' must be true or false", key);
	*out = json_is_true(v);
	return 1;
}

/* An object or array member; 0 when absent or null. */
static int get_typed(const struct ld *ld, const char *where, const json_t *o, const char *key,
                     json_type type, bool required, json_t **out)
{
	json_t *v = json_object_get(o, key);

	*out = NULL;
	if (!v || json_is_null(v)) {
		if (required)
			return bad(ld, where, "'%s' is missing", key);
		return 0;
	}
	if (json_typeof(v) != type)
		return bad(ld, where, "'%s' must be %s", key,
		           type == JSON_ARRAY ? "an array" : "an object");
	*out = v;
	return 1;
}

/* Interface and namespace names: non-empty, no '/', which would make point
 * names ambiguous (the kernel and iproute2 refuse it too). */
static int check_name(const struct ld *ld, const char *where, const char *what, const char *s)
{
	if (!*s || strchr(s, '/') || strlen(s) > MAX_NAME)
		return bad(ld, where, "'%s' is not a valid %s name", s, what);
	return 0;
}

static int get_addr(const struct ld *ld, const char *where, const json_t *o, const char *key,
                    bool required, struct pp_addr *a, uint8_t *family)
{
	const char *s;
	int r = get_str(ld, where, o, key, required, &s);

	if (r <= 0)
		return r;
	if (parse_addr(s, a, family) < 0)
		return bad(ld, where, "'%s' is not an IP address ('%s')", key, s);
	return 1;
}

static const char *ar_name(struct arena *ar, const struct ld *ld, const char *s)
{
	const char *d = ar_strdup(ar, s);

	if (!d)
		oom(ld);
	return d;
}

/* --- building a node ------------------------------------------------------------- */

static void *grow(void *v, size_t *cap, size_t n, size_t size)
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

/* grow() for one more element, zeroed; a failure is reported. */
static void *grow_zeroed(void *v, size_t *cap, size_t n, size_t size, const struct ld *ld)
{
	char *p = grow(v, cap, n, size);

	if (!p) {
		oom(ld);
		return NULL;
	}
	memset(p + n * size, 0, size);
	return p;
}

static struct nsrec *node_add_ns(struct node *n, const char *name, const struct ld *ld)
{
	struct nsrec *ns, *v = grow_zeroed(n->ns, &n->capns, n->nns, sizeof *v, ld);

	if (!v)
		return NULL;
	n->ns = v;
	ns = &v[n->nns++];
	ns->nsid = -1;
	if (name && !(ns->name = ar_name(&n->ar, ld, name))) {
		n->nns--;
		return NULL;
	}
	return ns;
}

static struct iface *ns_add_iface(struct nsrec *ns, const struct ld *ld)
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

static struct routerec *ns_add_route(struct nsrec *ns, const struct ld *ld)
{
	struct routerec *v = grow_zeroed(ns->routes, &ns->caproutes, ns->nroutes, sizeof *v, ld);

	if (!v)
		return NULL;
	ns->routes = v;
	return &v[ns->nroutes++];
}

static void node_free(struct node *n)
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
	ar_free(&n->ar);
	free(n);
}

static struct iface *find_index(const struct nsrec *ns, uint32_t ifindex);

static struct iface *find_name(const struct nsrec *ns, const char *name, size_t len);

/* "aa:bb:cc:dd:ee:ff" -> 6 bytes; anything else (other lengths, tunnels'
 * IP "addresses") is not a MAC and is ignored. */
static bool parse_mac(const char *s, uint8_t mac[6])
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
static int link_common(struct node *n, const struct ld *ld, const char *where, const json_t *o,
                       struct iface *f, const char *name_key, const char *kind)
{
	const char *s;
	uint64_t u;
	int r;

	if (get_uint(ld, where, o, "ifindex", INT32_MAX, true, &u) < 0)
		return -1;
	if (u == 0)
		return bad(ld, where, "'ifindex' must not be 0");
	f->pub.ifindex = (uint32_t)u;
	if (get_str(ld, where, o, name_key, true, &s) < 0 ||
	    check_name(ld, where, "interface", s) < 0)
		return -1;
	if (!(f->pub.name = ar_name(&n->ar, ld, s)))
		return -1;
	f->loopback = strcmp(s, "lo") == 0;
	if (kind) {
		if (strlen(kind) > 64)
			return bad(ld, where, "the link kind is too long");
		if (!(f->pub.kind = ar_name(&n->ar, ld, kind)))
			return -1;
	}
	if ((r = get_uint(ld, where, o, "mtu", UINT32_MAX, false, &u)) < 0)
		return -1;
	if (r)
		f->pub.mtu = (uint32_t)u;
	if ((r = get_str(ld, where, o, "link_type", false, &s)) < 0)
		return -1;
	if (r && strcmp(s, "loopback") == 0)
		f->loopback = true;
	return 0;
}

static int vxlan_addr(const struct ld *ld, const char *where, const json_t *o, const char *key,
                      struct iface *f)
{
	uint8_t fam;
	int r = get_addr(ld, where, o, key, false, &f->pub.vxlan.local, &fam);

	if (r > 0)
		f->pub.vxlan.has_local = true;
	return r < 0 ? -1 : 0;
}

/* A link of a `pktpath snapshot` namespace. */
static int snap_link(struct node *n, const struct ld *ld, const char *where, const json_t *o,
                     struct nsrec *ns)
{
	struct iface *f = ns_add_iface(ns, ld);
	json_t *sub;
	const char *kind = NULL, *s;
	uint64_t u;
	int r;

	if (!f || get_str(ld, where, o, "kind", false, &kind) < 0 ||
	    link_common(n, ld, where, o, f, "name", kind) < 0)
		return -1;
	if ((r = get_str(ld, where, o, "mac", false, &s)) < 0)
		return -1;
	if (r)
		f->pub.has_mac = parse_mac(s, f->pub.mac);
	if (get_bool(ld, where, o, "up", &f->pub.up) < 0)
		return -1;
	if ((r = get_typed(ld, where, o, "master", JSON_OBJECT, false, &sub)) < 0)
		return -1;
	if (r) {
		if (get_uint(ld, where, sub, "ifindex", INT32_MAX, true, &u) < 0)
			return -1;
		f->master_index = (uint32_t)u;
	}
	if ((r = get_typed(ld, where, o, "link", JSON_OBJECT, false, &sub)) < 0)
		return -1;
	if (r) {
		if (get_uint(ld, where, sub, "ifindex", INT32_MAX, true, &u) < 0)
			return -1;
		f->link_index = (uint32_t)u;
		if ((r = get_uint(ld, where, sub, "netnsid", INT32_MAX, false, &u)) < 0)
			return -1;
		if (r)
			f->link_nsid = (int64_t)u;
	}
	if ((r = get_typed(ld, where, o, "vxlan", JSON_OBJECT, false, &sub)) < 0)
		return -1;
	if (r) {
		json_t *dev;

		f->pub.is_vxlan = true;
		if (get_uint(ld, where, sub, "vni", 0xffffff, true, &u) < 0)
			return -1;
		f->pub.vxlan.vni = (uint32_t)u;
		if ((r = get_uint(ld, where, sub, "port", 65535, false, &u)) < 0)
			return -1;
		if (r)
			f->pub.vxlan.port = (uint16_t)u;
		if (vxlan_addr(ld, where, sub, "local", f) < 0)
			return -1;
		if ((r = get_typed(ld, where, sub, "dev", JSON_OBJECT, false, &dev)) < 0)
			return -1;
		if (r) {
			if (get_uint(ld, where, dev, "ifindex", INT32_MAX, true, &u) < 0)
				return -1;
			f->vx_dev_index = (uint32_t)u;
		}
	}
	return 0;
}

/* A link object of `ip -j [-d] link show` or `ip -j [-d] addr show`. */
static int ipj_link(struct node *n, const struct ld *ld, const char *where, const json_t *o,
                    struct nsrec *ns, struct iface **out)
{
	struct iface *f;
	json_t *info = NULL, *data = NULL, *flags = NULL, *v;
	const char *kind = NULL, *s;
	uint64_t u;
	int r;

	if (!json_is_object(o))
		return bad(ld, where, "must be an object");
	if ((r = get_uint(ld, where, o, "ifindex", INT32_MAX, true, &u)) < 0)
		return -1;
	/* link.json and addr.json describe the same links: keep the first. */
	if ((f = find_index(ns, (uint32_t)u)) != NULL) {
		*out = f;
		return 0;
	}
	if (get_typed(ld, where, o, "linkinfo", JSON_OBJECT, false, &info) < 0)
		return -1;
	if (info && (get_str(ld, where, info, "info_kind", false, &kind) < 0 ||
	             get_typed(ld, where, info, "info_data", JSON_OBJECT, false, &data) < 0))
		return -1;
	if (!(f = ns_add_iface(ns, ld)) || link_common(n, ld, where, o, f, "ifname", kind) < 0)
		return -1;
	*out = f;
	if ((r = get_str(ld, where, o, "address", false, &s)) < 0)
		return -1;
	if (r)
		f->pub.has_mac = parse_mac(s, f->pub.mac);
	if ((r = get_typed(ld, where, o, "flags", JSON_ARRAY, false, &flags)) < 0)
		return -1;
	for (size_t i = 0; r && i < json_array_size(flags); i++) {
		v = json_array_get(flags, i);
		if (json_is_string(v) && strcmp(json_string_value(v), "UP") == 0)
			f->pub.up = true;
		if (json_is_string(v) && strcmp(json_string_value(v), "LOOPBACK") == 0)
			f->loopback = true;
	}
	if ((r = get_str(ld, where, o, "master", false, &s)) < 0)
		return -1;
	if (r && !(f->master_name = ar_name(&n->ar, ld, s)))
		return -1;
	/* iproute2 prints IFLA_LINK as "link_index" (+ "link_netnsid") when it
	 * lies in another namespace, else as the name "link". */
	if ((r = get_uint(ld, where, o, "link_index", INT32_MAX, false, &u)) < 0)
		return -1;
	if (r)
		f->link_index = (uint32_t)u;
	if ((r = get_uint(ld, where, o, "link_netnsid", INT32_MAX, false, &u)) < 0)
		return -1;
	if (r)
		f->link_nsid = (int64_t)u;
	if ((r = get_str(ld, where, o, "link", false, &s)) < 0)
		return -1;
	if (r && !(f->link_name = ar_name(&n->ar, ld, s)))
		return -1;
	if (kind && strcmp(kind, "vxlan") == 0 && data) {
		f->pub.is_vxlan = true;
		if ((r = get_uint(ld, where, data, "id", 0xffffff, false, &u)) < 0)
			return -1;
		f->pub.vxlan.vni = (uint32_t)u;
		if ((r = get_uint(ld, where, data, "port", 65535, false, &u)) < 0)
			return -1;
		if (r)
			f->pub.vxlan.port = (uint16_t)u;
		if (vxlan_addr(ld, where, data, "local", f) < 0)
			return -1;
		if (!f->pub.vxlan.has_local && vxlan_addr(ld, where, data, "local6", f) < 0)
			return -1;
		if ((r = get_str(ld, where, data, "link", false, &s)) < 0)
			return -1;
		if (r && !(f->vx_dev_name = ar_name(&n->ar, ld, s)))
			return -1;
	}
	return 0;
}

static int family_of(const struct ld *ld, const char *where, const char *s, uint8_t *family)
{
	if (strcmp(s, "inet") == 0)
		*family = 4;
	else if (strcmp(s, "inet6") == 0)
		*family = 6;
	else
		return bad(ld, where, "family '%s' is neither inet nor inet6", s);
	return 0;
}

/* One address: fields "address"|"local", "prefixlen", "family". */
static int add_address(const struct ld *ld, const char *where, const json_t *o, struct nsrec *ns,
                       const char *addr_key, uint32_t ifindex, struct node *n)
{
	struct addrrec *a;
	const char *fam;
	uint8_t family, afam;
	uint64_t u;

	if (!json_is_object(o))
		return bad(ld, where, "must be an object");
	if (get_str(ld, where, o, "family", true, &fam) < 0)
		return -1;
	/* ip -j also lists other families (e.g. "mpls"), a snapshot never. */
	if (strcmp(fam, "inet") != 0 && strcmp(fam, "inet6") != 0)
		return 0;
	if (family_of(ld, where, fam, &family) < 0 || !(a = ns_add_addr(ns, ld)))
		return -1;
	if (get_addr(ld, where, o, addr_key, true, &a->addr, &afam) < 0)
		return -1;
	if (afam != family)
		return bad(ld, where, "address and family '%s' disagree", fam);
	if (get_uint(ld, where, o, "prefixlen", family == 4 ? 32 : 128, true, &u) < 0)
		return -1;
	a->plen = (uint8_t)u;
	a->ifindex = ifindex;
	if (!ifindex) {
		const char *s;

		if (get_uint(ld, where, o, "ifindex", INT32_MAX, false, &u) < 0)
			return -1;
		a->ifindex = (uint32_t)u;
		if (get_str(ld, where, o, "ifname", false, &s) < 0)
			return -1;
		if (!a->ifindex && !s)
			return bad(ld, where, "neither 'ifindex' nor 'ifname' is given");
		if (s && !(a->ifname = ar_name(&n->ar, ld, s)))
			return -1;
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
		return bad(ld, where, "'dst' is not a prefix ('%s')", s);
	fam = addr_family(&r->pub.dst);
	if (*fam_known && fam != r->pub.family)
		return bad(ld, where, "'dst' and 'family' disagree");
	r->pub.family = fam;
	*fam_known = true;
	r->pub.dst_len = (uint8_t)plen;
	mask_prefix(&r->pub.dst, fam, plen);
	return 0;
}

static int route_nexthops(struct node *n, const struct ld *ld, const char *where, const json_t *arr,
                          struct routerec *r, bool snapshot)
{
	size_t k = json_array_size(arr);

	if (k == 0)
		return 0;
	if (k > MAX_NEXTHOPS)
		return bad(ld, where, "more than %d next hops", MAX_NEXTHOPS);
	if (!(r->nh = ar_alloc(&n->ar, k * sizeof *r->nh)))
		return oom(ld);
	memset(r->nh, 0, k * sizeof *r->nh);
	r->nnh = k;
	for (size_t i = 0; i < k; i++) {
		const json_t *o = json_array_get(arr, i);
		struct nhraw *h = &r->nh[i];
		char w[96];
		const char *s;
		uint64_t u;
		uint8_t fam;
		int g;

		snprintf(w, sizeof w, "%s.nexthops[%zu]", where, i);
		if (!json_is_object(o))
			return bad(ld, w, "must be an object");
		if ((g = get_addr(ld, w, o, "gateway", false, &h->gw, &fam)) < 0)
			return -1;
		h->has_gw = g > 0;
		if (get_str(ld, w, o, "dev", false, &s) < 0)
			return -1;
		if (s && !(h->dev_name = ar_name(&n->ar, ld, s)))
			return -1;
		if (snapshot && get_uint(ld, w, o, "ifindex", INT32_MAX, false, &u) > 0)
			h->dev_index = (uint32_t)u;
		if ((g = get_uint(ld, w, o, "weight", 256, false, &u)) < 0)
			return -1;
		h->weight = g ? (uint32_t)u : 1;
		if (snapshot) {
			if (get_bool(ld, w, o, "onlink", &h->onlink) < 0)
				return -1;
		} else {
			json_t *fl;

			if ((g = get_typed(ld, w, o, "flags", JSON_ARRAY, false, &fl)) < 0)
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
	return ar_name(&n->ar, ld, s);
}

/* The members both route formats (snapshot, ip -j) spell alike: dst, type,
 * metric, gateway; *gw_fam is the gateway's family when there is one. */
static int route_common(struct node *n, const struct ld *ld, const char *where, const json_t *o,
                        struct routerec *r, bool *fam_known, uint8_t *gw_fam)
{
	const char *s;
	uint64_t u;
	int g;

	if (get_str(ld, where, o, "dst", true, &s) < 0 || route_dst(ld, where, s, r, fam_known) < 0)
		return -1;
	r->pub.type = "unicast";
	if ((g = get_str(ld, where, o, "type", false, &s)) < 0)
		return -1;
	if (g && !(r->pub.type = route_type(n, ld, s)))
		return -1;
	if ((g = get_uint(ld, where, o, "metric", UINT32_MAX, false, &u)) < 0)
		return -1;
	if (g)
		r->pub.metric = (uint32_t)u;
	if ((g = get_addr(ld, where, o, "gateway", false, &r->pub.gateway, gw_fam)) < 0)
		return -1;
	r->pub.has_gateway = g > 0;
	return 0;
}

static int snap_route(struct node *n, const struct ld *ld, const char *where, const json_t *o,
                      struct nsrec *ns)
{
	struct routerec *r;
	const char *s;
	json_t *nh;
	uint64_t u;
	bool fam_known = true;
	uint8_t fam;
	int g;

	if (!json_is_object(o))
		return bad(ld, where, "must be an object");
	if (!(r = ns_add_route(ns, ld)))
		return -1;
	if (get_str(ld, where, o, "family", true, &s) < 0 ||
	    family_of(ld, where, s, &r->pub.family) < 0)
		return -1;
	if (get_uint(ld, where, o, "table", UINT32_MAX, true, &u) < 0)
		return -1;
	r->pub.table = (uint32_t)u;
	if (route_common(n, ld, where, o, r, &fam_known, &fam) < 0)
		return -1;
	if ((g = get_uint(ld, where, o, "ifindex", INT32_MAX, false, &u)) < 0)
		return -1;
	if (g)
		r->dev_index = (uint32_t)u;
	if ((g = get_str(ld, where, o, "dev", false, &s)) < 0)
		return -1;
	if (g && !(r->dev_name = ar_name(&n->ar, ld, s)))
		return -1;
	if (get_bool(ld, where, o, "onlink", &r->pub.onlink) < 0)
		return -1;
	if ((g = get_typed(ld, where, o, "nexthops", JSON_ARRAY, false, &nh)) < 0)
		return -1;
	return g ? route_nexthops(n, ld, where, nh, r, true) : 0;
}

static int ipj_table(const struct ld *ld, const char *where, const json_t *o, uint32_t *table)
{
	json_t *v = json_object_get(o, "table");
	const char *s;
	char *end;
	unsigned long u;

	*table = TABLE_MAIN; /* iproute2 leaves out "main" */
	if (!v || json_is_null(v))
		return 0;
	if (json_is_integer(v) && json_integer_value(v) >= 0 &&
	    json_integer_value(v) <= (json_int_t)UINT32_MAX) {
		*table = (uint32_t)json_integer_value(v);
		return 0;
	}
	if (!json_is_string(v))
		return bad(ld, where, "'table' must be a string or an integer");
	s = json_string_value(v);
	if (strcmp(s, "main") == 0)
		*table = TABLE_MAIN;
	else if (strcmp(s, "local") == 0)
		*table = TABLE_LOCAL;
	else if (strcmp(s, "default") == 0)
		*table = TABLE_DEFAULT;
	else
		*table = TABLE_UNKNOWN; /* a name from rt_tables: not main */
	if (*s >= '0' && *s <= '9') {
		errno = 0;
		u = strtoul(s, &end, 10);
		if (!*end && !errno && u <= UINT32_MAX)
			*table = (uint32_t)u;
	}
	return 0;
}

static int ipj_route(struct node *n, const struct ld *ld, const char *where, const json_t *o,
                     struct nsrec *ns)
{
	struct routerec *r;
	const char *s;
	json_t *nh, *fl, *via;
	bool fam_known = false;
	uint8_t fam;
	int g;

	if (!json_is_object(o))
		return bad(ld, where, "must be an object");
	if (!(r = ns_add_route(ns, ld)) || ipj_table(ld, where, o, &r->pub.table) < 0)
		return -1;
	if (route_common(n, ld, where, o, r, &fam_known, &fam) < 0)
		return -1;
	if (r->pub.has_gateway && !fam_known) {
		r->pub.family = fam;
		fam_known = true;
	}
	/* RTA_VIA: an IPv4 route through an IPv6 next hop. */
	if ((g = get_typed(ld, where, o, "via", JSON_OBJECT, false, &via)) < 0)
		return -1;
	if (g && !r->pub.has_gateway) {
		if ((g = get_addr(ld, where, via, "host", false, &r->pub.gateway, &fam)) < 0)
			return -1;
		r->pub.has_gateway = g > 0;
	}
	if ((g = get_str(ld, where, o, "dev", false, &s)) < 0)
		return -1;
	if (g && !(r->dev_name = ar_name(&n->ar, ld, s)))
		return -1;
	if ((g = get_typed(ld, where, o, "flags", JSON_ARRAY, false, &fl)) < 0)
		return -1;
	for (size_t j = 0; g && j < json_array_size(fl); j++)
		if (json_is_string(json_array_get(fl, j)) &&
		    strcmp(json_string_value(json_array_get(fl, j)), "onlink") == 0)
			r->pub.onlink = true;
	if ((g = get_typed(ld, where, o, "nexthops", JSON_ARRAY, false, &nh)) < 0)
		return -1;
	if (g && route_nexthops(n, ld, where, nh, r, false) < 0)
		return -1;
	/* A "default" route names no address: the family comes from the
	 * gateway, a next hop, or "pref" (RTA_PREF exists for IPv6 only). */
	if (!fam_known && !r->pub.family)
		r->pub.family = json_object_get(o, "pref") ? 6 : 4;
	return 0;
}

/* --- the two formats ------------------------------------------------------------- */

static int load_snapshot(struct node *n, const struct ld *ld, const json_t *root)
{
	json_t *nss, *arr;
	uint64_t u;

	if (get_uint(ld, NULL, root, "pktpath_snapshot", INT32_MAX, true, &u) < 0)
		return -1;
	if (u != TOPO_SNAPSHOT_VERSION)
		return bad(ld, NULL,
		           "snapshot format version %llu is not supported (this pktpath reads %d)",
		           (unsigned long long)u, TOPO_SNAPSHOT_VERSION);
	if (get_typed(ld, NULL, root, "namespaces", JSON_ARRAY, true, &nss) < 0)
		return -1;
	if (json_array_size(nss) == 0)
		return bad(ld, NULL, "'namespaces' is empty");
	for (size_t i = 0; i < json_array_size(nss); i++) {
		const json_t *o = json_array_get(nss, i);
		struct nsrec *ns;
		const char *name = NULL;
		char w[64];
		int r;

		snprintf(w, sizeof w, "namespaces[%zu]", i);
		if (!json_is_object(o))
			return bad(ld, w, "must be an object");
		if (get_str(ld, w, o, "name", false, &name) < 0)
			return -1;
		/* The first namespace is the node's own (name null). */
		if ((i == 0) != (name == NULL))
			return bad(ld, w,
			           i == 0 ? "the first namespace must be the node's own (name null)"
			                  : "'name' is missing");
		if (name && check_name(ld, w, "namespace", name) < 0)
			return -1;
		if (!(ns = node_add_ns(n, name, ld)))
			return -1;
		if ((r = get_uint(ld, w, o, "netnsid", INT32_MAX, false, &u)) < 0)
			return -1;
		if (r)
			ns->nsid = (int64_t)u;
		if (get_typed(ld, w, o, "links", JSON_ARRAY, true, &arr) < 0)
			return -1;
		for (size_t j = 0; j < json_array_size(arr); j++) {
			const json_t *l = json_array_get(arr, j);
			char w2[96];

			snprintf(w2, sizeof w2, "%s.links[%zu]", w, j);
			if (!json_is_object(l))
				return bad(ld, w2, "must be an object");
			if (snap_link(n, ld, w2, l, ns) < 0)
				return -1;
		}
		if (get_typed(ld, w, o, "addresses", JSON_ARRAY, true, &arr) < 0)
			return -1;
		for (size_t j = 0; j < json_array_size(arr); j++) {
			char w2[96];

			snprintf(w2, sizeof w2, "%s.addresses[%zu]", w, j);
			if (add_address(ld, w2, json_array_get(arr, j), ns, "address", 0, n) < 0)
				return -1;
		}
		if (get_typed(ld, w, o, "routes", JSON_ARRAY, true, &arr) < 0)
			return -1;
		ns->have_routes = true;
		for (size_t j = 0; j < json_array_size(arr); j++) {
			char w2[96];

			snprintf(w2, sizeof w2, "%s.routes[%zu]", w, j);
			if (snap_route(n, ld, w2, json_array_get(arr, j), ns) < 0)
				return -1;
		}
	}
	return 0;
}

/* An array of `ip -j link show` or `ip -j addr show` objects. */
static int load_ipj_links(struct node *n, const struct ld *ld, const json_t *arr, struct nsrec *ns)
{
	for (size_t i = 0; i < json_array_size(arr); i++) {
		const json_t *o = json_array_get(arr, i);
		struct iface *f = NULL;
		json_t *ai;
		char w[48];
		int r;

		snprintf(w, sizeof w, "[%zu]", i);
		if (ipj_link(n, ld, w, o, ns, &f) < 0)
			return -1;
		if ((r = get_typed(ld, w, o, "addr_info", JSON_ARRAY, false, &ai)) < 0)
			return -1;
		for (size_t j = 0; r && j < json_array_size(ai); j++) {
			char w2[80];

			snprintf(w2, sizeof w2, "%s.addr_info[%zu]", w, j);
			if (add_address(ld, w2, json_array_get(ai, j), ns, "local", f->pub.ifindex,
			                n) < 0)
				return -1;
		}
	}
	return 0;
}

static int load_ipj_routes(struct node *n, const struct ld *ld, const json_t *arr, struct nsrec *ns)
{
	ns->have_routes = true;
	for (size_t i = 0; i < json_array_size(arr); i++) {
		char w[48];

		snprintf(w, sizeof w, "[%zu]", i);
		if (ipj_route(n, ld, w, json_array_get(arr, i), ns) < 0)
			return -1;
	}
	return 0;
}

/* A file read whole within the bounds of input_file.h, then parsed: a
 * bulky member nobody reads must not cost gigabytes. */
static json_t *read_json(const struct ld *ld, const char *path)
{
	json_error_t err;
	json_t *root;
	char why[128], *buf;
	size_t len;

	if (input_read(path, INPUT_TOPOLOGY_MAX_BYTES, &buf, &len, why, sizeof why) < 0) {
		bad(ld, NULL, "%s%s", why,
		    strncmp(why, "larger", 6) == 0 ? ", not a topology" : "");
		return NULL;
	}
	if (len == 0) {
		bad(ld, NULL, "empty file, expected a pktpath snapshot or ip -j output");
		free(buf);
		return NULL;
	}
	if (input_json_values(buf, len) > INPUT_TOPOLOGY_MAX_VALUES) {
		bad(ld, NULL, "more than %zu JSON values, not a topology",
		    INPUT_TOPOLOGY_MAX_VALUES);
		free(buf);
		return NULL;
	}
	root = json_loadb(buf, len, 0, &err);
	free(buf);
	if (!root) {
		if (err.line > 0)
			bad(ld, NULL, "not valid JSON: %s (line %d, column %d)", err.text, err.line,
			    err.column);
		else
			bad(ld, NULL, "cannot read: %s", err.text);
	}
	return root;
}

/* One file: a snapshot (an object with "pktpath_snapshot"), or ip -j link
 * or addr output (an array of objects with "ifindex" and "ifname"). */
static int load_file(struct node *n, const char *path)
{
	struct ld ld = {.file = path};
	json_t *root = read_json(&ld, path);
	const json_t *first;
	int rc = -1;

	if (!root)
		return -1;
	if (json_is_object(root) && json_object_get(root, "pktpath_snapshot")) {
		rc = load_snapshot(n, &ld, root);
	} else if (json_is_array(root)) {
		first = json_array_get(root, 0);
		if (!first)
			bad(&ld, NULL, "an empty JSON array, expected ip -j addr show output");
		else if (json_is_object(first) && json_object_get(first, "dst"))
			bad(&ld, NULL,
			    "ip -j route output alone is not a topology: put it in a directory "
			    "as host.route.json next to host.addr.json");
		else if (!json_is_object(first) || !json_object_get(first, "ifname"))
			bad(&ld, NULL,
			    "not ip -j link or addr output (no \"ifname\" in the first entry)");
		else if (node_add_ns(n, NULL, &ld))
			rc = load_ipj_links(n, &ld, root, &n->ns[0]);
	} else {
		bad(&ld, NULL,
		    "neither a pktpath snapshot (no \"pktpath_snapshot\") nor ip -j output");
	}
	json_decref(root);
	return rc;
}

static const char *const ipj_suffix[] = {".link.json", ".addr.json", ".route.json"};

/* The namespace part of <ns>.link.json etc., or NULL. */
static size_t ipj_ns_len(const char *fname, int *which)
{
	size_t len = strlen(fname);

	for (int k = 0; k < 3; k++) {
		size_t sl = strlen(ipj_suffix[k]);

		if (len > sl && strcmp(fname + len - sl, ipj_suffix[k]) == 0) {
			*which = k;
			return len - sl;
		}
	}
	return 0;
}

static int cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int load_ipj_ns(struct node *n, const char *dir, const char *nsname, struct nsrec *ns)
{
	for (int k = 0; k < 3; k++) {
		char path[4096];
		struct ld ld = {.file = path};
		json_t *root;
		int rc;

		snprintf(path, sizeof path, "%s/%s%s", dir, nsname, ipj_suffix[k]);
		if (access(path, F_OK) < 0 && errno == ENOENT)
			continue;
		if (!(root = read_json(&ld, path)))
			return -1;
		if (!json_is_array(root)) {
			json_decref(root);
			return bad(&ld, NULL, "must hold a JSON array (ip -j output)");
		}
		rc = k == 2 ? load_ipj_routes(n, &ld, root, ns) : load_ipj_links(n, &ld, root, ns);
		json_decref(root);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* A directory of ip -j output: host.{link,addr,route}.json for the node's
 * namespace, <ns>.{...}.json for the others. */
static int load_dir(struct node *n, const char *dir)
{
	struct ld ld = {.file = dir};
	char **names = NULL;
	size_t nn = 0;
	struct dirent *e;
	bool host = false;
	int rc = -1;
	DIR *d = opendir(dir);

	if (!d)
		return bad(&ld, NULL, "%s", strerror(errno));
	while ((e = readdir(d))) {
		int which;
		size_t len = ipj_ns_len(e->d_name, &which);
		char **v;

		if (!len)
			continue;
		if (len == 4 && strncmp(e->d_name, "host", 4) == 0) {
			host = true;
			continue;
		}
		if (memchr(e->d_name, '/', len))
			continue;
		/* each namespace once, whatever files it has */
		for (size_t i = 0; i < nn; i++)
			if (strlen(names[i]) == len && strncmp(names[i], e->d_name, len) == 0)
				goto next;
		v = realloc(names, (nn + 1) * sizeof *names);
		if (!v || !(v[nn] = strndup(e->d_name, len))) {
			names = v ? v : names;
			oom(&ld);
			goto out;
		}
		names = v;
		nn++;
	next:;
	}
	if (!host) {
		bad(&ld, NULL,
		    "no host.addr.json or host.link.json (expected a pktpath snapshot, ip -j "
		    "output, or a directory of <ns>.link.json, <ns>.addr.json, <ns>.route.json)");
		goto out;
	}
	if (nn)
		qsort(names, nn, sizeof *names, cmp_cstr);
	if (!node_add_ns(n, NULL, &ld) || load_ipj_ns(n, dir, "host", &n->ns[0]) < 0)
		goto out;
	for (size_t i = 0; i < nn; i++) {
		struct nsrec *ns = node_add_ns(n, names[i], &ld);

		if (!ns || load_ipj_ns(n, dir, names[i], ns) < 0)
			goto out;
	}
	rc = 0;
out:
	closedir(d);
	for (size_t i = 0; i < nn; i++)
		free(names[i]);
	free(names);
	return rc;
}

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

static struct iface *find_index(const struct nsrec *ns, uint32_t ifindex)
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
static struct iface *find_name(const struct nsrec *ns, const char *name, size_t len)
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
	struct iface *f = index ? find_index(ns, index) : NULL;

	if (!f && name)
		f = find_name(ns, name, strlen(name));
	return f;
}

static int index_ns(const struct ld *ld, struct nsrec *ns)
{
	if (!ns->nifs)
		return 0;
	ns->by_index = malloc(ns->nifs * sizeof *ns->by_index);
	ns->by_name = malloc(ns->nifs * sizeof *ns->by_name);
	if (!ns->by_index || !ns->by_name)
		return oom(ld);
	for (size_t i = 0; i < ns->nifs; i++)
		ns->by_index[i] = ns->by_name[i] = &ns->ifs[i];
	qsort(ns->by_index, ns->nifs, sizeof *ns->by_index, cmp_iface_index);
	qsort(ns->by_name, ns->nifs, sizeof *ns->by_name, cmp_iface_name);
	for (size_t i = 1; i < ns->nifs; i++) {
		const char *nsn = ns->name ? ns->name : "the node's own namespace";

		if (ns->by_index[i]->pub.ifindex == ns->by_index[i - 1]->pub.ifindex)
			return bad(ld, NULL, "%s has two links with ifindex %u", nsn,
			           ns->by_index[i]->pub.ifindex);
		if (strcmp(ns->by_name[i]->pub.name, ns->by_name[i - 1]->pub.name) == 0)
			return bad(ld, NULL, "%s has two links named %s", nsn,
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
			h = find_index(host, l->link_index);
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
	char *buf = ar_alloc(&n->ar, len), a[INET6_ADDRSTRLEN];

	if (!buf)
		return NULL;
	buf[0] = '\0';
	if (strcmp(r->type, "unicast") != 0)
		sb_add(buf, len, &pos, "%s ", r->type);
	if (r->dst_len == 0)
		sb_add(buf, len, &pos, "default");
	else
		sb_add(buf, len, &pos, "%s/%u", fmt_addr(&r->dst, a, sizeof a), r->dst_len);
	if (r->has_gateway)
		sb_add(buf, len, &pos, " via %s", fmt_addr(&r->gateway, a, sizeof a));
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
			sb_add(buf, len, &pos, " via %s", fmt_addr(&h->gateway, a, sizeof a));
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
		uint8_t fam = addr_family(&a->addr);
		struct routerec *r;

		if (!a->iface || a->iface->loopback || a->plen >= (fam == 4 ? 32 : 128))
			continue;
		if (!(r = ns_add_route(ns, ld)))
			return -1;
		r->pub.family = fam;
		r->pub.dst = ns->addrs[i].addr;
		r->pub.dst_len = ns->addrs[i].plen;
		mask_prefix(&r->pub.dst, fam, r->pub.dst_len);
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
			struct topo_nexthop *v = ar_alloc(&n->ar, r->nnh * sizeof *v);

			if (!v)
				return oom(ld);
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
			return oom(ld);
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

static int finalize_node(struct node *n, const struct ld *ld)
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
		return oom(ld);
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
	unsigned bx = bits128(x->family, x->plen), by = bits128(y->family, y->plen);

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
static int rebuild(struct topo *t)
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
		ar_free(&t->known->ar);
		free(t->known->addrs);
		free(t->known->ifaces);
		free(t->known);
	}
	for (size_t i = 0; i < t->nnodes; i++)
		node_free(t->nodes[i]);
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
		return bad(&ld, NULL, "'%s' is not a valid node name", node);
	if (find_node(t, node, strlen(node)))
		return bad(&ld, NULL, "node %s already has a topology", node);
	if (stat(path, &st) < 0)
		return bad(&ld, NULL, "%s", strerror(errno));
	n = calloc(1, sizeof *n);
	if (!n)
		return oom(&ld);
	if (!(n->name = ar_strdup(&n->ar, node))) {
		node_free(n);
		return oom(&ld);
	}
	rc = S_ISDIR(st.st_mode) ? load_dir(n, path) : load_file(n, path);
	if (rc == 0 && (n->nns == 0 || !n->ns[0].nifs))
		rc = bad(&ld, NULL, "no interfaces in the node's own namespace");
	if (rc == 0)
		rc = finalize_node(n, &ld);
	if (rc == 0) {
		v = realloc(t->nodes, (t->nnodes + 1) * sizeof *v);
		if (!v) {
			rc = oom(&ld);
		} else {
			t->nodes = v;
			t->nodes[t->nnodes++] = n;
			if (rebuild(t) < 0) {
				t->nnodes--;
				rc = oom(&ld);
			}
		}
	}
	if (rc < 0)
		node_free(n);
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
	e.family = addr_family(&e.prefix);
	e.plen = (uint8_t)plen;
	mask_prefix(&e.prefix, e.family, plen);
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
	const struct iface *f = n ? find_index(&n->ns[0], ifindex) : NULL;

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
	f = find_name(ns, ifname, strlen(ifname));
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
	uint8_t fam = addr_family(a);

	for (size_t i = 0; i < t->npods; i++)
		if ((!n || t->pods[i].node == n) && t->pods[i].family == fam &&
		    in_prefix(a, &t->pods[i].prefix, fam, t->pods[i].plen))
			return &t->pods[i];
	return NULL;
}

static const struct known_addr *known_addr(const struct known *k, const struct pp_addr *a);

enum topo_addr_kind topo_addr_classify(const struct topo *t, const struct pp_addr *addr,
                                       struct topo_addr_info *info)
{
	const struct aentry *e = find_addr(t, addr);
	const struct pentry *p;
	uint8_t fam = addr_family(addr);

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
		mask_prefix(&info->prefix, fam, e->rec->plen);
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
		    in_prefix(addr, &t->svcs[i].prefix, fam, t->svcs[i].plen)) {
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
	uint8_t fam = addr_family(dst);

	memset(hop, 0, sizeof *hop);
	if (!n)
		return -1;
	for (size_t i = 0; i < n->nmain; i++) {
		const struct topo_route *r = &n->main[i]->pub;
		const struct aentry *e;

		if (r->family != fam || !in_prefix(dst, &r->dst, fam, r->dst_len))
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
	f = ar_alloc(&k->ar, sizeof *f); /* zeroed */
	if (!f || !(f->name = ar_strdup(&k->ar, name)))
		msg_oom("topology from a report", strlen(name) + 1);
	return f;
}

static const char *known_str(struct known *k, const char *s)
{
	const char *d = s ? ar_strdup(&k->ar, s) : NULL;

	if (s && !d)
		msg_oom("topology from a report", strlen(s) + 1);
	return d;
}

void topo_add_known_addr(struct topo *t, const struct pp_addr *a, const struct topo_known_addr *in)
{
	struct known *k = known_get(t);
	struct known_addr *e;

	k->addrs = grow(k->addrs, &k->capaddrs, k->naddrs + 1, sizeof *k->addrs);
	if (!k->addrs)
		msg_oom("topology from a report", (k->naddrs + 1) * sizeof *k->addrs);
	e = &k->addrs[k->naddrs++];
	memset(e, 0, sizeof *e);
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

	k->ifaces = grow(k->ifaces, &k->capifaces, k->nifaces + 1, sizeof *k->ifaces);
	if (!k->ifaces)
		msg_oom("topology from a report", (k->nifaces + 1) * sizeof *k->ifaces);
	e = &k->ifaces[k->nifaces++];
	memset(e, 0, sizeof *e);
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
	qsort(k->ifaces, k->nifaces, sizeof *k->ifaces, cmp_known_iface);
	k->sorted = true;
}

static const struct known_addr *known_addr(const struct known *k, const struct pp_addr *a)
{
	struct known_addr key;

	if (!k->sorted)
		return NULL; /* topo_known_seal() not called */
	key.addr = *a;
	return bsearch(&key, k->addrs, k->naddrs, sizeof key, cmp_known_addr);
}

static const struct known_iface *known_iface(const struct known *k, const char *point)
{
	struct known_iface key;

	if (!k->sorted)
		return NULL;
	key.point = point;
	return bsearch(&key, k->ifaces, k->nifaces, sizeof key, cmp_known_iface);
}
