/* test_topo.c - topology lookups on the recordings of the mktopo.sh node:
 * (a) its `pktpath snapshot`, (b) its `ip -j` directory, (c) its lone
 * `ip -j -d addr show` file, each next to the hand-written node2. The same
 * checks run on (a) and (b), and every answer of (a) is compared with (b).
 *
 * usage: test_topo [SNAPSHOT IPJ_DIR ADDR_FILE [NETNS_PREFIX]]
 * Without arguments it reads the checked-in fixtures; snapshot_live.sh runs
 * it on a fresh recording.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topo/topo.h"

#include "check.h"

#define CHECK_STR(a, b) CHECK((a) != NULL && strcmp((a), (b)) == 0)

static char pod_a[64], pod_b[64];

static struct pp_addr A(const char *s) {
	struct pp_addr a;
	unsigned len;

	if (topo_parse_cidr(s, &a, &len) < 0) {
		fprintf(stderr, "bad address in test: %s\n", s);
		exit(1);
	}
	return a;
}

static const char *
point(const struct topo_iface *f, char *buf, size_t len)
{
	if (!f)
		return "(null)";
	topo_iface_point(f, buf, len);
	return buf;
}

/* ifindex -> name in the node's own namespace (SLL2 of `tcpdump -i any`). */
static void test_ifindex(const struct topo *t)
{
	static const char *const names[] = {
	    NULL, "lo", "eth0", "cni0", "flannel.1", "kube-ipvs0", "vethd7e7c6fd", "veth3a1b2c4d"};

	for (uint32_t i = 1; i < 8; i++) {
		const struct topo_iface *f = topo_iface_by_index(t, "node1", i);

		CHECK(f && f->ifindex == i);
		CHECK(f && strcmp(f->name, names[i]) == 0);
		CHECK(f && f->netns == NULL && strcmp(f->node, "node1") == 0);
	}
	CHECK(topo_iface_by_index(t, "node1", 0) == NULL);
	CHECK(topo_iface_by_index(t, "node1", 8) == NULL);
	CHECK(topo_iface_by_index(t, "node1", UINT32_MAX) == NULL);
	CHECK(topo_iface_by_index(t, "node3", 2) == NULL);
	CHECK_STR(topo_iface_by_index(t, "node2", 8)->name, "veth9f8e7d6c");
}

/* Point names, kinds, MAC, MTU, master, vxlan. */
static void test_points(const struct topo *t)
{
	const struct topo_iface *f;
	char p[128], buf[128];
	static const uint8_t mac_a[6] = {0x02, 0x00, 0xac, 0x17, 0x60, 0x11};

	snprintf(p, sizeof p, "node1/%s/eth0", pod_a);
	f = topo_iface_by_point(t, p);
	CHECK(f != NULL);
	if (f) {
		CHECK_STR(f->kind, "veth");
		CHECK_STR(f->netns, pod_a);
		CHECK(f->ifindex == 2);
		CHECK(f->has_mac && memcmp(f->mac, mac_a, 6) == 0);
		CHECK(f->mtu == 1450);
		CHECK(f->up);
		CHECK(f->master == NULL);
		CHECK_STR(point(f, buf, sizeof buf), p);
	}
	f = topo_iface_by_point(t, "node1/cni0");
	CHECK(f && f->kind && strcmp(f->kind, "bridge") == 0 && f->mtu == 1450 && f->up);
	f = topo_iface_by_point(t, "node1/vethd7e7c6fd");
	CHECK(f && f->master && strcmp(f->master->name, "cni0") == 0);
	CHECK(f && f->has_mac && f->mac[4] == 0x01 && f->mac[5] == 0x01);
	f = topo_iface_by_point(t, "node1/kube-ipvs0");
	CHECK(f && !f->up);
	f = topo_iface_by_point(t, "node1/lo");
	CHECK(f && f->kind == NULL && f->mtu == 65536);
	f = topo_iface_by_point(t, "node1/eth0");
	CHECK(f && f->kind && strcmp(f->kind, "veth") == 0 && f->mtu == 1500);
	CHECK(f && f->peer == NULL); /* its far end (the wan namespace) was not recorded */

	f = topo_iface_by_point(t, "node1/flannel.1");
	CHECK(f && f->is_vxlan);
	if (f) {
		CHECK_STR(f->kind, "vxlan");
		CHECK(f->vxlan.vni == 1);
		CHECK(f->vxlan.port == 8472);
		{
			struct pp_addr l = A("10.0.0.180");

			CHECK(f->vxlan.has_local && addr_eq(&f->vxlan.local, &l));
		}
		CHECK(f->vxlan.dev && strcmp(f->vxlan.dev->name, "eth0") == 0);
		CHECK(f->mtu == 1450);
	}
	CHECK(topo_iface_by_point(t, "node1/cni0")->is_vxlan == false);

	/* unknown or malformed points */
	CHECK(topo_iface_by_point(t, "node1/nope") == NULL);
	CHECK(topo_iface_by_point(t, "node9/eth0") == NULL);
	snprintf(p, sizeof p, "node1/%s/eth9", pod_a);
	CHECK(topo_iface_by_point(t, p) == NULL);
	snprintf(p, sizeof p, "node1/%s/eth0/x", pod_a);
	CHECK(topo_iface_by_point(t, p) == NULL);
	snprintf(p, sizeof p, "node1/%s/", pod_a);
	CHECK(topo_iface_by_point(t, p) == NULL);
	CHECK(topo_iface_by_point(t, "node1/no-such-pod/eth0") == NULL);
	CHECK(topo_iface_by_point(t, "") == NULL);
	CHECK(topo_iface_by_point(t, "node1") == NULL);
	CHECK(topo_iface_by_point(t, "node1/") == NULL);
	CHECK(topo_iface_by_point(t, "/eth0") == NULL);
	CHECK(topo_iface_by_point(t, "node/eth0") == NULL); /* prefix of a node name */
	CHECK(topo_iface_by_point(t, "node1/eth") == NULL); /* prefix of a name */
	CHECK(topo_iface_by_point(t, "node1/eth00") == NULL);
	CHECK(topo_iface_by_point(t, "node2/pod-nginx1/eth0") != NULL);
}

