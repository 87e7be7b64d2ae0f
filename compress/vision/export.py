"""A trained image classifier → ONNX fp32, fp16 and int8 (static QDQ with calibration images).

* ``onnx:fp32`` — torch's TorchScript exporter (opset 17, batch axis dynamic), as for the chat models.
* ``onnx:fp16`` — onnxruntime's float16 converter, inputs and outputs kept float32 so the device code
  does not change (GPUs and NPUs run it natively; on a CPU it is mostly a size win).
* ``onnx:int8`` — onnxruntime static quantisation in QDQ format: int8 weights per channel, uint8
  activations whose ranges are calibrated on training images (never the eval images), after onnxruntime's
  shape-inference pre-processing. QDQ is the form TensorRT and most NPU compilers read.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)
VISION_FORMATS = ("onnx:fp32", "onnx:fp16", "onnx:int8")


def export_fp32(clf, path: Path) -> Path:
    import torch

    size = clf.image_size
    dummy = torch.zeros(1, 3, size, size)
    clf.eval()
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the TorchScript exporter's deprecation and tracer warnings
        torch.onnx.export(
            clf,
            (dummy,),
            str(path),
            input_names=["pixel_values"],
            output_names=["logits"],
            dynamic_axes={"pixel_values": {0: "batch"}, "logits": {0: "batch"}},
            opset_version=17,
            dynamo=False,
            do_constant_folding=True,
        )
    return path


def export_fp16(fp32: Path, path: Path) -> Path:
    import onnx
    from onnxruntime.transformers.float16 import convert_float_to_float16

    model = convert_float_to_float16(onnx.load(str(fp32)), keep_io_types=True)
    onnx.save(model, str(path))
    return path


class _Calibration:
    """onnxruntime's CalibrationDataReader protocol over a stack of preprocessed images, one at a time."""

    def __init__(self, batches: np.ndarray, input_name: str) -> None:
        self.items = iter([{input_name: b[None]} for b in batches])

    def get_next(self):
        return next(self.items, None)

    def rewind(self) -> None:  # noqa: D401 - part of the protocol (unused by MinMax calibration)
        pass


def export_int8(fp32: Path, path: Path, calibration: np.ndarray) -> Path:
    """``calibration``: float32 (N, 3, S, S), preprocessed exactly as at inference."""
    from onnxruntime.quantization import CalibrationMethod, QuantFormat, QuantType, quantize_static
    from onnxruntime.quantization.shape_inference import quant_pre_process

    prepared = path.with_name(path.stem + ".prep.onnx")
    try:
        quant_pre_process(str(fp32), str(prepared), skip_symbolic_shape=True)
    except Exception as e:  # noqa: BLE001 - pre-processing is an optimisation; quantise the plain graph if it fails
        log.warning("onnxruntime pre-processing skipped: %s", e)
        prepared = fp32
    quantize_static(
        str(prepared),
        str(path),
        _Calibration(calibration, "pixel_values"),
        quant_format=QuantFormat.QDQ,
        per_channel=True,
        weight_type=QuantType.QInt8,
        activation_type=QuantType.QUInt8,
        calibrate_method=CalibrationMethod.MinMax,
    )
    if prepared != fp32:
        prepared.unlink(missing_ok=True)
    return path
