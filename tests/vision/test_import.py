"""Importing labelled images (no torch needed): the demo generator, image-folder and CSV/JSONL inputs,
bad images to rejects with their reason, label checks, and nothing half-written on a bad table."""

import io
import json

import numpy as np
import pytest

PIL = pytest.importorskip("PIL", reason="needs Pillow (the 'image' or 'vision' extra)")
from PIL import Image  # noqa: E402

from tadka.errors import InputError  # noqa: E402
from tadka.vision.demo import CLASSES, draw, write_demo  # noqa: E402
from tadka.vision.importer import import_images  # noqa: E402
from tadka.vision.labels import class_counts, label_of  # noqa: E402
from tadka.workspace import Workspace  # noqa: E402


def png(array, mode=None) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(array, mode).save(buf, format="PNG")
    return buf.getvalue()


def test_demo_is_deterministic_and_classes_differ(tmp_path):
    a, b = draw("scratch", 3, size=48), draw("scratch", 3, size=48)
    assert a.shape == (48, 48, 3) and a.dtype == np.uint8
    assert (a == b).all()
    assert not (draw("scratch", 3, size=48, seed=1) == a).all()
    good, stain = draw("good", 0, size=64).astype(int), draw("stain", 0, size=64).astype(int)
    assert np.abs(good - stain).sum() > 0
    d = write_demo(tmp_path / "d", per_class=3, size=32)
    assert sorted(p.name for p in (tmp_path / "d").iterdir()) == sorted(CLASSES)
    assert len(list((tmp_path / "d").rglob("*.png"))) == 3 * len(CLASSES) == 3 * len(d.classes)


def test_image_folder_import_rejects_bad_images_with_reasons(tmp_path):
    ws = Workspace.init(tmp_path / "ws")
    src = tmp_path / "src"
    write_demo(src, per_class=4, size=32, classes=("good", "dent"))
    good = draw("good", 9, size=32)
    (src / "good" / "empty.png").write_bytes(b"")
    (src / "good" / "notes.png").write_bytes(b"this is not an image")
    (src / "good" / "cut.png").write_bytes(png(good)[:300])
    (src / "dent" / "blank.png").write_bytes(png(np.full((32, 32, 3), 128, np.uint8)))
    (src / "dent" / "tiny.png").write_bytes(png(good[:8, :8]))
    cmyk = io.BytesIO()
    Image.fromarray(draw("dent", 20, size=32)).convert("CMYK").save(cmyk, format="JPEG")
    (src / "dent" / "print.jpg").write_bytes(cmyk.getvalue())
    (src / "good" / "mono.png").write_bytes(png(good[..., 0], "L"))
    result = import_images(ws, src, stage="images")
    assert result.rejected == {"empty": 1, "corrupt": 1, "truncated": 1, "blank": 1, "too_small": 1}
    assert result.converted == 2  # CMYK and grayscale become RGB, noted in the report
    assert result.added == 10 and class_counts(ws.records("images")) == {"good": 5, "dent": 5}
    lines = [json.loads(x) for x in result.rejects_path.read_text().splitlines()]
    assert {x["reason"] for x in lines if x["outcome"] == "rejected"} == set(result.rejected)
    assert all(x["where"] and x["label"] for x in lines)
    for rec in ws.records("images"):  # every stored image decodes as RGB, and the Record names its class
        assert label_of(rec) in ("good", "dent")
        with Image.open(ws.root / rec.media["image"]) as im:
            assert im.convert("RGB").size == (32, 32)
    again = import_images(ws, src, stage="images")  # the same files again: nothing new
    assert again.added == 0 and again.total == 10


