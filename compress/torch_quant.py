"""``torch:fp32`` (the merged model itself, the reference every other format is compared with) and
``torch:int8`` (``torch.ao`` dynamic quantization: int8 Linear weights, activations quantized per call).

torch:int8 saves the quantized state dict (packed weights) beside the config and tokenizer; loading
rebuilds the model from its config, quantizes it the same way and loads the state dict. Weight-only int4 in torch is not offered: on
this CPU every path measured (torchao int4 needs `mslk`; its int8 modes and optimum-quanto) ran slower
than fp32, and ``gguf:q4_k_m`` is the int4 that pays off on CPU.
"""

from __future__ import annotations

import logging
import os
import shutil
import warnings
from pathlib import Path

from tadka.compress.deps import require
from tadka.compress.formats import Builder, Format, register

log = logging.getLogger(__name__)
INT8_FILE = "model-int8.pt"
SIDE_FILES = ("config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json",
              "special_tokens_map.json", "chat_template.jinja")


def _quantize_dynamic(model):
    import torch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.ao.quantization's deprecation notice
        return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)


def save_int8(model_dir: Path, out_dir: Path) -> Path:
    """Quantize the fp32 model in ``model_dir`` and save it (plus config and tokenizer) to ``out_dir``."""
    require("torch", "transformers")
    import torch
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32).eval()
    qmodel = _quantize_dynamic(model)
    torch.save(qmodel.state_dict(), out_dir / INT8_FILE)
    for name in SIDE_FILES:
        if (model_dir / name).is_file():
            shutil.copy2(model_dir / name, out_dir / name)
    return out_dir


def load(path: Path):
    """A model saved by either torch format, in eval mode."""
    require("torch", "transformers")
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM

    path = Path(path)
    if not (path / INT8_FILE).is_file():
        return AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32).eval()
    config = AutoConfig.from_pretrained(path)
    # built on the CPU, not the meta device: non-persistent buffers (the rotary frequencies) are not in
    # the state dict and must be computed by the constructor
    skeleton = AutoModelForCausalLM.from_config(config, dtype=torch.float32).eval()
    qmodel = _quantize_dynamic(skeleton)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # packed int8 weights still go through TypedStorage
        state = torch.load(path / INT8_FILE, map_location="cpu", weights_only=False)
    qmodel.load_state_dict(state, strict=True)
    return qmodel.eval()


def _fp32(builder: Builder, folder: Path) -> Path:
    """The merged model as it is: its files linked (not copied) into the variant folder."""
    for f in sorted(builder.source.iterdir()):
        if f.is_file():
            os.symlink(f.resolve(), folder / f.name)
    return folder


def _int8(builder: Builder, folder: Path) -> Path:
    return save_int8(builder.source, folder)


register(Format("torch:fp32", "torch", _fp32, "the merged model, fp32 (transformers); the reference",
                needs=("torch", "transformers")))
register(Format("torch:int8", "torch", _int8, "torch.ao dynamic int8 (Linear weights int8)",
                needs=("torch", "transformers")))