/* Pod eth0 <-> host veth, both ways. */
static void test_veth_pairs(const struct topo *t)
{
	const struct topo_iface *pod, *host;
	char p[128];

	snprintf(p, sizeof p, "node1/%s/eth0", pod_a);
	pod = topo_iface_by_point(t, p);
	host = topo_iface_by_point(t, "node1/vethd7e7c6fd");
	CHECK(pod && host && pod->peer == host && host->peer == pod);
	CHECK(host && host->peer && strcmp(host->peer->netns, pod_a) == 0);
	CHECK(pod && pod->peer && pod->peer->master &&
	      strcmp(pod->peer->master->name, "cni0") == 0);

	snprintf(p, sizeof p, "node1/%s/eth0", pod_b);
	pod = topo_iface_by_point(t, p);
	host = topo_iface_by_point(t, "node1/veth3a1b2c4d");
	CHECK(pod && host && pod->peer == host && host->peer == pod);
	CHECK(topo_iface_by_index(t, "node1", 7)->peer == pod);

	pod = topo_iface_by_point(t, "node2/pod-nginx1/eth0");
	CHECK(pod && pod->peer && strcmp(pod->peer->name, "veth9f8e7d6c") == 0);
	CHECK(topo_iface_by_point(t, "node1/cni0")->peer == NULL);
}

