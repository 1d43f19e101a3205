/* topo_load_ipj.c - loads `ip -j` output of iproute2: one link or addr
 * file, or a directory of host.{link,addr,route}.json and
 * <ns>.{link,addr,route}.json for the other namespaces.
 * specification: ip-link(8), ip-address(8), ip-route(8) JSON output of
 * iproute2 6.1.
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

/* A link object of `ip -j [-d] link show` or `ip -j [-d] addr show`. */
static int ipj_link(struct node *n, const struct ld *ld, const char *where, const json_t *o,
                    struct nsrec *ns, struct iface **out)
{
	struct iface *f;
	json_t *info = NULL, *data = NULL, *flags = NULL, *v;
	const char *kind = NULL;
	uint64_t u;
	int r;

	if (!json_is_object(o))
		return topo_bad(ld, where, "must be an object");
	if ((r = topo_get_uint(ld, where, o, "ifindex", INT32_MAX, true, &u)) < 0)
		return -1;
	/* link.json and addr.json describe the same links: keep the first. */
	if ((f = topo_find_index(ns, (uint32_t)u)) != NULL) {
		*out = f;
		return 0;
	}
	if (topo_get_typed(ld, where, o, "linkinfo", JSON_OBJECT, false, &info) < 0)
		return -1;
	if (info && (topo_get_str(ld, where, info, "info_kind", false, &kind) < 0 ||
	             topo_get_typed(ld, where, info, "info_data", JSON_OBJECT, false, &data) < 0))
		return -1;
	if (!(f = topo_ns_add_iface(ns, ld)) ||
	    topo_link_common(n, ld, where, o, f, "ifname", kind) < 0)
		return -1;
	*out = f;
	if (topo_get_mac(ld, where, o, "address", f) < 0)
		return -1;
	if ((r = topo_get_typed(ld, where, o, "flags", JSON_ARRAY, false, &flags)) < 0)
		return -1;
	for (size_t i = 0; r && i < json_array_size(flags); i++) {
		v = json_array_get(flags, i);
		if (json_is_string(v) && strcmp(json_string_value(v), "UP") == 0)
			f->pub.up = true;
		if (json_is_string(v) && strcmp(json_string_value(v), "LOOPBACK") == 0)
			f->loopback = true;
	}
	if (topo_get_name(n, ld, where, o, "master", &f->master_name) < 0)
		return -1;
	/* iproute2 prints IFLA_LINK as "link_index" (+ "link_netnsid") when it
	 * lies in another namespace, else as the name "link". */
	if (topo_get_index(ld, where, o, "link_index", false, &f->link_index) < 0 ||
	    topo_get_nsid(ld, where, o, "link_netnsid", &f->link_nsid) < 0 ||
	    topo_get_name(n, ld, where, o, "link", &f->link_name) < 0)
		return -1;
	if (kind && strcmp(kind, "vxlan") == 0 && data) {
		if (topo_vxlan_common(ld, where, data, "id", false, f) < 0)
			return -1;
		if (!f->pub.vxlan.has_local && topo_vxlan_addr(ld, where, data, "local6", f) < 0)
			return -1;
		if (topo_get_name(n, ld, where, data, "link", &f->vx_dev_name) < 0)
			return -1;
	}
	return 0;
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
		return topo_bad(ld, where, "'table' must be a string or an integer");
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
	json_t *nh, *fl, *via;
	bool fam_known = false;
	uint8_t fam;
	int g;

	if (!json_is_object(o))
		return topo_bad(ld, where, "must be an object");
	if (!(r = topo_ns_add_route(ns, ld)) || ipj_table(ld, where, o, &r->pub.table) < 0)
		return -1;
	if (topo_route_common(n, ld, where, o, r, &fam_known, &fam) < 0)
		return -1;
	if (r->pub.has_gateway && !fam_known) {
		r->pub.family = fam;
		fam_known = true;
	}
	/* RTA_VIA: an IPv4 route through an IPv6 next hop. */
	if ((g = topo_get_typed(ld, where, o, "via", JSON_OBJECT, false, &via)) < 0)
		return -1;
	if (g && !r->pub.has_gateway) {
		if ((g = topo_get_addr(ld, where, via, "host", false, &r->pub.gateway, &fam)) < 0)
			return -1;
		r->pub.has_gateway = g > 0;
	}
	if (topo_get_name(n, ld, where, o, "dev", &r->dev_name) < 0)
		return -1;
	if ((g = topo_get_typed(ld, where, o, "flags", JSON_ARRAY, false, &fl)) < 0)
		return -1;
	for (size_t j = 0; g && j < json_array_size(fl); j++)
		if (json_is_string(json_array_get(fl, j)) &&
		    strcmp(json_string_value(json_array_get(fl, j)), "onlink") == 0)
			r->pub.onlink = true;
	if ((g = topo_get_typed(ld, where, o, "nexthops", JSON_ARRAY, false, &nh)) < 0)
		return -1;
	if (g && topo_route_nexthops(n, ld, where, nh, r, false) < 0)
		return -1;
	/* A "default" route names no address: the family comes from the
	 * gateway, a next hop, or "pref" (RTA_PREF exists for IPv6 only). */
	if (!fam_known && !r->pub.family)
		r->pub.family = json_object_get(o, "pref") ? 6 : 4;
	return 0;
}

/* An array of `ip -j link show` or `ip -j addr show` objects. */
int topo_load_ipj_links(struct node *n, const struct ld *ld, const json_t *arr, struct nsrec *ns)
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
		if ((r = topo_get_typed(ld, w, o, "addr_info", JSON_ARRAY, false, &ai)) < 0)
			return -1;
		for (size_t j = 0; r && j < json_array_size(ai); j++) {
			char w2[80];

			snprintf(w2, sizeof w2, "%s.addr_info[%zu]", w, j);
			if (topo_add_address(ld, w2, json_array_get(ai, j), ns, "local",
			                     f->pub.ifindex, n) < 0)
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
		if (!(root = topo_read_json(&ld, path)))
			return -1;
		if (!json_is_array(root)) {
			json_decref(root);
			return topo_bad(&ld, NULL, "must hold a JSON array (ip -j output)");
		}
		rc = k == 2 ? load_ipj_routes(n, &ld, root, ns)
		            : topo_load_ipj_links(n, &ld, root, ns);
		json_decref(root);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* A directory of ip -j output: host.{link,addr,route}.json for the node's
 * namespace, <ns>.{...}.json for the others. */
int topo_load_dir(struct node *n, const char *dir)
{
	struct ld ld = {.file = dir};
	char **names = NULL;
	size_t nn = 0;
	struct dirent *e;
	bool host = false;
	int rc = -1;
	DIR *d = opendir(dir);

	if (!d)
		return topo_bad(&ld, NULL, "%s", strerror(errno));
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
			topo_oom(&ld);
			goto out;
		}
		names = v;
		nn++;
	next:;
	}
	if (!host) {
		topo_bad(
		    &ld, NULL,
		    "no host.addr.json or host.link.json (expected a pktpath snapshot, ip -j "
		    "output, or a directory of <ns>.link.json, <ns>.addr.json, <ns>.route.json)");
		goto out;
	}
	if (nn)
		qsort(names, nn, sizeof *names, cmp_cstr);
	if (!topo_node_add_ns(n, NULL, &ld) || load_ipj_ns(n, dir, "host", &n->ns[0]) < 0)
		goto out;
	for (size_t i = 0; i < nn; i++) {
		struct nsrec *ns = topo_node_add_ns(n, names[i], &ld);

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
