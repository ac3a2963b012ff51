#!/usr/bin/env bash
# End-to-end check of the PhEval runner (tools/pheval): a virtual environment with pheval from the
# Python package registry and this runner, the osteodx command built from this checkout, a handful
# of phenopackets made from the test fixture's patients (examples/catalogue-patients.jsonl and
# tools/pheval/test-patients.jsonl), `pheval run` on them against the fixture's HPO files, and a
# check of the parquet files it writes: one per phenopacket, ranks from 1, the true disease found.
# Usage: tools/pheval/check.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=target/pheval-venv
[ -x "$venv/bin/pheval" ] || python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check ./tools/pheval
cargo build --quiet --bin osteodx
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/input" "$tmp/data" "$tmp/out"
cat examples/catalogue-patients.jsonl tools/pheval/test-patients.jsonl > "$tmp/patients.jsonl"
python3 tools/pheval/jsonl_to_phenopackets.py "$tmp/patients.jsonl" "$tmp/data/phenopackets" --hpo tests/fixtures/hpo
sed "s|  # hpo_dir: ../hpo|  hpo_dir: $PWD/tests/fixtures/hpo|" tools/pheval/example/config.yaml > "$tmp/input/config.yaml"
PATH="$PWD/target/debug:$PATH" "$venv/bin/pheval" run -i "$tmp/input" -t "$tmp/data" \
  -r osteodxphevalrunner -o "$tmp/out" --version "$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)" \
  > "$tmp/pheval.log" 2>&1 || { tail -n 20 "$tmp/pheval.log"; exit 1; }
"$venv/bin/python" - "$tmp/data/phenopackets" "$tmp/out/pheval_disease_results" <<'PY'
import json, sys
from pathlib import Path
import polars as pl

packets, results = Path(sys.argv[1]), Path(sys.argv[2])
stems = sorted(p.stem for p in packets.glob("*.json"))
firsts = 0
for stem in stems:
    path = results / f"{stem}-disease_result.parquet"
    if not path.is_file():
        sys.exit(f"no PhEval result for {stem}")
    frame = pl.read_parquet(path)
    for column in ("rank", "score", "disease_identifier", "true_positive"):
        if column not in frame.columns:
            sys.exit(f"{path.name}: no column {column}")
    ranks = frame["rank"].to_list()
    if not ranks or ranks[0] != 1 or ranks != sorted(ranks):
        sys.exit(f"{path.name}: ranks {ranks[:5]}")
    truth = json.loads((packets / f"{stem}.json").read_text())["diseases"][0]["term"]["id"]
    hits = frame.filter(pl.col("true_positive"))
    if hits.height == 0 or truth not in hits["disease_identifier"].to_list():
        sys.exit(f"{path.name}: the true disease {truth} not found")
    firsts += int(hits["rank"].min() == 1)
print(f"PhEval: {len(stems)} phenopackets, a result each, the true disease found in all, first in {firsts}")
if firsts < len(stems) - 1:
    sys.exit("the true disease is first in too few")
PY
