#!/usr/bin/env bash
# Refresh the outputs quoted in README.md (between <!-- demo:start/end --> and
# <!-- evaluate:start/end -->) and, given the development cases, the figures in docs/figures.
# Usage: tools/readme_outputs.sh [CASES_DIR]   (e.g. ../shared/cases)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q --release --examples
demo=$(./target/release/examples/diagnose)
evaluation=$(./target/release/examples/evaluate examples/patients 2>/dev/null | awk '/^== builtin phenotype only/{p=1} !p{print} p&&n<7{print; n++}')
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
  cp "$tmp/builtin_phenotype_only-confusion.svg" docs/figures/confusion-development-cases.svg
  cp "$tmp/builtin_phenotype_only-reliability.svg" docs/figures/reliability-development-cases.svg
  sed -n '/phenotype only/,/none of these. first/p' "$tmp/report.txt"
fi
