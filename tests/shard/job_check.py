#!/usr/bin/env python3
"""job_check.py PKTPATH TESTDATA - ctest shard.k8s_job: the Indexed Job
manifest of examples/ is checked offline. kubectl --dry-run=client needs an
API server to discover the kinds, so instead: (1) the fields a batch/v1 Job
must have, with their types, and what an Indexed Job of N shards needs
(completionMode Indexed, completions = parallelism = SHARDS, a command that
takes K from JOB_COMPLETION_INDEX, volumes for every mount); (2) the two
containers' scripts are run here as the pods would run them, the paths of
the volumes pointed at a scenario and a scratch folder, and the joined
report must be the one a single run gives."""
import os
import shutil
import subprocess
import sys
import tempfile

import yaml

MANIFEST = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples",
                        "pktpath-shards-job.yaml")


def need(cond, what):
    if not cond:
        raise SystemExit("job_check: FAIL: " + what)


def typed(o, path, kind):
    """The value at a dotted path, which must exist and be of kind."""
    for key in path.split("."):
        need(isinstance(o, dict) and key in o, "%s is missing" % path)
        o = o[key]
    need(isinstance(o, kind), "%s is not %s" % (path, kind.__name__))
    return o


def check_pod(job, name):
    spec = typed(job, "spec.template.spec", dict)
    need(typed(spec, "restartPolicy", str) in ("Never", "OnFailure"),
         "%s: a Job's restartPolicy is Never or OnFailure" % name)
    volumes = {typed(v, "name", str) for v in typed(spec, "volumes", list)}
    containers = typed(spec, "containers", list)
    need(len(containers) == 1, "%s: one container" % name)
    c = containers[0]
    typed(c, "name", str)
    typed(c, "image", str)
    cmd = typed(c, "command", list)
    need(all(isinstance(x, str) for x in cmd) and cmd[:2] == ["sh", "-c"], "%s: sh -c SCRIPT" % name)
    for m in typed(c, "volumeMounts", list):
        need(typed(m, "name", str) in volumes, "%s: mount of an undefined volume" % name)
        need(typed(m, "mountPath", str).startswith("/"), "%s: mountPath" % name)
    env = {typed(e, "name", str): typed(e, "value", str) for e in c.get("env", [])}
    return cmd[2], env


def run(script, env, captures, results, bindir):
    script = script.replace("/captures", captures).replace("/results", results)
    full = dict(os.environ, PATH=bindir + ":" + os.environ["PATH"], **env)
    return subprocess.run(["sh", "-c", script], env=full, timeout=300).returncode


def main():
    pktpath, testdata = os.path.abspath(sys.argv[1]), sys.argv[2]
    docs = [d for d in yaml.safe_load_all(open(MANIFEST)) if d]
    jobs = {}
    for d in docs:
        need(typed(d, "apiVersion", str) == "batch/v1" and typed(d, "kind", str) == "Job",
             "every document is a batch/v1 Job")
        jobs[typed(d, "metadata.name", str)] = d
    shards, merge = jobs.get("pktpath-shards"), jobs.get("pktpath-merge")
    need(shards and merge, "the jobs pktpath-shards and pktpath-merge")
    need(typed(shards, "spec.completionMode", str) == "Indexed", "completionMode: Indexed")
    n = typed(shards, "spec.completions", int)
    need(typed(shards, "spec.parallelism", int) == n, "parallelism = completions")
    shard_script, shard_env = check_pod(shards, "pktpath-shards")
    merge_script, merge_env = check_pod(merge, "pktpath-merge")
    need(shard_env.get("SHARDS") == str(n) == merge_env.get("SHARDS"),
         "SHARDS of both jobs = completions (%d)" % n)
    need("JOB_COMPLETION_INDEX" in shard_script and "--shard" in shard_script,
         "the shard's K comes from JOB_COMPLETION_INDEX")

    work = tempfile.mkdtemp()
    try:
        bindir, results = os.path.join(work, "bin"), os.path.join(work, "results")
        os.makedirs(bindir)
        os.makedirs(results)
        os.symlink(pktpath, os.path.join(bindir, "pktpath"))
        captures = os.path.join(testdata, "5-external-cluster-policy")
        for index in range(n):
            env = dict(shard_env, JOB_COMPLETION_INDEX=str(index))
            need(run(shard_script, env, captures, results, bindir) == 0, "shard %d failed" % index)
        need(run(merge_script, merge_env, captures, results, bindir) == 0, "merge failed")
        whole = subprocess.run([pktpath, "--format", "json", captures], capture_output=True,
                               check=True).stdout
        need(open(os.path.join(results, "report.json"), "rb").read() == whole,
             "the joined report.json differs from a single run's")
        need(os.path.getsize(os.path.join(results, "report.txt")) > 0, "report.txt written")
    finally:
        shutil.rmtree(work)
    print("job_check: the Indexed Job of %d shards is well formed and its pods' scripts give "
          "the single run's report" % n)


if __name__ == "__main__":
    main()
