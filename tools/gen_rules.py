#!/usr/bin/env python3
"""Generate the built-in knowledge base of osteodx from the HPO release and curated knowledge.

Usage:
    python3 tools/gen_rules.py HPO_DIR [OUT_DIR]

HPO_DIR holds hp.obo, phenotype.hpoa and genes_to_phenotype.txt of HPO release 2025-01-16
(as unpacked by `shared/tools/hpo-data DIR`). OUT_DIR defaults to the repository root (the
parent of this script's directory). The script writes:

    rules/findings.toml               the finding vocabulary
    rules/<diagnosis>.toml            one file per diagnosis (7)
    rules/lookalike_<id>.toml         one file per look-alike condition (`lookalike = true`)
    data/hp-is-a.tsv                  the HPO is_a graph, alt ids and obsolete replacements
    data/disease-map.tsv              OMIM/ORPHA entry -> diagnosis id (look-alikes -> none_of_these)
    tests/fixtures/overview-symptoms.toml   the overview's lists mapped to findings

Everything hand-curated lives in `tools/curated.py` (read by this script), each piece with its
source. Python 3.11 standard library only; the output is deterministic (sorted, fixed float
formatting with 4 significant digits), so re-running on the same inputs gives identical files.

Method (see also the comments in tools/curated.py):

* Vocabulary: every HPO term annotated (aspect P, with or without NOT) to any of the diseases
  mapped to the seven diagnoses or to the look-alikes, the curated HPO terms, and their is_a
  ancestors up to two steps; only terms in the Phenotypic abnormality branch (HP:0000118) with a minimum depth >= 3
  from HP:0000001; plus the onset classes and the curated non-HPO findings and context
  findings. `parents` = the nearest vocabulary ancestors in the is_a graph.
* Background: P(f | other skeletal disorder) = (sum over background diseases of the max
  frequency of f or a descendant + 0.5) / (N + 1), clamped to [0.0005, 0.95]; background
  diseases = OMIM diseases with a non-NOT P annotation under HP:0000924, minus the target
  diseases. Frequencies: n/m, NN%, HPO class (0040280 1.0, 0040281 0.9, 0040282 0.55,
  0040283 0.17, 0040284 0.025, 0040285 0), blank 0.5.
* Rule frequency: the Orphanet group entry's frequency when it gives one; otherwise the
  subtype entries weighted by their share of the diagnosis (sum of share x frequency, divided by
  the sum of the shares the entries cover; a subtype without the annotation counts 0;
  an annotation without frequency counts 0.5),
  floored at 0.02. NOT rows become `against = true` rules with frequency 0.02. Curated rules
  then add or override (overview symptoms, against rules, explicit LRs, context findings).
* Look-alikes (curated.LOOKALIKES): conditions that resemble the seven and are none of them
  (classes.md). Same rule method; written with `lookalike = true` so that the engine adds their
  posterior to "none of these"; mapped to `none_of_these` in data/disease-map.tsv. They do not
  change the background disease set (only the seven diagnoses' diseases are excluded), and the
  ids of the findings of the seven are assigned before any look-alike-only term, so adding them
  leaves the seven diagnosis files byte-identical.
"""

from __future__ import annotations

import math
import os
import re
import sys
import tomllib
import unicodedata
from collections import defaultdict, deque

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import curated as C  # noqa: E402

RELEASE = "2025-01-16"
NONE_OF_THESE = "none_of_these"
ROOT_TERM = "HP:0000001"
PHENO_ROOT = "HP:0000118"
SKELETAL = "HP:0000924"
FREQ_CLASS = {
    "HP:0040280": 1.0,
    "HP:0040281": 0.9,
    "HP:0040282": 0.55,
    "HP:0040283": 0.17,
    "HP:0040284": 0.025,
    "HP:0040285": 0.0,
}
CLASS_NAME = {
    "HP:0040280": "obligate",
    "HP:0040281": "very frequent",
    "HP:0040282": "frequent",
    "HP:0040283": "occasional",
    "HP:0040284": "very rare",
    "HP:0040285": "excluded",
}
FLOOR = 0.02
AGAINST_FREQ = 0.02
AGAINST_MAX_LR = 0.25


# ----------------------------------------------------------------------------- formatting

def num(x: float) -> str:
    """Fixed float formatting: 4 significant digits, always a TOML float."""
    if x == 0:
        return "0.0"
    if abs(x) < 1e-3:
        m, e = f"{x:.3e}".split("e")
        m = m.rstrip("0").rstrip(".")
        if "." not in m:
            m += ".0"
        return f"{m}e{int(e)}"
    s = f"{x:.4g}"
    if "e" in s:
        s = repr(float(s))
    if "." not in s and "e" not in s:
        s += ".0"
    return s


def tstr(s: str) -> str:
    """A TOML basic string."""
    out = s.replace("\\", "\\\\").replace('"', '\\"')
    out = "".join(c if (ord(c) >= 0x20 and c != "\x7f") else f"\\u{ord(c):04x}" for c in out)
    return f'"{out}"'


def tarr(items) -> str:
    return "[" + ", ".join(tstr(i) for i in items) + "]"


# ----------------------------------------------------------------------------- HPO parsing

