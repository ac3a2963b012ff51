"""Reading the HPO release files: hp.obo (the ontology), phenotype.hpoa (disease annotations) and
genes_to_phenotype.txt (gene-disease links). Python 3.11 standard library only."""

from __future__ import annotations

import os
import re
import subprocess
from collections import defaultdict, deque

ROOT_TERM = "HP:0000001"
PHENO_ROOT = "HP:0000118"

def crate_output(hpo_dir: str, flag: str) -> str:
    """What the crate writes for a tool: `catalogue --hpo HPO_DIR FLAG -` (`--twins`,
    `--frequencies`, `--is-a`), run through cargo in the repository, so that a script reads the
    catalogue's own logic instead of repeating it."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return subprocess.run(
        ["cargo", "run", "--release", "--quiet", "--example", "catalogue", "--", "--hpo", hpo_dir, flag, "-"],
        cwd=root, check=True, capture_output=True, text=True,
    ).stdout


class Ontology:
    """The is_a graph of hp.obo with names, synonyms, alternative and obsolete ids."""

    def __init__(self, path: str):
        self.name: dict[str, str] = {}
        self.parents: dict[str, list[str]] = {}
        self.synonyms: dict[str, list[tuple[str, str]]] = {}
        self.alt: dict[str, str] = {}
        self.replaced: dict[str, str] = {}
        self.version = None
        terms = []
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
                    terms.append(cur)
                elif cur is None:
                    continue
                elif key == "name":
                    cur["name"] = val
                elif key == "is_a":
                    cur["is_a"].append(val.split(" ")[0])
                elif key == "synonym":
                    m = re.match(r'"((?:[^"\\]|\\.)*)"\s+(\w+)\s*(.*)$', val)
                    if m:
                        cur["syn"].append((m.group(1).replace('\\"', '"'), m.group(2)))
                elif key == "alt_id":
                    cur["alt"].append(val)
                elif key == "is_obsolete" and val.strip() == "true":
                    cur["obsolete"] = True
                elif key == "replaced_by":
                    cur["replaced_by"] = val.strip()
        for t in terms:
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
        """The current id of a term (alternative and obsolete ids followed), or None."""
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


def read_annotations(path: str, onto: Ontology) -> tuple[dict[str, list[dict]], dict[str, str]]:
    """phenotype.hpoa rows by disease id (HPO ids resolved to current ids), and disease names."""
    rows: dict[str, list[dict]] = defaultdict(list)
    names: dict[str, str] = {}
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
            rows[r["database_id"]].append(r)
            names.setdefault(r["database_id"], r["disease_name"])
    return rows, names


def read_gene_diseases(path: str) -> dict[str, set[str]]:
    """genes_to_phenotype.txt: gene symbol -> disease ids."""
    out: dict[str, set[str]] = defaultdict(set)
    with open(path, encoding="utf-8") as fh:
        header = None
        for line in fh:
            cols = line.rstrip("\n").split("\t")
            if header is None:
                header = cols
                continue
            r = dict(zip(header, cols))
            out[r["gene_symbol"].upper()].add(r["disease_id"])
    return out
