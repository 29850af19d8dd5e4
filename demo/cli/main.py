"""Command line: `python -m demo [run|models|extract|bench] ...`.

Parses arguments and calls the stage modules; no logic of its own beyond
choosing what to run. Errors from the stages are printed with their fix and
a non-zero exit status, never as a traceback.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from demo import config
from demo.errors import DemoError

COMMANDS = ("run", "models", "extract", "mocap", "bench", "soak", "actions", "classify", "eval", "skeletons",
            "model")


def _pose_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--pose-model", choices=config.POSE_VARIANTS, default=None,
                   help="pose model variant (default: the fastest one available)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m demo", description="Mirror: a live mirror-neuron demo.")
    sub = parser.add_subparsers(dest="command")

    run = sub.add_parser("run", help="start the demo server (the default command)")
    _pose_arg(run)
    run.add_argument("--host", default="127.0.0.1",
                     help="address to bind (default 127.0.0.1; 0.0.0.0 for the LAN, with TLS)")
    run.add_argument("--port", type=int, default=8000)
    src = run.add_mutually_exclusive_group()
    src.add_argument("--camera", type=int, metavar="N", help="use the server's camera N")
    src.add_argument("--video", type=Path, metavar="PATH", help="play a video file, looping")
    src.add_argument("--replay", type=Path, metavar="PATH", help="play a landmark recording, looping")
    run.add_argument("--ssl-cert", type=Path, help="TLS certificate (browsers allow cameras only on "
                     "https:// or localhost)")
    run.add_argument("--ssl-key", type=Path, help="TLS private key")
    run.add_argument("--self-signed", action="store_true", help="serve TLS with a throw-away certificate")
    run.add_argument("--token", help="lets other devices use the model controls (lecture page); "
                                     "this computer needs none")
    run.add_argument("--max-streams", type=int, default=config.MAX_POSE_STREAMS, metavar="N",
                     help=f"browser cameras followed at once (default: the cores, {config.MAX_POSE_STREAMS})")
    run.add_argument("--message-queue", metavar="URL",
                     help="share viewers between servers through Redis, e.g. redis://127.0.0.1:6379/0")
    run.add_argument("--relay", action="store_true",
                     help="with --message-queue: run no streams, pass on another server's (for more viewers)")
    run.add_argument("--max-people", type=int, default=config.MAX_POSES, metavar="N",
                     help=f"people to detect before choosing one to follow (default {config.MAX_POSES}; "
                     "1 is faster but lets MediaPipe choose)")
    run.add_argument("--no-provision", action="store_true",
                     help="do not build or download a pose model on start")

    models = sub.add_parser("models", help="download or build the pose model files")
    _pose_arg(models)
    models.add_argument("--offline", action="store_true", help="skip the download; build from the wheel")
    models.add_argument("--list", action="store_true", help="list the installed models and exit")

    ext = sub.add_parser("extract", help="turn videos into landmark recordings")
    _pose_arg(ext)
    ext.add_argument("videos", nargs="+", type=Path)
    ext.add_argument("-o", "--out", type=Path, required=True, help="output directory")

    moc = sub.add_parser("mocap", help="turn HDM05 ASF/AMC clips into one landmark recording")
    moc.add_argument("amc", nargs="+", type=Path, help="AMC clips, played in this order")
    moc.add_argument("--asf-dir", type=Path, required=True, help="folder with HDM_<performer>.asf")
    moc.add_argument("--yaw", type=float, default=0.0, help="camera angle: 0 front, 90 side")
    moc.add_argument("-o", "--out", type=Path, required=True, help="output recording")

    def library_arg(p):
        p.add_argument("--library", type=Path, default=None,
                       help="action library folder (default: models/actions)")

    act = sub.add_parser("actions", help="list, show, add, remove, export or import action classes")
    act_sub = act.add_subparsers(dest="action_cmd", required=True)
    for name in ("list", "show", "add", "remove", "export", "import", "rebuild-defaults"):
        p = act_sub.add_parser(name)
        library_arg(p)
        if name in ("show", "remove"):
            p.add_argument("name")
    add = act_sub.choices["add"]
    add.add_argument("name", help="lower-case, digits and '-' (for example grasp-to-mouth)")
    kind = add.add_mutually_exclusive_group()
    kind.add_argument("--goal-directed", dest="goal_directed", action="store_true", default=None)
    kind.add_argument("--meaningless", dest="goal_directed", action="store_false")
    add.add_argument("--idle", action="store_true", help="this class is the 'no action' class")
    add.add_argument("--label", help="short label for the screen")
    add.add_argument("--explanation", help="one sentence for visitors")
    add.add_argument("--goal", help="what the action is aimed at (mouth, ear, an object...)")
    add.add_argument("--colour", help="#rrggbb")
    add.add_argument("--close-ups", action="store_true",
                     help="also learn each video cropped to the upper body, as a visitor standing close "
                          "to the camera is seen")
    add.add_argument("files", nargs="+", type=Path, help="example videos or recordings")
    act_sub.choices["export"].add_argument("names", nargs="*", help="classes (default: all)")
    act_sub.choices["export"].add_argument("-o", "--out", type=Path, required=True)
    act_sub.choices["import"].add_argument("pack", type=Path)
    act_sub.choices["import"].add_argument("--replace", action="store_true")
    act_sub.choices["rebuild-defaults"].add_argument("--hdm05", type=Path, help="the HDM05 folder (asf/, amc/)")

    cls = sub.add_parser("classify", help="classify clips with the action library")
    library_arg(cls)
    cls.add_argument("files", nargs="+", type=Path, help="videos or recordings")
    cls.add_argument("--json", action="store_true", help="one JSON object per line per file")

    ev = sub.add_parser("eval", help="measure the recogniser on labelled clips")
    library_arg(ev)
    ev.add_argument("--labels", type=Path, required=True, help="CSV: file,label[,goal_directed]")
    ev.add_argument("--plot", type=Path, help="write a PNG of the results")

    sk = sub.add_parser("skeletons", help="goal vs meaningless on Kinect skeleton sets (MSR, UTKinect, GTU)")
    library_arg(sk)
    sk.add_argument("--data", type=Path, required=True, help="folder with msr-action3d/, utkinect/, gtu/")

    mdl = sub.add_parser("model", help="the mirror-unit model: plot its typical responses")
    mdl_sub = mdl.add_subparsers(dest="model_cmd", required=True)
    mplot = mdl_sub.add_parser("plot", help="draw typical responses as a PNG")
    library_arg(mplot)
    mplot.add_argument("-o", "--out", type=Path, default=Path("mirror-model.png"), help="PNG to write")
    mplot.add_argument("--params", type=Path, help="parameters file (default: models/mirror/params.toml)")

    soak = sub.add_parser("soak", help="run both paths for a long time; print memory, latency and errors")
    _pose_arg(soak)
    soak.add_argument("--minutes", type=float, default=60.0)
    soak.add_argument("--video", type=Path, help="clip to stream (default: a bundled test clip)")
    soak.add_argument("--every", type=float, default=30.0, help="seconds between report lines")

    bench = sub.add_parser("bench", help="measure pose, pipeline and round-trip speed")
    _pose_arg(bench)
    bench.add_argument("--video", type=Path, help="clip to measure on (default: a bundled test clip)")
    bench.add_argument("--frames", type=int, default=150, help="frames per measurement")
    bench.add_argument("--only", choices=["mirror", "viewers"],
                       help="measure only this part: the mirror units, or one stream to many viewers")
    bench.add_argument("--viewers", type=int, default=100, help="viewer clients for --only viewers")
    bench.add_argument("--seconds", type=float, default=20.0,
                       help="with --only viewers: how long each number of viewers is measured")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help")):
        argv.insert(0, "run")
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        if args.command == "models":
            from demo.pose.bundles import available, provision
            if args.list:
                for variant, path in available().items():
                    print(f"{variant:6s} {path}")
                return 0
            provision(args.pose_model, online=not args.offline)
            return 0
        if args.command == "extract":
            from demo.pose.bundles import resolve
            from demo.pose.extract import extract_all
            extract_all(args.videos, args.out, resolve(args.pose_model))
            return 0
        if args.command == "mocap":
            from demo.synth.mocap_film import mocap_recording
            from demo.synth.virtual_camera import Camera
            rec = mocap_recording(args.amc, args.asf_dir, Camera(yaw_deg=args.yaw))
            print(f"wrote {rec.save(args.out)} ({len(rec)} frames, {rec.duration:.1f} s)")
            return 0
        if args.command in ("actions", "classify", "eval"):
            from demo.cli import actions as action_commands
            return getattr(action_commands, f"cmd_{args.command}")(args)
        if args.command == "skeletons":
            import json

            from demo.datasets.kinect import report
            from demo.recognition.library import Library
            from demo.recognition.online import fit
            print(json.dumps(report(args.data, fit(Library(args.library))), indent=2))
            return 0
        if args.command == "model":
            from demo.lab.mirror_plot import plot
            print(f"wrote {plot(args.out, args.library, args.params)}")
            return 0
        if args.command == "soak":
            from demo.lab.soak import run_soak
            from demo.pose.bundles import resolve
            run_soak(args.minutes, resolve(args.pose_model), args.video, args.every,
                     log=lambda line: print(line, flush=True))  # an hour's report, line by line
            return 0
        if args.command == "bench":
            from demo.lab.bench import run_bench
            return run_bench(args)
        from demo.cli.run import run_server
        return run_server(args)
    except DemoError as e:
        print(f"error: {e.message}", file=sys.stderr)
        if e.fix:
            print(f"  fix: {e.fix}", file=sys.stderr)
        return 2
    except OSError as e:  # a missing or unreadable file named on the command line
        print(f"error: {e.strerror or e}: {e.filename or ''}", file=sys.stderr)
        print("  fix: check the path and the file's permissions.", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