static void test_classify(const struct topo *t)
{
	struct topo_addr_info ai;
	struct pp_addr a, pfx = A("172.23.96.0");
	char buf[128];

	a = A("10.0.0.180");
	CHECK(topo_addr_classify(t, &a, &ai) == TOPO_ADDR_NODE);
	CHECK_STR(ai.node, "node1");
	CHECK(ai.iface && strcmp(ai.iface->name, "eth0") == 0);
	CHECK(ai.prefix_len == 24);

	a = A("10.0.0.181");
	CHECK(topo_addr_classify(t, &a, &ai) == TOPO_ADDR_NODE);
	CHECK_STR(ai.node, "node2");

	a = A("fd00::b4");
	CHECK(topo_addr_classify(t, &a, &ai) == TOPO_ADDR_NODE);
	CHECK(ai.iface && strcmp(ai.iface->name, "eth0") == 0 && ai.prefix_len == 64);

	a = A("172.23.96.0"); /* flannel.1's address */
	CHECK(topo_addr_classify(t, &a, &ai) == TOPO_ADDR_NODE);
	CHECK(ai.iface && strcmp(ai.iface->name, "flannel.1") == 0);

	a = A("172.23.96.21");
	CHECK(topo_addr_classify(t, &a, &ai) == TOPO_ADDR_POD);
	CHECK_STR(ai.node, "node1");
	CHECK_STR(ai.netns, pod_a);
	CHECK(ai.iface && strcmp(ai.iface->name, "eth0") == 0 && ai.iface->netns);
	CHECK(ai.host_veth && strcmp(ai.host_veth->name, "vethd7e7c6fd") == 0);
	CHECK(ai.bridge && strcmp(ai.bridge->name, "cni0") == 0);
	CHECK(ai.prefix_len == 25 && addr_eq(&ai.prefix, &pfx));

	a = A("172.23.96.22");
	CHECK(topo_addr_classify(t, &a, &ai) == TOPO_ADDR_POD);
	CHECK(ai.host_veth && strcmp(ai.host_veth->name, "veth3a1b2c4d") == 0);
	CHECK_STR(ai.netns, pod_b);

	a = A("172.23.96.50"); /* in node1's pod CIDR, no recorded pod */
	CHECK(topo_addr_classify(t, &a, &ai) == TOPO_ADDR_POD);
	CHECK_STR(ai.node, "node1");
	CHECK(ai.netns == NULL && ai.iface == NULL && ai.host_veth == NULL);
	CHECK(ai.bridge && strcmp(ai.bridge->name, "cni0") == 0 && ai.prefix_len == 25);

	a = A("172.23.96.163");
	CHECK(topo_addr_classify(t, &a, &ai) == TOPO_ADDR_POD);
	CHECK_STR(ai.node, "node2");
	CHECK_STR(ai.netns, "pod-nginx1");
	CHECK(ai.host_veth &&
	      strcmp(point(ai.host_veth, buf, sizeof buf), "node2/veth9f8e7d6c") == 0);

	a = A("172.23.96.200"); /* node2's pod CIDR, flannel.1 route on node1 does not count */
	CHECK(topo_addr_classify(t, &a, &ai) == TOPO_ADDR_POD);
	CHECK_STR(ai.node, "node2");

	a = A("192.168.13.23"); /* on kube-ipvs0 of both nodes: node1 was loaded first */
	CHECK(topo_addr_classify(t, &a, &ai) == TOPO_ADDR_SERVICE);
	CHECK_STR(ai.node, "node1");
	CHECK(ai.iface && strcmp(ai.iface->name, "kube-ipvs0") == 0 && ai.prefix_len == 32);
	a = A("192.168.13.40");
	CHECK(topo_addr_classify(t, &a, &ai) == TOPO_ADDR_SERVICE);
	CHECK_STR(ai.node, "node2");

	a = A("127.0.0.1");
	CHECK(topo_addr_classify(t, &a, &ai) == TOPO_ADDR_UNKNOWN);
	CHECK(ai.node == NULL && ai.iface == NULL);
	a = A("::1");
	CHECK(topo_addr_classify(t, &a, &ai) == TOPO_ADDR_UNKNOWN);
	a = A("8.8.8.8");
	CHECK(topo_addr_classify(t, &a, &ai) == TOPO_ADDR_UNKNOWN);
	a = A("fe80::1"); /* fe80::/64 on cni0 is no pod CIDR */
	CHECK(topo_addr_classify(t, &a, &ai) == TOPO_ADDR_UNKNOWN);
	a = A("::ffff:172.23.96.21"); /* IPv4-mapped written as IPv6 is the same address */
	CHECK(topo_addr_classify(t, &a, &ai) == TOPO_ADDR_POD);
	CHECK_STR(topo_addr_kind_name(TOPO_ADDR_SERVICE), "service");
	CHECK_STR(topo_addr_kind_name(TOPO_ADDR_UNKNOWN), "unknown");
}