def test_csv_and_jsonl_import_with_label_checks(tmp_path):
    ws = Workspace.init(tmp_path / "ws")
    img = tmp_path / "img"
    img.mkdir()
    for i, label in enumerate(["good", "good", "stain", "stain", "dent"]):
        Image.fromarray(draw(label, i, size=32)).save(img / f"{i}.png")
    (tmp_path / "labels.csv").write_text(
        "path,label\n"
        + "".join(f"img/{i}.png,{lab}\n" for i, lab in enumerate(["good", "good", "stain", "stain", "dent"]))
        + "img/missing.png,good\n"
    )
    result = import_images(ws, tmp_path / "labels.csv", stage="csv")
    assert result.added == 5 and result.rejected == {"missing": 1}
    assert any("single image" in w and "dent" in w for w in result.warnings)
    rows = [{"image": f"img/{i}.png", "label": "Good"} for i in range(2)]
    (tmp_path / "more.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    more = import_images(ws, tmp_path / "more.jsonl", stage="csv")
    assert any("differ only in case" in w for w in more.warnings)


@pytest.mark.parametrize(
    "body, field",
    [
        ('{"path": "a.png"}\n', "label"),
        ('{"label": "good"}\n', "path"),
        ('{"path": "a.png", "label": "two\\nlines"}\n', "label"),
        ("not json\n", "<json>"),
    ],
)
def test_a_bad_row_is_one_line_and_writes_nothing(tmp_path, body, field):
    ws = Workspace.init(tmp_path / "ws")
    Image.fromarray(draw("good", 0, size=32)).save(tmp_path / "a.png")
    (tmp_path / "t.jsonl").write_text('{"path": "a.png", "label": "good"}\n' + body)
    with pytest.raises(InputError) as e:
        import_images(ws, tmp_path / "t.jsonl", stage="x")
    assert e.value.line == 2 and e.value.field == field and "\n" not in str(e.value)
    assert not ws.has_stage("x") and not (ws.root / "media").exists()


def test_cli_imports_a_folder_and_reports_in_lines(tmp_path):
    from click.testing import CliRunner

    from tadka.apps.cli import cli

    ws = Workspace.init(tmp_path / "ws")
    write_demo(tmp_path / "src", per_class=2, size=32, classes=("good", "scratch"))
    (tmp_path / "src" / "good" / "zero.jpg").write_bytes(b"")
    out = CliRunner().invoke(cli, ["import", str(tmp_path / "src"), "-w", str(ws.root)])
    assert out.exit_code == 0, out.output
    assert "4 new" in out.output and "rejected 1: empty 1" in out.output


def test_export_of_an_image_stage_is_split_per_class(tmp_path):
    from tadka.config import ExportConfig
    from tadka.export import export

    ws = Workspace.init(tmp_path / "ws")
    src = tmp_path / "src"
    write_demo(src, per_class=20, size=32, classes=("good",))
    write_demo(src, per_class=3, size=32, classes=("dent",))
    import_images(ws, src, stage="images")
    r = export(ws, ExportConfig(stage="images", eval_fraction=0.2), name="v1")
    held = [json.loads(x) for x in (r.path / "eval.jsonl").read_text().splitlines()]
    labels = [x["messages"][1]["content"] for x in held]
    assert labels.count("good") == 4 and labels.count("dent") == 1  # the rare class is in eval too
    again = export(ws, ExportConfig(stage="images", eval_fraction=0.2), name="v2")
    assert (again.path / "eval.jsonl").read_text() == (r.path / "eval.jsonl").read_text()


def test_saved_hf_dataset_with_image_and_classlabel_columns(tmp_path):
    import datasets

    ws = Workspace.init(tmp_path / "ws")
    rows = {
        "image": [Image.fromarray(draw(c, i, size=32)) for i, c in enumerate(["good", "dent", "good"])],
        "label": [0, 1, 0],
    }
    features = datasets.Features({"image": datasets.Image(), "label": datasets.ClassLabel(names=["good", "dent"])})
    datasets.Dataset.from_dict(rows, features=features).save_to_disk(str(tmp_path / "hf"))
    result = import_images(ws, tmp_path / "hf", stage="hf")
    assert result.added == 3 and class_counts(ws.records("hf")) == {"good": 2, "dent": 1}
