#!/usr/bin/env python3
"""How far can any annotation-matching ranker get on real cases? A bound for the catalogue.

For each case, a disease *matches* a patient term when it has an annotation on the term, below
it (the true-path rule: the patient's term is more general) or above it (the patient's term is
more specific). The case is *dominated at k* when at least k other diseases match every term the
true disease matches and at least one more: a ranker that scores matching terms above unmatched
ones, whatever its weights, puts those k above the truth unless frequencies or excluded terms
turn them around. It is *tied at k* when it is not dominated but at least k other diseases match
every term the truth matches (some of them nothing more): then only frequencies, specificity
and excluded terms separate them. The script prints the shares dominated at 1 and at 10, the
share tied or dominated at 10 and, given the output of `examples/catalogue` (JSON lines with
`true_rank`), how often osteodx ranks the truth first / in the top 10 within each group.

The diseases' terms are those the catalogue ranks with by default: OMIM's annotations plus, for
an OMIM disease with an Orphanet twin, the twin's (`CatalogueOptions::orphanet_profiles`). The
pairing is the crate's: `--twins FILE` reads what `osteodx catalogue --hpo HPO_DIR --twins FILE`
wrote; without it the script runs that command through cargo. `--no-orphanet-profiles` reads
OMIM's annotations alone.

usage: tools/catalogue_bound.py HPO_DIR CASES.jsonl [CATALOGUE_OUTPUT.jsonl] [--twins FILE] [--no-orphanet-profiles]
"""
import collections
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hpo as H  # noqa: E402  (the repository's reader of the HPO files)


def crate_twins(hpo, path):
    """OMIM disease -> its Orphanet twin, as the catalogue pairs them: read from `path` (written by
    `osteodx catalogue --hpo HPO_DIR --twins FILE`), or, without one, from that command run here
    through cargo. The pairing is the crate's own (`CatalogueFiles::orphanet_twins`), so that the
    bound and the ranker use the same profiles."""
    if path is None:
        text = H.crate_output(hpo, "--twins")
    else:
        text = open(path, encoding="utf-8").read()
    return dict(line.split("\t") for line in text.splitlines() if line)


def main():
    argv = sys.argv[1:]
    twins_path = None
    if "--twins" in argv:
        at = argv.index("--twins")
        twins_path = argv[at + 1]
        del argv[at:at + 2]
    args = [a for a in argv if not a.startswith("--")]
    profiles = "--no-orphanet-profiles" not in argv
    hpo, cases_path = args[0], args[1]
    ranks_path = args[2] if len(args) > 2 else None
    onto = H.Ontology(f"{hpo}/hp.obo")
    ancestors, alt = onto.ancestors, onto.alt

    annotations = collections.defaultdict(set)
    orpha = collections.defaultdict(set)
    seen, names = set(), {}
    for line in open(f"{hpo}/phenotype.hpoa"):
        f = line.rstrip("\n").split("\t")
        if len(f) > 10 and f[0].startswith(("OMIM:", "ORPHA:")):
            seen.add(f[0])
            names.setdefault(f[0], f[1])
            if f[10] == "P" and f[2] != "NOT":
                (annotations if f[0].startswith("OMIM:") else orpha)[f[0]].add(f[3])
    if profiles:
        twins = crate_twins(hpo, twins_path)
        for d, o in twins.items():
            if d in annotations:
                annotations[d] |= orpha.get(o, set())
        print(f"Orphanet profiles: {len(twins)} OMIM diseases paired")
    diseases = sorted(annotations)
    index = {d: i for i, d in enumerate(diseases)}
    at, up = collections.defaultdict(int), collections.defaultdict(int)
    for d, terms in annotations.items():
        bit = 1 << index[d]
        for t in terms:
            at[t] |= bit
            for a in ancestors(t) | {t}:
                up[a] |= bit
    masks = {}

    def matching(t):
        if t not in masks:
            m = up.get(t, 0)
            for a in ancestors(t):
                m |= at.get(a, 0)
            masks[t] = m
        return masks[t]

    ranks = {}
    if ranks_path:
        for line in open(ranks_path):
            o = json.loads(line)
            ranks[o["id"]] = o.get("true_rank")
    groups = collections.Counter()
    every = (1 << len(diseases)) - 1
    for line in open(cases_path):
        case = json.loads(line)
        truth = index.get(case["true_disease"])
        if truth is None:
            continue
        terms = [matching(alt.get(t, t)) for t in case["terms"]]
        bit = 1 << truth
        common, extra = every, 0
        for m in terms:
            if m & bit:
                common &= m
            else:
                extra |= m
        dominating = bin(common & extra).count("1")
        covering = bin(common & ~bit).count("1")
        rank = ranks.get(case["id"])
        group = "dominated" if dominating >= 10 else "tied" if covering >= 10 else "free"
        groups[("three", group, "cases")] += 1
        if rank is not None and 1 <= rank <= 10:
            groups[("three", group, "hits")] += 1
        for k in (1, 10):
            group = "dominated" if dominating >= k else "free"
            groups[(k, group, "cases")] += 1
            if rank is not None and 1 <= rank <= k:
                groups[(k, group, "hits")] += 1
    n = groups[(1, "dominated", "cases")] + groups[(1, "free", "cases")]
    for k in (1, 10):
        d, f = groups[(k, "dominated", "cases")], groups[(k, "free", "cases")]
        line = f"top-{k}: {d} of {n} cases ({100 * d / n:.1f} %) dominated by at least {k} other diseases"
        if ranks:
            dh, fh = groups[(k, "dominated", "hits")], groups[(k, "free", "hits")]
            line += f"; osteodx top-{k}: {100 * dh / max(d, 1):.1f} % of those, {100 * fh / max(f, 1):.1f} % of the rest"
        print(line)
    parts = []
    for group in ("dominated", "tied", "free"):
        c = groups[("three", group, "cases")]
        part = f"{group} {c} ({100 * c / n:.1f} %)"
        if ranks:
            part += f", osteodx top-10 {100 * groups[('three', group, 'hits')] / max(c, 1):.1f} %"
        parts.append(part)
    print("at 10: " + "; ".join(parts))


if __name__ == "__main__":
    main()
