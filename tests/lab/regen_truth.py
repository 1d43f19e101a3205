#!/usr/bin/env python3
"""pktpath lab: writes expected.json of recorded folders again from the
configuration, without recording.

truth.py writes expected.json while lab.sh records; when the generator
learns something new about a scenario (a finding, a gap) the folder's
truth can be regenerated from lib/config.sh and config12.sh, truth.py (with
truth12.py and truth_gaps.py) and the folder's lab.json (which points were
captured), leaving the captures as they are.

usage: regen_truth.py --check DIR...   exit 1 and show the difference when a
                                       committed expected.json is not what
                                       the generator writes (ctest)
       regen_truth.py --write DIR...   rewrite expected.json, and README.md's
                                       hand-written part (readme/<folder>.md)
                                       and truth section
"""

import difflib
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import truth  # noqa: E402


def regenerate(config, d):
    with open(os.path.join(d, "lab.json"), encoding="utf-8") as f:
        labj = json.load(f)
    variant = labj["scenario"]
    name = labj.get("recorded_with") or variant
    L = truth.lab(config)
    s = truth.Scenario(L, name)
    truth.SCENARIOS[name](L, s)
    return truth.build_expected(s, variant, labj)


def splice_readme(path, exp, template):
    """Replace the hand-written part with the folder's template and the block
    under '## The truth in short' with the new arrows."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    with open(template, encoding="utf-8") as f:
        text = f.read().rstrip() + "\n" + text[text.index("\n## The truth in short\n"):]
    head = text.index("## The truth in short\n")
    start = text.index("```\n", head) + 4
    end = text.index("```\n", start)
    text = text[:start] + "\n".join(truth.truth_lines(exp)) + "\n" + text[end:]
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main(argv):
    if len(argv) < 3 or argv[1] not in ("--check", "--write"):
        print(__doc__.split("\n\n")[-1], file=sys.stderr)
        return 2
    config = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib", "config.sh")
    templates = os.path.join(os.path.dirname(os.path.abspath(__file__)), "readme")
    bad = 0
    for d in argv[2:]:
        d = d.rstrip("/")
        want = json.dumps(regenerate(config, d), indent=2) + "\n"
        path = os.path.join(d, "expected.json")
        with open(path, encoding="utf-8") as f:
            have = f.read()
        if argv[1] == "--write":
            with open(path, "w", encoding="utf-8") as f:
                f.write(want)
            splice_readme(os.path.join(d, "README.md"), json.loads(want),
                          os.path.join(templates, os.path.basename(d) + ".md"))
            print("regen_truth: %s: expected.json and README.md written%s" % (d, "" if have != want else
                                                                               " (expected.json unchanged)"))
            continue
        if have != want:
            bad += 1
            print("regen_truth: %s: expected.json is not what truth.py writes:" % d, file=sys.stderr)
            sys.stderr.writelines(difflib.unified_diff(have.splitlines(True), want.splitlines(True),
                                                       "committed", "truth.py", n=2))
    if argv[1] == "--check":
        print("regen_truth: %d of %d folders differ from truth.py" % (bad, len(argv) - 2))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