class Ontology:
    def __init__(self, path: str):
        self.name: dict[str, str] = {}
        self.parents: dict[str, list[str]] = {}
        self.synonyms: dict[str, list[tuple[str, str]]] = {}
        self.alt: dict[str, str] = {}
        self.replaced: dict[str, str] = {}
        self.version = None
        cur = None
        stanza = None
        with open(path, encoding="utf-8") as fh:
            for raw in fh:
                line = raw.rstrip("\n")
                if line.startswith("data-version:"):
                    self.version = line.split(":", 1)[1].strip()
                if line.startswith("["):
                    stanza = line
                    cur = None
                    continue
                if stanza != "[Term]" or ": " not in line:
                    continue
                key, val = line.split(": ", 1)
                if key == "id":
                    cur = {"id": val, "is_a": [], "syn": [], "alt": [], "obsolete": False, "replaced_by": None}
                    self._pending = cur
                    self._terms = getattr(self, "_terms", [])
                    self._terms.append(cur)
                elif cur is None:
                    continue
                elif key == "name":
                    cur["name"] = val
                elif key == "is_a":
                    cur["is_a"].append(val.split(" ")[0])
                elif key == "synonym":
                    m = re.match(r'"((?:[^"\\]|\\.)*)"\s+(\w+)\s*(.*)$', val)
                    if m:
                        kind = m.group(2)
                        extra = m.group(3)
                        cur["syn"].append((m.group(1).replace('\\"', '"'), kind, extra))
                elif key == "alt_id":
                    cur["alt"].append(val)
                elif key == "is_obsolete" and val.strip() == "true":
                    cur["obsolete"] = True
                elif key == "replaced_by":
                    cur["replaced_by"] = val.strip()
        for t in self._terms:
            tid = t["id"]
            if t["obsolete"]:
                if t["replaced_by"]:
                    self.replaced[tid] = t["replaced_by"]
                continue
            self.name[tid] = t.get("name", tid)
            self.parents[tid] = sorted(set(t["is_a"]))
            self.synonyms[tid] = t["syn"]
            for a in t["alt"]:
                self.alt[a] = tid
        self.children: dict[str, list[str]] = defaultdict(list)
        for tid, ps in self.parents.items():
            for p in ps:
                self.children[p].append(tid)
        # minimum depth from the root
        self.depth = {ROOT_TERM: 0}
        q = deque([ROOT_TERM])
        while q:
            t = q.popleft()
            for c in self.children.get(t, []):
                if c not in self.depth:
                    self.depth[c] = self.depth[t] + 1
                    q.append(c)
        self._anc: dict[str, frozenset] = {}

    def ancestors(self, tid: str) -> frozenset:
        """Strict ancestors."""
        if tid in self._anc:
            return self._anc[tid]
        out = set()
        stack = list(self.parents.get(tid, []))
        while stack:
            p = stack.pop()
            if p not in out:
                out.add(p)
                stack.extend(self.parents.get(p, []))
        fs = frozenset(out)
        self._anc[tid] = fs
        return fs

    def is_under(self, tid: str, root: str) -> bool:
        return tid == root or root in self.ancestors(tid)

    def resolve(self, tid: str) -> str | None:
        seen = set()
        while tid not in self.name:
            if tid in seen:
                return None
            seen.add(tid)
            if tid in self.alt:
                tid = self.alt[tid]
            elif tid in self.replaced:
                tid = self.replaced[tid]
            else:
                return None
        return tid


def parse_freq(s: str) -> float | None:
    s = s.strip()
    if not s:
        return None
    if s in FREQ_CLASS:
        return FREQ_CLASS[s]
    m = re.fullmatch(r"(\d+)/(\d+)", s)
    if m:
        n, d = int(m.group(1)), int(m.group(2))
        return n / d if d else None
    m = re.fullmatch(r"([\d.]+)%", s)
    if m:
        return float(m.group(1)) / 100.0
    raise ValueError(f"unknown frequency {s!r}")


def freq_text(s: str) -> str:
    s = s.strip()
    if not s:
        return "no frequency"
    if s in CLASS_NAME:
        return f"{CLASS_NAME[s]} ({s})"
    return s


class Annotations:
    """phenotype.hpoa rows by disease."""

    def __init__(self, path: str, onto: Ontology):
        self.rows: dict[str, list[dict]] = defaultdict(list)
        self.names: dict[str, str] = {}
        with open(path, encoding="utf-8") as fh:
            header = None
            for line in fh:
                if line.startswith("#"):
                    continue
                cols = line.rstrip("\n").split("\t")
                if header is None:
                    header = cols
                    continue
                r = dict(zip(header, cols))
                tid = onto.resolve(r["hpo_id"])
                if tid is None:
                    continue
                r["hpo_id"] = tid
                self.rows[r["database_id"]].append(r)
                self.names.setdefault(r["database_id"], r["disease_name"])


# ----------------------------------------------------------------------------- ids

def snake(label: str) -> str:
    s = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    s = s.lower().replace("'", "")
    s = re.sub(r"[^a-z0-9]+", "_", s).strip("_")
    if len(s) > 48:
        parts = s.split("_")
        out = ""
        for p in parts:
            cand = (out + "_" + p) if out else p
            if len(cand) > 48:
                break
            out = cand
        s = out or s[:48]
        stop = {"of", "the", "and", "in", "to", "with", "by", "on", "a", "or", "due", "involving", "for"}
        parts = s.split("_")
        while len(parts) > 1 and parts[-1] in stop:
            parts.pop()
        s = "_".join(parts)
    if not s or not s[0].isalpha():
        s = "f_" + s
    return s[:48].strip("_")


# ----------------------------------------------------------------------------- main build

