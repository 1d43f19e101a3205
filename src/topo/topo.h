/* topo.h - the network topology of the nodes a capture was taken on, read
 * from `pktpath snapshot` JSON or from `ip -j` output (see SNAPSHOT FORMAT in
 * pktpath(1)), and the lookups the analysis needs: ifindex -> interface name,
 * point names, address classes (node/pod/service) and expected next hops.
 *
 * Everything returned points into the struct topo and stays valid until
 * topo_free(). Lookups take a const struct topo, allocate nothing and may run
 * concurrently; only topo_load() and topo_add_service_cidr() modify it.
 */
#ifndef PKTPATH_TOPO_H
#define PKTPATH_TOPO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pktpath/obs.h"

struct topo;

/* One network interface of one namespace of one node. */
struct topo_iface {
	const char *node;  /* node name given to topo_load() */
	const char *netns; /* NULL: the node's own namespace; else e.g. "pod-centos" */
	const char *name;  /* "eth0", "vethd7e7c6fd" */
	uint32_t ifindex;
	const char *kind; /* "veth", "bridge", "vxlan", ...; NULL: a plain device */
	uint32_t mtu;     /* 0: unknown */
	bool up;          /* IFF_UP */
	bool has_mac;
	uint8_t mac[6];
	const struct topo_iface *master; /* the bridge (or bond) it is a port of */
	/* The other end of a veth pair when it was recorded too: a pod's eth0
	 * <-> its host-side veth (peer->netns names the pod), or a pair
	 * inside one namespace. NULL if unknown. */
	const struct topo_iface *peer;
	bool is_vxlan;
	struct {
		uint32_t vni;
		uint16_t port; /* UDP destination port; 0: not recorded */
		bool has_local;
		struct pp_addr local;
		const struct topo_iface *dev; /* underlying device, NULL if none */
	} vxlan;
};

/* One next hop of a multipath route. */
struct topo_nexthop {
	bool has_gateway;
	struct pp_addr gateway;
	const struct topo_iface *dev;
	uint32_t weight;
	bool onlink;
};

/* A route of a node's own namespace. */
struct topo_route {
	uint8_t family;  /* 4 or 6 */
	uint8_t dst_len; /* 0 for "default"; up to 32 or 128 */
	struct pp_addr dst;
	const char *type; /* "unicast", "blackhole", "local", ... */
	uint32_t table;   /* 254 is main */
	uint32_t metric;
	bool has_gateway;
	struct pp_addr gateway;
	const struct topo_iface *dev; /* NULL: none (blackhole) or multipath */
	bool onlink;
	size_t nnexthops; /* > 1 for a multipath route, else 0 */
	const struct topo_nexthop *nexthops;
	const char *text; /* as `ip route` prints it: "172.23.96.128/25 via
	                     172.23.96.128 dev flannel.1 onlink" */
};

enum topo_addr_kind {
	TOPO_ADDR_UNKNOWN = 0, /* external, or not in any loaded topology */
	TOPO_ADDR_NODE,        /* bound in a node's own namespace (not on lo) */
	TOPO_ADDR_POD,         /* bound in a pod namespace, or in a node's pod CIDR */
	TOPO_ADDR_SERVICE,     /* bound on kube-ipvs0, or in a --service-cidr */
};

struct topo_addr_info {
	enum topo_addr_kind kind;
	/* NODE: the node; POD: the node whose pod CIDR or namespace holds it;
	 * SERVICE on kube-ipvs0: a node that binds it; else NULL. */
	const char *node;
	/* NODE: the interface it is bound on (eth0); POD: the pod's interface
	 * when the pod namespace was recorded; SERVICE: kube-ipvs0. */
	const struct topo_iface *iface;
	const char *netns;                  /* POD: the pod namespace, if known */
	const struct topo_iface *host_veth; /* POD: host side of the pod's veth, if known */
	const struct topo_iface *bridge;    /* POD: device the pod CIDR is routed to (cni0) */
	/* POD: the pod CIDR (a route to a bridge or veth), SERVICE: the
	 * --service-cidr, NODE: the address's own prefix. dst_len 0: none. */
	struct pp_addr prefix;
	uint8_t prefix_len;
};

