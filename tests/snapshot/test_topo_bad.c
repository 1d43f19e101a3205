/* test_topo_bad.c - malformed, hostile and odd topology files: topo_load()
 * must fail with exactly one message that names the file, never crash, and
 * leave the topology as it was. Besides the named cases, two sweeps over
 * the real fixtures: every value replaced by values of other types, and
 * the file cut short at many lengths. Run it under the sanitizer build.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "topo/topo.h"

/* stderr is redirected while loading: messages go to the saved one */
#define CHECK_PRINT(...) dprintf(saved_stderr, __VA_ARGS__)
#include "check.h"

static char tmpdir[] = "/tmp/pp-topo-bad.XXXXXX";
static int errfd = -1; /* stderr goes here while loading */
static int saved_stderr = -1;

static void write_file(const char *path, const char *text, size_t len)
{
	FILE *fp = fopen(path, "w");

	if (!fp || fwrite(text, 1, len, fp) != len || fclose(fp) != 0) {
		dprintf(saved_stderr, "cannot write %s: %s\n", path, strerror(errno));
		exit(1);
	}
}

/* stderr captured since the last call. */
static char *take_stderr(void)
{
	static char buf[8192];
	ssize_t n;

	fflush(stderr);
	n = pread(errfd, buf, sizeof buf - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	if (ftruncate(errfd, 0) < 0)
		exit(1);
	lseek(errfd, 0, SEEK_SET);
	return buf;
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Loads path as node "bad" into t, which already holds node "good". */
static void expect_error(struct topo *t, const char *path, const char *want)
{
	char prefix[512];
	const char *err;
	int rc;

	take_stderr();
	rc = topo_load(t, "bad", path);
	err = take_stderr();
	/* "pktpath: PATH: why", or "pktpath: PATH/FILE: why" for a directory */
	snprintf(prefix, sizeof prefix, "pktpath: %s", path);
	checks++;
	if (rc != -1 || count_lines(err) != 1 || strncmp(err, prefix, strlen(prefix)) != 0 ||
	    (want && !strstr(err, want))) {
		dprintf(saved_stderr, "FAIL %s: rc %d, want one message with '%s', got:\n%s", path,
		        rc, want ? want : "", err);
		failures++;
	}
	/* the topology is as it was */
	CHECK(topo_node_count(t) == 1 && !topo_has_node(t, "bad"));
	CHECK(topo_iface_by_index(t, "good", 3) &&
	      strcmp(topo_iface_by_index(t, "good", 3)->name, "cni0") == 0);
}

static void case_text(struct topo *t, const char *name, const char *text, const char *want)
{
	char path[256];

	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	write_file(path, text, strlen(text));
	expect_error(t, path, want);
}

#define SNAP_HEAD "{\"pktpath_snapshot\": 1, \"namespaces\": ["
#define NS0       "{\"name\": null, \"links\": "
#define LO        "{\"ifindex\": 1, \"name\": \"lo\"}"
#define ETH0      "{\"ifindex\": 2, \"name\": \"eth0\"}"

static void named_cases(struct topo *t)
{
	char path[256], big[300000];
	size_t n;

	case_text(t, "empty", "", "empty file");
	case_text(t, "text", "this is not json\n", "not valid JSON");
	case_text(t, "garbage", "\x01\x02\xff\xfe{[\"", "not valid JSON");
	case_text(t, "trailing", SNAP_HEAD "]} x", "not valid JSON");
	case_text(t, "array0", "[]", "empty JSON array");
	case_text(t, "object0", "{}", "neither a pktpath snapshot");
	case_text(t, "number", "42", "not valid JSON");
	case_text(t, "string", "\"x\"", "not valid JSON");
	case_text(t, "nul", "[{\"ifindex\": 1, \"ifname\": \"l\\u0000o\"}]", "not valid JSON");
	case_text(t, "bigint", "{\"pktpath_snapshot\": 1e999}", "not valid JSON");
	case_text(t, "version2", "{\"pktpath_snapshot\": 2, \"namespaces\": []}",
	          "version 2 is not supported");
	case_text(t, "version_str", "{\"pktpath_snapshot\": \"1\"}",
	          "'pktpath_snapshot' must be an integer");
	case_text(t, "version_neg", "{\"pktpath_snapshot\": -1}", "must be an integer");
	case_text(t, "no_ns", "{\"pktpath_snapshot\": 1}", "'namespaces' is missing");
	case_text(t, "ns_obj", "{\"pktpath_snapshot\": 1, \"namespaces\": {}}",
	          "'namespaces' must be an array");
	case_text(t, "ns_empty", SNAP_HEAD "]}", "'namespaces' is empty");
	case_text(t, "ns_num", SNAP_HEAD "5]}", "namespaces[0]: must be an object");
	case_text(t, "ns_named_first",
	          SNAP_HEAD "{\"name\": \"x\", \"links\": [], \"addresses\": [], \"routes\": []}]}",
	          "the first namespace must be the node's own");
	case_text(t, "ns_unnamed_second",
	          SNAP_HEAD NS0
	          "[" LO "], \"addresses\": [], \"routes\": []},"
	          "{\"name\": null, \"links\": [], \"addresses\": [], \"routes\": []}]}",
	          "namespaces[1]: 'name' is missing");
	case_text(t, "ns_slash",
	          SNAP_HEAD NS0
	          "[" LO "], \"addresses\": [], \"routes\": []},"
	          "{\"name\": \"a/b\", \"links\": [], \"addresses\": [], \"routes\": []}]}",
	          "'a/b' is not a valid namespace name");
	case_text(t, "no_links", SNAP_HEAD "{\"name\": null}]}", "'links' is missing");
	case_text(t, "links_obj", SNAP_HEAD NS0 "{}}]}", "'links' must be an array");
	case_text(t, "link_num", SNAP_HEAD NS0 "[1]}]}",
	          "namespaces[0].links[0]: must be an object");
	case_text(t, "ifindex_str", SNAP_HEAD NS0 "[{\"ifindex\": \"2\", \"name\": \"eth0\"}]}]}",
	          "namespaces[0].links[0]: 'ifindex' must be an integer");
	case_text(t, "ifindex_neg", SNAP_HEAD NS0 "[{\"ifindex\": -2, \"name\": \"eth0\"}]}]}",
	          "'ifindex'");
	case_text(t, "ifindex_zero", SNAP_HEAD NS0 "[{\"ifindex\": 0, \"name\": \"eth0\"}]}]}",
	          "must not be 0");
	case_text(t, "ifindex_huge",
	          SNAP_HEAD NS0 "[{\"ifindex\": 1099511627776, \"name\": \"eth0\"}]}]}",
	          "'ifindex'");
	case_text(t, "ifindex_real", SNAP_HEAD NS0 "[{\"ifindex\": 2.5, \"name\": \"eth0\"}]}]}",
	          "'ifindex'");
	case_text(t, "name_missing", SNAP_HEAD NS0 "[{\"ifindex\": 2}]}]}", "'name' is missing");
	case_text(t, "name_num", SNAP_HEAD NS0 "[{\"ifindex\": 2, \"name\": 7}]}]}",
	          "'name' must be a string");
	case_text(t, "name_empty", SNAP_HEAD NS0 "[{\"ifindex\": 2, \"name\": \"\"}]}]}",
	          "not a valid interface name");
	case_text(t, "name_slash", SNAP_HEAD NS0 "[{\"ifindex\": 2, \"name\": \"a/b\"}]}]}",
	          "not a valid interface name");
	case_text(t, "master_str",
	          SNAP_HEAD NS0 "[{\"ifindex\": 2, \"name\": \"e\", \"master\": \"cni0\"}]}]}",
	          "'master' must be an object");
	case_text(t, "vxlan_vni",
	          SNAP_HEAD NS0
	          "[{\"ifindex\": 2, \"name\": \"v\", \"vxlan\": {\"vni\": 16777216}}]}]}",
	          "'vni'");
	case_text(
	    t, "vxlan_local",
	    SNAP_HEAD NS0
	    "[{\"ifindex\": 2, \"name\": \"v\", \"vxlan\": {\"vni\": 1, \"local\": \"x\"}}]}]}",
	    "'local' is not an IP address");
	case_text(t, "up_str",
	          SNAP_HEAD NS0 "[{\"ifindex\": 2, \"name\": \"e\", \"up\": \"yes\"}]}]}",
	          "'up' must be true or false");
	case_text(t, "dup_index",
	          SNAP_HEAD NS0
	          "[" LO
	          ", {\"ifindex\": 1, \"name\": \"eth0\"}], \"addresses\": [], \"routes\": []}]}",
	          "two links with ifindex 1");
	case_text(t, "dup_name",
	          SNAP_HEAD NS0
	          "[" LO
	          ", {\"ifindex\": 2, \"name\": \"lo\"}], \"addresses\": [], \"routes\": []}]}",
	          "two links named lo");
	case_text(t, "no_addresses", SNAP_HEAD NS0 "[" LO "]}]}", "'addresses' is missing");
	case_text(t, "addr_bad",
	          SNAP_HEAD NS0 "[" ETH0
	                        "], \"addresses\": [{\"ifindex\": 2, \"family\": \"inet\", "
	                        "\"address\": \"999.1.1.1\", \"prefixlen\": 8}], \"routes\": []}]}",
	          "namespaces[0].addresses[0]: 'address' is not an IP address");
	case_text(t, "addr_plen",
	          SNAP_HEAD NS0 "[" ETH0
	                        "], \"addresses\": [{\"ifindex\": 2, \"family\": \"inet\", "
	                        "\"address\": \"10.0.0.1\", \"prefixlen\": 33}], \"routes\": []}]}",
	          "'prefixlen' must be an integer from 0 to 32");
	case_text(t, "addr_family",
	          SNAP_HEAD NS0 "[" ETH0
	                        "], \"addresses\": [{\"ifindex\": 2, \"family\": \"inet\", "
	                        "\"address\": \"fd00::1\", \"prefixlen\": 64}], \"routes\": []}]}",
	          "disagree");
	case_text(t, "addr_noif",
	          SNAP_HEAD NS0 "[" ETH0 "], \"addresses\": [{\"family\": \"inet\", \"address\": "
	                        "\"10.0.0.1\", \"prefixlen\": 8}], \"routes\": []}]}",
	          "neither 'ifindex' nor 'ifname'");
	case_text(t, "no_routes", SNAP_HEAD NS0 "[" ETH0 "], \"addresses\": []}]}",
	          "'routes' is missing");
	case_text(t, "route_dst",
	          SNAP_HEAD NS0 "[" ETH0 "], \"addresses\": [], \"routes\": [{\"table\": 254, "
	                        "\"family\": \"inet\", \"dst\": \"10.0.0.0/99\"}]}]}",
	          "namespaces[0].routes[0]: 'dst' is not a prefix");
	case_text(t, "route_family",
	          SNAP_HEAD NS0 "[" ETH0 "], \"addresses\": [], \"routes\": [{\"table\": 254, "
	                        "\"family\": \"inet6\", \"dst\": \"10.0.0.0/8\"}]}]}",
	          "'dst' and 'family' disagree");
	case_text(t, "route_table",
	          SNAP_HEAD NS0 "[" ETH0 "], \"addresses\": [], \"routes\": [{\"table\": -1, "
	                        "\"family\": \"inet\", \"dst\": \"default\"}]}]}",
	          "'table'");
	case_text(t, "route_nh",
	          SNAP_HEAD NS0 "[" ETH0
	                        "], \"addresses\": [], \"routes\": [{\"table\": 254, \"family\": "
	                        "\"inet\", \"dst\": \"default\", \"nexthops\": [1]}]}]}",
	          "routes[0].nexthops[0]: must be an object");
	case_text(t, "route_gw",
	          SNAP_HEAD NS0 "[" ETH0
	                        "], \"addresses\": [], \"routes\": [{\"table\": 254, \"family\": "
	                        "\"inet\", \"dst\": \"default\", \"gateway\": [\"10.0.0.1\"]}]}]}",
	          "'gateway' must be a string");
	case_text(t, "no_ifaces", SNAP_HEAD NS0 "[], \"addresses\": [], \"routes\": []}]}",
	          "no interfaces");

	/* ip -j shapes */
	case_text(t, "ipj_route_alone",
	          "[{\"dst\": \"default\", \"gateway\": \"10.0.0.1\", \"dev\": \"eth0\"}]",
	          "ip -j route output alone");
	case_text(t, "ipj_noname", "[{\"ifindex\": 1}]", "not ip -j link or addr output");
	case_text(t, "ipj_nums", "[1, 2, 3]", "not ip -j link or addr output");
	case_text(t, "ipj_ifindex", "[{\"ifindex\": \"1\", \"ifname\": \"lo\"}]",
	          "[0]: 'ifindex' must be an integer");
	case_text(t, "ipj_second", "[{\"ifindex\": 1, \"ifname\": \"lo\"}, 7]",
	          "[1]: must be an object");
	case_text(t, "ipj_addrinfo", "[{\"ifindex\": 1, \"ifname\": \"lo\", \"addr_info\": {}}]",
	          "'addr_info' must be an array");
	case_text(t, "ipj_local",
	          "[{\"ifindex\": 1, \"ifname\": \"lo\", \"addr_info\": [{\"family\": \"inet\", "
	          "\"local\": \"x\", \"prefixlen\": 8}]}]",
	          "[0].addr_info[0]: 'local' is not an IP address");
	case_text(t, "ipj_local_missing",
	          "[{\"ifindex\": 1, \"ifname\": \"lo\", \"addr_info\": [{\"family\": \"inet\", "
	          "\"prefixlen\": 8}]}]",
	          "'local' is missing");
	case_text(t, "ipj_family",
	          "[{\"ifindex\": 1, \"ifname\": \"lo\", \"addr_info\": [{\"family\": 4, "
	          "\"local\": \"1.2.3.4\", \"prefixlen\": 8}]}]",
	          "'family' must be a string");
	case_text(t, "ipj_linkinfo", "[{\"ifindex\": 1, \"ifname\": \"v\", \"linkinfo\": []}]",
	          "'linkinfo' must be an object");
	case_text(t, "ipj_kind",
	          "[{\"ifindex\": 1, \"ifname\": \"v\", \"linkinfo\": {\"info_kind\": 5}}]",
	          "'info_kind' must be a string");
	case_text(t, "ipj_vxlan_port",
	          "[{\"ifindex\": 1, \"ifname\": \"v\", \"linkinfo\": {\"info_kind\": \"vxlan\", "
	          "\"info_data\": {\"id\": 1, \"port\": 70000}}}]",
	          "'port'");
	case_text(t, "ipj_flags", "[{\"ifindex\": 1, \"ifname\": \"v\", \"flags\": \"UP\"}]",
	          "'flags' must be an array");
	case_text(t, "ipj_netnsid", "[{\"ifindex\": 1, \"ifname\": \"v\", \"link_netnsid\": -5}]",
	          "'link_netnsid'");

	/* deep nesting: jansson's depth limit, not a stack overflow */
	n = 0;
	for (int i = 0; i < 100000 && n < sizeof big - 2; i++)
		big[n++] = '[';
	big[n] = '\0';
	case_text(t, "deep", big, "not valid JSON");
	/* a long name */
	snprintf(big, sizeof big, "[{\"ifindex\": 1, \"ifname\": \"%0*d\"}]", 5000, 0);
	case_text(t, "longname", big, "too long");

	/* not files */
	snprintf(path, sizeof path, "%s/does-not-exist", tmpdir);
	expect_error(t, path, "No such file or directory");
	expect_error(t, "/dev/null", "not a regular file");

	/* directories */
	snprintf(path, sizeof path, "%s/dir-empty", tmpdir);
	mkdir(path, 0700);
	expect_error(t, path, "no host.addr.json or host.link.json");
	snprintf(path, sizeof path, "%s/dir-badroute", tmpdir);
	mkdir(path, 0700);
	{
		char f[300];

		snprintf(f, sizeof f, "%s/host.addr.json", path);
		write_file(f, "[{\"ifindex\": 1, \"ifname\": \"lo\"}]", 32);
		snprintf(f, sizeof f, "%s/host.route.json", path);
		write_file(f, "{\"dst\": 1}", 10);
		take_stderr();
		CHECK(topo_load(t, "bad", path) == -1);
		{
			const char *err = take_stderr();

			/* the message names the file inside the directory */
			CHECK(count_lines(err) == 1 &&
			      strstr(err, "host.route.json: must hold a JSON array"));
		}
		write_file(f, "[{\"dst\": \"10.0.0.0/8\", \"table\": []}]", 36);
		expect_error(t, path, NULL);
		snprintf(f, sizeof f, "%s/host.route.json", path);
		write_file(f, "[{\"dst\": \"default\", \"nexthops\": {}}]", 36);
		take_stderr();
		CHECK(topo_load(t, "bad", path) == -1);
		CHECK(count_lines(take_stderr()) == 1);
		write_file(f, "[]", 2);
		snprintf(f, sizeof f, "%s/pod-x.link.json", path);
		write_file(f, "", 0);
		take_stderr();
		CHECK(topo_load(t, "bad", path) == -1);
		CHECK(strstr(take_stderr(), "pod-x.link.json: empty file") != NULL);
		unlink(f);
		snprintf(f, sizeof f, "%s/pod-y.addr.json", path);
		mkdir(f, 0700);
		take_stderr();
		CHECK(topo_load(t, "bad", path) == -1);
		CHECK(strstr(take_stderr(), "pod-y.addr.json: not a regular file") != NULL);
		rmdir(f);
		/* and now it is fine */
		CHECK(topo_load(t, "ok", path) == 0);
		CHECK(topo_iface_by_index(t, "ok", 1) != NULL);
		CHECK(topo_iface_by_point(t, "ok/lo") != NULL);
	}
	/* node names */
	take_stderr();
	CHECK(topo_load(t, "good", FIXTURES "/node2.snapshot.json") == -1);
	CHECK(strstr(take_stderr(), "node good already has a topology") != NULL);
	CHECK(topo_load(t, "a/b", FIXTURES "/node2.snapshot.json") == -1);
	CHECK(topo_load(t, "", FIXTURES "/node2.snapshot.json") == -1);
	take_stderr();
}

/* --- sweeps -------------------------------------------------------------- */

static unsigned long sweep_loads, sweep_ok;

/* Loads text as a fresh node; success or exactly one message. */
static void load_text(const char *path, const char *text, size_t len, const char *dir)
{
	struct topo *t = topo_new();
	const char *err;
	int rc;

	write_file(path, text, len);
	take_stderr();
	rc = topo_load(t, "m", dir ? dir : path);
	err = take_stderr();
	sweep_loads++;
	if (rc == 0) {
		struct pp_addr a;
		unsigned l;
		struct topo_addr_info ai;
		struct topo_hop h;

		sweep_ok++;
		/* whatever loaded must answer without crashing */
		for (uint32_t i = 0; i < 10; i++)
			topo_iface_by_index(t, "m", i);
		topo_iface_by_point(t, "m/eth0");
		topo_parse_cidr("172.23.96.21", &a, &l);
		topo_addr_classify(t, &a, &ai);
		topo_next_hop(t, "m", &a, &h);
	}
	checks++;
	if ((rc == 0 && *err) || (rc != 0 && count_lines(err) != 1)) {
		dprintf(saved_stderr, "FAIL sweep: rc %d, messages:\n%s--- input:\n%.*s\n", rc, err,
		        (int)(len > 2000 ? 2000 : len), text);
		failures++;
	}
	topo_free(t);
}

static const char *const odd_values[] = {"null", "true",    "-1", "0",  "4294967296", "2.5",
                                         "\"\"", "\"a/b\"", "[]", "{}", "\"::1\"",    "[null]"};

/* Every value of root (first 3 entries of each array only, to keep the sweep
 * fast) replaced in turn by each odd value. */
static void mutate(json_t *root, json_t *v, const char *path, const char *dir)
{
	if (json_is_object(v)) {
		/* Work on a copy of the key list: deleting and re-adding a key
		 * moves it to the end of jansson's (ordered) object. */
		size_t nkeys = json_object_size(v), k = 0;
		char **keys = calloc(nkeys ? nkeys : 1, sizeof *keys);
		const char *key;
		json_t *child;

		if (!keys)
			exit(1);
		json_object_foreach(v, key, child) if (!(keys[k++] = strdup(key))) exit(1);
		for (k = 0; k < nkeys; k++) {
			child = json_object_get(v, keys[k]);
			json_incref(child);
			for (size_t i = 0; i < sizeof odd_values / sizeof odd_values[0]; i++) {
				json_t *odd = json_loads(odd_values[i], JSON_DECODE_ANY, NULL);
				char *text;

				json_object_set_new(v, keys[k], odd);
				text = json_dumps(root, JSON_COMPACT);
				load_text(path, text, strlen(text), dir);
				free(text);
			}
			json_object_del(v, keys[k]); /* and absent */
			{
				char *text = json_dumps(root, JSON_COMPACT);

				load_text(path, text, strlen(text), dir);
				free(text);
			}
			json_object_set_new(v, keys[k], child);
			mutate(root, child, path, dir);
			free(keys[k]);
		}
		free(keys);
	} else if (json_is_array(v)) {
		for (size_t i = 0; i < json_array_size(v) && i < 3; i++) {
			json_t *child = json_array_get(v, i);

			json_incref(child);
			for (size_t k = 0; k < sizeof odd_values / sizeof odd_values[0]; k++) {
				char *text;

				json_array_set_new(
				    v, i, json_loads(odd_values[k], JSON_DECODE_ANY, NULL));
				text = json_dumps(root, JSON_COMPACT);
				load_text(path, text, strlen(text), dir);
				free(text);
			}
			json_array_set_new(v, i, child);
			mutate(root, child, path, dir);
		}
	}
}

static void sweep_file(const char *src, const char *path, const char *dir)
{
	json_t *root = json_load_file(src, 0, NULL);
	FILE *fp;
	char *text;
	long len;

	if (!root) {
		dprintf(saved_stderr, "cannot read fixture %s\n", src);
		exit(1);
	}
	mutate(root, root, path, dir);
	json_decref(root);

	/* cut short at many lengths */
	fp = fopen(src, "r");
	if (!fp || fseek(fp, 0, SEEK_END) < 0 || (len = ftell(fp)) <= 0)
		exit(1);
	rewind(fp);
	text = malloc((size_t)len);
	if (!text || fread(text, 1, (size_t)len, fp) != (size_t)len)
		exit(1);
	fclose(fp);
	for (long cut = 0; cut < len; cut += 1 + cut / 16)
		load_text(path, text, (size_t)cut, dir);
	free(text);
}

static void copy_file(const char *from, const char *to)
{
	FILE *fp = fopen(from, "r");
	char buf[65536];
	size_t n;

	if (!fp)
		exit(1);
	n = fread(buf, 1, sizeof buf, fp);
	fclose(fp);
	write_file(to, buf, n);
}

static void sweeps(void)
{
	char path[256], dir[256], f[300];
	static const char *const parts[] = {"host.link.json",        "host.addr.json",
	                                    "host.route.json",       "pp-fx-pod-a.link.json",
	                                    "pp-fx-pod-a.addr.json", "pp-fx-pod-a.route.json"};

	snprintf(path, sizeof path, "%s/sweep.json", tmpdir);
	sweep_file(FIXTURES "/node2.snapshot.json", path, NULL);
	sweep_file(FIXTURES "/node1.addr.json", path, NULL);

	/* the ip -j directory, one file at a time */
	snprintf(dir, sizeof dir, "%s/sweepdir", tmpdir);
	mkdir(dir, 0700);
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		char src[300];

		for (size_t k = 0; k < sizeof parts / sizeof parts[0]; k++) {
			snprintf(src, sizeof src, "%s/node1-ipj/%s", FIXTURES, parts[k]);
			snprintf(f, sizeof f, "%s/%s", dir, parts[k]);
			copy_file(src, f);
		}
		snprintf(src, sizeof src, "%s/node1-ipj/%s", FIXTURES, parts[i]);
		snprintf(f, sizeof f, "%s/%s", dir, parts[i]);
		sweep_file(src, f, dir);
	}
	for (size_t k = 0; k < sizeof parts / sizeof parts[0]; k++) {
		snprintf(f, sizeof f, "%s/%s", dir, parts[k]);
		unlink(f);
	}
	rmdir(dir);
	unlink(path);
}

static void cleanup(void)
{
	char cmd[300];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		dprintf(saved_stderr, "cannot remove %s\n", tmpdir);
}

int main(void)
{
	struct topo *t;
	char errpath[300];

	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	saved_stderr = dup(2);
	snprintf(errpath, sizeof errpath, "%s/stderr", tmpdir);
	errfd = open(errpath, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (saved_stderr < 0 || errfd < 0 || dup2(errfd, 2) < 0) {
		perror("stderr");
		return 1;
	}

	t = topo_new();
	if (topo_load(t, "good", FIXTURES "/node1.snapshot.json") < 0) {
		dprintf(saved_stderr, "cannot load the good fixture:\n%s", take_stderr());
		return 1;
	}
	named_cases(t);
	topo_free(t);
	sweeps();

	dup2(saved_stderr, 2);
	cleanup();
	printf("%u checks, %u failed; sweep: %lu loads, %lu accepted\n", checks, failures,
	       sweep_loads, sweep_ok);
	return failures ? 1 : 0;
}