def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    hpo_dir = argv[1]
    out_dir = argv[2] if len(argv) > 2 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    onto = Ontology(os.path.join(hpo_dir, "hp.obo"))
    if onto.version and RELEASE not in onto.version:
        print(f"warning: hp.obo is {onto.version}, curated numbers were made for {RELEASE}", file=sys.stderr)
    ann = Annotations(os.path.join(hpo_dir, "phenotype.hpoa"), onto)
    g2p = load_g2p(os.path.join(hpo_dir, "genes_to_phenotype.txt"))

    diag_of = {}
    for did, d in C.DIAGNOSES.items():
        for e in d["entries"]:
            diag_of[e] = did
    for e, did in C.MAPPED_ONLY.items():
        diag_of[e] = did
    for e in diag_of:
        if e not in ann.rows:
            raise SystemExit(f"{e} has no annotation in phenotype.hpoa")
    la_of = {}
    for lid, d in C.LOOKALIKES.items():
        assert lid not in C.DIAGNOSES, lid
        assert 0 < d["prevalence"] <= C.LOOKALIKE_MAX_PREVALENCE, lid
        for e in d["entries"]:
            if e not in ann.rows:
                raise SystemExit(f"{e} ({lid}) has no annotation in phenotype.hpoa")
            if e in diag_of or e in la_of:
                raise SystemExit(f"{e} ({lid}) is already mapped to {diag_of.get(e) or la_of.get(e)}")
            la_of[e] = lid

    # ---- vocabulary
    onset_ids = {c["hpo"] for c in C.CONTEXT if c.get("kind") == "onset" and c.get("hpo")}
    annotated = set()
    for e in diag_of:
        for r in ann.rows[e]:
            if r["aspect"] == "P":
                annotated.add(r["hpo_id"])
    curated_hpo = set()
    for f in C.CURATED_FINDINGS:
        if f.get("hpo"):
            tid = onto.resolve(f["hpo"])
            assert tid == f["hpo"], f"curated {f['hpo']} is not a current term"
            curated_hpo.add(tid)
    la_seeds = set()
    for e in la_of:
        for r in ann.rows[e]:
            if r["aspect"] == "P":
                la_seeds.add(r["hpo_id"])
    for rules in C.LOOKALIKE_RULES.values():
        for cr in rules:
            if cr.get("hpo"):
                assert onto.resolve(cr["hpo"]) == cr["hpo"], f"curated look-alike {cr['hpo']} is not a current term"
                la_seeds.add(cr["hpo"])

    def expand(seeds):
        cand = set(seeds)
        for t in seeds:
            frontier = {t}
            for _ in range(2):
                frontier = {p for x in frontier for p in onto.parents.get(x, [])}
                cand |= frontier
        return cand

    def eligible(t):
        return onto.is_under(t, PHENO_ROOT) and onto.depth.get(t, 0) >= 3

    seeds = annotated | curated_hpo
    vocab_base = {t for t in expand(seeds) if eligible(t)} | onset_ids
    vocab_hpo = vocab_base | {t for t in expand(la_seeds) if eligible(t)}
    dropped_annotated = sorted(t for t in annotated if t not in vocab_hpo)

    # ---- background disease set
    target = set(diag_of)
    bg_diseases = []
    for d, rows in ann.rows.items():
        if not d.startswith("OMIM:") or d in target:
            continue
        if any(r["aspect"] == "P" and r["qualifier"] != "NOT" and onto.is_under(r["hpo_id"], SKELETAL) for r in rows):
            bg_diseases.append(d)
    bg_diseases.sort()
    nbg = len(bg_diseases)
    # per disease: max frequency per finding term (propagated to ancestors that are in the vocabulary)
    bg_sum: dict[str, float] = defaultdict(float)
    onset_sum: dict[str, float] = defaultdict(float)
    n_onset = 0
    inh_count = defaultdict(int)
    for d in bg_diseases:
        best: dict[str, float] = {}
        onsets = []
        for r in ann.rows[d]:
            t = r["hpo_id"]
            if r["qualifier"] == "NOT":
                continue
            if r["aspect"] == "C" and onto.is_under(t, "HP:0003674"):
                onsets.append(t)
                continue
            if r["aspect"] == "I":
                inh_count[t] += 1
                continue
            if r["aspect"] != "P":
                continue
            fv = parse_freq(r["frequency"])
            fv = 0.5 if fv is None else fv
            for a in (onto.ancestors(t) | {t}):
                if a in vocab_hpo and fv > best.get(a, -1.0):
                    best[a] = fv
        for a, v in best.items():
            bg_sum[a] += v
        if onsets:
            n_onset += 1
            share = 1.0 / len(onsets)
            hit: dict[str, float] = defaultdict(float)
            for o in onsets:
                for a in onto.ancestors(o) | {o}:
                    hit[a] += share
            for a, v in hit.items():
                onset_sum[a] += min(v, 1.0)

    def background(t):
        v = (bg_sum.get(t, 0.0) + 0.5) / (nbg + 1)
        v = min(max(v, 0.0005), 0.95)
        src = f"HPO {RELEASE}: {num(bg_sum.get(t, 0.0))} of {nbg:,} other skeletal-disorder OMIM diseases"
        if t in C.BACKGROUND_FLOOR and C.BACKGROUND_FLOOR[t][0] > v:
            floor, why = C.BACKGROUND_FLOOR[t]
            src = f"estimate {num(floor)}: {why} (HPO-computed {num(v)} from {src[len('HPO ' + RELEASE + ': '):]})"
            v = floor
        return v, src

    # ---- build findings
    findings = []  # dicts in output order
    by_id = {}
    by_hpo = {}
    used_names = {}  # lower-case label/synonym -> finding id

    def add_finding(f):
        assert f["id"] not in by_id, f["id"]
        assert re.fullmatch(r"[a-z][a-z0-9_]*", f["id"]) and len(f["id"]) <= 48, f["id"]
        if f.get("hpo"):
            assert f["hpo"] not in by_hpo, f["hpo"]
            by_hpo[f["hpo"]] = f["id"]
        by_id[f["id"]] = f
        findings.append(f)

    def hpo_synonyms(t, limit=4):
        out = []
        for s, kind, extra in onto.synonyms.get(t, []):
            if kind == "EXACT" and "abbreviation" not in extra and "plural_form" not in extra:
                out.append(s)
        return out[:limit]

    # frequency of HPO ids used as ids: we want readable ids, unique
    taken_ids = set()
    for c in C.CONTEXT:
        taken_ids.add(c["id"])
    for f in C.CURATED_FINDINGS:
        taken_ids.add(f["id"])

    def id_for(t):
        base = snake(onto.name[t])
        i = base
        if i in taken_ids:
            i = f"{base[:38]}_{t[3:]}"
        taken_ids.add(i)
        return i

    # 1. context findings
    for c in C.CONTEXT:
        f = dict(c)
        if f["kind"] == "onset" and "background" not in f:
            t = f["hpo"]
            v = (onset_sum.get(t, 0.0) + 0.5) / (n_onset + 1)
            f["background"] = min(max(v, 0.0005), 0.95)
            f["background_source"] = (
                f"HPO {RELEASE}: onset annotations of background diseases, {num(onset_sum.get(t, 0.0))} of "
                f"{n_onset:,} OMIM skeletal-disorder diseases with an onset class (split over their classes)"
            )
        elif f["kind"] == "history" and "background" not in f:
            f["background"], f["background_source"] = history_background(f["id"], inh_count, nbg)
        add_finding(f)

    # 2. curated findings (overview / lab / imaging), in curated order
    curated_hpo_ids = {}
    for cf in C.CURATED_FINDINGS:
        f = {"id": cf["id"], "label": cf.get("label") or onto.name[cf["hpo"]]}
        if cf.get("hpo"):
            f["hpo"] = cf["hpo"]
            curated_hpo_ids[cf["hpo"]] = cf["id"]
        f["kind"] = cf.get("kind") or kind_of(onto, cf.get("hpo"))
        syn = list(cf.get("synonyms", []))
        if cf.get("hpo"):
            syn += hpo_synonyms(cf["hpo"])
        f["synonyms"] = syn
        f["_parents_hint"] = cf.get("parents", [])
        if cf.get("hpo"):
            f["background"], f["background_source"] = background(cf["hpo"])
        else:
            f["background"], f["background_source"] = cf["background"], cf["background_source"]
        add_finding(f)

    # 3. the remaining HPO vocabulary by id; ids of the seven diagnoses' vocabulary are assigned before
    # those of look-alike-only terms, so that the look-alikes cannot change an existing id
    hpo_id_of = {}
    for t in sorted(vocab_base - set(by_hpo)) + sorted(vocab_hpo - vocab_base - set(by_hpo)):
        hpo_id_of[t] = id_for(t)
    for t in sorted(vocab_hpo):
        if t in by_hpo:
            continue
        f = {"id": hpo_id_of[t], "label": onto.name[t], "hpo": t, "kind": kind_of(onto, t),
             "synonyms": hpo_synonyms(t)}
        f["background"], f["background_source"] = background(t)
        add_finding(f)

    # de-duplicate synonyms (case-insensitive) across the vocabulary; labels win. The vocabulary of the seven
    # diagnoses first, then the look-alike-only terms (which so cannot take a name from an existing finding)
    la_only_ids = {hpo_id_of[t] for t in vocab_hpo - vocab_base if t in hpo_id_of}
    for part in ([f for f in findings if f["id"] not in la_only_ids], [f for f in findings if f["id"] in la_only_ids]):
        for f in part:
            used_names.setdefault(f["label"].lower(), f["id"])
        for f in part:
            keep = []
            for s in f.get("synonyms", []):
                k = s.lower()
                if k == f["label"].lower() or (k in used_names and used_names[k] != f["id"]):
                    continue
                if any(k == x.lower() for x in keep):
                    continue
                used_names[k] = f["id"]
                keep.append(s)
            f["synonyms"] = keep

    # parents: nearest vocabulary ancestors (HPO findings); curated hints for non-HPO findings
    for f in findings:
        if f["kind"] in ("onset", "age", "sex", "history"):
            f["parents"] = []
            continue
        if f.get("hpo"):
            f["parents"] = nearest_vocab_ancestors(onto, f["hpo"], by_hpo)
        else:
            f["parents"] = list(f.get("_parents_hint", []))
    for f in findings:
        f.pop("_parents_hint", None)
        for p in f["parents"]:
            assert p in by_id, (f["id"], p)

    # ---- rules
    diag_rules = {}
    notes = []
    for did, d in C.DIAGNOSES.items():
        rules = build_rules(did, d, ann, onto, by_hpo, by_id, notes)
        diag_rules[did] = rules
    la_rules = {}
    skipped = []
    for lid, d in C.LOOKALIKES.items():
        usable = {r["hpo_id"] for e in d["entries"] for r in ann.rows[e]
                  if r["aspect"] == "P" and r["qualifier"] != "NOT" and r["hpo_id"] in by_hpo}
        if len(usable) < C.LOOKALIKE_MIN_TERMS:
            skipped.append(f"{lid}: {len(usable)} usable annotated terms (< {C.LOOKALIKE_MIN_TERMS})")
            continue
        curated = []
        for cr in C.LOOKALIKE_RULES.get(lid, []):
            cr = dict(cr)
            if cr.get("hpo"):
                cr["finding"] = by_hpo[cr.pop("hpo")]
            curated.append(cr)
        la_rules[lid] = build_rules(lid, d, ann, onto, by_hpo, by_id, notes, curated=curated)
    for e in [e for e, lid in la_of.items() if lid not in la_rules]:
        del la_of[e]

    # ---- write
    os.makedirs(os.path.join(out_dir, "rules"), exist_ok=True)
    os.makedirs(os.path.join(out_dir, "data"), exist_ok=True)
    os.makedirs(os.path.join(out_dir, "tests", "fixtures"), exist_ok=True)
    write_findings(os.path.join(out_dir, "rules", "findings.toml"), findings, nbg, dropped_annotated, onto)
    for did, d in C.DIAGNOSES.items():
        check_genes(did, d, g2p)
        write_diagnosis(os.path.join(out_dir, "rules", f"{did}.toml"), did, d, diag_rules[did], ann)
    for lid in la_rules:
        d = C.LOOKALIKES[lid]
        check_genes(lid, d, g2p)
        write_diagnosis(os.path.join(out_dir, "rules", f"lookalike_{lid}.toml"), lid, d, la_rules[lid], ann)
    write_isa(os.path.join(out_dir, "data", "hp-is-a.tsv"), onto)
    write_disease_map(os.path.join(out_dir, "data", "disease-map.tsv"),
                      {**diag_of, **{e: NONE_OF_THESE for e in la_of}}, ann)
    write_fixture(os.path.join(out_dir, "tests", "fixtures", "overview-symptoms.toml"))

    # ---- validate
    validate(out_dir, onto, sorted(la_rules))
    print(f"findings: {len(findings)} (background diseases N={nbg}); "
          + ", ".join(f"{k}: {len(v)} rules" for k, v in diag_rules.items()))
    print("look-alikes: " + ", ".join(f"{k}: {len(v)} rules" for k, v in la_rules.items()))
    for s in skipped:
        print("skipped look-alike:", s)
    if dropped_annotated:
        print("annotated terms left out of the vocabulary (too general, depth < 3 or outside HP:0000118): "
              + ", ".join(f"{t} {onto.name[t]}" for t in dropped_annotated))
    for n in notes:
        print("note:", n)
    return 0


