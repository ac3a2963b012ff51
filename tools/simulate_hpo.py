#!/usr/bin/env python3
"""Write simulated patients as GA4GH phenopackets, made from the HPO annotations the way the
field simulates patients (Phenomizer, LIRICAL, Exomiser benchmarks; also ../shared/bench):
an OMIM disease is chosen; 5-15 of its annotated terms are sampled, weighted by frequency
(0.5 where none is given); each term is replaced with probability 0.30 by an ancestor 1-2 steps
up (imprecision); 1-3 random terms unrelated to the disease are added (noise).

Usage: python3 tools/simulate_hpo.py HPO_DIR OUT_DIR [N_PER_DISEASE] [SEED]

Diseases: every OMIM entry of data/disease-map.tsv (true class = its diagnosis), plus the
look-alikes of ../shared/reference/classes.md (true class: none of these). Standard library only.
"""
import json, os, random, sys
from collections import defaultdict

hpo_dir, out = sys.argv[1], sys.argv[2]
per = int(sys.argv[3]) if len(sys.argv) > 3 else 20
rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 20251125)
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

parents = defaultdict(list)
cur = None
for line in open(os.path.join(hpo_dir, "hp.obo")):
    line = line.strip()
    if line == "[Term]":
        cur = None
    elif line.startswith("id: HP:"):
        cur = line[4:]
    elif line.startswith("is_a: ") and cur:
        parents[cur].append(line[6:16])

def freq(f):
    classes = {"HP:0040280": 1.0, "HP:0040281": 0.9, "HP:0040282": 0.55, "HP:0040283": 0.17, "HP:0040284": 0.025, "HP:0040285": 0.0}
    if not f:
        return 0.5
    if f in classes:
        return classes[f]
    if f.endswith("%"):
        return float(f[:-1]) / 100
    if "/" in f:
        n, m = f.split("/")
        return int(n) / int(m) if int(m) else 0.5
    return 0.5

ann = defaultdict(list)
all_terms = set()
for line in open(os.path.join(hpo_dir, "phenotype.hpoa")):
    if line.startswith("#") or line.startswith("database_id"):
        continue
    c = line.rstrip("\n").split("\t")
    if c[10] != "P" or c[2] == "NOT":
        continue
    ann[c[0]].append((c[3], freq(c[7])))
    all_terms.add(c[3])
all_terms = sorted(all_terms)

targets = {}
for line in open(os.path.join(root, "data", "disease-map.tsv")):
    if line.startswith("#") or not line.strip():
        continue
    c = line.rstrip("\n").split("\t")
    if c[0].startswith("OMIM:"):
        targets[c[0]] = c[1]
lookalikes = ["OMIM:265800", "OMIM:131300", "OMIM:269500", "OMIM:239100", "OMIM:224300", "OMIM:123000",
              "OMIM:114000", "OMIM:167250", "OMIM:259775", "OMIM:144750", "OMIM:607636", "OMIM:166710"]

def ancestors_up(t, steps):
    for _ in range(steps):
        ps = parents.get(t)
        if not ps:
            break
        t = rng.choice(ps)
    return t

os.makedirs(out, exist_ok=True)
n = 0
# the seven diagnoses' entries, the classes.md look-alikes, then the other look-alike entries of the map
# (diagnosis none_of_these; see rules/lookalike_*.toml); this order keeps the packets of the first two groups
# as they were before the map listed look-alikes
extra = sorted(d for d, c in targets.items() if c == "none_of_these" and d not in lookalikes)
for disease in sorted(d for d, c in targets.items() if c != "none_of_these") + lookalikes + extra:
    terms = ann.get(disease, [])
    if len(terms) < 5:
        continue
    for k in range(per):
        pool = [(t, f if f > 0 else 0.0) for t, f in terms]
        pool = [x for x in pool if x[1] > 0]
        want = min(rng.randint(5, 15), len(pool))
        chosen = []
        while len(chosen) < want and pool:
            total = sum(f for _, f in pool)
            x = rng.random() * total
            for i, (t, f) in enumerate(pool):
                x -= f
                if x <= 0:
                    chosen.append(t); pool.pop(i); break
            else:
                chosen.append(pool.pop()[0])
        chosen = [ancestors_up(t, rng.randint(1, 2)) if rng.random() < 0.3 else t for t in chosen]
        own = {t for t, _ in terms}
        for _ in range(rng.randint(1, 3)):
            while True:
                t = rng.choice(all_terms)
                if t not in own:
                    chosen.append(t); break
        packet = {"id": f"sim-{disease.replace(':', '_')}-{k}",
                  "subject": {"id": f"s{n}"},
                  "phenotypicFeatures": [{"type": {"id": t}} for t in dict.fromkeys(chosen)],
                  "diseases": [{"term": {"id": disease}}],
                  "metaData": {"phenopacketSchemaVersion": "2.0"}}
        with open(os.path.join(out, packet["id"] + ".json"), "w") as fh:
            json.dump(packet, fh)
        n += 1
print(f"{n} phenopackets written to {out}")