/* Needs a topology the test may change: --service-cidr. */
static void test_service_cidr(struct topo *t)
{
	struct topo_addr_info ai;
	struct pp_addr a = A("10.96.0.10"), p = A("10.96.0.0");

	CHECK(topo_addr_classify(t, &a, &ai) == TOPO_ADDR_UNKNOWN);
	CHECK(topo_add_service_cidr(t, "10.96.0.0/12") == 0);
	CHECK(topo_addr_classify(t, &a, &ai) == TOPO_ADDR_SERVICE);
	CHECK(ai.node == NULL && ai.prefix_len == 12 && addr_eq(&ai.prefix, &p));
	a = A("10.112.0.1");
	CHECK(topo_addr_classify(t, &a, &ai) == TOPO_ADDR_UNKNOWN);
	CHECK(topo_add_service_cidr(t, "fd00:96::/108") == 0);
	a = A("fd00:96::1");
	CHECK(topo_addr_classify(t, &a, &ai) == TOPO_ADDR_SERVICE);
	CHECK(topo_add_service_cidr(t, "192.168.99.7") == 0);
	a = A("192.168.99.7");
	CHECK(topo_addr_classify(t, &a, &ai) == TOPO_ADDR_SERVICE && ai.prefix_len == 32);
	/* a node address stays a node address */
	CHECK(topo_add_service_cidr(t, "10.0.0.0/8") == 0);
	a = A("10.0.0.180");
	CHECK(topo_addr_classify(t, &a, &ai) == TOPO_ADDR_NODE);
	fputs("(expected usage messages follow)\n", stderr);
	CHECK(topo_add_service_cidr(t, "10.96.0.0/33") == -1);
	CHECK(topo_add_service_cidr(t, "nonsense") == -1);
	CHECK(topo_add_service_cidr(t, "") == -1);
	CHECK(topo_add_service_cidr(t, "10.0.0.0/") == -1);
	CHECK(topo_add_service_cidr(t, "10.0.0.0/-1") == -1);
}

static void hop(const struct topo *t, const char *node, const char *dst, const char *text,
                const char *dev, const char *port)
{
	struct topo_hop h;
	struct pp_addr a = A(dst);
	int rc = topo_next_hop(t, node, &a, &h);

	checks++;
	if (rc != 0 || !h.route || strcmp(h.route->text, text) != 0 ||
	    (dev ? !h.dev || strcmp(h.dev->name, dev) != 0 : h.dev != NULL) ||
	    (port ? !h.port || strcmp(h.port->name, port) != 0 : h.port != NULL)) {
		fprintf(stderr,
		        "[%s] next hop %s -> %s: got rc %d route '%s' dev %s port %s, want '%s' "
		        "dev %s port %s\n",
		        check_context, node, dst, rc, h.route ? h.route->text : "-",
		        h.dev ? h.dev->name : "-", h.port ? h.port->name : "-", text,
		        dev ? dev : "-", port ? port : "-");
		failures++;
	}
}

static void test_next_hop(const struct topo *t)
{
	struct topo_hop h;
	struct pp_addr a;

	hop(t, "node1", "172.23.96.150", "172.23.96.128/25 via 172.23.96.128 dev flannel.1 onlink",
	    "flannel.1", NULL);
	hop(t, "node1", "172.23.96.21", "172.23.96.0/25 dev cni0", "cni0", "vethd7e7c6fd");
	hop(t, "node1", "172.23.96.22", "172.23.96.0/25 dev cni0", "cni0", "veth3a1b2c4d");
	hop(t, "node1", "172.23.96.99", "172.23.96.0/25 dev cni0", "cni0", NULL);
	hop(t, "node1", "8.8.8.8", "default via 10.0.0.1 dev eth0 metric 100", "eth0", NULL);
	hop(t, "node1", "10.99.1.1", "default via 10.0.0.1 dev eth0 metric 100", "eth0", NULL);
	hop(t, "node1", "10.0.0.7", "10.0.0.0/24 dev eth0", "eth0", NULL);
	hop(t, "node1", "198.51.100.7",
	    "198.51.100.0/24 nexthop via 10.0.0.2 dev eth0 weight 1 nexthop via 10.0.0.3 dev eth0 "
	    "weight 2",
	    "eth0", NULL);
	hop(t, "node1", "203.0.113.5", "blackhole 203.0.113.0/24", NULL, NULL);
	hop(t, "node1", "fd00::1", "fd00::/64 dev eth0 metric 256", "eth0", NULL);
	hop(t, "node2", "172.23.96.21", "172.23.96.0/25 via 172.23.96.0 dev flannel.1 onlink",
	    "flannel.1", NULL);
	hop(t, "node2", "172.23.96.163", "172.23.96.128/25 dev cni0", "cni0", "veth9f8e7d6c");

	a = A("2001:db8::1"); /* no IPv6 default route */
	CHECK(topo_next_hop(t, "node1", &a, &h) == -1 && h.route == NULL);
	a = A("8.8.8.8");
	CHECK(topo_next_hop(t, "node3", &a, &h) == -1);
	CHECK(topo_next_hop(t, "node1", &a, &h) == 0 && h.route->table == 254 &&
	      h.route->metric == 100 && h.route->has_gateway && h.route->family == 4 &&
	      h.route->dst_len == 0);
	a = A("198.51.100.7");
	CHECK(topo_next_hop(t, "node1", &a, &h) == 0 && h.route->nnexthops == 2 &&
	      h.route->dev == NULL && h.route->nexthops[1].weight == 2);
}

