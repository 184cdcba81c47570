#!/usr/bin/env python3
"""Check META.json against the PGXN meta spec 1.0.0 (the parts it uses) and
against the rest of the tree: the version in META.json, finextract.control
and debian/changelog must agree, and every file it names must exist.

    python3 test/meta_check.py [META.json]

Ends with "meta: N passed, M failed" and exits 1 on a failure."""

import json
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LICENSES = {
    "agpl_3", "apache_1_1", "apache_2_0", "artistic_1", "artistic_2", "bsd",
    "freebsd", "gfdl_1_2", "gfdl_1_3", "gpl_1", "gpl_2", "gpl_3", "lgpl_2_1",
    "lgpl_3_0", "mit", "mozilla_1_0", "mozilla_1_1", "openssl", "perl_5",
    "postgresql", "qpl_1_0", "ssleay", "sun", "zlib", "open_source",
    "restricted", "unrestricted", "unknown"}
SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+)?$")
RANGE = re.compile(r"^\s*(?:(?:==|!=|>=|<=|>|<)\s*)?\d+(?:\.\d+){0,2}\S*\s*$")
PHASES = {"configure", "build", "test", "runtime", "develop"}
RELATIONS = {"requires", "recommends", "suggests", "conflicts"}

checks = []


def check(name, ok):
    """Record one named check."""
    checks.append((name, bool(ok)))


def read(path):
    """A file of the tree, as text."""
    with open(os.path.join(TOP, path), encoding="utf-8") as f:
        return f.read()


def version_range_ok(value):
    """A PGXN version range: a version, or comma-separated comparisons."""
    if isinstance(value, int):
        return value == 0
    return isinstance(value, str) and all(RANGE.match(p) for p in value.split(","))


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(TOP, "META.json")
    try:
        with open(path, encoding="utf-8") as f:
            meta = json.load(f)
        check("META.json is valid JSON", True)
    except (OSError, ValueError) as e:
        print(f"not ok: META.json: {e}")
        print("meta: 0 passed, 1 failed")
        return 1

    for key in ("name", "abstract", "version", "maintainer", "license",
                "provides", "meta-spec"):
        check(f"required key {key}", key in meta)
    spec = meta.get("meta-spec", {})
    check("meta-spec version 1.0.0", spec.get("version") == "1.0.0")
    check("name is a term", re.match(r"^[A-Za-z][A-Za-z0-9_-]+$", meta.get("name", "")))
    check("abstract not empty", isinstance(meta.get("abstract"), str) and meta["abstract"].strip())
    check("version is semver", SEMVER.match(str(meta.get("version", ""))))
    maint = meta.get("maintainer")
    check("maintainer given", (isinstance(maint, str) and maint.strip())
          or (isinstance(maint, list) and maint and all(isinstance(m, str) and m for m in maint)))
    lic = meta.get("license")
    check("license is a PGXN license string",
          (isinstance(lic, str) and lic in LICENSES)
          or (isinstance(lic, list) and lic and all(x in LICENSES for x in lic))
          or (isinstance(lic, dict) and lic))

    provides = meta.get("provides", {})
    check("provides names the extension", "finextract" in provides)
    for ext, p in provides.items():
        check(f"provides.{ext}.file exists", os.path.isfile(os.path.join(TOP, p.get("file", ""))))
        check(f"provides.{ext}.version is semver", SEMVER.match(str(p.get("version", ""))))
        if "docfile" in p:
            check(f"provides.{ext}.docfile exists", os.path.isfile(os.path.join(TOP, p["docfile"])))

    prereqs = meta.get("prereqs", {})
    check("prereqs phases are known", set(prereqs) <= PHASES)
    for phase, rels in prereqs.items():
        check(f"prereqs.{phase} relations are known", set(rels) <= RELATIONS)
        for rel, deps in rels.items():
            for dep, rng in deps.items():
                check(f"prereqs.{phase}.{rel}.{dep} is a version range", version_range_ok(rng))
    pg = prereqs.get("runtime", {}).get("requires", {}).get("PostgreSQL", "")
    check("requires PostgreSQL 15", isinstance(pg, str) and "15" in pg)

    res = meta.get("resources")
    if res is not None:
        check("resources has known keys", res and all(
            k in ("homepage", "bugtracker", "repository") or k.lower().startswith("x_") for k in res))

    control = read("finextract.control")
    m = re.search(r"default_version\s*=\s*'([^']+)'", control)
    check("version equals finextract.control's default_version",
          m and m.group(1) == meta.get("version") == provides.get("finextract", {}).get("version"))
    m = re.match(r"finextract \(([^)]+)\)", read("debian/changelog"))
    check("version equals debian/changelog's", m and m.group(1).split("-")[0] == meta.get("version"))

    failed = [n for n, ok in checks if not ok]
    for n in failed:
        print(f"not ok: {n}")
    print(f"meta: {len(checks) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
