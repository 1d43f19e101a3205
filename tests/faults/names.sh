#!/usr/bin/env bash
# shellcheck disable=SC1091,SC2016,SC2034,SC2154 # lib.sh: expect() evals its conditions, run() sets rc
# Names with quotes, backslashes, a newline, an ESC sequence, a backtick,
# Markdown characters and bytes that are not UTF-8, through every format:
# nothing reaches a terminal raw, Markdown and DOT stay valid UTF-8 (dot
# -Tsvg and an XML parser accept the result; cmark renders each name as
# one code span), JSON parses and keeps two names that differ only in an
# invalid byte apart, and --expect compares such names with themselves.
. "$(dirname "$0")/lib.sh" "$@"
command -v python3 >/dev/null || { echo "SKIP: needs python3"; exit 77; }
# two node folders that differ only in their last byte, which is not UTF-8
n1=$(printf 'n"1\\\033]0;x\a`|*_<b>\nz\377')
n2=$(printf 'n"1\\\033]0;x\a`|*_<b>\nz\376')
# how the reports show them (pktpath(1), OUTPUT)
shown1='n"1\\033]0;x\a`|*_<b>\nz\xff'
shown2='n"1\\033]0;x\a`|*_<b>\nz\xfe'
mkdir hb
cp -r "$S2/node1" "hb/$n1"
cp -r "$S2/node2" "hb/$n2"

# clean FILE: valid UTF-8, and no control byte but the line breaks
clean() {
	python3 - "$1" <<'PY'
import sys
b = open(sys.argv[1], "rb").read()
b.decode("utf-8")
bad = [c for c in b if (c < 0x20 and c not in (0x0a,)) or c == 0x7f]
sys.exit(1 if bad else 0)
PY
}

check text 0 '' "$PKTPATH" hb
expect text-clean 'clean out' "a control byte or invalid UTF-8 in the text report"
expect text-shown 'grep -qF "delivered $shown1/pod-centos/eth0 -> " out && grep -qF "$shown2/pod-nginx1/eth0" out' \
	"the names are not shown escaped"

check markdown 0 '' "$PKTPATH" --format markdown hb
expect markdown-clean 'clean out' "a control byte or invalid UTF-8 in the Markdown report"
if command -v cmark >/dev/null; then
	cmark out >md.html
	# each hop a code span whose text is the name as shown, and the
	# inputs table's text the name as shown
	expect markdown-code-spans 'python3 - md.html "$shown1" "$shown2" <<'"'"'PY'"'"'
import html, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
codes = [html.unescape(c) for c in re.findall(r"<code>(.*?)</code>", page, re.S)]
for name in sys.argv[2:]:
    assert name + "/eth0" in codes, (name, codes[:4])
text = html.unescape(re.sub(r"<[^>]*>", "", page))
assert "| " + sys.argv[2] + "/eth0 | " + sys.argv[2] + " | " in text, "table"
PY' "cmark does not render the names as they are shown"
else
	echo "note: cmark not installed, Markdown rendering not checked"
fi

check dot 0 '' "$PKTPATH" --format dot hb
expect dot-clean 'clean out' "a control byte or invalid UTF-8 in the DOT report"
if command -v dot >/dev/null; then
	expect dot-svg 'dot -Tsvg out >out.svg 2>dot.err && [ ! -s dot.err ]' "dot -Tsvg failed: $(head -c 200 dot.err 2>/dev/null)"
	expect svg-xml 'python3 -c "import sys, xml.dom.minidom as m; d = m.parse(sys.argv[1]); t = [n.data for n in d.getElementsByTagName(\"text\") for n in n.childNodes]; sys.exit(0 if any(sys.argv[2] in x for x in t) else 1)" out.svg "$shown1"' \
		"the SVG is not XML, or does not show the name"
fi

check json 0 '' "$PKTPATH" --format json hb
expect json-valid 'python3 -m json.tool out >/dev/null' "not JSON"
cp out hb.json
expect json-distinct 'python3 - out <<'"'"'PY'"'"'
import json, sys
d = json.load(open(sys.argv[1]))
nodes = sorted(n["name"] for n in d["nodes"])
want = sorted(["n\"1\\\x1b]0;x\x07`|*_<b>\nz\\xff", "n\"1\\\x1b]0;x\x07`|*_<b>\nz\\xfe"])
assert nodes == want, nodes
PY' "the two names are not kept apart as \\xff and \\xfe"
check jsonl 0 '' "$PKTPATH" --format jsonl hb
expect jsonl-valid 'python3 -c "import json, sys; [json.loads(l) for l in open(sys.argv[1])]" out' "a line is not JSON"
check expect-same 0 '' "$PKTPATH" --expect hb.json hb

# messages: a file name with an ESC sequence and a newline
check message 2 'pktpath: a\\033\]0;x\\ab\\n\.pcap: No such file or directory' \
	"$PKTPATH" "$(printf 'a\033]0;x\ab\n.pcap')"
finish
