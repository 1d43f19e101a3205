# pktpath lab: the HTTP backends and the clients.
# Sourced by lab.sh. Backends are python3 http.server processes inside the
# backend pods (HTTP/1.0, one connection per request, server closes first).

SERVER_PIDS=()

# www_prepare DIR: per-pod document roots: index.html names the pod, small.txt,
# bulk.bin (BULK_SIZE bytes of seeded pseudo-random data, the same every
# run, so no two segments carry the same payload) and mid.bin (its first
# MID_SIZE bytes).
www_prepare() {
	local dir=$1 p
	mkdir -p "$dir"
	"$PY" -c 'import random,sys; sys.stdout.buffer.write(random.Random(20240601).randbytes(int(sys.argv[1])))' \
		"$BULK_SIZE" >"$dir/bulk.bin"
	head -c "$MID_SIZE" "$dir/bulk.bin" >"$dir/mid.bin"
	for p in pod-nginx0 pod-nginx1 pod-nginx2; do
		mkdir -p "$dir/$p"
		printf '<html><body>%s</body></html>\n' "$p" >"$dir/$p/index.html"
		printf 'small file served by %s\n' "$p" >"$dir/$p/small.txt"
		ln -s ../bulk.bin "$dir/$p/bulk.bin"
		ln -s ../mid.bin "$dir/$p/mid.bin"
	done
}

servers_up() {
	local p bind=0.0.0.0 i
	[ "${TOPO_IPV6:-0}" = 1 ] && bind=::
	for p in pod-nginx0 pod-nginx1 pod-nginx2; do
		ip netns exec "$(pod_ns "$p")" "$PY" -m http.server "$POD_HTTP_PORT" --bind "$bind" \
			--directory "$WORK/www/$p" >"$STAGE/.logs/http.$p.log" 2>&1 &
		SERVER_PIDS+=($!)
	done
	for p in pod-nginx0 pod-nginx1 pod-nginx2; do
		for i in $(seq 1 100); do
			[ -n "$(ip netns exec "$(pod_ns "$p")" ss -Hltn "sport = :$POD_HTTP_PORT")" ] && break
			sleep 0.05
		done
		[ -n "$(ip netns exec "$(pod_ns "$p")" ss -Hltn "sport = :$POD_HTTP_PORT")" ] ||
			die "http server in $p did not start: $(cat "$STAGE/.logs/http.$p.log")"
	done
}

servers_down() {
	local pid
	for pid in "${SERVER_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
	for pid in "${SERVER_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
	SERVER_PIDS=()
}

# http_get NS SPORT URL WANT_RC MAX_TIME: one curl with a fixed source port;
# dies when curl's exit status is not WANT_RC (the lab did not do what the
# scenario says), and logs the result for the README.
http_get() {
	local ns=$1 sport=$2 url=$3 want=$4 max=$5 out rc
	set +e
	out=$(ip netns exec "$ns" curl -g -sS -o /dev/null --local-port "$sport" --max-time "$max" \
		-w 'http %{http_code}, %{size_download} bytes in %{time_total} s' "$url" 2>&1)
	rc=$?
	set -e
	out=$(printf '%s' "$out" | tr '\n' ' ')
	printf -- '- `ip netns exec %s curl -g -sS -o /dev/null --local-port %s --max-time %s %s`: exit %s (%s)\n' \
		"$ns" "$sport" "$max" "$url" "$rc" "$out" >>"$STAGE/.run.md"
	[ "$rc" = "$want" ] || die "curl $url from $ns (sport $sport): exit $rc, expected $want: $out"
}
