#!/usr/bin/env python3
"""layout_check.py - the stages of docs/architecture.md, checked in the code.

  layout_check.py SRC_ROOT [BUILD_DIR]   check; exit 1 naming each violation
  layout_check.py SRC_ROOT --dot         print the stage graph the includes make

Checks, from the sources alone:
  * every C file of src/ lies in src/<stage>/ of a known stage;
  * every #include "..." names a file that exists, and a file of a stage
    includes only headers of its own stage, of the stages it may call
    (CALLS below) and the shared types of include/pktpath/;
  * a header included by its bare name ("chain_agg.h") is private to its
    folder: no other folder includes it;
  * the outside libraries' headers (<pcap/pcap.h>, <netlink/...>,
    <jansson.h>, <zlib.h>, ...) only in the stages (and files) allowed.
With BUILD_DIR, also from the built libraries (nm): every symbol a stage's
library needs from another stage's library or from an outside library is
one that stage may call, so a call into a later stage is caught even where
the final link would find it.
"""
import os
import re
import subprocess
import sys

# The stages in link order and the earlier stages each one calls.
STAGES = ["util", "decode", "capture", "match", "topo", "chain", "report", "cli"]
CALLS = {
    "util": [],
    "decode": ["util"],
    "capture": ["util", "decode"],
    "match": ["util"],
    "topo": ["util"],
    "chain": ["util", "match", "topo"],
    "report": ["util", "decode", "capture", "match", "topo", "chain"],
    "cli": ["util", "decode", "capture", "match", "topo", "chain", "report"],
}
# include/pktpath/: the types that cross stages, and the stage that owns each
# ("types": headers only, any stage may include them).
SHARED = {"obs.h": "types", "span.h": "types", "options.h": "types",
          "reason.h": "util", "chain.h": "chain"}
# Outside libraries: the header pattern, the stages that may include it (or
# stage/file.c for one file), the symbol pattern of the library, and the
# stages whose library may need those symbols.
LIBS = [
    ("libpcap", r"pcap(/.*)?\.h", ["capture"], r"^(pcap_|bpf_)", ["capture"]),
    ("libnl", r"netlink/.*\.h", ["topo/snapshot_collect.c"], r"^(nl_|rtnl_)", ["topo"]),
    ("jansson", r"jansson\.h", ["topo", "report"], r"^json_", ["topo", "report"]),
    ("zlib, zstd, xz", r"(zlib|zstd|lzma)\.h", ["capture"], r"^(inflate|ZSTD_|lzma_)",
     ["capture"]),
]

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^">]+)[">]', re.M)


def sources(root):
    out = []
    for top in ("src", "include"):
        for d, _, files in os.walk(os.path.join(root, top)):
            out += [os.path.join(d, f) for f in files if f.endswith((".c", ".h"))]
    return sorted(out)


def stage_of(root, path):
    rel = os.path.relpath(path, root).split(os.sep)
    if rel[0] == "include":
        return SHARED.get(rel[-1]) if rel[1:2] == ["pktpath"] and len(rel) == 3 else None
    return rel[1] if len(rel) == 3 and rel[1] in STAGES else None


def includes(root):
    """(file, its stage, kind, name, owner stage or None) for every include."""
    for f in sources(root):
        st = stage_of(root, f)
        for kind, name in INCLUDE.findall(open(f, encoding="utf-8").read()):
            owner = None
            if kind == '"':
                parts = name.split("/")
                if len(parts) == 1:
                    owner = st if os.path.exists(os.path.join(os.path.dirname(f), name)) else None
                elif parts[0] == "pktpath" and len(parts) == 2:
                    if os.path.exists(os.path.join(root, "include", name)):
                        owner = SHARED.get(parts[1])
                elif parts[0] in STAGES and len(parts) == 2:
                    if os.path.exists(os.path.join(root, "src", name)):
                        owner = parts[0]
            yield f, st, kind, name, owner


