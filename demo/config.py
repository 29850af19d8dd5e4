"""Configuration in one place: paths, limits and defaults.

Only constants and the `Settings` record live here; no logic beyond
deriving paths. Every other module reads its numbers from here so that a
lecturer or developer changes a limit in one spot.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODELS_DIR = ROOT / "models"
# Pose model files are provisioned, never committed; MIRROR_POSE_DIR lets CI
# or a kiosk image keep them elsewhere (for example a read-only cache).
POSE_DIR = Path(os.environ.get("MIRROR_POSE_DIR", MODELS_DIR / "pose"))
RECORDINGS_DIR = MODELS_DIR / "recordings"
ACTIONS_DIR = MODELS_DIR / "actions"
# What an aimed movement looks like, learnt from the shipped library (demo/recognition/movement_model.py).
MOVEMENT_MODEL = MODELS_DIR / "movement-model.json"
# Real footage and skeletons for evaluation and benchmarks (../shared/data beside the checkout).
SHARED_DATA = Path(os.environ.get("MIRROR_DATA", ROOT.parent / "shared" / "data"))
# Landmarks extracted from videos are cached here, keyed by the video's and the
# pose model's hashes, so evaluation and tests do not re-run pose. Outside the
# repository on purpose: landmarks of research-only footage must not be committed.
LANDMARK_CACHE = Path(os.environ.get("MIRROR_CACHE", Path.home() / ".cache" / "mirror" / "landmarks"))
DEFAULT_RECORDING = RECORDINGS_DIR / "default.mirror.npz"
STATIC_DIR = ROOT / "static"
TEMPLATES_DIR = ROOT / "templates"

# --- pose -----------------------------------------------------------------
POSE_VARIANTS = ("lite", "full", "heavy")
# The landmark model inside the mediapipe 0.10.21 wheel; the offline route
# (demo/pose/offline.py) takes the other variants from the npm package @mediapipe/pose.
OFFLINE_VARIANT = "full"
# The variant used when none is asked for: the one recognition is measured with (README).
DEFAULT_POSE_VARIANT = "full"
OFFLINE_WHEEL = "mediapipe==0.10.21"
MIN_POSE_DETECTION_CONFIDENCE = 0.5
MIN_POSE_PRESENCE_CONFIDENCE = 0.5
MIN_TRACKING_CONFIDENCE = 0.5
# Several people may be in view: detect up to this many, follow one (demo/pose/estimator.py
# looks for everyone on one frame in LOOK_EVERY); with 1, MediaPipe's own tracking, not our
# rule, decides whom to follow.
MAX_POSES = 2
NUM_LANDMARKS = 33

# A connection that sends nothing is closed after this many seconds: a silent socket must not hold
# a server thread (and a file) for ever. A websocket, once open, gets longer: engine.io's client
# answers a ping every 25 s, so only a page that is gone stays silent past this.
IDLE_CONNECTION_TIMEOUT = 10.0
IDLE_WEBSOCKET_TIMEOUT = 60.0

# --- streams and protocol ---------------------------------------------------
PROTOCOL_VERSION = 2
# Each Socket.IO packet travels as one MessagePack websocket frame, binary fields inside it.
# The default serializer sends a text header plus one frame per binary field, and every frame
# costs the server about 70 us per viewer: with 100 viewers at 30 Hz that was a whole core
# (a state has three binary fields) against 0.6 of a core for one frame (`bench --only viewers`).
SOCKETIO_SERIALIZER = "msgpack"
MAX_FRAME_BYTES = 2 * 1024 * 1024  # a 1080p JPEG at high quality fits easily
MAX_FRAME_PIXELS = 1920 * 1080
# Scans in one JPEG frame: browsers send baseline (1), libjpeg's progressive mode writes 10; each
# scan is a pass over the whole picture, so thousands of them cost seconds of CPU to decode.
MAX_JPEG_SCANS = 40
# engine.io drops the connection of a client whose message is larger than this; below it,
# an oversize frame gets a polite `error`. 16 MB: a 10 MB mistake is answered, not cut off.
MAX_HTTP_BUFFER = 16 * 1024 * 1024
# Per client: a camera sends 30 frames a second at most; controls come from hands.
MAX_FRAMES_PER_SECOND = 40.0
FRAME_BURST = 10.0
MAX_CONTROLS_PER_SECOND = 20.0
CONTROL_BURST = 20.0
# Wrong model-control tokens from one network address (over all its connections): this many at
# once, then one a TOKEN_GUESS_EVERY seconds; beyond it every token from there is refused.
TOKEN_GUESSES = 10
TOKEN_GUESS_EVERY = 6.0
# Pose streams cost a core each at full speed: by default no more than there are cores.
MAX_POSE_STREAMS = os.cpu_count() or 2
# Recording examples on the record page: only while a developer presses record.
MAX_RECORD_SECONDS = 15.0
MAX_DRAFT_EXAMPLES = 12
CAMERA_RECONNECT_SECONDS = 1.0
SOURCE_IDLE_TIMEOUT = 5.0
# A followed person is kept while their box overlaps the last one this much.
FOLLOW_IOU = 0.3
# With several people allowed, everyone is looked for on one frame in this many; in between only
# the followed person is tracked, in a crop around them (one landmark pass, not one per person).
LOOK_EVERY = 10
# The crop around the followed person: their box grown by this share of its size on every side.
FOLLOW_MARGIN = 0.5
# The crop moves once the followed person has moved this share of its size (not every frame).
FOLLOW_RECENTRE = 0.1


@dataclass
class Settings:
    """How the server serves, from the command line (demo/cli/run.py) or a test."""

    max_people: int = MAX_POSES  # people detected before one is chosen to follow
    token: str | None = None  # lets other devices use the model controls (lecture page)
    max_streams: int = MAX_POSE_STREAMS  # browser cameras followed at once
    message_queue: str | None = None  # e.g. redis://host:6379/0: several servers share the viewers
    relay: bool = False  # this server only passes on states published by another one
    pose_model: Path | None = None  # the pose bundle; None: the default one under models/
    library: Path | None = None  # the action classes' folder; None: models/actions/
    mirror_params: Path | None = None  # the mirror units' parameters; None: the shipped file
    recordings: dict[str, Path] | None = None  # recordings a page may choose; None: the bundled ones