def load_g2p(path):
    out = defaultdict(set)
    with open(path, encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            c = line.rstrip("\n").split("\t")
            if len(c) >= 6:
                out[c[5]].add(c[1])
    return out


def check_genes(did, d, g2p):
    linked = set()
    for e in d["entries"]:
        linked |= g2p.get(e, set())
    for g in d["genes"]:
        if g["symbol"] not in linked and not g.get("not_in_hpo_ok"):
            print(f"warning: {did}: gene {g['symbol']} not linked to its entries in genes_to_phenotype.txt", file=sys.stderr)


def history_background(fid, inh_count, nbg):
    ad = inh_count.get("HP:0000006", 0) / nbg
    ar = inh_count.get("HP:0000007", 0) / nbg
    xr = inh_count.get("HP:0001419", 0) / nbg
    base = (f"estimate from HPO {RELEASE} inheritance of the {nbg:,} background diseases "
            f"(AD {ad:.2f}, AR {ar:.2f}, XLR {xr:.2f} of diseases)")
    if fid == "family_history_affected_parent":
        v = 0.4 * ad + 0.01
        return v, base + ": 0.4 x AD share (about 40% of AD cases inherited, the rest de novo; estimate) + 0.01"
    if fid == "parental_consanguinity":
        v = 0.3 * ar + 0.02
        return v, base + ": 0.3 x AR share (consanguinity in AR series; estimate) + 0.02 population baseline"
    if fid == "family_history_affected_sibling":
        v = 0.25 * ar + 0.1 * ad + 0.01
        return v, base + ": 0.25 x AR share + 0.1 x AD share + 0.01 (estimate)"
    if fid == "family_history_affected_maternal_male_relative":
        v = 0.3 * xr + 0.01
        return v, base + ": 0.3 x XLR share + 0.01 (estimate)"
    raise KeyError(fid)


def kind_of(onto, t):
    if not t:
        return "phenotype"
    if t in C.KIND_OVERRIDE:
        return C.KIND_OVERRIDE[t]
    if onto.is_under(t, "HP:0003674"):
        return "onset"
    for root in C.LAB_ROOTS:
        if onto.is_under(t, root):
            return "laboratory"
    for root in C.IMAGING_ROOTS:
        if onto.is_under(t, root):
            return "imaging"
    return "phenotype"


def nearest_vocab_ancestors(onto, t, by_hpo):
    found = set()
    seen = set()
    stack = list(onto.parents.get(t, []))
    while stack:
        p = stack.pop()
        if p in seen:
            continue
        seen.add(p)
        if p in by_hpo:
            found.add(p)
            continue
        stack.extend(onto.parents.get(p, []))
    # keep only the nearest: drop any found term that is an ancestor of another found term
    nearest = {p for p in found if not any(p in onto.ancestors(q) for q in found if q != p)}
    return sorted(by_hpo[p] for p in nearest)


def build_rules(did, d, ann, onto, by_hpo, by_id, notes, curated=None):
    group = d.get("group")
    shares = d["shares"]  # entry -> (weight, why)
    per_entry = {}
    nots = defaultdict(list)
    terms = set()
    for e in d["entries"]:
        m = {}
        for r in ann.rows[e]:
            if r["aspect"] != "P":
                continue
            t = r["hpo_id"]
            if r["qualifier"] == "NOT":
                nots[t].append(e)
                continue
            m[t] = r["frequency"]
            terms.add(t)
        per_entry[e] = m
    rules = {}
    for t in sorted(terms):
        if t not in by_hpo:
            continue
        fid = by_hpo[t]
        weighted = 0.0
        parts = []
        covered = sum(w for w, _ in shares.values()) or 1.0
        for e, (w, _) in sorted(shares.items()):
            if t in per_entry.get(e, {}):
                fv = parse_freq(per_entry[e][t])
                fv = 0.5 if fv is None else fv
                weighted += w * fv
                parts.append(f"{e} {freq_text(per_entry[e][t])}")
        # Renormalised over the shares the entries cover: the cases of genes without an entry
        # are taken to look like the covered ones on average (not to lack every finding).
        weighted /= covered
        gfreq = per_entry.get(group, {}).get(t) if group else None
        gval = parse_freq(gfreq) if gfreq is not None else None
        if gval is not None:
            freq = gval
            src = f"HPO {group} {freq_text(gfreq)}"
            if parts and abs(weighted - gval) > 0.15:
                src += (f"; OMIM/Orphanet subtypes weighted {num(max(weighted, FLOOR))} ({'; '.join(parts)})"
                        f"; took {group}: group-level curation")
            elif parts:
                src += f"; subtypes: {'; '.join(parts)}"
        else:
            freq = weighted
            if gfreq is not None:
                parts.insert(0, f"{group} no frequency")
            src = f"HPO subtypes weighted by share: {'; '.join(parts)}"
            if freq < FLOOR:
                src += f" (weighted {num(freq)}, floored at {num(FLOOR)})"
                freq = FLOOR
        if freq <= 0.0:
            rules[fid] = {"finding": fid, "frequency": AGAINST_FREQ, "against": True, "_hpo": True,
                          "source": src + f"; excluded/0 in HPO -> against, {num(AGAINST_FREQ)}"}
        else:
            rules[fid] = {"finding": fid, "frequency": freq, "source": src, "_hpo": True,
                          "_weighted": gval is None}
    for t, es in sorted(nots.items()):
        if t not in by_hpo:
            continue
        fid = by_hpo[t]
        if fid in rules and group not in es:
            rules[fid]["source"] += f"; NOT in {', '.join(es)}"
            continue
        rules[fid] = {"finding": fid, "frequency": AGAINST_FREQ, "against": True, "_hpo": True,
                      "source": f"HPO {', '.join(es)} NOT (qualifier); against with {num(AGAINST_FREQ)}"}
    # curated rules
    for cr in (C.CURATED_RULES.get(did, []) if curated is None else curated):
        fid = cr["finding"]
        assert fid in by_id, (did, fid)
        mode = cr.get("mode", "add")
        new = {k: v for k, v in cr.items() if k in ("finding", "frequency", "lr", "against", "source", "max_lr")}
        if fid in rules:
            old = rules[fid]
            if mode == "note":
                old["source"] += "; " + cr["source"]
                if "lr" in cr:
                    old["lr"] = cr["lr"]
                continue
            if mode == "add":
                if old.get("_weighted") and not old.get("against") and cr["frequency"] > old["frequency"]:
                    # subtype weighting counts un-annotated subtypes as 0 (OMIM synopses are incomplete); for a
                    # finding the overview/curation names for this diagnosis take the larger curated estimate
                    old["source"] = (cr["source"] + f"; HPO subtypes weighted only {num(old['frequency'])} "
                                     f"({old['source']}); took the curated estimate")
                    old["frequency"] = cr["frequency"]
                else:
                    old["source"] += "; " + cr.get("note", cr["source"])
                continue
            # override
            if old.get("_hpo"):
                new["source"] = cr["source"] + f" [overrides HPO-derived {num(old['frequency'])}: {old['source']}]"
                notes.append(f"{did}: {fid} curated {num(cr['frequency'])} overrides HPO {num(old['frequency'])}")
            rules[fid] = new
        else:
            rules[fid] = new
    for r in rules.values():
        r.pop("_hpo", None)
        r.pop("_weighted", None)
        f = r["frequency"]
        assert 0.0 <= f <= 1.0, r
        bg = by_id[r["finding"]]["background"]
        # against rules must argue against: frequency at most AGAINST_MAX_LR x background (the engine
        # scores log(frequency / background)); "max_lr" caps curated low-frequency rules the same way
        cap = r.pop("max_lr", AGAINST_MAX_LR if r.get("against") else None)
        if cap is not None and r["frequency"] > cap * bg:
            r["source"] += (f"; frequency lowered from {num(r['frequency'])} to {num(cap * bg)} so that "
                            f"frequency/background <= {num(cap)} (background {num(bg)})")
            r["frequency"] = float(num(cap * bg))
            f = r["frequency"]
        if r.get("lr") is not None:
            r["source"] += f" (frequency/background = {num(f)}/{num(bg)} = {num(f / bg)})"
    return rules


# ----------------------------------------------------------------------------- writers

def write_findings(path, findings, nbg, dropped, onto):
    L = [
        "# osteodx finding vocabulary. GENERATED by tools/gen_rules.py from HPO release 2025-01-16",
        "# (Human Phenotype Ontology, hpo.jax.org) and the curated knowledge in tools/curated.py. Do not edit by hand.",
        f"# background = P(finding | some other skeletal disorder): {nbg:,} OMIM diseases of phenotype.hpoa with a",
        "# skeletal (HP:0000924) annotation, excluding the diseases of the seven diagnoses; (sum + 0.5) / (N + 1).",
        "# Order: context findings, curated overview/lab/imaging findings, then the HPO vocabulary by HPO id.",
        "",
    ]
    for f in findings:
        L.append("[[finding]]")
        L.append(f"id = {tstr(f['id'])}")
        L.append(f"label = {tstr(f['label'])}")
        if f.get("hpo"):
            L.append(f"hpo = {tstr(f['hpo'])}")
        if f.get("kind", "phenotype") != "phenotype":
            L.append(f"kind = {tstr(f['kind'])}")
        if f.get("synonyms"):
            L.append(f"synonyms = {tarr(f['synonyms'])}")
        if f.get("parents"):
            L.append(f"parents = {tarr(f['parents'])}")
        L.append(f"background = {num(f['background'])}")
        L.append(f"background_source = {tstr(f['background_source'])}")
        L.append("")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(L))


