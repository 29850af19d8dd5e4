"""The command line as a user meets it: TLS, clear errors, the model list."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import urllib.request

import cv2
import numpy as np

from helpers import ROOT, Client, free_port, start_demo, wait_for


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


def test_top_level_help_lists_the_servers_options():
    result = run("--help")
    assert result.returncode == 0
    for flag in ("--port", "--host", "--library", "--token", "--camera"):
        assert flag in result.stdout, flag


def test_run_serves_another_library_and_keeps_its_log_to_what_an_operator_needs(tmp_path, pose_model):
    library = tmp_path / "library"
    shutil.copytree(ROOT / "models" / "actions", library)
    shutil.rmtree(library / "point")
    port, log = free_port(), tmp_path / "server.log"
    proc = start_demo(port, "--library", str(library), "--token", "s3cret-token", log=log)
    try:
        url = f"http://127.0.0.1:{port}"
        urllib.request.urlopen(url + "/static/css/main.css", timeout=10).read()
        urllib.request.urlopen(url + "/lecture?token=s3cret-token", timeout=10).read()
        client = Client(url)
        names = {c["name"] for c in client.events["hello"][0]["classes"]}
        assert "point" not in names and "grasp-to-mouth" in names
        jpeg = cv2.imencode(".jpg", np.full((240, 320, 3), 120, np.uint8))[1].tobytes()
        for i in range(5):  # a camera stream: MediaPipe starts and says its native lines
            client.send(jpeg, i)
        assert wait_for(lambda: client.states, 20)
        client.close()
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=20)
    text = log.read_text()
    assert "Mirror is running" in text  # lines written after the filter pass through it
    for noise in ("s3cret-token", "Traceback", "GET /static", "development server", "production deployment",
                  "inference_feedback_manager", "NORM_RECT without IMAGE_DIMENSIONS", "XNNPACK delegate"):
        assert noise not in text, (noise, text)


def test_run_refuses_a_library_that_is_not_there(tmp_path, pose_model):
    result = run("--library", str(tmp_path / "nope"), "--no-provision")
    assert result.returncode == 2 and "no such folder" in result.stderr and "fix:" in result.stderr


def test_a_port_out_of_range_or_in_use_is_refused_before_it_says_it_runs(pose_model):
    result = run("--port", "70000", "--no-provision")
    assert result.returncode == 2 and "not a port" in result.stderr
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = run("--port", str(port), "--no-provision")
    assert result.returncode == 2 and "Cannot listen" in result.stderr and "fix:" in result.stderr
    assert "Mirror is running" not in result.stderr
    # An IPv6 loopback is an address like any other (it was refused as "family not supported").
    port = free_port()
    proc = start_demo(port, "--host", "::1", probe_host="[::1]")
    proc.kill()
    proc.wait()


def test_a_server_writes_nothing_into_home(tmp_path, pose_model):
    """mediapipe imports matplotlib, which makes its cache folder in $HOME: a kiosk's server, from
    start through a visitor's camera frames, leaves $HOME as it found it."""
    home = tmp_path / "home"
    home.mkdir()
    port = free_port()
    proc = start_demo(port, env={**os.environ, "HOME": str(home)})
    try:
        c = Client(f"http://127.0.0.1:{port}")
        frame = cv2.imencode(".jpg", np.full((240, 320, 3), 128, np.uint8))[1].tobytes()
        for i in range(1, 4):  # one in flight, as the page sends them
            c.send(frame, i)
            assert wait_for(lambda i=i: len(c.states) >= i, 30), c.errors
        c.close()
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(20)
    assert sorted(p.relative_to(home) for p in home.rglob("*")) == []