def check(root, build):
    errors = []
    rel = lambda f: os.path.relpath(f, root)
    bare = {}
    for f in sources(root):
        if stage_of(root, f) is None:
            errors.append(f"{rel(f)}: not in a stage folder (src/<stage>/) nor a shared type "
                          f"of include/pktpath/ listed in {os.path.basename(__file__)}")
    for f, st, kind, name, owner in includes(root):
        if st is None:
            continue
        if kind == '"':
            if owner is None:
                errors.append(f'{rel(f)}: #include "{name}": no such header of a stage '
                              f'(src/<stage>/NAME.h, pktpath/NAME.h, or NAME.h beside it)')
            elif owner not in ("types", st) and (st == "types" or owner not in CALLS[st]):
                errors.append(f'{rel(f)}: #include "{name}": stage {st} may not use stage '
                              f'{owner} (it may use: {", ".join(CALLS.get(st, [])) or "none"})')
            if "/" not in name:
                bare[os.path.join(os.path.dirname(f), name)] = True
            continue
        for lib, hdr, allowed, _, _ in LIBS:
            if re.fullmatch(hdr, name):
                where = os.path.relpath(f, os.path.join(root, "src"))
                if st not in allowed and where not in allowed:
                    errors.append(f"{rel(f)}: #include <{name}>: {lib} only in "
                                  f"{', '.join(allowed)}")
    for f, st, kind, name, owner in includes(root):
        target = os.path.join(root, "src", name)
        if kind == '"' and "/" in name and name.split("/")[0] in STAGES and target in bare:
            if os.path.dirname(f) != os.path.dirname(target):
                errors.append(f'{rel(f)}: #include "{name}": private to src/{name.split("/")[0]}/ '
                              f'(included there by its bare name)')
    if build:
        errors += check_libs(build)
    return errors


def nm(lib):
    out = subprocess.run(["nm", "-g", lib], capture_output=True, text=True, check=True).stdout
    defined, undefined = set(), set()
    for line in out.splitlines():
        p = line.split()
        if len(p) == 2 and p[0] == "U":
            undefined.add(p[1])
        elif len(p) == 3 and p[1] in "TDBRCVW":
            defined.add(p[2])
    return defined, undefined


def check_libs(build):
    errors, defs, need = [], {}, {}
    for st in STAGES:
        lib = os.path.join(build, f"libpktpath_{st}.a")
        if not os.path.exists(lib):
            return [f"{lib}: not built"]
        defs[st], need[st] = nm(lib)
    for st in STAGES:
        for sym in sorted(need[st] - defs[st]):
            owner = next((o for o in STAGES if sym in defs[o]), None)
            if owner and owner not in CALLS[st]:
                errors.append(f"libpktpath_{st}.a needs {sym} of stage {owner}")
            for lib, _, _, pat, allowed in LIBS:
                if not owner and re.match(pat, sym) and st not in allowed:
                    errors.append(f"libpktpath_{st}.a needs {sym} of {lib}")
    return errors


def dot(root):
    """The stage graph as the includes make it: which stage uses which."""
    edges, libs, files = set(), set(), {}
    for f in sources(root):
        st = stage_of(root, f)
        if st and st != "types" and f.endswith(".c"):
            files[st] = files.get(st, 0) + 1
    for f, st, kind, name, owner in includes(root):
        if st in (None, "types"):
            continue
        if kind == '"' and owner not in (None, "types", st):
            edges.add((st, owner))
        for lib, hdr, _, _, _ in LIBS if kind == "<" else []:
            if re.fullmatch(hdr, name):
                libs.add((st, lib))
    # drop an edge another path already implies, so the picture stays readable
    def reach(a, b, skip):
        todo, seen = [a], set()
        while todo:
            x = todo.pop()
            for (s, t) in edges:
                if s == x and (s, t) != skip and t not in seen:
                    if t == b:
                        return True
                    seen.add(t)
                    todo.append(t)
        return False
    shown = sorted(e for e in edges if not reach(e[0], e[1], e))
    lines = ["// docs/architecture.dot - generated by tests/docs/layout_check.py --dot from",
             "// the #include lines of src/ (test docs.architecture_dot keeps it current).",
             "// An arrow A -> B: stage A uses stage B (implied arrows left out).",
             "digraph pktpath {", "\trankdir=BT;",
             '\tnode [shape=box, fontname="Helvetica"];']
    for st in STAGES:
        lines.append(f'\t{st} [label="{st}/\\n{files.get(st, 0)} files"];')
    for a, b in shown:
        lines.append(f"\t{a} -> {b};")
    for lib in sorted({l for _, l in libs}):
        lines.append(f'\t"{lib}" [shape=ellipse, style=dashed];')
    for st, lib in sorted(libs):
        lines.append(f'\t{st} -> "{lib}" [style=dashed];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if len(argv) > 1 else 2
    root = os.path.abspath(argv[1])
    if argv[2:] == ["--dot"]:
        sys.stdout.write(dot(root))
        return 0
    errors = check(root, argv[2] if len(argv) > 2 else None)
    for e in errors:
        print(f"layout: {e}", file=sys.stderr)
    if errors:
        return 1
    print(f"layout: {len(sources(root))} files in {len(STAGES)} stages, no include or "
          f"library use against the stage order" + (" (libraries checked too)" if len(argv) > 2 else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