CONTEXT_KINDS = ("onset", "age", "sex", "history")


def write_diagnosis(path, did, d, rules, ann):
    from_ctx = set(C.CONTEXT_IDS)
    what = "look-alike" if did in C.LOOKALIKES else "diagnosis"
    L = [
        f"# osteodx {what} '{did}'. GENERATED by tools/gen_rules.py from HPO release 2025-01-16",
        "# (hpo.jax.org: phenotype.hpoa) and the curated knowledge in tools/curated.py. Do not edit by hand.",
        "# Subtype shares used to weight the OMIM/Orphanet entries when the Orphanet group entry gives no frequency:",
    ]
    for e, (w, why) in sorted(d["shares"].items()):
        L.append(f"#   {e} ({ann.names.get(e, '?')}): {num(w)} - {why}")
    if d.get("group"):
        L.append(f"# Orphanet group entry: {d['group']} ({ann.names.get(d['group'], '?')})")
    for n in d.get("notes", []):
        L.append(f"# {n}")
    if did in C.LOOKALIKES:
        L.append("# A look-alike (classes.md): scored like a diagnosis, its posterior counts towards 'none of these'.")
    L += ["", "[diagnosis]", f"id = {tstr(did)}", f"name = {tstr(d['name'])}"]
    if d.get("synonyms"):
        L.append(f"synonyms = {tarr(d['synonyms'])}")
    L.append(f"inheritance = {tstr(d['inheritance'])}")
    if did in C.LOOKALIKES:
        L.append("lookalike = true")
    L.append(f"onset = {tstr(d['onset'])}")
    L.append(f"prevalence = {num(d['prevalence'])}")
    L.append(f"prevalence_source = {tstr(d['prevalence_source'])}")
    omim = sorted(e for e in d["entries"] if e.startswith("OMIM:"))
    orpha = sorted(e for e in d["entries"] if e.startswith("ORPHA:"))
    L.append(f"omim = {tarr(omim)}")
    L.append(f"orphanet = {tarr(orpha)}")
    L.append("")
    for g in d["genes"]:
        L += ["[[gene]]", f"symbol = {tstr(g['symbol'])}", f"zygosity = {tstr(g['zygosity'])}",
              f"fraction = {num(g['fraction'])}", f"source = {tstr(g['source'])}", ""]

    def order(r):
        ctx = r["finding"] in from_ctx
        return (0 if ctx else 1, C.CONTEXT_IDS.index(r["finding"]) if ctx else 0,
                1 if r.get("against") else 0, -r["frequency"], r["finding"])

    for r in sorted(rules.values(), key=order):
        L.append("[[rule]]")
        L.append(f"finding = {tstr(r['finding'])}")
        L.append(f"frequency = {num(r['frequency'])}")
        if r.get("lr") is not None:
            L.append(f"lr = {num(r['lr'])}")
        if r.get("against"):
            L.append("against = true")
        L.append(f"source = {tstr(r['source'])}")
        L.append("")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(L))


