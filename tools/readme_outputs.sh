#!/usr/bin/env bash
# Refresh the outputs quoted in README.md (between <!-- demo:start/end --> and
# <!-- evaluate:start/end -->) and the figures in docs/figures, from the current code and rules.
# Usage: tools/readme_outputs.sh [SIMULATED_PHENOPACKETS_DIR]  (figures only when a directory is given,
# e.g. one written by: python3 tools/simulate_hpo.py HPO_DIR /tmp/sim 20)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q --release --examples
demo=$(./target/release/examples/diagnose)
evaluation=$(./target/release/examples/evaluate examples/patients 2>/dev/null | awk '/^== builtin phenotype only/{p=1} !p{print} p&&n<5{print; n++}')
python3 - "$demo" "$evaluation" <<'PY'
import re, sys
demo, evaluation = sys.argv[1], sys.argv[2].rstrip() + "\n..."
s = open("README.md").read()
s = re.sub(r"<!-- demo:start -->\n.*?<!-- demo:end -->", lambda m: "<!-- demo:start -->\n```text\n" + demo + "\n```\n<!-- demo:end -->", s, flags=re.S)
s = re.sub(r"<!-- evaluate:start -->\n.*?<!-- evaluate:end -->", lambda m: "<!-- evaluate:start -->\n```text\n" + evaluation + "\n```\n<!-- evaluate:end -->", s, flags=re.S)
open("README.md", "w").write(s)
PY
if [ $# -ge 1 ]; then
  tmp=$(mktemp -d)
  ./target/release/examples/evaluate --plot "$tmp" "$1" > "$tmp/report.txt" 2>/dev/null
  cp "$tmp/builtin_with_genes-confusion.svg" docs/figures/confusion-hpo-simulated.svg
  cp "$tmp/builtin_with_genes-reliability.svg" docs/figures/reliability-hpo-simulated.svg
  head -5 "$tmp/report.txt"
fi
