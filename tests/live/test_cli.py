"""The command line as a user meets it: TLS, clear errors, the model list."""

from __future__ import annotations

import subprocess
import sys

from helpers import ROOT, free_port, start_demo


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "demo", *args], cwd=str(ROOT), capture_output=True,
                          text=True, timeout=120)


def test_self_signed_tls_serves_https(pose_model):
    port = free_port()
    proc = start_demo(port, "--self-signed", scheme="https")
    proc.kill()
    proc.wait()


def test_bad_arguments_give_a_fix_not_a_traceback(tmp_path, pose_model):
    for args, words in (
        (["--video", str(tmp_path / "missing.mp4"), "--no-provision"], "does not exist"),
        (["--replay", str(tmp_path / "missing.mirror.npz"), "--no-provision"], "no such recording"),
        (["--ssl-cert", str(tmp_path / "c.pem"), "--no-provision"], "go together"),
        (["extract", str(tmp_path / "nope.avi"), "-o", str(tmp_path)], "Cannot open video"),
    ):
        result = run(*args)
        assert result.returncode == 2, (args, result.stderr)
        assert words in result.stderr and "Traceback" not in result.stderr
        assert "fix:" in result.stderr


def test_models_list_names_the_installed_bundle(pose_model):
    result = run("models", "--list")
    assert result.returncode == 0 and pose_model.name in result.stdout
