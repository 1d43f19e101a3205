/* topo_int.h - what the files of the topology stage share: the records a
 * loaded node is made of, the loading context, and the internal functions
 * one file defines and another calls. Not a public interface: topo/topo.h
 * is what the other stages see.
 */
#ifndef PKTPATH_TOPO_INT_H
#define PKTPATH_TOPO_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "topo/topo.h"
#include "util/msg.h"

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

/* --- loading context and typed JSON access -------------------------------- */

struct ld {
	const char *file; /* named in every message */
};

/* topo_base.c: the node arena, addresses and prefixes */
uint8_t topo_addr_family(const struct pp_addr *a);
void *topo_ar_alloc(struct arena *ar, size_t n);
void topo_ar_free(struct arena *ar);
char *topo_ar_strdup(struct arena *ar, const char *s);
unsigned topo_bits128(uint8_t family, unsigned plen);
const char *topo_fmt_addr(const struct pp_addr *a, char *buf, size_t len);
bool topo_in_prefix(const struct pp_addr *a, const struct pp_addr *p, uint8_t family,
                    unsigned plen);
void topo_mask_prefix(struct pp_addr *a, uint8_t family, unsigned plen);
int topo_parse_addr(const char *s, struct pp_addr *a, uint8_t *family);

/* topo_json.c: typed access to a JSON document, messages naming the file */
int PP_PRINTF(3, 4) topo_bad(const struct ld *ld, const char *where, const char *fmt, ...);
int topo_check_name(const struct ld *ld, const char *where, const char *what, const char *s);
int topo_get_addr(const struct ld *ld, const char *where, const json_t *o, const char *key,
                  bool required, struct pp_addr *a, uint8_t *family);
int topo_get_index(const struct ld *ld, const char *where, const json_t *o, const char *key,
                   bool required, uint32_t *out);
int topo_get_nsid(const struct ld *ld, const char *where, const json_t *o, const char *key,
                  int64_t *out);
int topo_get_bool(const struct ld *ld, const char *where, const json_t *o, const char *key,
                  bool *out);
int topo_get_str(const struct ld *ld, const char *where, const json_t *o, const char *key,
                 bool required, const char **out);
int topo_get_typed(const struct ld *ld, const char *where, const json_t *o, const char *key,
                   json_type type, bool required, json_t **out);
int topo_get_uint(const struct ld *ld, const char *where, const json_t *o, const char *key,
                  uint64_t max, bool required, uint64_t *out);
int topo_oom(const struct ld *ld);
json_t *topo_read_json(const struct ld *ld, const char *path);

/* topo_record.c: the raw records both loaders fill */
int topo_add_address(const struct ld *ld, const char *where, const json_t *o, struct nsrec *ns,
                     const char *addr_key, uint32_t ifindex, struct node *n);
const char *topo_ar_name(struct arena *ar, const struct ld *ld, const char *s);
int topo_get_name(struct node *n, const struct ld *ld, const char *where, const json_t *o,
                  const char *key, const char **out);
int topo_family_of(const struct ld *ld, const char *where, const char *s, uint8_t *family);
void *topo_grow(void *v, size_t *cap, size_t n, size_t size);
int topo_link_common(struct node *n, const struct ld *ld, const char *where, const json_t *o,
                     struct iface *f, const char *name_key, const char *kind);
struct nsrec *topo_node_add_ns(struct node *n, const char *name, const struct ld *ld);
void topo_node_free(struct node *n);
struct iface *topo_ns_add_iface(struct nsrec *ns, const struct ld *ld);
struct routerec *topo_ns_add_route(struct nsrec *ns, const struct ld *ld);
bool topo_parse_mac(const char *s, uint8_t mac[6]);
int topo_route_common(struct node *n, const struct ld *ld, const char *where, const json_t *o,
                      struct routerec *r, bool *fam_known, uint8_t *gw_fam);
int topo_route_nexthops(struct node *n, const struct ld *ld, const char *where, const json_t *arr,
                        struct routerec *r, bool snapshot);
int topo_vxlan_addr(const struct ld *ld, const char *where, const json_t *o, const char *key,
                    struct iface *f);
int topo_get_mac(const struct ld *ld, const char *where, const json_t *o, const char *key,
                 struct iface *f);
int topo_vxlan_common(const struct ld *ld, const char *where, const json_t *o, const char *vni_key,
                      bool vni_required, struct iface *f);

/* topo_load_snapshot.c */
int topo_load_snapshot(struct node *n, const struct ld *ld, const json_t *root);

/* topo_load_ipj.c */
int topo_load_dir(struct node *n, const char *dir);
int topo_load_ipj_links(struct node *n, const struct ld *ld, const json_t *arr, struct nsrec *ns);

/* topo_index.c: finalizing a node, the indexes of all nodes */
int topo_finalize_node(struct node *n, const struct ld *ld);
struct iface *topo_find_index(const struct nsrec *ns, uint32_t ifindex);
struct iface *topo_find_name(const struct nsrec *ns, const char *name, size_t len);
int topo_rebuild(struct topo *t);

#endif
