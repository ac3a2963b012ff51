#!/usr/bin/env python3
"""Write one GA4GH phenopacket (schema 2.0) per line of a patient JSONL file, the format of
`osteodx catalogue --patients` and of ../shared/bench/phenopacket-store-8343.jsonl:
`{"id", "true_disease", "terms", "excluded", "genes": [{"gene", "zygosity"}], "sex", "pmid"}`.

    python3 tools/pheval/jsonl_to_phenopackets.py IN.jsonl OUT_DIR [--hpo HPO_DIR]

Each packet is OUT_DIR/<id>.json: the observed and excluded terms as phenotypic features, the true
disease as the packet's disease and its solved interpretation, the genes as causative genomic
interpretations (zygosity as GENO allelic states), the sex, and the publication as an external
reference. With --hpo, terms and diseases get their labels from hp.obo and phenotype.hpoa. Only
the standard library is used.
"""

import argparse
import json
import os
import re
import sys

ALLELIC = {
    "heterozygous": ("GENO:0000135", "heterozygous"),
    "homozygous": ("GENO:0000136", "homozygous"),
    "biallelic": ("GENO:0000136", "homozygous"),
    "compound_heterozygous": ("GENO:0000402", "compound heterozygous"),
    "hemizygous": ("GENO:0000134", "hemizygous"),
}


def labels(hpo_dir):
    """HPO term and disease labels from hp.obo and phenotype.hpoa (empty without a directory)."""
    names = {}
    if not hpo_dir:
        return names
    term = None
    with open(os.path.join(hpo_dir, "hp.obo"), encoding="utf-8") as obo:
        for line in obo:
            if line.startswith("id: HP:"):
                term = line[4:].strip()
            elif line.startswith("name: ") and term:
                names[term] = line[6:].strip()
                term = None
    with open(os.path.join(hpo_dir, "phenotype.hpoa"), encoding="utf-8") as hpoa:
        for line in hpoa:
            if line.startswith("#") or line.startswith("database_id"):
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) > 1:
                names.setdefault(cols[0], cols[1])
    return names


def packet(line, names):
    pid = str(line["id"])
    ontology = lambda i: {"id": i, "label": names.get(i, i)}
    features = [{"type": ontology(t)} for t in line.get("terms", [])]
    features += [{"type": ontology(t), "excluded": True} for t in line.get("excluded", [])]
    sex = str(line.get("sex") or "").upper()
    out = {
        "id": pid,
        "subject": {"id": pid, "sex": sex if sex in ("MALE", "FEMALE") else "UNKNOWN_SEX"},
        "phenotypicFeatures": features,
    }
    disease = line.get("true_disease")
    if disease:
        out["diseases"] = [{"term": ontology(disease)}]
        genomic = []
        for k, g in enumerate(line.get("genes", [])):
            descriptor = {"id": f"{pid}-v{k}", "geneContext": {"valueId": "", "symbol": g["gene"]}}
            state = ALLELIC.get(str(g.get("zygosity") or "").lower().replace(" ", "_"))
            if state:
                descriptor["allelicState"] = {"id": state[0], "label": state[1]}
            genomic.append(
                {
                    "subjectOrBiosampleId": pid,
                    "interpretationStatus": "CAUSATIVE",
                    "variantInterpretation": {"variationDescriptor": descriptor},
                }
            )
        diagnosis = {"disease": ontology(disease)}
        if genomic:
            diagnosis["genomicInterpretations"] = genomic
        out["interpretations"] = [{"id": f"{pid}-interpretation", "progressStatus": "SOLVED", "diagnosis": diagnosis}]
    meta = {
        "created": "2026-12-06T00:00:00Z",
        "createdBy": "osteodx tools/pheval/jsonl_to_phenopackets.py",
        "resources": [
            {
                "id": "hp",
                "name": "human phenotype ontology",
                "url": "http://purl.obolibrary.org/obo/hp.owl",
                "version": "2025-01-16",
                "namespacePrefix": "HP",
                "iriPrefix": "http://purl.obolibrary.org/obo/HP_",
            }
        ],
        "phenopacketSchemaVersion": "2.0",
    }
    if line.get("pmid"):
        meta["externalReferences"] = [{"id": line["pmid"]}]
    out["metaData"] = meta
    return pid, out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("jsonl")
    ap.add_argument("out_dir")
    ap.add_argument("--hpo", help="the HPO files, for labels")
    args = ap.parse_args()
    names = labels(args.hpo)
    os.makedirs(args.out_dir, exist_ok=True)
    written = 0
    with open(args.jsonl, encoding="utf-8") as lines:
        for number, text in enumerate(lines, 1):
            if not text.strip():
                continue
            pid, out = packet(json.loads(text), names)
            if not re.fullmatch(r"[A-Za-z0-9_.:-]+", pid):
                sys.exit(f"{args.jsonl}:{number}: id {pid!r} is not a file name")
            with open(os.path.join(args.out_dir, pid + ".json"), "w", encoding="utf-8") as f:
                json.dump(out, f, indent=1)
            written += 1
    print(f"{written} phenopackets in {args.out_dir}", file=sys.stderr)


if __name__ == "__main__":
    main()
