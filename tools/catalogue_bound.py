#!/usr/bin/env python3
"""How far can any annotation-matching ranker get on real cases? A bound for the catalogue.

For each case, a disease *matches* a patient term when it has an annotation on the term, below
it (the true-path rule: the patient's term is more general) or above it (the patient's term is
more specific). The case is *dominated at k* when at least k other diseases match every term the
true disease matches and at least one more: a ranker that scores matching terms above unmatched
ones, whatever its weights, puts those k above the truth unless frequencies or excluded terms
turn them around. The script prints the shares dominated at 1 and at 10 and, given the output of
`examples/catalogue` (JSON lines with `true_rank`), how often osteodx ranks the truth first / in
the top 10 within each group.

usage: tools/catalogue_bound.py HPO_DIR CASES.jsonl [CATALOGUE_OUTPUT.jsonl]
"""
import collections
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hpo as H  # noqa: E402  (the repository's reader of the HPO files)


def main():
    hpo, cases_path = sys.argv[1], sys.argv[2]
    ranks_path = sys.argv[3] if len(sys.argv) > 3 else None
    onto = H.Ontology(f"{hpo}/hp.obo")
    ancestors, alt = onto.ancestors, onto.alt

    annotations = collections.defaultdict(set)
    for line in open(f"{hpo}/phenotype.hpoa"):
        f = line.rstrip("\n").split("\t")
        if len(f) > 10 and f[10] == "P" and f[0].startswith("OMIM:") and f[2] != "NOT":
            annotations[f[0]].add(f[3])
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
        rank = ranks.get(case["id"])
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


if __name__ == "__main__":
    main()
