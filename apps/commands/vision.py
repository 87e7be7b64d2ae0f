"""`tadka vision demo`: the camera track's offline demo data; and how `tadka import` reports images."""

from __future__ import annotations

import json

import click


def report_import(result, file: str) -> None:
    """The import summary: counts per class, rejects by reason, warnings (one line each)."""
    classes = ", ".join(f"{k} {v}" for k, v in sorted(result.classes.items()))
    click.echo(
        f"imported {result.read} images from {file} into '{result.stage}': {result.added} new, "
        f"{result.total} in the stage ({classes})"
    )
    if result.rejected:
        reasons = ", ".join(f"{k} {v}" for k, v in result.rejected.most_common())
        click.echo(f"rejected {sum(result.rejected.values())}: {reasons} -> {result.rejects_path}", err=True)
    if result.converted:
        click.echo(
            f"converted {result.converted} (CMYK, grayscale, alpha, EXIF turns) -> {result.rejects_path}", err=True
        )
    for line in result.warnings:
        click.echo(f"warning: {line}", err=True)


def compress_vision_run(ws, run, formats, threads, budget_ms, select_threads, name, as_json) -> bool:
    """`tadka compress` of a vision run (runs/NAME/vision.yaml): the camera track's ONNX pipeline; False for
    any other run. Flags not given fall back to tadka.yaml's compress section where the key means the same."""
    from tadka.compress.vision.pipeline import compress_vision, is_vision_run

    run_dir = is_vision_run(ws, run)
    if run_dir is None:
        return False
    base = ws.config["compress"]
    fmts = [f.strip() for f in formats.split(",") if f.strip()] if formats else None
    result = compress_vision(
        ws,
        run_dir,
        formats=fmts,
        budget_ms=base.budget_ms if budget_ms is None else budget_ms,
        threads=threads or [],
        select_threads=select_threads or 0,
        name=name,
        echo=(lambda line: None) if as_json else click.echo,
    )
    if as_json:
        variants = [{k: v for k, v in row.items() if k != "path"} for row in result.variants]
        out = {"export": str(result.path), "variant": result.choice["name"], "threads": result.threads}
        click.echo(json.dumps({**out, "variants": variants}, indent=2))
    return True


@click.group("vision")
def command() -> None:
    """The camera track: image classification data (see also `tadka train --task image-classification`).

    \b
    Example:
      tadka vision demo demo-images --per-class 250 --size 192 --severity 2
      tadka import demo-images
    """


@command.command("demo")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--per-class", type=int, default=80, show_default=True, help="Images per class.")
@click.option(
    "--size",
    type=int,
    default=192,
    show_default=True,
    help="Side of each camera frame in pixels (field noise is applied at this size; train at a smaller --image-size).",
)
@click.option(
    "--severity",
    type=float,
    default=1.0,
    show_default=True,
    help="How wide and strong the defects are (1: small, low-contrast; 2-3: plainly visible).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same pixels.")
def demo(directory: str, per_class: int, size: int, severity: float, seed: int) -> None:
    """Draw a factory demo set: washers on a belt, good or with a scratch, a dent or a stain, as
    DIRECTORY/<class>/*.png (code, not downloaded images).

    \b
    Example:
      tadka vision demo demo-images --per-class 250 --size 192 --severity 2
      tadka import demo-images --stage images
      tadka train --task image-classification --dataset images --backbone resnet --image-size 48 --max-steps 1500
      tadka compress --run NAME --budget-ms 5
    """
    from tadka.errors import ConfigError
    from tadka.vision.demo import write_demo

    try:
        d = write_demo(directory, per_class=per_class, size=size, seed=seed, severity=severity)
    except ValueError as e:
        raise ConfigError(str(e), field="vision demo") from None
    click.echo(f"wrote {per_class * len(d.classes)} images ({', '.join(d.classes)}) of {size}px to {d.root}")
