"""Attach TFLite image-input metadata to a bare .tflite model.

MediaPipe's Tasks API reads the input normalisation (mean/std) from a
model's TFLITE_METADATA buffer and refuses models without it. The models in
older mediapipe wheels carry none, so we write it ourselves with the
flatbuffers schema modules that ship inside mediapipe 1.2.x (its own
metadata_writers package is broken there). This module only rewrites bytes:
it does no downloading and no file I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

import flatbuffers

METADATA_NAME = "TFLITE_METADATA"
_TFLITE_IDENTIFIER = b"TFL3"
_METADATA_IDENTIFIER = b"M001"
_MIN_PARSER_VERSION = "1.0.0"
# TFLite's schema asks for 16-byte aligned tensor data so that it can be
# memory-mapped; flatbuffers' Python object API would pack it 1-byte aligned.
TENSOR_ALIGNMENT = 16


@dataclass(frozen=True)
class ImageNormalization:
    """Pixel value v becomes (v - mean) / std on every channel."""

    mean: float
    std: float


def _schemas():
    # Imported lazily: the schema modules are large and only provisioning needs them.
    from mediapipe.tasks.metadata import metadata_schema_py_generated as meta
    from mediapipe.tasks.metadata import schema_py_generated as tfl

    return tfl, meta


def _model_metadata(name: str, norm: ImageNormalization, n_outputs: int, meta) -> bytes:
    image = meta.ImagePropertiesT()
    image.colorSpace = meta.ColorSpaceType.RGB
    content = meta.ContentT()
    content.contentPropertiesType = meta.ContentProperties.ImageProperties
    content.contentProperties = image
    options = meta.NormalizationOptionsT()
    options.mean = [norm.mean]
    options.std = [norm.std]
    unit = meta.ProcessUnitT()
    unit.optionsType = meta.ProcessUnitOptions.NormalizationOptions
    unit.options = options
    stats = meta.StatsT()
    stats.min = [(0.0 - norm.mean) / norm.std]
    stats.max = [(255.0 - norm.mean) / norm.std]
    tensor = meta.TensorMetadataT()
    tensor.name = "image"
    tensor.content = content
    tensor.processUnits = [unit]
    tensor.stats = stats
    outputs = []
    for i in range(n_outputs):
        out = meta.TensorMetadataT()
        out.name = f"output_{i}"
        outputs.append(out)
    subgraph = meta.SubGraphMetadataT()
    subgraph.inputTensorMetadata = [tensor]
    subgraph.outputTensorMetadata = outputs
    model = meta.ModelMetadataT()
    model.name = name
    model.description = "Metadata attached by Mirror (demo/pose/tflite_metadata.py)."
    model.subgraphMetadata = [subgraph]
    model.minParserVersion = _MIN_PARSER_VERSION
    builder = flatbuffers.Builder(1024)
    builder.Finish(model.Pack(builder), _METADATA_IDENTIFIER)
    return bytes(builder.Output())


class _AlignedBuffer:
    """Packs one TFLite Buffer like BufferT.Pack, but with aligned data."""

    def __init__(self, tfl, buffer) -> None:
        self.tfl = tfl
        self.buffer = buffer

    def Pack(self, builder: flatbuffers.Builder) -> int:  # noqa: N802 (flatbuffers' name)
        tfl, buf = self.tfl, self.buffer
        data = None
        if buf.data is not None and len(buf.data):
            payload = bytes(bytearray(buf.data))
            builder.StartVector(1, len(payload), TENSOR_ALIGNMENT)
            builder.head -= len(payload)
            builder.Bytes[builder.head:builder.head + len(payload)] = payload
            builder.vectorNumElems = len(payload)
            data = builder.EndVector()
        tfl.BufferStart(builder)
        if data is not None:
            tfl.BufferAddData(builder, data)
        tfl.BufferAddOffset(builder, buf.offset)
        tfl.BufferAddSize(builder, buf.size)
        return tfl.BufferEnd(builder)


def attach_image_metadata(model_bytes: bytes, name: str, norm: ImageNormalization) -> bytes:
    """Return `model_bytes` with image-input metadata; any old metadata is replaced."""
    tfl, meta = _schemas()
    if model_bytes[4:8] != _TFLITE_IDENTIFIER:
        raise ValueError(f"{name}: not a TFLite flatbuffer (no TFL3 identifier)")
    model = tfl.ModelT.InitFromPackedBuf(bytearray(model_bytes), 0)
    n_outputs = len(model.subgraphs[0].outputs)
    blob = _model_metadata(name, norm, n_outputs, meta)

    buffer = tfl.BufferT()
    buffer.data = blob
    model.buffers = list(model.buffers or [])
    model.metadata = [m for m in (model.metadata or [])
                      if m.name not in (METADATA_NAME, METADATA_NAME.encode())]
    model.buffers.append(buffer)
    entry = tfl.MetadataT()
    entry.name = METADATA_NAME
    entry.buffer = len(model.buffers) - 1
    model.metadata.append(entry)
    model.buffers = [_AlignedBuffer(tfl, b) for b in model.buffers]

    builder = flatbuffers.Builder(len(model_bytes) + len(blob) + 4096)
    builder.Finish(model.Pack(builder), _TFLITE_IDENTIFIER)
    return bytes(builder.Output())


def read_image_normalization(model_bytes: bytes) -> ImageNormalization | None:
    """The normalisation written in a model's metadata, or None when it has none."""
    tfl, meta = _schemas()
    model = tfl.Model.GetRootAs(model_bytes, 0)
    for i in range(model.MetadataLength()):
        entry = model.Metadata(i)
        if entry.Name() != METADATA_NAME.encode():
            continue
        data = model.Buffers(entry.Buffer()).DataAsNumpy().tobytes()
        md = meta.ModelMetadataT.InitFromPackedBuf(bytearray(data), 0)
        unit = md.subgraphMetadata[0].inputTensorMetadata[0].processUnits[0]
        return ImageNormalization(float(unit.options.mean[0]), float(unit.options.std[0]))
    return None
