"""The review app on an image-label stage: the image with its label, relabel with a class key (an edit that
keeps the original), accept as for chats, and a noised copy shown beside its original."""

from __future__ import annotations

import pytest

pytest.importorskip("PIL", reason="needs Pillow (the 'image' or 'vision' extra)")


@pytest.fixture
def image_ws(tmp_path, monkeypatch):
    from tadka.vision.demo import write_demo
    from tadka.vision.importer import import_images
    from tadka.workspace import Workspace

    ws = Workspace.init(tmp_path / "ws")
    write_demo(tmp_path / "src", per_class=2, size=32, classes=("good", "scratch", "dent"))
    import_images(ws, tmp_path / "src", stage="images")
    from tests.apps.review.conftest import app_args

    app_args(monkeypatch, str(ws.root), "--stage", "images")  # what `tadka review` hands the app after `--`
    return ws


def _open():
    from streamlit.testing.v1 import AppTest

    import tadka.apps.review
    from pathlib import Path

    at = AppTest.from_file(str(Path(tadka.apps.review.__file__).parent / "app.py"), default_timeout=60)
    at.query_params["reviewer"] = "asha"
    at.run()
    assert not at.exception, at.exception
    return at


def _shown(at) -> str:
    return next(md.value.split("`")[1] for md in at.markdown if " · `" in md.value)


def test_relabel_by_key_is_an_edit_and_accept_works(image_ws):
    from tadka.review.store import ReviewStore
    from tadka.vision.labels import label_of

    at = _open()
    first = _shown(at)
    rec = next(r for r in image_ws.records("images") if r.id == first)
    buttons = {b.key: b for b in at.button if b.key and b.key.startswith("lp_")}
    assert [b.label for b in buttons.values()] == ["1. dent", "2. good", "3. scratch"]
    assert any(f"**{label_of(rec)}**" in md.value for md in at.markdown)
    assert [im.proto.imgs[0].caption for im in at.get("image")] == [rec.media["image"]]  # the image is on the page
    target = next(k for k, b in buttons.items() if not b.disabled)
    new_label = buttons[target].label.split(". ", 1)[1]
    at.button(key=target).click().run()
    assert not at.exception, at.exception
    store = ReviewStore(image_ws.review_db)
    item = store.item(first)
    assert item.status == "edited" and label_of(item.current()) == new_label
    assert label_of(rec) != new_label  # the original keeps its label: the edit is a new version
    second = _shown(at)
    assert second != first
    at.button(key="q_accept").click().run()
    assert store.item(second).status == "accepted"


def test_a_noised_copy_is_shown_beside_its_original(image_ws, monkeypatch):
    from tadka.vision.labels import label_record
    from tadka.vision.importer import MEDIA_DIR
    import hashlib
    import numpy as np
    from PIL import Image

    parent = next(iter(image_ws.records("images")))
    noisy = np.asarray(Image.open(image_ws.root / parent.media["image"]).convert("RGB")) // 2
    rel = (MEDIA_DIR / "copy.png").as_posix()
    Image.fromarray(noisy.astype("uint8")).save(image_ws.root / rel)
    digest = hashlib.sha1((image_ws.root / rel).read_bytes()).hexdigest()
    copy = label_record(rel, "good", digest, source={"kind": "augment", "parent_id": parent.id})
    copy.ops = ["image:low_light(darken=0.5)"]
    image_ws.write_stage("noised", [parent, copy])
    from tests.apps.review.conftest import app_args

    app_args(monkeypatch, str(image_ws.root), "--stage", "noised")
    at = _open()
    if _shown(at) == parent.id:
        at.button(key="q_skip").click().run()
    assert _shown(at) == copy.id
    captions = [im.proto.imgs[0].caption for im in at.get("image")]
    assert f"original: {parent.media['image']}" in captions and f"noised copy: {rel}" in captions
