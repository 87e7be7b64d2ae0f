"""``onnx:fp32`` and ``onnx:int8``: the decoder with a KV cache, exported by torch and run by onnxruntime.

fp32 is traced from :class:`tadka.compress.onnx_decoder.DecoderStep` (the TorchScript exporter: the
graph is plain MatMul/Softmax/Concat and exports in seconds; the dynamo exporter took 90 s and more here).
The fp32 file stores a tied head once (a Gemm on the embedding matrix). int8 first gives the head its
own transposed copy as a MatMul weight, then quantizes every MatMul to 8-bit blocks (onnxruntime's
MatMulNBitsQuantizer) and the embedding Gather with ``quantize_dynamic``. Plain ``quantize_dynamic`` on
the MatMuls too — int8 activations with one scale per call — is ``onnx:int8-dynamic``: on SmolLM2 it
changed the first greedy token on 42 % of the eval prompts against 6 % for blocks (docs/compress.md).
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

from tadka.compress.deps import require
from tadka.compress.formats import Builder, Format, register

log = logging.getLogger(__name__)
INLINE_LIMIT = 1_800_000_000  # protobuf's hard limit is 2 GiB; larger models keep weights in model.onnx.data


def export_fp32(model_dir: Path, out_dir: Path) -> Path:
    """Trace the decoder step of the HF model in ``model_dir`` to ``out_dir/model.onnx``."""
    require("torch", "transformers", "onnx")
    import torch
    from transformers import AutoModelForCausalLM

    from transformers import AutoConfig

    from tadka.compress.onnx_decoder import DecoderStep, check_supported

    check_supported(AutoConfig.from_pretrained(model_dir))
    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32).eval()
    step = DecoderStep(model).eval()
    inputs, outputs = step.names()
    dynamic = {"input_ids": {0: "batch", 1: "seq"}, "logits": {0: "batch", 1: "kept"}}
    dynamic.update({n: {0: "batch", 2: "past"} for n in inputs[2:]})
    dynamic.update({n: {0: "batch", 2: "total"} for n in outputs[1:]})
    path = out_dir / "model.onnx"
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the TorchScript exporter's deprecation and tracer warnings
        torch.onnx.export(
            step,
            step.example_inputs(),
            str(path),
            input_names=inputs,
            output_names=outputs,
            dynamic_axes=dynamic,
            opset_version=17,
            dynamo=False,
            do_constant_folding=True,
        )
    model = _load(path)
    if tie_head(model):
        log.debug("output head shares the embedding: stored once (Gemm on the embedding matrix)")
    _save(path, model)
    return path


def _load(path: Path):
    import onnx

    return onnx.load(str(path), load_external_data=True)


def _save(path: Path, model) -> None:
    """Inline when it fits protobuf's limit (one file to copy), else with ``model.onnx.data`` beside it."""
    import onnx

    for stale in path.parent.glob(path.name + ".*"):
        stale.unlink()
    external = model.ByteSize() > INLINE_LIMIT
    onnx.save_model(
        model,
        str(path),
        save_as_external_data=external,
        all_tensors_to_one_file=True,
        location=path.name + ".data" if external else None,
    )


def tie_head(model) -> bool:
    """Store a tied head once: ``MatMul(h, Eᵀ)`` with a folded transposed copy → ``Gemm(h, E, transB=1)``.

    The exporter constant-folds the head's transpose into a second initializer; for a tied model that
    is the whole embedding matrix again. Only rewritten when the copy equals the transposed embedding
    and the MatMul input is 2-D (DecoderStep flattens it for this).
    """
    import numpy as np
    from onnx import helper, numpy_helper

    inits = {t.name: t for t in model.graph.initializer}
    gathers = [n.input[0] for n in model.graph.node if n.op_type == "Gather" and n.input[0] in inits]
    for node in model.graph.node:
        if node.op_type != "MatMul" or node.input[1] not in inits:
            continue
        copy = inits[node.input[1]]
        for name in gathers:
            table = inits[name]
            if list(table.dims) != list(reversed(copy.dims)) or len(table.dims) != 2:
                continue
            if not np.array_equal(numpy_helper.to_array(table).T, numpy_helper.to_array(copy)):
                continue
            gemm = helper.make_node(
                "Gemm", [node.input[0], name], list(node.output), name=(node.name or "head") + "_gemm", transB=1
            )
            index = list(model.graph.node).index(node)
            model.graph.node.remove(node)
            model.graph.node.insert(index, gemm)
            if not any(copy.name in n.input for n in model.graph.node):
                model.graph.initializer.remove(copy)
            return True
    return False


