"""`tadka compress` end to end: check → merge → (prune + heal) → build each format → bench → choose → bundle.

Everything a user can get wrong (unknown format, missing extra, no such run, no adapter, a corrupt
safetensors file, a missing eval file) is raised before the first model is built. Built variants and
bench outputs live under ``cache/compress/<run>-<model key>/`` so a second call with another budget
rebuilds nothing and only re-benches; the export folder gets the chosen model and its kit.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from tadka.atomic import write_text
from tadka.compress.bench import REFERENCE, Variant, bench, pareto_plot, table
from tadka.compress.bench_inputs import build_inputs, default_eval_file, eval_records
from tadka.compress.config import CompressConfig, judged_threads, wants_eval
from tadka.compress.deps import require
from tadka.compress.formats import Builder, formats, model_key, parse_formats, slug
from tadka.compress.merge import RunSource, find_run, merged_model
from tadka.compress.select import Choice, choose
from tadka.errors import InputError

log = logging.getLogger(__name__)


@dataclass
class CompressResult:
    name: str
    path: Path
    choice: Choice
    report: dict[str, Any]
    prune: dict[str, Any] | None
    table: str


def _resolve(ws, spec: str) -> Path:
    path = Path(spec).expanduser()
    if not path.exists() and not path.is_absolute():
        path = ws.root / spec
    return path


def calibration_chats(ws, source: RunSource, cfg: CompressConfig) -> list[list[dict]]:
    """Chats for importance scores and the heal: compress.calibration, else the run's training set."""
    from tadka.train.data import load_splits

    spec = cfg.calibration or source.dataset
    if not spec:
        raise InputError(
            "the run card names no dataset to calibrate pruning on",
            file=source.root,
            field="compress.calibration",
            hint="set compress.calibration to a chats file",
        )
    path = _resolve(ws, spec)
    if not path.exists():
        raise InputError("no such calibration data", file=spec, field="compress.calibration")
    return [row["messages"] for row in load_splits(path).train[: cfg.calibration_chats]]


def _prune(
    ws,
    source: RunSource,
    merged: Path,
    root: Path,
    cfg: CompressConfig,
    eval_file: Path,
    seed: int,
    echo: Callable[[str], None],
) -> tuple[Path, dict[str, Any]]:
    """The pruned + healed model (cached by the settings that shape it) and its report."""
    from tadka.atomic import atomic_dir
    from tadka.compress.prune import prune_model

    settings = {
        k: getattr(cfg, k)
        for k in (
            "prune",
            "prune_kinds",
            "calibration",
            "calibration_chats",
            "heal_steps",
            "heal_lr",
            "heal_batch",
            "max_length",
            "ppl_chats",
        )
    }
    settings["seed"] = seed
    folder = root / "model"
    report_file = root / "prune_report.json"
    if report_file.is_file():
        try:
            saved = json.loads(report_file.read_text(encoding="utf-8"))
        except ValueError:  # cut short by an older version that wrote it in place: prune again
            saved = {}
        if saved.get("settings") == settings and (folder / "config.json").is_file():
            return folder, saved
    chats = calibration_chats(ws, source, cfg)
    with atomic_dir(folder) as tmp:
        report = prune_model(merged, tmp, chats, eval_records(eval_file), cfg, seed, echo=echo)
    report["settings"] = settings
    write_text(report_file, json.dumps(report, indent=2))
    return folder, report


def _build_variants(
    ws,
    source: RunSource,
    merged: Path,
    root: Path,
    names: list[str],
    cfg: CompressConfig,
    eval_file: Path,
    seed: int,
    echo: Callable[[str], None],
) -> tuple[list[Variant], dict | None]:
    """Every requested format of the merged model (the reference first), then, with ``cfg.prune``,
    of the pruned and healed one; returns the variants and the prune report (None without pruning)."""
    threads = max(cfg.threads)
    builder = Builder(merged, root / "merged", threads=threads)
    variants = []
    for n in [REFERENCE, *[n for n in names if n != REFERENCE]]:
        echo(f"build {n}")
        path = builder.build(n)
        variants.append(Variant(n, n, path, "merged", builder.build_seconds(n), requested=n in names))
    prune_report = None
    if cfg.prune:
        tag = f"pruned{round(cfg.prune * 100)}"
        echo(f"prune {cfg.prune:.0%} ({', '.join(cfg.prune_kinds)}), heal {cfg.heal_steps} steps")
        pruned, prune_report = _prune(ws, source, merged, root / tag, cfg, eval_file, seed, echo)
        pbuilder = Builder(pruned, root / tag, threads=threads)
        for n in names:
            echo(f"build {n}+{tag}")
            variants.append(Variant(f"{n}+{tag}", n, pbuilder.build(n), tag, pbuilder.build_seconds(n)))
    return variants, prune_report


