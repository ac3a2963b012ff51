"""The osteodx PhEval runner: `pheval run -r osteodxphevalrunner -i INPUT -t TESTDATA -o OUT`.

- prepare: checks that the `osteodx` command is on PATH and finds the HPO files.
- run: one call of `osteodx catalogue --phenopackets TESTDATA/phenopackets` (phenotype only, or
  with genes when config.yaml says so); the command's JSON lines go to raw_results/.
- post_process: one PhEval disease result per phenopacket (the file stem is the phenopacket's),
  through pheval's own `generate_disease_result`: a polars frame with `disease_identifier` and
  `score` (the posterior), ranked by descending score.

The runner reads phenopackets only through the command, which reads them with the crate's own
reader; nothing of osteodx's logic is repeated here.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from pheval.post_processing.post_processing import SortOrder, generate_disease_result
from pheval.runners.runner import PhEvalRunner


class RunnerError(SystemExit):
    """A problem the runner reports in one line: `pheval run` ends with it on standard error
    and status 1, without a traceback."""

    def __init__(self, message: str):
        super().__init__(f"osteodx runner: {message}")


def _options(config) -> dict:
    options = getattr(config, "tool_specific_configuration_options", None) or {}
    if not isinstance(options, dict):
        raise RunnerError("config.yaml: tool_specific_configuration_options must be a mapping")
    return options


def _hpo_dir(input_dir: Path, options: dict) -> Path:
    """The HPO files: config.yaml's `hpo_dir` (relative to the input directory), else
    OSTEODX_HPO_DIR."""
    named = options.get("hpo_dir") or os.environ.get("OSTEODX_HPO_DIR")
    if not named:
        raise RunnerError("no HPO files: set hpo_dir in config.yaml or OSTEODX_HPO_DIR")
    path = Path(named)
    if not path.is_absolute():
        path = Path(input_dir).joinpath(path)
    for name in ("hp.obo", "phenotype.hpoa"):
        if not path.joinpath(name).is_file():
            raise RunnerError(f"{path}: no {name} (the HPO files osteodx reads)")
    return path


def _phenopacket_dir(testdata_dir: Path) -> Path:
    """PhEval's corpus layout: TESTDATA/phenopackets, or the test data directory itself."""
    nested = Path(testdata_dir).joinpath("phenopackets")
    return nested if nested.is_dir() else Path(testdata_dir)


@dataclass
class OsteodxPhEvalRunner(PhEvalRunner):
    """Runs the osteodx command on a directory of phenopackets for PhEval."""

    input_dir: Path
    testdata_dir: Path
    tmp_dir: Path
    output_dir: Path
    config_file: Path
    version: str

    def _command(self) -> str:
        command = shutil.which("osteodx")
        if command is None:
            raise RunnerError("the osteodx command is not on PATH (cargo install --path . in the osteodx checkout)")
        return command

    def prepare(self):
        self._command()
        _hpo_dir(self.input_dir, _options(self.input_dir_config))

    def run(self):
        options = _options(self.input_dir_config)
        command = [
            self._command(),
            "catalogue",
            "--hpo",
            str(_hpo_dir(self.input_dir, options)),
            "--phenopackets",
            str(_phenopacket_dir(self.testdata_dir)),
            "--top",
            str(int(options.get("top", 100))),
        ]
        if options.get("genes", False):
            command.append("--genes")
        command.extend(str(a) for a in options.get("extra_arguments", []))
        self.tool_input_commands_dir.joinpath("osteodx-commands.txt").write_text(" ".join(command) + "\n")
        raw = self.raw_results_dir.joinpath("osteodx.jsonl")
        with open(raw, "w") as out:
            done = subprocess.run(command, stdout=out, stderr=subprocess.PIPE, text=True)
        self.raw_results_dir.joinpath("osteodx.stderr.txt").write_text(done.stderr)
        if done.returncode != 0:
            last = done.stderr.strip().splitlines()[-1:] or ["no message"]
            raise RunnerError(f"osteodx catalogue failed ({done.returncode}): {last[0]}")

    def post_process(self):
        phenopackets = _phenopacket_dir(self.testdata_dir)
        raw = self.raw_results_dir.joinpath("osteodx.jsonl")
        with open(raw) as lines:
            for text in lines:
                line = json.loads(text)
                if "error" in line:
                    continue
                top = line.get("top", [])
                results = pl.DataFrame(
                    {
                        "disease_identifier": [d["id"] for d in top],
                        "score": [float(d["probability"]) for d in top],
                    },
                    schema={"disease_identifier": pl.String, "score": pl.Float64},
                )
                generate_disease_result(
                    results=results,
                    sort_order=SortOrder.DESCENDING,
                    output_dir=Path(self.output_dir),
                    result_path=Path(f"{line['id']}.json"),
                    phenopacket_dir=phenopackets,
                )
