"""Compression of image classifiers (the camera track): ONNX fp32/fp16/int8, device bench, budget pick, bundle."""