def _student_eval(ws, source: RunSource, report: dict, eval_dir: Path, echo: Callable[[str], None]) -> Path:
    """Evaluate the benched variants on the run's eval prompts into ``eval_dir``; its summary goes
    into ``report`` as ``student_eval``."""
    from tadka.compress.eval_run import evaluate_bench

    student = evaluate_bench(ws, source, report, eval_dir, echo)
    report["student_eval"] = {
        "prompts": len(student["prompts"]),
        "seconds": student["seconds"],
        "max_new_tokens": student["decoding"]["greedy"]["max_new_tokens"],
    }
    return eval_dir


def compress(
    ws,
    cfg: CompressConfig,
    run: str,
    *,
    name: str | None = None,
    spin: bool = False,
    echo: Callable[[str], None] | None = None,
) -> CompressResult:
    """Build, bench and choose for ``run``; write exports/<name>/ with the chosen variant."""
    from tadka.compress.bundle import write_bundle
    from tadka.train.rundir import check_name

    echo = echo or (lambda line: print(line, flush=True))
    names = parse_formats(cfg.formats)
    if name:
        check_name(name)
    for n in {*names, REFERENCE}:
        require(*formats.get(n).needs)
    source = find_run(run, ws.runs_dir, ws.root)
    eval_file = _resolve(ws, cfg.eval_file) if cfg.eval_file else default_eval_file()
    eval_records(eval_file)
    seed = cfg.seed if cfg.seed >= 0 else ws.config.project.seed
    if cfg.prune:
        calibration_chats(ws, source, cfg)  # fail now, not after the merge
    if wants_eval(cfg):
        from tadka.compress.eval_run import check_inputs

        check_inputs(ws, source)  # no eval prompts, a bad eval: section: fail now, not after the builds

    merged = merged_model(source)
    root = ws.root / "cache" / "compress" / f"{source.name}-{model_key(merged)}"
    work = root / "bench"
    work.mkdir(parents=True, exist_ok=True)
    inputs = build_inputs(merged, eval_file, cfg, seed)  # before any build: a too-short prompt fails in seconds
    inputs_path = work / "bench_inputs.json"
    write_text(inputs_path, json.dumps(inputs))
    variants, prune_report = _build_variants(ws, source, merged, root, names, cfg, eval_file, seed, echo)

    report = bench(variants, inputs_path, list(cfg.threads), work, spin=spin, echo=echo)
    report.update(
        eval_file=inputs["eval_file"],
        eval_sha256=inputs["eval_sha256"],
        noise=inputs["noise"],
        prune=prune_report,
        latency=cfg.latency,
        judged_threads=judged_threads(cfg),
    )
    eval_dir = _student_eval(ws, source, report, work / "eval", echo) if wants_eval(cfg) else None
    write_text(work / "bench.json", json.dumps(report, indent=2))
    pareto = pareto_plot(report, work / "pareto.png", judged_threads(cfg), cfg.latency)
    text = table(report)
    if eval_dir is not None:
        text += "\n\n" + (eval_dir / "table.txt").read_text(encoding="utf-8").rstrip()
    echo(text)
    choice = choose(
        report, cfg.budget_ms, judged_threads(cfg), cfg.latency, min_fidelity=cfg.min_fidelity, rule=cfg.select_by
    )
    name = name or f"{source.name}-{slug(choice.name)}"
    src = {
        "run": source.name,
        "run_path": str(source.root),
        "base": source.base,
        "dataset": source.dataset,
        "data_hash": source.data_hash,
        "merged": str(merged),
        "noise": cfg.noise,
    }
    dest = write_bundle(
        ws.exports_dir / name, name, choice, report, inputs_path, src, cfg.to_dict(), pareto, prune_report, eval_dir
    )
    return CompressResult(name, dest, choice, report, prune_report, text)
