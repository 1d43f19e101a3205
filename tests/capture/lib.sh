# lib.sh - helpers for the capture shell tests (sourced).

# need TOOL...: skip (77) when a tool is missing.
need() {
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || { echo "$t not installed: skipped"; exit 77; }
	done
}

# frames_capdump FILE: "recno if dir caplen len ts name" per frame, as read
# by the capture layer (if "-" without an interface).
frames_capdump() {
	"$CAPDUMP" -p "$1" | awk '$1 == "frame" {
		sub("if=", "", $4); sub("dir=", "", $5); sub("caplen=", "", $7);
		sub("len=", "", $8); sub("ts=", "", $9); n = $10; sub("name=", "", n);
		if (n == "") n = "-";
		print $2, $4, $5, $7, $8, $9, n }'
}

# frames_tshark FILE: the same fields as Wireshark reads them.
frames_tshark() {
	tshark -r "$1" -T fields -E separator=/t -e frame.number -e frame.interface_id \
		-e frame.packet_flags_direction -e frame.cap_len -e frame.len \
		-e frame.time_epoch -e frame.interface_name 2>/dev/null |
		awk -F '\t' '{
			dir = 0;
			if ($3 != "") {
				dir = (index("0123456789abcdef", tolower(substr($3, length($3)))) - 1) % 4;
				if (dir == 3) dir = 0;
			}
			ts = $6; split(ts, p, "."); frac = substr(p[2] "000000000", 1, 9);
			name = $7 == "" ? "-" : $7;
			print $1, $2 == "" ? "-" : $2, dir, $4, $5, p[1] frac, name }'
}

# same_frames FILE WHAT: capdump and tshark agree on every frame.
same_frames() {
	local f=$1 what=$2 a b
	a=$(frames_capdump "$f")
	b=$(frames_tshark "$f")
	if [ -z "$a" ] || [ "$a" != "$b" ]; then
		echo "FAIL $what ($f): capture layer and tshark differ" >&2
		diff <(echo "$b") <(echo "$a") | head -n 20 >&2
		return 1
	fi
	echo "ok   $what: $(echo "$a" | wc -l) frames, interfaces $(echo "$a" | awk '{print $2}' | sort -u | tr '\n' ' ')directions $(echo "$a" | awk '{print $3}' | sort -u | tr '\n' ' ')"
}