def write_isa(path, onto):
    L = [f"# HPO release {RELEASE}, generated from hp.obo by tools/gen_rules.py",
         "# term<TAB>is_a parents (comma-separated; empty for the root); then alt<TAB>old id<TAB>current id",
         "# for alt_ids and for obsolete terms with replaced_by. Human Phenotype Ontology, hpo.jax.org."]
    for t in sorted(onto.name):
        L.append(f"{t}\t{','.join(onto.parents[t])}")
    alts = dict(onto.alt)
    for old, new in onto.replaced.items():
        r = onto.resolve(new)
        if r and old not in alts:
            alts[old] = r
    for old in sorted(alts):
        if old in onto.name:
            continue
        L.append(f"alt\t{old}\t{alts[old]}")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(L) + "\n")


def write_disease_map(path, diag_of, ann):
    L = [f"# OMIM / Orphanet entries of HPO release {RELEASE} (phenotype.hpoa) and the osteodx diagnosis each belongs to.",
         "# Generated by tools/gen_rules.py; the grouping and its reasons are in tools/curated.py.",
         f"# Look-alike entries (tools/curated.py LOOKALIKES, rules/lookalike_*.toml) map to {NONE_OF_THESE}.",
         "# database_id<TAB>diagnosis_id<TAB>name"]

    def key(e):
        db, n = e.split(":")
        return (db, int(n))

    # Ids that are not (or no longer) HPO entries but that published cases use for these diagnoses.
    aliases = {
        "OMIM:300301": ("x_linked", "Ectodermal dysplasia, anhidrotic, with immunodeficiency, osteopetrosis, and lymphedema "
                        "(OL-EDA-ID; folded into OMIM:300291, classes.md)"),
    }
    names = dict(ann.names)
    for e, (d, name) in aliases.items():
        if e not in diag_of:
            diag_of = {**diag_of, e: d}
            names[e] = name
    for e in sorted(diag_of, key=key):
        L.append(f"{e}\t{diag_of[e]}\t{names.get(e, '')}")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(L) + "\n")