static void test_nodes(const struct topo *t)
{
	CHECK(topo_node_count(t) == 2);
	CHECK_STR(topo_node_name(t, 0), "node1");
	CHECK_STR(topo_node_name(t, 1), "node2");
	CHECK(topo_node_name(t, 2) == NULL);
	CHECK(topo_has_node(t, "node1") && !topo_has_node(t, "node") && !topo_has_node(t, ""));
}

static struct topo *load(const char *node1, const char *node2)
{
	struct topo *t = topo_new();

	if (!t || topo_load(t, "node1", node1) < 0 || topo_load(t, "node2", node2) < 0) {
		fprintf(stderr, "[%s] cannot load %s\n", check_context, node1);
		exit(1);
	}
	return t;
}

/* --- (a) == (b): every answer of one load equals the other's ------------- */

static int same_iface(const struct topo_iface *x, const struct topo_iface *y)
{
	char p1[128], p2[128];

	if (!x || !y)
		return x == y;
	if (strcmp(point(x, p1, sizeof p1), point(y, p2, sizeof p2)) != 0 ||
	    x->ifindex != y->ifindex || (x->kind == NULL) != (y->kind == NULL) ||
	    (x->kind && strcmp(x->kind, y->kind) != 0) || x->mtu != y->mtu || x->up != y->up ||
	    x->has_mac != y->has_mac || memcmp(x->mac, y->mac, 6) != 0 ||
	    x->is_vxlan != y->is_vxlan || x->vxlan.vni != y->vxlan.vni ||
	    x->vxlan.port != y->vxlan.port || x->vxlan.has_local != y->vxlan.has_local ||
	    !addr_eq(&x->vxlan.local, &y->vxlan.local))
		return 0;
	/* one level deep for the pointers: names suffice */
	if ((x->master == NULL) != (y->master == NULL) ||
	    (x->master && strcmp(point(x->master, p1, sizeof p1), point(y->master, p2, sizeof p2))))
		return 0;
	if ((x->peer == NULL) != (y->peer == NULL) ||
	    (x->peer && strcmp(point(x->peer, p1, sizeof p1), point(y->peer, p2, sizeof p2))))
		return 0;
	if ((x->vxlan.dev == NULL) != (y->vxlan.dev == NULL) ||
	    (x->vxlan.dev && strcmp(x->vxlan.dev->name, y->vxlan.dev->name)))
		return 0;
	return 1;
}

static void compare(const struct topo *ta, const struct topo *tb)
{
	static const char *const pod_ifs[] = {"lo", "eth0"};
	static const char *const addrs[] = {
	    "10.0.0.180",    "10.0.0.181",      "10.0.0.1",          "172.23.96.0",
	    "172.23.96.1",   "172.23.96.21",    "172.23.96.22",      "172.23.96.23",
	    "172.23.96.127", "172.23.96.128",   "172.23.96.129",     "172.23.96.163",
	    "172.23.97.1",   "192.168.13.23",   "192.168.13.24",     "127.0.0.1",
	    "fd00::b4",      "fd00::1",         "fe80::aff:fe00:b4", "::1",
	    "0.0.0.0",       "255.255.255.255", "198.51.100.7",      "203.0.113.5",
	    "10.99.0.1"};
	char p[128];

	for (uint32_t i = 0; i < 64; i++) {
		CHECK(same_iface(topo_iface_by_index(ta, "node1", i),
		                 topo_iface_by_index(tb, "node1", i)));
		CHECK(same_iface(topo_iface_by_index(ta, "node2", i),
		                 topo_iface_by_index(tb, "node2", i)));
	}
	for (int k = 0; k < 2; k++) {
		for (int j = 0; j < 2; j++) {
			snprintf(p, sizeof p, "node1/%s/%s", k ? pod_b : pod_a, pod_ifs[j]);
			CHECK(topo_iface_by_point(ta, p) != NULL);
			CHECK(same_iface(topo_iface_by_point(ta, p), topo_iface_by_point(tb, p)));
		}
	}
	for (size_t i = 0; i < sizeof addrs / sizeof addrs[0]; i++) {
		struct pp_addr a = A(addrs[i]);
		struct topo_addr_info x, y;
		struct topo_hop hx, hy;
		int rx, ry;

		CHECK(topo_addr_classify(ta, &a, &x) == topo_addr_classify(tb, &a, &y));
		CHECK((x.node == NULL) == (y.node == NULL) &&
		      (!x.node || strcmp(x.node, y.node) == 0));
		CHECK((x.netns == NULL) == (y.netns == NULL) &&
		      (!x.netns || strcmp(x.netns, y.netns) == 0));
		CHECK(same_iface(x.iface, y.iface));
		CHECK(same_iface(x.host_veth, y.host_veth));
		CHECK(same_iface(x.bridge, y.bridge));
		CHECK(x.prefix_len == y.prefix_len && addr_eq(&x.prefix, &y.prefix));
		for (int n = 0; n < 2; n++) {
			const char *node = n ? "node2" : "node1";

			rx = topo_next_hop(ta, node, &a, &hx);
			ry = topo_next_hop(tb, node, &a, &hy);
			CHECK(rx == ry);
			CHECK((hx.route == NULL) == (hy.route == NULL));
			if (hx.route && hy.route) {
				CHECK(strcmp(hx.route->text, hy.route->text) == 0);
				CHECK(hx.route->table == hy.route->table &&
				      hx.route->metric == hy.route->metric);
			}
			CHECK(same_iface(hx.dev, hy.dev));
			CHECK(same_iface(hx.port, hy.port));
		}
	}
}

