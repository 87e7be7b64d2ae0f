"""Image noise: PSNR falls as the noise level rises, determinism, bad and odd input, huge images.

Images are generated here (gradients, edges, text-like stripes), never downloaded.
"""

import hashlib
import json
import random
import subprocess
import sys
import textwrap

import numpy as np
import pytest

pytest.importorskip("albumentations", reason="needs the 'image' extra: pip install 'tadka[image]'")
Image = pytest.importorskip("PIL.Image", reason="needs the 'image' extra: pip install 'tadka[image]'")

from tadka.augment.image import build_image_op, image_ops  # noqa: E402
from tadka.augment.image.io import load_image, psnr  # noqa: E402
from tadka.augment.pipeline import MediaSettings, augment_records  # noqa: E402
from tadka.augment.presets import build_plan  # noqa: E402
from tadka.records import Record  # noqa: E402


def picture(h: int = 240, w: int = 320, seed: int = 0) -> np.ndarray:
    """Smooth gradients and hard edges: every op has something to damage.

    (No periodic pattern: a disc blur's frequency response has side lobes, so on stripes a larger
    radius can score a higher PSNR than a smaller one — true of optics, not a bug.)
    """
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w]
    img = np.stack([xx * 255 / w, yy * 255 / h, np.full((h, w), 128.0)], -1)
    for _ in range(6):
        y0, x0 = rng.integers(0, h - 40), rng.integers(0, w - 60)
        img[y0 : y0 + 30, x0 : x0 + 50] = rng.integers(0, 255, 3)
    return img.astype(np.uint8)


@pytest.mark.parametrize(
    "op_name,key,levels",
    [
        ("sensor", ("std", "iso"), [0.01, 0.04, 0.08, 0.15, 0.3]),
        ("jpeg", ("quality",), [90, 60, 35, 15, 5]),
        ("defocus", ("radius",), [1, 3, 5, 8]),
        ("motion_blur", ("kernel",), [3, 7, 13, 21]),
    ],
)
def test_psnr_falls_as_the_level_rises(op_name, key, levels):
    img = picture()
    for seed in range(3):
        scores = []
        for level in levels:
            params = {f"{bound}_{k}": level for k in key for bound in ("min", "max")}
            out, entry = build_image_op(op_name, **params).run(img, random.Random(seed))
            assert out.shape == img.shape and out.dtype == np.uint8
            scores.append(psnr(img, out))
        assert all(a > b for a, b in zip(scores, scores[1:])), (op_name, scores)


def test_every_op_changes_the_image_deterministically():
    img = picture()
    for name in image_ops.names():
        op = build_image_op(name)
        a, entry = op.run(img, random.Random(1))
        b, _ = op.run(img, random.Random(1))
        c, _ = op.run(img, random.Random(2))
        assert np.array_equal(a, b) and not np.array_equal(a, img) and not np.array_equal(a, c), name
        assert entry.startswith(f"image:{name} ") and json.loads(entry.split(" ", 1)[1])


def write(path, array_or_image, **kw):
    img = array_or_image if isinstance(array_or_image, Image.Image) else Image.fromarray(array_or_image)
    img.save(path, **kw)


