#!/usr/bin/env python3
"""Cut a small, self-consistent test fixture out of the standard HPO release files.

Usage:
    python3 tools/make_hpo_fixture.py HPO_DIR [OUT_DIR]     (OUT_DIR defaults to tests/fixtures/hpo)
    python3 tools/make_hpo_fixture.py HPO_DIR --propose     (only print the filler rule's picks)

HPO_DIR holds an unpacked HPO release: hp.obo, phenotype.hpoa, genes_to_phenotype.txt.
OUT_DIR receives the same three files, pruned, and a README.md describing them:

  phenotype.hpoa          the original '#' header lines, one added '#description:' line naming
                          this tool, the header row, then every line of the diseases in DISEASES
                          (CORE + FILLERS below), in original order, byte for byte.
  hp.obo                  the header (everything before the first stanza), the [Typedef]
                          stanzas, and every [Term] stanza in the closure, unchanged and in
                          original order. The closure: every HP id used by the kept hpoa lines
                          (hpo_id, onset, frequency and modifier columns), the EXTRA_TERMS, the
                          EXTRA_SUBTREES (each with all its descendants), the term behind an
                          alt_id, the replaced_by term of a kept obsolete term, and then all
                          their ancestors through is_a, transitively. Obsolete terms outside
                          the closure are dropped.
  genes_to_phenotype.txt  the header row and every line whose disease_id is kept.

The selection is fixed in DISEASES so the fixture does not drift with the input; the FILLERS were
picked once by the rule of propose_fillers() (run with --propose to see it again) and pasted in.
The tool checks its output (every is_a parent of a kept term is kept, every HP id of the kept
annotations is a kept term, every test-relevant feature is present: a NOT annotation, each
frequency form, onsets, inheritance) and exits with status 1 if a check fails.

Python 3 standard library only; deterministic (no dates, no randomness): the same input gives the
same bytes.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections import Counter, defaultdict

# ---------------------------------------------------------------------------------------------
# Selection
# ---------------------------------------------------------------------------------------------

# Diseases kept whatever the size: (id, why). An id missing from phenotype.hpoa is skipped with
# a warning (OMIM:300301 has no annotations in the 2025-01-16 release).
CORE = [
    ("OMIM:259700", "osteopetrosis, autosomal recessive 1 (infantile malignant)"),
    ("OMIM:166600", "osteopetrosis, autosomal dominant 2 (Albers-Schoenberg)"),
    ("OMIM:611490", "osteopetrosis, autosomal recessive 4"),
    ("OMIM:259710", "osteopetrosis, autosomal recessive 2"),
    ("OMIM:300301", "osteopetrosis, lymphedema, ectodermal dysplasia, immunodeficiency (X-linked)"),
    ("OMIM:155950", "look-alike: melorheostosis"),
    ("OMIM:166700", "look-alike: osteopoikilosis (Buschke-Ollendorff)"),
    ("OMIM:166200", "look-alike: osteogenesis imperfecta type I"),
    ("OMIM:265800", "look-alike: pycnodysostosis"),
    # Orphanet entries, so that an OMIM / Orphanet / both selection can be tested.
    ("ORPHA:53", "Orphanet: Albers-Schoenberg osteopetrosis (the Orphanet twin of OMIM:166600)"),
    ("ORPHA:667", "Orphanet: autosomal recessive malignant osteopetrosis"),
    ("ORPHA:210110", "Orphanet: intermediate osteopetrosis (has NOT annotations)"),
    # Feature carrier: percentages ('45%') are rare in phenotype.hpoa; a cheap skeletal one. (NOT
    # annotations exist only in Orphanet entries in the 2025-01-16 release: ORPHA:210110 has them.)
    ("OMIM:608681", "feature: frequencies written as percentages"),
]

# OMIM diseases of varied organ systems, picked by propose_fillers() below (--propose prints the
# list again): (id, why). The 'why' names the top-level HPO category most of its phenotype
# annotations fall under.
FILLERS = [
    ("OMIM:612287", "filler; most annotations: genitourinary system"),  # Nephrolithiasis/osteoporosis, hypophosphatemic, 2, 8 lines
    ("OMIM:613308", "filler; most annotations: head or neck"),  # Diamond-Blackfan anemia 9, 8 lines
    ("OMIM:165510", "filler; most annotations: eye"),  # Optic atrophy with negative electroretinograms, 8 lines
    ("OMIM:607017", "filler; most annotations: ear"),  # Deafness, autosomal dominant 21, 8 lines
    ("OMIM:239100", "filler; most annotations: nervous system"),  # van Buchem disease, 10 lines
    ("OMIM:103900", "filler; most annotations: endocrine system"),  # Aldosteronism, glucocorticoid-remediable, 10 lines
    ("OMIM:218030", "filler; most annotations: growth"),  # Apparent mineralocorticoid excess, 12 lines
    ("OMIM:209700", "filler; most annotations: integument"),  # Atrophoderma vermiculata, 8 lines
    ("OMIM:600666", "filler; most annotations: cardiovascular system"),  # Polycystic kidney disease 3, 10 lines
    ("OMIM:613977", "filler; most annotations: blood and blood-forming tissues"),  # Cyanosis, transient neonatal, 8 lines
    ("OMIM:143860", "filler; most annotations: metabolism/homeostasis"),  # Hyperchlorhidrosis, isolated, 8 lines
    ("OMIM:265100", "filler; most annotations: respiratory system"),  # Pulmonary alveolar microlithiasis, 8 lines
    ("OMIM:601979", "filler; most annotations: immune system"),  # Hyperzincemia with functional zinc depletion, 8 lines
    ("OMIM:224100", "filler; most annotations: digestive system"),  # Anemia, dyserythropoietic congenital, type II, 14 lines
    ("OMIM:615399", "filler; most annotations: constitutional symptom"),  # Paroxysmal nocturnal hemoglobinuria 2, 11 lines
    ("OMIM:168400", "filler; most annotations: musculoskeletal system"),  # Parastremmatic dwarfism, 10 lines
    ("OMIM:612286", "filler; most annotations: genitourinary system"),  # Nephrolithiasis/osteoporosis, hypophosphatemic, 1, 9 lines
    ("OMIM:615267", "filler; most annotations: head or neck"),  # Hypogonadotropic hypogonadism 18 with or without anosmia, 9 lines
    ("OMIM:617717", "filler; most annotations: eye"),  # Auditory neuropathy and optic atrophy, 8 lines
]

DISEASES = CORE + FILLERS

# HPO terms kept (with their ancestors) even if no kept annotation uses them.
EXTRA_TERMS = [
    "HP:0000001",  # All (the root)
    "HP:0000118",  # Phenotypic abnormality (root of the P aspect)
    "HP:0000005",  # Mode of inheritance (root of the I aspect)
    "HP:0031797",  # Clinical course (root of the C aspect)
    "HP:0040279",  # Frequency (parent of the frequency classes)
    "HP:0040280",  # Obligate (100%)
    "HP:0040281",  # Very frequent (99-80%)
    "HP:0040282",  # Frequent (79-30%)
    "HP:0040283",  # Occasional (29-5%)
    "HP:0040284",  # Very rare (<4-1%)
    "HP:0040285",  # Excluded (0%)
    "HP:0000006",  # Autosomal dominant inheritance
    "HP:0000007",  # Autosomal recessive inheritance
    "HP:0001417",  # X-linked inheritance
    "HP:0001419",  # X-linked recessive inheritance
    "HP:0001423",  # X-linked dominant inheritance
]

# Terms kept with every descendant (and their ancestors).
EXTRA_SUBTREES = [
    "HP:0003674",  # Onset: every onset term an annotation's onset column may use
    "HP:0040279",  # Frequency: the frequency classes, whatever the release adds
]

# Target for hp.obo + phenotype.hpoa together; the filler rule stops before it, and the tool warns
# if the output is larger.
SIZE_BUDGET = 400 * 1024

# Parameters of the filler rule (propose_fillers).
FILLER_MIN_ANNOTATIONS = 8  # a filler has at least this many phenotype.hpoa lines
FILLER_MAX_COUNT = 38  # at most this many fillers (CORE + FILLERS ~ 50 diseases)
FILLER_MAX_MARGINAL = 8000  # bytes of new hp.obo stanzas one filler may bring in

ADDED_DESCRIPTION = "#description: pruned fixture made by tools/make_hpo_fixture.py\n"

PHENO_ROOT = "HP:0000118"
HP_ID = re.compile(r"HP:\d{7}")
FREQ_CLASSES = {"HP:0040280", "HP:0040281", "HP:0040282", "HP:0040283", "HP:0040284", "HP:0040285"}


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------


class Obo:
    """hp.obo as text pieces: the header, then the stanzas in file order (full text each)."""

    def __init__(self, path: str):
        with open(path, encoding="utf-8", newline="") as fh:
            lines = fh.readlines()
        self.header = ""
        self.stanzas: list[dict] = []  # kind, id, text, is_a, alt_id, obsolete, replaced_by, name
        cur = None
        for line in lines:
            if line.startswith("["):
                cur = {"kind": line.strip(), "lines": []}
                self.stanzas.append(cur)
            if cur is None:
                self.header += line
            else:
                cur["lines"].append(line)
        self.term: dict[str, dict] = {}
        self.alt: dict[str, str] = {}
        self.children: dict[str, list[str]] = defaultdict(list)
        self.version = None
        for line in self.header.splitlines():
            if line.startswith("data-version:"):
                self.version = line.split(":", 1)[1].strip()
        for s in self.stanzas:
            s["text"] = "".join(s.pop("lines"))
            s.update(id=None, name="", is_a=[], alt_id=[], obsolete=False, replaced_by=[])
            for line in s["text"].splitlines():
                key, _, val = line.partition(": ")
                val = val.split(" !", 1)[0].strip()
                if key == "id" and s["id"] is None:
                    s["id"] = val
                elif key == "name":
                    s["name"] = val
                elif key == "is_a":
                    s["is_a"].append(val.split()[0])
                elif key == "alt_id":
                    s["alt_id"].append(val)
                elif key == "is_obsolete" and val == "true":
                    s["obsolete"] = True
                elif key == "replaced_by":
                    s["replaced_by"].append(val)
            if s["kind"] == "[Term]":
                self.term[s["id"]] = s
                for a in s["alt_id"]:
                    self.alt[a] = s["id"]
                for p in s["is_a"]:
                    self.children[p].append(s["id"])

    def primary(self, tid: str) -> str | None:
        """The stanza id standing for tid (itself or the term listing it as alt_id)."""
        if tid in self.term:
            return tid
        return self.alt.get(tid)

    def ancestors(self, ids) -> set[str]:
        """ids and all their is_a ancestors."""
        out: set[str] = set()
        stack = list(ids)
        while stack:
            t = stack.pop()
            if t in out:
                continue
            out.add(t)
            stack.extend(self.term[t]["is_a"] if t in self.term else [])
        return out

    def descendants(self, tid: str) -> set[str]:
        """tid and every term below it."""
        out: set[str] = set()
        stack = [tid]
        while stack:
            t = stack.pop()
            if t not in out:
                out.add(t)
                stack.extend(self.children.get(t, []))
        return out


class Hpoa:
    """phenotype.hpoa: '#' lines, the header row, and data lines (raw text and columns)."""

    def __init__(self, path: str):
        self.comments: list[str] = []
        self.header_row = None
        self.columns: list[str] = []
        self.rows: list[tuple[str, dict]] = []
        with open(path, encoding="utf-8", newline="") as fh:
            for line in fh:
                if self.header_row is None and line.startswith("#"):
                    self.comments.append(line)
                elif self.header_row is None:
                    self.header_row = line
                    self.columns = line.rstrip("\r\n").split("\t")
                else:
                    self.rows.append((line, dict(zip(self.columns, line.rstrip("\r\n").split("\t")))))
        self.by_disease: dict[str, list[dict]] = defaultdict(list)
        self.name: dict[str, str] = {}
        self.bytes: Counter = Counter()
        for line, r in self.rows:
            self.by_disease[r["database_id"]].append(r)
            self.name.setdefault(r["database_id"], r["disease_name"])
            self.bytes[r["database_id"]] += len(line.encode("utf-8"))


def row_terms(r: dict) -> set[str]:
    """Every HP id a phenotype.hpoa line uses (hpo_id, onset, frequency, modifier)."""
    out: set[str] = set()
    for col in ("hpo_id", "onset", "frequency", "modifier"):
        out.update(HP_ID.findall(r.get(col, "")))
    return out


def closure(obo: Obo, rows) -> set[str]:
    """The [Term] ids to keep for these annotation rows (see the module docstring)."""
    seeds: set[str] = set(EXTRA_TERMS)
    for root in EXTRA_SUBTREES:
        seeds |= obo.descendants(root)
    for r in rows:
        seeds |= row_terms(r)
    kept: set[str] = set()
    todo = set(seeds)
    while todo:
        t = todo.pop()
        p = obo.primary(t)
        if p is None:
            print(f"warning: {t} is not a term of hp.obo", file=sys.stderr)
            continue
        for a in obo.ancestors([p]):
            if a not in kept:
                kept.add(a)
                todo.update(x for x in obo.term[a]["replaced_by"] if obo.primary(x) not in kept)
    return kept


# ---------------------------------------------------------------------------------------------
# The filler rule
# ---------------------------------------------------------------------------------------------


def dominant_category(obo: Obo, rows: list[dict], tops: set[str]) -> str | None:
    """The top-level phenotype category (child of HP:0000118) most of the disease's positive
    phenotype annotations fall under; ties go to the lowest id."""
    count: Counter = Counter()
    for r in rows:
        if r["aspect"] == "P" and r["qualifier"] != "NOT" and obo.primary(r["hpo_id"]):
            for a in obo.ancestors([obo.primary(r["hpo_id"])]) & tops:
                count[a] += 1
    if not count:
        return None
    best = max(count.values())
    return min(a for a in count if count[a] == best)


def propose_fillers(obo: Obo, hpoa: Hpoa, core: list[str]) -> list[tuple[str, str]]:
    """The rule FILLERS came from. Candidates: OMIM diseases (not in core) with at least
    FILLER_MIN_ANNOTATIONS lines, grouped by dominant_category. In rounds, each category in id
    order takes its candidate that brings the fewest new hp.obo bytes given what is already kept
    (ties: lowest OMIM number), if that is at most FILLER_MAX_MARGINAL and the total of hp.obo +
    phenotype.hpoa stays within SIZE_BUDGET; rounds repeat until FILLER_MAX_COUNT fillers are
    picked or a round picks none. Cheap fillers keep the fixture small; the round robin keeps the
    organ systems varied."""
    size = {t: len(s["text"].encode("utf-8")) for t, s in obo.term.items()}
    tops = sorted(obo.children[PHENO_ROOT])
    top_set = set(tops)
    groups: dict[str, list[str]] = defaultdict(list)
    cand = [
        d
        for d in hpoa.by_disease
        if d.startswith("OMIM:") and d not in core and len(hpoa.by_disease[d]) >= FILLER_MIN_ANNOTATIONS
    ]
    cand.sort(key=lambda d: int(d.split(":")[1]))
    own = {d: closure_quiet(obo, hpoa.by_disease[d]) for d in cand}
    for d in cand:
        groups[dominant_category(obo, hpoa.by_disease[d], top_set)].append(d)
    kept = closure(obo, [r for d in core for r in hpoa.by_disease[d]])
    fixed = len(obo.header.encode("utf-8")) + sum(
        len(s["text"].encode("utf-8")) for s in obo.stanzas if s["kind"] != "[Term]"
    )
    fixed += sum(len(x.encode("utf-8")) for x in hpoa.comments + [ADDED_DESCRIPTION, hpoa.header_row])
    total = fixed + sum(size[t] for t in kept) + sum(hpoa.bytes[d] for d in core)
    picked: list[tuple[str, str]] = []
    progress = True
    while progress and len(picked) < FILLER_MAX_COUNT:
        progress = False
        for top in tops:
            if len(picked) >= FILLER_MAX_COUNT:
                break
            best = None
            for d in groups.get(top, []):
                if any(d == p for p, _ in picked):
                    continue
                extra = sum(size[t] for t in own[d] - kept)
                if best is None or extra < best[0]:
                    best = (extra, d)
            if best is None or best[0] > FILLER_MAX_MARGINAL:
                continue
            extra, d = best
            if total + extra + hpoa.bytes[d] > SIZE_BUDGET:
                continue
            picked.append((d, "filler; most annotations: " + short_category(obo.term[top]["name"])))
            kept |= own[d]
            total += extra + hpoa.bytes[d]
            progress = True
    return picked


def closure_quiet(obo: Obo, rows) -> set[str]:
    """Ancestors of the HP ids the rows use (no extras), for size estimates."""
    ids = {obo.primary(t) for r in rows for t in row_terms(r)} - {None}
    return obo.ancestors(ids)


def short_category(name: str) -> str:
    for prefix in ("Abnormality of the ", "Abnormality of ", "Abnormal "):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name.replace(" abnormality", "").lower()


# ---------------------------------------------------------------------------------------------
# Features the tests rely on
# ---------------------------------------------------------------------------------------------

FEATURES = [
    ("NOT", "a NOT-qualified annotation"),
    ("freq n/m", "a frequency written n/m (like 3/7)"),
    ("freq %", "a frequency written as a percentage (like 45%)"),
    ("freq class", "a frequency given as an HPO frequency class (HP:0040280..HP:0040285)"),
    ("freq empty", "an annotation without frequency"),
    ("onset column", "an annotation with the onset column filled"),
    ("aspect C", "a clinical-course (onset) annotation, aspect C"),
    ("aspect I", "an inheritance annotation, aspect I"),
]


def features(rows: list[dict]) -> dict[str, list[dict]]:
    """Feature name -> the rows showing it."""
    out: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        f = r["frequency"]
        if r["qualifier"] == "NOT":
            out["NOT"].append(r)
        if not f:
            out["freq empty"].append(r)
        elif f in FREQ_CLASSES:
            out["freq class"].append(r)
        elif re.fullmatch(r"\d+/\d+", f):
            out["freq n/m"].append(r)
        elif re.fullmatch(r"\d+(\.\d+)?%", f):
            out["freq %"].append(r)
        if r["onset"]:
            out["onset column"].append(r)
        if r["aspect"] == "C":
            out["aspect C"].append(r)
        if r["aspect"] == "I":
            out["aspect I"].append(r)
    return out


def propagation_examples(obo: Obo, by_disease: dict[str, list[dict]], order: list[str]):
    """(A, T, B, U): disease A is annotated with T; another disease B with U, a strict descendant
    of T that A itself does not have. Phenotype aspect, positive annotations only."""
    own = {
        d: {r["hpo_id"] for r in rows if r["aspect"] == "P" and r["qualifier"] != "NOT"}
        for d, rows in by_disease.items()
    }
    out = []
    for a in order:
        for t in sorted(own[a]):
            for b in order:
                if b == a:
                    continue
                # a direct child first, then any deeper descendant
                for u in sorted(own[b] - own[a], key=lambda u: (t not in obo.term[u]["is_a"], u)):
                    if u != t and t in obo.ancestors([u]):
                        out.append((a, t, b, u))
                        break
    return out


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("hpo_dir", help="directory with hp.obo, phenotype.hpoa, genes_to_phenotype.txt")
    ap.add_argument("out_dir", nargs="?", default="tests/fixtures/hpo", help="default tests/fixtures/hpo")
    ap.add_argument("--propose", action="store_true", help="print the filler rule's picks and stop")
    args = ap.parse_args()

    obo = Obo(os.path.join(args.hpo_dir, "hp.obo"))
    hpoa = Hpoa(os.path.join(args.hpo_dir, "phenotype.hpoa"))

    present = [(d, why) for d, why in DISEASES if d in hpoa.by_disease]
    for d, why in DISEASES:
        if d not in hpoa.by_disease:
            print(f"warning: {d} ({why}) has no line in phenotype.hpoa; skipped", file=sys.stderr)
    if len({d for d, _ in DISEASES}) != len(DISEASES):
        print("error: a disease is listed twice", file=sys.stderr)
        return 1

    if args.propose:
        core = [d for d, _ in CORE if d in hpoa.by_disease]
        for d, why in propose_fillers(obo, hpoa, core):
            print(f'    ("{d}", "{why}"),  # {hpoa.name[d]}, {len(hpoa.by_disease[d])} lines')
        return 0

    selected = [d for d, _ in present]
    sel_set = set(selected)
    kept_lines = [(line, r) for line, r in hpoa.rows if r["database_id"] in sel_set]
    kept_rows = [r for _, r in kept_lines]
    keep = closure(obo, kept_rows)

    os.makedirs(args.out_dir, exist_ok=True)
    p_obo = os.path.join(args.out_dir, "hp.obo")
    p_hpoa = os.path.join(args.out_dir, "phenotype.hpoa")
    p_g2p = os.path.join(args.out_dir, "genes_to_phenotype.txt")
    p_readme = os.path.join(args.out_dir, "README.md")

    with open(p_obo, "w", encoding="utf-8", newline="") as fh:
        fh.write(obo.header)
        for s in obo.stanzas:
            if s["kind"] != "[Term]" or s["id"] in keep:
                fh.write(s["text"])

    with open(p_hpoa, "w", encoding="utf-8", newline="") as fh:
        fh.writelines(hpoa.comments)
        fh.write(ADDED_DESCRIPTION)
        fh.write(hpoa.header_row)
        fh.writelines(line for line, _ in kept_lines)

    g2p_lines = 0
    g2p_terms: set[str] = set()
    with open(os.path.join(args.hpo_dir, "genes_to_phenotype.txt"), encoding="utf-8", newline="") as src, open(
        p_g2p, "w", encoding="utf-8", newline=""
    ) as fh:
        header = src.readline()
        fh.write(header)
        cols = header.rstrip("\r\n").split("\t")
        i_dis, i_hpo = cols.index("disease_id"), cols.index("hpo_id")
        for line in src:
            c = line.rstrip("\r\n").split("\t")
            if c[i_dis] in sel_set:
                fh.write(line)
                g2p_lines += 1
                g2p_terms.add(c[i_hpo])

    # ---- checks, on the files as written
    ok = True
    out_obo = Obo(p_obo)
    out_hpoa = Hpoa(p_hpoa)
    original = {s["id"]: s["text"] for s in obo.stanzas if s["kind"] == "[Term]"}
    for t, s in out_obo.term.items():
        if s["text"] != original[t]:
            print(f"check failed: stanza {t} differs from the original", file=sys.stderr)
            ok = False
        for p in s["is_a"]:
            if p not in out_obo.term:
                print(f"check failed: {t} is_a {p}, which is not kept", file=sys.stderr)
                ok = False
    for _, r in out_hpoa.rows:
        for t in row_terms(r):
            if t not in out_obo.term:
                print(f"check failed: {r['database_id']} uses {t}, not a kept term", file=sys.stderr)
                ok = False
    if [line for line, _ in out_hpoa.rows] != [line for line, _ in kept_lines]:
        print("check failed: phenotype.hpoa lines differ on re-reading", file=sys.stderr)
        ok = False
    g2p_missing = sorted(t for t in g2p_terms if out_obo.primary(t) is None)
    if g2p_missing:
        print(f"note: genes_to_phenotype.txt uses {len(g2p_missing)} ids not in the fixture hp.obo: "
              + " ".join(g2p_missing[:10]), file=sys.stderr)

    # ---- features
    by_disease = {d: out_hpoa.by_disease[d] for d in selected}
    feat_by_disease = {d: features(rows) for d, rows in by_disease.items()}
    print("features (diseases showing each):")
    for key, what in FEATURES:
        having = [d for d in selected if feat_by_disease[d].get(key)]
        print(f"  {key:13} {len(having):3}  {' '.join(having)}")
        if not having:
            print(f"check failed: no kept disease has {what}", file=sys.stderr)
            ok = False
    examples = propagation_examples(out_obo, by_disease, selected)

    # ---- sizes
    sizes = {p: os.path.getsize(p) for p in (p_obo, p_hpoa, p_g2p)}
    n_terms = len(out_obo.term)
    n_obsolete = sum(1 for s in out_obo.term.values() if s["obsolete"])
    print(f"hp.obo: {n_terms} terms ({n_obsolete} obsolete), {sizes[p_obo]} bytes")
    print(f"phenotype.hpoa: {len(kept_lines)} annotation lines, {len(selected)} diseases, {sizes[p_hpoa]} bytes")
    print(f"genes_to_phenotype.txt: {g2p_lines} lines, {sizes[p_g2p]} bytes")
    both = sizes[p_obo] + sizes[p_hpoa]
    print(f"hp.obo + phenotype.hpoa: {both} bytes (budget {SIZE_BUDGET})")
    if both > SIZE_BUDGET:
        print("warning: over the size budget; drop some FILLERS", file=sys.stderr)

    write_readme(p_readme, args, obo, hpoa, present, kept_lines, n_terms, sizes, g2p_lines, feat_by_disease,
                 examples)
    if not ok:
        print("some checks failed", file=sys.stderr)
        return 1
    print(f"wrote {args.out_dir}/: hp.obo, phenotype.hpoa, genes_to_phenotype.txt, README.md")
    return 0


def write_readme(path, args, obo, hpoa, present, kept_lines, n_terms, sizes, g2p_lines, feat, examples):
    version = obo.version or "unknown"
    release = version.rsplit("/", 1)[-1]
    out_dir = args.out_dir
    command = f"python3 tools/make_hpo_fixture.py {args.hpo_dir} {out_dir}"
    name = {t: s["name"] for t, s in obo.term.items()}
    L = []
    L.append("# HPO test fixture\n")
    L.append(
        "A small excerpt of the standard Human Phenotype Ontology release files, for tests: "
        f"{len(present)} diseases with all their annotations, the part of the ontology those "
        "annotations need, and the matching gene links. The files keep the original formats "
        "and their lines (stanzas) unchanged, so a reader of the full release reads these too.\n"
    )
    L.append("| file | content | bytes |\n|---|---|---|")
    L.append(f"| hp.obo | header, [Typedef] stanzas, {n_terms} [Term] stanzas | {sizes[os.path.join(out_dir, 'hp.obo')]} |")
    L.append(f"| phenotype.hpoa | original `#` header lines + one `#description:` line, header row, "
             f"{len(kept_lines)} annotation lines | {sizes[os.path.join(out_dir, 'phenotype.hpoa')]} |")
    L.append(f"| genes_to_phenotype.txt | header row, {g2p_lines} lines | "
             f"{sizes[os.path.join(out_dir, 'genes_to_phenotype.txt')]} |\n")
    L.append("## How it was made\n")
    L.append(f"HPO release **{release}** (hp.obo `data-version: {version}`), unpacked in a directory, then:\n")
    L.append(f"```sh\n{command}\n```\n")
    L.append(
        "The tool (`tools/make_hpo_fixture.py`, its docstring has the details) keeps every "
        "phenotype.hpoa line of the diseases below in original order; every hp.obo [Term] stanza "
        "needed by them (the terms of the hpo_id, onset, frequency and modifier columns, the roots, "
        "the frequency classes, the inheritance terms HP:0000006, HP:0000007, HP:0001417, "
        "HP:0001419, HP:0001423, the whole onset subtree HP:0003674, and all ancestors of these "
        "through `is_a`), in original order; and the genes_to_phenotype.txt lines of these "
        "diseases. It checks that every `is_a` parent of a kept term is kept and that every HP id "
        "of the kept annotations is a kept term. The fillers are OMIM diseases of varied organ "
        "systems with at least 8 annotations, chosen by a fixed rule (round robin over the "
        "top-level phenotype categories, the one adding the fewest hp.obo bytes first) so that "
        "hp.obo + phenotype.hpoa stay under about 400 KB. Re-running the command on the same "
        "release gives the same bytes.\n"
    )
    L.append("## Diseases\n")
    L.append("| id | name (phenotype.hpoa) | lines | why |\n|---|---|---|---|")
    for d, why in present:
        L.append(f"| {d} | {hpoa.name[d]} | {len(hpoa.by_disease[d])} | {why} |")
    missing = [d for d, _ in DISEASES if d not in hpoa.by_disease]
    if missing:
        L.append(f"\nAsked for but absent from this release's phenotype.hpoa: {', '.join(missing)}.")
    L.append("\n## Features for tests\n")
    L.append("| feature | diseases | example |\n|---|---|---|")
    for key, what in FEATURES:
        ds = [d for d, _ in present if feat[d].get(key)]
        ex = ""
        if ds:
            r = feat[ds[0]][key][0]
            ex = f"{ds[0]} {r['qualifier'] + ' ' if r['qualifier'] else ''}{r['hpo_id']} " \
                 f"({name.get(r['hpo_id'], '?')})"
            if key.startswith("freq") and r["frequency"]:
                ex += f", frequency {r['frequency']}"
            if key == "onset column":
                ex += f", onset {r['onset']} ({name.get(r['onset'], '?')})"
        shown = " ".join(ds) if len(ds) <= 12 else " ".join(ds[:12]) + f" ... ({len(ds)} in all)"
        L.append(f"| {what} | {shown} | {ex} |")
    if examples:
        L.append("\nPropagated annotations (disease A is annotated with T; disease B with U, a more "
                 "specific descendant of T that A does not have), a few of them:\n")
        seen = set()
        for a, t, b, u in examples:
            if a in seen or len(seen) >= 5:
                continue
            seen.add(a)
            L.append(f"- {a} has {t} ({name[t]}); {b} has its descendant {u} ({name[u]})")
    L.append("\n## Licence\n")
    L.append(
        "The HPO files are © the Human Phenotype Ontology Consortium and are used under the HPO "
        "licence, https://hpo.jax.org/license. This fixture is a small excerpt of the "
        f"{release} release (lines and stanzas unchanged, one `#description:` comment line added "
        "to phenotype.hpoa), kept only for the tests of this crate; it is not covered by the "
        "crate's own licence. Cite and obtain the full data from https://hpo.jax.org.\n"
    )
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(L))


if __name__ == "__main__":
    sys.exit(main())