/* Where a node sends a packet to an address: main-table longest prefix. */
struct topo_hop {
	const struct topo_route *route;
	const struct topo_iface *dev;  /* leaves by (multipath: first next hop);
	                                  NULL for blackhole/unreachable */
	const struct topo_iface *port; /* dev is a bridge: its port (host veth)
	                                  towards the pod that holds the address */
};

struct topo *topo_new(void);
void topo_free(struct topo *t);

/* Adds NODE's topology from path: a `pktpath snapshot` file, a file with
 * `ip -j -d addr show` (or link show) output, or a directory holding
 * <ns>.link.json, <ns>.addr.json, <ns>.route.json (<ns> "host" is the node's
 * own namespace). On error prints one message naming the file and what is
 * wrong, leaves t as it was and returns -1; else 0. */
int topo_load(struct topo *t, const char *node, const char *path);

/* --service-cidr: addresses in CIDR ("10.96.0.0/12", or one address) are
 * service addresses. Prints a usage message and returns -1 if malformed. */
int topo_add_service_cidr(struct topo *t, const char *cidr);

/* Parses "ADDR" or "ADDR/LEN" (IPv4 or IPv6) without printing; *len is
 * 32 or 128 for a bare address. Returns 0, or -1 if malformed. */
int topo_parse_cidr(const char *s, struct pp_addr *addr, unsigned *len);

size_t topo_node_count(const struct topo *t);
const char *topo_node_name(const struct topo *t, size_t i); /* load order */
bool topo_has_node(const struct topo *t, const char *node);

/* The interface with ifindex in NODE's own namespace (the ifindex of an
 * SLL2 header in that node's `tcpdump -i any` capture), or NULL. */
const struct topo_iface *topo_iface_by_index(const struct topo *t, const char *node,
                                             uint32_t ifindex);

/* The interface a point name "NODE/IFNAME" or "NODE/NETNS/IFNAME" names
 * (node1/vethd7e7c6fd, node1/pod-centos/eth0), or NULL if unknown. */
const struct topo_iface *topo_iface_by_point(const struct topo *t, const char *point);

/* Writes the point name of iface to buf (truncated, always terminated);
 * returns the length it needed, like snprintf. */
size_t topo_iface_point(const struct topo_iface *iface, char *buf, size_t len);

/* Classifies addr over all loaded nodes; fills *info and returns its kind.
 * Precedence: an address bound somewhere (node, then pod, then kube-ipvs0),
 * then --service-cidr, then pod CIDRs; otherwise TOPO_ADDR_UNKNOWN. */
enum topo_addr_kind topo_addr_classify(const struct topo *t, const struct pp_addr *addr,
                                       struct topo_addr_info *info);
const char *topo_addr_kind_name(enum topo_addr_kind kind); /* "node", "pod", ... */

/* The route NODE's own namespace would use for dst (main table, longest
 * prefix, then lowest metric) and the device it leaves by. Returns 0, or
 * -1 (and clears *hop) when the node is unknown or no route matches. */
int topo_next_hop(const struct topo *t, const char *node, const struct pp_addr *dst,
                  struct topo_hop *hop);

/* A topology can also be what a saved report knew (pktpath merge): the
 * JSON's "addresses" and each point's "iface". Once one is added, the
 * lookups answer from these alone, after topo_known_seal(); the strings
 * are copied. host_veth and peer are point names, master and bridge
 * interface names. The first of two entries for one address counts. */
struct topo_known_addr {
	enum topo_addr_kind kind;
	const char *node, *iface, *netns, *host_veth, *bridge; /* NULL: none */
	struct pp_addr prefix;
	uint8_t prefix_len;
};
struct topo_known_iface {
	uint32_t ifindex;
	const char *kind; /* NULL: none */
	bool has_mac;
	uint8_t mac[6];
	uint32_t mtu;
	const char *master, *peer;
};
void topo_add_known_addr(struct topo *t, const struct pp_addr *a, const struct topo_known_addr *k);
void topo_add_known_iface(struct topo *t, const char *point, const struct topo_known_iface *k);
void topo_known_seal(struct topo *t);

#endif
