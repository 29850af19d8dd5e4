"""Pose: camera frames -> the followed person's 33 landmarks (MediaPipe), and the pose model files."""
