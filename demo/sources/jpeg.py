"""Check and decode JPEG frames from clients, and encode frames for the page.

The size is read from the JPEG header before decoding, so that a small file
claiming a huge image (a decompression bomb) is refused without allocating
it. This module only converts bytes and images; it keeps no state.
"""

from __future__ import annotations

import struct

import cv2
import numpy as np

from demo import config
from demo.errors import BadFrameError

_SOF_MARKERS = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
_FIX = "Send a baseline or progressive JPEG image (the page does this itself)."


def jpeg_size(data: bytes) -> tuple[int, int]:
    """(width, height) from the first SOF segment; BadFrameError when there is none."""
    if len(data) < 4 or data[0] != 0xFF or data[1] != 0xD8:
        raise BadFrameError("The frame is not a JPEG image (no start-of-image marker).", _FIX)
    i = 2
    n = len(data)
    while i + 4 <= n:
        if data[i] != 0xFF:
            raise BadFrameError("The JPEG frame is corrupt (bad marker).", _FIX)
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        (length,) = struct.unpack(">H", data[i + 2:i + 4])
        if marker in _SOF_MARKERS:
            if i + 9 > n:
                break
            h, w = struct.unpack(">HH", data[i + 5:i + 9])
            return w, h
        i += 2 + length
    raise BadFrameError("The JPEG frame is truncated (no image size found).", _FIX)


def decode(data: bytes, max_bytes: int = config.MAX_FRAME_BYTES,
           max_pixels: int = config.MAX_FRAME_PIXELS, max_scans: int = config.MAX_JPEG_SCANS) -> np.ndarray:
    """A BGR image from JPEG bytes, or BadFrameError saying what is wrong."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise BadFrameError(f"The frame must be binary JPEG data, not {type(data).__name__}.", _FIX)
    if len(data) > max_bytes:
        raise BadFrameError(
            f"The frame is {len(data) / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.1f} MB.",
            "Send smaller frames (for example 640x480 at JPEG quality 80).")
    data = bytes(data)
    w, h = jpeg_size(data)
    if w * h > max_pixels or w == 0 or h == 0:
        raise BadFrameError(
            f"The frame is {w}x{h} pixels; the limit is {max_pixels} pixels.",
            "Send frames of at most 1920x1080.")
    # FF DA starts a scan; inside coded data FF is always followed by 00 or a restart marker,
    # so counting the pair counts scans (an embedded thumbnail adds its own, a handful at most).
    scans = data.count(b"\xff\xda")
    if scans > max_scans:
        raise BadFrameError(
            f"The JPEG frame has {scans} scans; the limit is {max_scans} (decoding each costs a pass "
            "over the whole picture).", "Send a baseline JPEG (canvas.toBlob and cv2.imencode make one).")
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if image is None or image.shape[0] != h or image.shape[1] != w:
        raise BadFrameError("The JPEG frame is corrupt or truncated and could not be decoded.", _FIX)
    return image


def encode(image: np.ndarray, quality: int = 75) -> bytes:
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise BadFrameError("Could not encode the frame as JPEG.", "")
    return buf.tobytes()
