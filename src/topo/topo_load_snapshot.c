/* topo_load_snapshot.c - loads a `pktpath snapshot` document (format
 * version 1): every namespace with its links, addresses and routes.
 * specification: pktpath(1) SNAPSHOT FORMAT.
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

/* A link of a `pktpath snapshot` namespace. */
static int snap_link(struct node *n, const struct ld *ld, const char *where, const json_t *o,
                     struct nsrec *ns)
{
	struct iface *f = topo_ns_add_iface(ns, ld);
	json_t *sub;
	const char *kind = NULL;
	int r;

	if (!f || topo_get_str(ld, where, o, "kind", false, &kind) < 0 ||
	    topo_link_common(n, ld, where, o, f, "name", kind) < 0)
		return -1;
	if (topo_get_mac(ld, where, o, "mac", f) < 0)
		return -1;
	if (topo_get_bool(ld, where, o, "up", &f->pub.up) < 0)
		return -1;
	if ((r = topo_get_typed(ld, where, o, "master", JSON_OBJECT, false, &sub)) < 0)
		return -1;
	if (r && topo_get_index(ld, where, sub, "ifindex", true, &f->master_index) < 0)
		return -1;
	if ((r = topo_get_typed(ld, where, o, "link", JSON_OBJECT, false, &sub)) < 0)
		return -1;
	if (r && (topo_get_index(ld, where, sub, "ifindex", true, &f->link_index) < 0 ||
	          topo_get_nsid(ld, where, sub, "netnsid", &f->link_nsid) < 0))
		return -1;
	if ((r = topo_get_typed(ld, where, o, "vxlan", JSON_OBJECT, false, &sub)) < 0)
		return -1;
	if (r) {
		json_t *dev;

		if (topo_vxlan_common(ld, where, sub, "vni", true, f) < 0)
			return -1;
		if ((r = topo_get_typed(ld, where, sub, "dev", JSON_OBJECT, false, &dev)) < 0)
			return -1;
		if (r && topo_get_index(ld, where, dev, "ifindex", true, &f->vx_dev_index) < 0)
			return -1;
	}
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
		return topo_bad(ld, where, "must be an object");
	if (!(r = topo_ns_add_route(ns, ld)))
		return -1;
	if (topo_get_str(ld, where, o, "family", true, &s) < 0 ||
	    topo_family_of(ld, where, s, &r->pub.family) < 0)
		return -1;
	if (topo_get_uint(ld, where, o, "table", UINT32_MAX, true, &u) < 0)
		return -1;
	r->pub.table = (uint32_t)u;
	if (topo_route_common(n, ld, where, o, r, &fam_known, &fam) < 0)
		return -1;
	if (topo_get_index(ld, where, o, "ifindex", false, &r->dev_index) < 0 ||
	    topo_get_name(n, ld, where, o, "dev", &r->dev_name) < 0)
		return -1;
	if (topo_get_bool(ld, where, o, "onlink", &r->pub.onlink) < 0)
		return -1;
	if ((g = topo_get_typed(ld, where, o, "nexthops", JSON_ARRAY, false, &nh)) < 0)
		return -1;
	return g ? topo_route_nexthops(n, ld, where, nh, r, true) : 0;
}

/* --- the two formats ------------------------------------------------------------- */

int topo_load_snapshot(struct node *n, const struct ld *ld, const json_t *root)
{
	json_t *nss, *arr;
	uint64_t u;

	if (topo_get_uint(ld, NULL, root, "pktpath_snapshot", INT32_MAX, true, &u) < 0)
		return -1;
	if (u != TOPO_SNAPSHOT_VERSION)
		return topo_bad(
		    ld, NULL,
		    "snapshot format version %llu is not supported (this pktpath reads %d)",
		    (unsigned long long)u, TOPO_SNAPSHOT_VERSION);
	if (topo_get_typed(ld, NULL, root, "namespaces", JSON_ARRAY, true, &nss) < 0)
		return -1;
	if (json_array_size(nss) == 0)
		return topo_bad(ld, NULL, "'namespaces' is empty");
	for (size_t i = 0; i < json_array_size(nss); i++) {
		const json_t *o = json_array_get(nss, i);
		struct nsrec *ns;
		const char *name = NULL;
		char w[64];
		int r;

		snprintf(w, sizeof w, "namespaces[%zu]", i);
		if (!json_is_object(o))
			return topo_bad(ld, w, "must be an object");
		if (topo_get_str(ld, w, o, "name", false, &name) < 0)
			return -1;
		/* The first namespace is the node's own (name null). */
		if ((i == 0) != (name == NULL))
			return topo_bad(
			    ld, w,
			    i == 0 ? "the first namespace must be the node's own (name null)"
			           : "'name' is missing");
		if (name && topo_check_name(ld, w, "namespace", name) < 0)
			return -1;
		if (!(ns = topo_node_add_ns(n, name, ld)))
			return -1;
		if ((r = topo_get_uint(ld, w, o, "netnsid", INT32_MAX, false, &u)) < 0)
			return -1;
		if (r)
			ns->nsid = (int64_t)u;
		if (topo_get_typed(ld, w, o, "links", JSON_ARRAY, true, &arr) < 0)
			return -1;
		for (size_t j = 0; j < json_array_size(arr); j++) {
			const json_t *l = json_array_get(arr, j);
			char w2[96];

			snprintf(w2, sizeof w2, "%s.links[%zu]", w, j);
			if (!json_is_object(l))
				return topo_bad(ld, w2, "must be an object");
			if (snap_link(n, ld, w2, l, ns) < 0)
				return -1;
		}
		if (topo_get_typed(ld, w, o, "addresses", JSON_ARRAY, true, &arr) < 0)
			return -1;
		for (size_t j = 0; j < json_array_size(arr); j++) {
			char w2[96];

			snprintf(w2, sizeof w2, "%s.addresses[%zu]", w, j);
			if (topo_add_address(ld, w2, json_array_get(arr, j), ns, "address", 0, n) <
			    0)
				return -1;
		}
		if (topo_get_typed(ld, w, o, "routes", JSON_ARRAY, true, &arr) < 0)
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