def write_fixture(path):
    F = C.FIXTURE
    L = ["# The overview's lists (shared/seed/osteopetrosis-overview.txt) mapped to osteodx findings and diagnoses.",
         "# Generated by tools/gen_rules.py from tools/curated.py. Each `finding` must exist in rules/findings.toml",
         "# and have a rule in every listed diagnosis (the type's own table, or `diagnoses`).", ""]
    for sec in ("infantile", "adult", "intermediate", "x_linked"):
        L.append(f"[{sec}]")
        L.append("symptoms = [")
        for text, fid in F[sec]:
            L.append(f"  {{ text = {tstr(text)}, finding = {tstr(fid)} }},")
        L += ["]", ""]
    for sec in ("common", "diagnostics", "complications"):
        L.append(f"[{sec}]")
        L.append("items = [")
        for text, fid, diags in F[sec]:
            L.append(f"  {{ text = {tstr(text)}, finding = {tstr(fid)}, diagnoses = {tarr(diags)} }},")
        L += ["]", ""]
    L.append("[differentials]")
    L.append("items = [")
    for text, did, fid in F["differentials"]:
        L.append(f"  {{ text = {tstr(text)}, diagnosis = {tstr(did)}, finding = {tstr(fid)} }},")
    L += ["]", "", "[genes]"]
    for sym, diags in F["genes"]:
        L.append(f"{sym} = {tarr(diags)}")
    L.append("")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(L))