def test_bad_and_odd_images(tmp_path):
    rgb = picture()
    write(tmp_path / "good.jpg", rgb, quality=92)
    write(tmp_path / "gray.png", Image.fromarray(rgb).convert("L"))
    rgba = Image.fromarray(rgb).convert("RGBA")
    rgba.putalpha(Image.fromarray(np.tile(np.linspace(0, 255, 320, dtype=np.uint8), (240, 1))))
    write(tmp_path / "rgba.png", rgba)
    write(tmp_path / "palette.gif", Image.fromarray(rgb).convert("P"))
    good = (tmp_path / "good.jpg").read_bytes()
    (tmp_path / "truncated.jpg").write_bytes(good[: len(good) // 3])
    (tmp_path / "noise.jpg").write_bytes(bytes(random.Random(0).randrange(256) for _ in range(500)))
    names = ["good.jpg", "missing.png", "truncated.jpg", "noise.jpg", "gray.png", "rgba.png", "palette.gif"]
    records = [
        Record(
            messages=[{"role": "user", "content": f"photo {n}"}, {"role": "assistant", "content": "ok"}],
            media={"image": n},
        )
        for n in names
    ]
    before = {n: hashlib.sha1((tmp_path / n).read_bytes()).hexdigest() for n in names if (tmp_path / n).exists()}
    result = augment_records(
        records, build_plan("factory-camera", seed=0), 1, MediaSettings(str(tmp_path), str(tmp_path / "out"))
    )
    by_name = {r.media["image"]: r for r in result.records if r.source.get("kind") != "augment"}
    notes = {}
    for n in result.notes:
        notes.setdefault(n["id"], []).append((n["outcome"], n["reason"], n["detail"]))
    assert notes[by_name["missing.png"].id] == [("rejected", "media:missing:image", str(tmp_path / "missing.png"))]
    assert notes[by_name["truncated.jpg"].id][0][:2] == ("rejected", "media:corrupt:image")
    assert notes[by_name["noise.jpg"].id][0][:2] == ("rejected", "media:corrupt:image")
    assert "grayscale" in notes[by_name["gray.png"].id][0][2]
    assert "flattened onto white" in notes[by_name["rgba.png"].id][0][2]
    assert notes[by_name["palette.gif"].id][0][0] == "converted"
    assert by_name["truncated.jpg"].flags == ["media:corrupt:image"] and not by_name["good.jpg"].flags
    copies = {r.source["parent_id"]: r for r in result.records if r.source.get("kind") == "augment"}
    assert set(copies) == {by_name[n].id for n in ("good.jpg", "gray.png", "rgba.png", "palette.gif")}
    with Image.open(tmp_path / copies[by_name["gray.png"].id].media["image"]) as out:
        assert out.mode == "L" and out.size == (320, 240)
    with Image.open(tmp_path / copies[by_name["rgba.png"].id].media["image"]) as out:
        assert out.mode == "RGB"
    assert any(op.startswith("image:load ") for op in copies[by_name["rgba.png"].id].ops)
    after = {n: hashlib.sha1((tmp_path / n).read_bytes()).hexdigest() for n in before}
    assert after == before  # inputs never overwritten


@pytest.fixture(scope="module")
def huge_jpeg(tmp_path_factory):
    """A 50-megapixel JPEG (8660 x 5774), made in a child process so this one never holds it."""
    path = tmp_path_factory.mktemp("huge") / "huge.jpg"
    code = textwrap.dedent(f"""
        from PIL import Image, ImageDraw
        img = Image.new("RGB", (8660, 5774), (90, 120, 150))
        draw = ImageDraw.Draw(img)
        for i in range(0, 8660, 400):
            draw.rectangle([i, 1000, i + 200, 4000], fill=(200, 60, 30))
        img.save({str(path)!r}, quality=85)
    """)
    subprocess.run([sys.executable, "-c", code], check=True, timeout=300)
    return path


def _peak_rss_mb(code: str) -> float:
    proc = subprocess.run(
        [sys.executable, "-c", code + "\nimport resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return int(proc.stdout.split()[-1]) / 1024


def test_a_50_megapixel_image_is_downscaled_without_decoding_it_whole(huge_jpeg, tmp_path):
    pic = load_image(huge_jpeg, max_pixels=16_000_000)
    h, w = pic.pixels.shape[:2]
    assert h * w <= 16_000_000 and w / h == pytest.approx(8660 / 5774, rel=0.01)
    assert pic.downscaled.startswith("8660x5774→")
    setup = "import numpy, PIL.Image\nfrom tadka.augment.image.io import load_image\n"
    base = _peak_rss_mb(setup)
    peak = _peak_rss_mb(setup + f"p = load_image({str(huge_jpeg)!r}, max_pixels=4_000_000)")
    assert peak - base < 100, (base, peak)  # the full image would be 150 MB of RGB
    record = Record(
        messages=[{"role": "user", "content": "yeh kya hai"}, {"role": "assistant", "content": "ok"}],
        media={"image": huge_jpeg.name},
    )
    refuse = MediaSettings(
        str(huge_jpeg.parent), str(tmp_path / "out"), image_max_pixels=20_000_000, image_oversize="reject"
    )
    result = augment_records([record], build_plan("factory-camera", seed=0), 1, refuse)
    assert result.notes[0]["reason"] == "media:too_large:image" and result.copies == 0
    shrink = MediaSettings(str(huge_jpeg.parent), str(tmp_path / "out"), image_max_pixels=2_000_000)
    result = augment_records([record], build_plan("factory-camera", seed=0), 1, shrink)
    assert result.copies == 1 and result.notes[0]["outcome"] == "downscaled"
    with Image.open(tmp_path / "out" / result.records[1].media["image"].split("/")[-1]) as out:
        assert out.width * out.height <= 2_000_000


def test_exif_orientation_is_applied(tmp_path):
    img = Image.new("RGB", (40, 20), (255, 0, 0))
    exif = img.getexif()
    exif[0x0112] = 6  # rotate 90° clockwise when shown
    img.save(tmp_path / "phone.jpg", exif=exif.tobytes())
    assert load_image(tmp_path / "phone.jpg").pixels.shape == (40, 20, 3)