/* (c) a lone `ip -j -d addr show` of the node: no pods, no routes but the
 * prefix routes of its addresses. */
static void test_addr_file(const char *addr_file, const char *node2)
{
	struct topo *t = load(addr_file, node2);
	struct topo_addr_info ai;
	struct pp_addr a;

	check_context = "addr file";
	CHECK_STR(topo_iface_by_index(t, "node1", 6)->name, "vethd7e7c6fd");
	CHECK(topo_iface_by_index(t, "node1", 6)->peer == NULL);
	CHECK(topo_iface_by_point(t, "node1/flannel.1")->vxlan.port == 8472);
	a = A("10.0.0.180");
	CHECK(topo_addr_classify(t, &a, &ai) == TOPO_ADDR_NODE);
	a = A("192.168.13.23");
	CHECK(topo_addr_classify(t, &a, &ai) == TOPO_ADDR_SERVICE && strcmp(ai.node, "node1") == 0);
	a = A("172.23.96.21");
	CHECK(topo_addr_classify(t, &a, &ai) == TOPO_ADDR_POD);
	CHECK(ai.netns == NULL && ai.bridge && strcmp(ai.bridge->name, "cni0") == 0);
	CHECK_STR(ai.node, "node1");
	hop(t, "node1", "172.23.96.21", "172.23.96.0/25 dev cni0", "cni0", NULL);
	hop(t, "node1", "10.0.0.9", "10.0.0.0/24 dev eth0", "eth0", NULL);
	hop(t, "node1", "fd00::9", "fd00::/64 dev eth0 metric 256", "eth0", NULL);
	a = A("8.8.8.8");
	{
		struct topo_hop h;

		CHECK(topo_next_hop(t, "node1", &a, &h) == -1);
	}
	topo_free(t);
}

int main(int argc, char **argv)
{
	const char *snap = FIXTURES "/node1.snapshot.json", *ipj = FIXTURES "/node1-ipj",
	           *addr = FIXTURES "/node1.addr.json", *node2 = FIXTURES "/node2.snapshot.json";
	const char *prefix = "pp-fx";
	struct topo *ta, *tb;

	if (argc >= 4) {
		snap = argv[1];
		ipj = argv[2];
		addr = argv[3];
		if (argc >= 5)
			prefix = argv[4];
	}
	snprintf(pod_a, sizeof pod_a, "%s-pod-a", prefix);
	snprintf(pod_b, sizeof pod_b, "%s-pod-b", prefix);

	ta = load(snap, node2);
	tb = load(ipj, node2);
	for (int k = 0; k < 2; k++) {
		struct topo *t = k ? tb : ta;

		check_context = k ? "ip -j dir" : "snapshot";
		test_nodes(t);
		test_ifindex(t);
		test_points(t);
		test_veth_pairs(t);
		test_classify(t);
		test_next_hop(t);
	}
	check_context = "snapshot == ip -j dir";
	compare(ta, tb);
	check_context = "service cidr";
	test_service_cidr(ta);
	topo_free(ta);
	topo_free(tb);
	test_addr_file(addr, node2);

	printf("%u checks, %u failed\n", checks, failures);
	return failures ? 1 : 0;
}