def untie_head(model) -> bool:
    """Turn ``Gemm(h, E, transB=1)`` on an initializer that a Gather also reads into ``MatMul(h, Eᵀ)``.

    Returns whether a head was rewritten. Only then can quantize_dynamic (which quantizes MatMul and
    Gather weights, not Gemm) make both the embedding and the head int8.
    """
    from onnx import helper, numpy_helper

    inits = {t.name: t for t in model.graph.initializer}
    gathered = {n.input[0] for n in model.graph.node if n.op_type == "Gather"}
    for node in model.graph.node:
        if node.op_type != "Gemm" or len(node.input) < 2 or node.input[1] not in inits:
            continue
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        if attrs.get("transB") != 1 or attrs.get("transA", 0) != 0 or node.input[1] not in gathered:
            continue
        if len(node.input) > 2 and node.input[2]:
            continue  # a head with a bias: leave it (quantize_dynamic keeps it in fp32)
        weight = numpy_helper.to_array(inits[node.input[1]])
        name = node.input[1] + ".head_T"
        model.graph.initializer.append(numpy_helper.from_array(weight.T.copy(), name))
        matmul = helper.make_node(
            "MatMul", [node.input[0], name], list(node.output), name=(node.name or "head") + "_matmul"
        )
        index = list(model.graph.node).index(node)
        model.graph.node.remove(node)
        model.graph.node.insert(index, matmul)
        return True
    return False


def quantize_int8(fp32_path: Path, out_dir: Path, *, block_size: int = 32) -> Path:
    """int8 weights in blocks of ``block_size`` along the input (MatMulNBits, accuracy level 4: activations
    quantized per block at run time, as llama.cpp's Q8_0 does), and the embedding Gather int8 by
    quantize_dynamic. Needs ``onnx-ir`` (imported by onnxruntime's MatMulNBitsQuantizer)."""
    require("onnx", "onnxruntime", "onnx_ir")
    from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer

    model = _load(fp32_path)
    if untie_head(model):
        log.debug("output head shares the embedding: gave it its own MatMul weight so both are int8")
    quiet = logging.getLogger("onnxruntime.quantization.matmul_nbits_quantizer")
    level = quiet.level
    quiet.setLevel(logging.WARNING)  # it logs one INFO line per node
    try:
        quantizer = MatMulNBitsQuantizer(
            model, bits=8, block_size=block_size, is_symmetric=True, accuracy_level=4, op_types_to_quantize=("MatMul",)
        )
        quantizer.process()
    finally:
        quiet.setLevel(level)
    path = out_dir / "model.onnx"
    _dynamic(quantizer.model.model, path, ["Gather"])
    return path


def quantize_int8_dynamic(fp32_path: Path, out_dir: Path) -> Path:
    """quantize_dynamic on every MatMul and Gather: int8 weights per channel *and* int8 activations per tensor.

    Kept for comparison: one activation scale per call covers every token of the prompt, and SmolLM2's
    first token carries activations up to ~3000 in some MLP inputs, so the other tokens lose most of their
    resolution; the first greedy token then differs from fp32 on about 4 prompts in 10 (docs/compress.md).
    """
    require("onnx", "onnxruntime")
    model = _load(fp32_path)
    untie_head(model)
    path = out_dir / "model.onnx"
    _dynamic(model, path, ["MatMul", "Gather"])
    return path


def _dynamic(model, path: Path, ops: list[str]) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # quantize_dynamic warns on the root logger to "consider pre-processing"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            quantize_dynamic(
                model,
                str(path),
                op_types_to_quantize=ops,
                per_channel=True,
                weight_type=QuantType.QInt8,
                use_external_data_format=model.ByteSize() > INLINE_LIMIT,
            )
    finally:
        root.setLevel(level)


def _fp32(builder: Builder, folder: Path) -> Path:
    return export_fp32(builder.source, folder)


def _int8(builder: Builder, folder: Path) -> Path:
    return quantize_int8(builder.build("onnx:fp32"), folder)


def _int8_dynamic(builder: Builder, folder: Path) -> Path:
    return quantize_int8_dynamic(builder.build("onnx:fp32"), folder)


register(
    Format(
        "onnx:fp32",
        "onnx",
        _fp32,
        "decoder with KV cache, fp32 weights (onnxruntime)",
        needs=("torch", "transformers", "onnx", "onnxruntime"),
    )
)
register(
    Format(
        "onnx:int8",
        "onnx",
        _int8,
        "onnx:fp32 with int8 weights in blocks of 32 (MatMulNBits) and an int8 embedding",
        needs=("torch", "transformers", "onnx", "onnxruntime", "onnx_ir"),
    )
)
register(
    Format(
        "onnx:int8-dynamic",
        "onnx",
        _int8_dynamic,
        "onnx:fp32 through quantize_dynamic alone (int8 "
        "activations per tensor: fast, but flips first tokens on SmolLM2)",
        needs=("torch", "transformers", "onnx", "onnxruntime"),
    )
)