# ----------------------------------------------------------------------------- validation

def validate(out_dir, onto, lookalikes=()):
    with open(os.path.join(out_dir, "rules", "findings.toml"), "rb") as fh:
        fdoc = tomllib.load(fh)
    assert set(fdoc) == {"finding"}
    allowed = {"id", "label", "hpo", "kind", "synonyms", "parents", "background", "background_source"}
    ids, hpos = {}, set()
    for f in fdoc["finding"]:
        assert set(f) <= allowed, f
        assert re.fullmatch(r"[a-z][a-z0-9_]*", f["id"]) and len(f["id"]) <= 48, f["id"]
        assert f["id"] not in ids, f["id"]
        ids[f["id"]] = f
        if "hpo" in f:
            assert re.fullmatch(r"HP:\d{7}", f["hpo"]) and f["hpo"] not in hpos, f["hpo"]
            hpos.add(f["hpo"])
        assert f.get("kind", "phenotype") in ("phenotype", "laboratory", "imaging", "onset", "age", "sex", "history")
        assert 0 < f["background"] < 1, f
    for f in fdoc["finding"]:
        for p in f.get("parents", []):
            assert p in ids, (f["id"], p)
    # acyclic parents
    state = {}

    def visit(i):
        if state.get(i) == 1:
            raise AssertionError(f"cycle at {i}")
        if state.get(i) == 2:
            return
        state[i] = 1
        for p in ids[i].get("parents", []):
            visit(p)
        state[i] = 2

    sys.setrecursionlimit(10000)
    for i in ids:
        visit(i)
    dkeys = {"id", "name", "synonyms", "inheritance", "lookalike", "onset", "prevalence", "prevalence_source", "omim",
             "orphanet"}
    rkeys = {"finding", "frequency", "lr", "against", "source"}
    gkeys = {"symbol", "zygosity", "fraction", "source"}
    rules_of = {}
    files = [(did, f"{did}.toml") for did in C.DIAGNOSES] + [(lid, f"lookalike_{lid}.toml") for lid in lookalikes]
    diag_ids = set()
    for did, fname in files:
        with open(os.path.join(out_dir, "rules", fname), "rb") as fh:
            doc = tomllib.load(fh)
        assert set(doc) <= {"diagnosis", "gene", "rule"}
        assert set(doc["diagnosis"]) <= dkeys and doc["diagnosis"]["id"] == did
        assert did not in diag_ids, did
        diag_ids.add(did)
        assert doc["diagnosis"].get("lookalike", False) is (did in lookalikes), did
        assert doc["diagnosis"]["inheritance"] in ("autosomal_dominant", "autosomal_recessive", "x_linked_recessive",
                                                   "x_linked_dominant", "sporadic", "mixed"), did
        assert 0 < doc["diagnosis"]["prevalence"] < 1
        if did in lookalikes:
            assert doc["diagnosis"]["prevalence"] <= C.LOOKALIKE_MAX_PREVALENCE, did
        syms = set()
        for g in doc.get("gene", []):
            assert set(g) <= gkeys and 0 < g["fraction"] <= 1 and g["symbol"] not in syms, g
            assert g["zygosity"] in ("biallelic", "heterozygous", "hemizygous", "any")
            syms.add(g["symbol"])
        seen = set()
        assert doc["rule"]
        for r in doc["rule"]:
            assert set(r) <= rkeys, r
            assert r["finding"] in ids, (did, r["finding"])
            assert r["finding"] not in seen, (did, r["finding"])
            seen.add(r["finding"])
            fr = r["frequency"]
            assert isinstance(fr, float) and 0 <= fr <= 1, r
            if "lr" in r:
                assert r["lr"] > 0
        rules_of[did] = seen
    with open(os.path.join(out_dir, "tests", "fixtures", "overview-symptoms.toml"), "rb") as fh:
        fx = tomllib.load(fh)
    for sec in ("infantile", "adult", "intermediate", "x_linked"):
        for item in fx[sec]["symptoms"]:
            assert item["finding"] in ids, item
            assert item["finding"] in rules_of[sec], (sec, item)
    for sec in ("common", "diagnostics", "complications"):
        for item in fx[sec]["items"]:
            assert item["finding"] in ids, item
            for d in item["diagnoses"]:
                assert item["finding"] in rules_of[d], (sec, d, item)
    for item in fx["differentials"]["items"]:
        assert item["finding"] in rules_of[item["diagnosis"]], item
    for sym, ds in fx["genes"].items():
        for d in ds:
            with open(os.path.join(out_dir, "rules", f"{d}.toml"), "rb") as fh:
                assert sym in {g["symbol"] for g in tomllib.load(fh)["gene"]}, (sym, d)
    # is-a file
    n = 0
    with open(os.path.join(out_dir, "data", "hp-is-a.tsv"), encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            c = line.rstrip("\n").split("\t")
            if c[0] == "alt":
                assert len(c) == 3 and c[2] in onto.name
            else:
                n += 1
                assert len(c) == 2
    assert n == len(onto.name)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
