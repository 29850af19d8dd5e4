"""Action classes as data: validation that names file and field, and the `actions` commands."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest

from demo import config, landmarks
from demo.cli.main import main
from demo.live.drafts import Drafts
from demo.recognition.library import ActionFileError, Library, LibraryNotWritableError, load_class
from demo.recording import Recording
from demo.synth import virtual_actor

GOOD = {"name": "wave-hello", "label": "Wave hello", "explanation": "A friendly wave.",
        "goal_directed": False, "goal": None, "colour": "#f0e442"}


def write_class(root, manifest, name="wave-hello"):
    d = root / name
    (d / "examples").mkdir(parents=True, exist_ok=True)
    (d / "action.json").write_text(manifest if isinstance(manifest, str) else json.dumps(manifest))
    return d


@pytest.mark.parametrize("change, field", [
    ({"name": "Wave Hello"}, "name"),
    ({"label": ""}, "label"),
    ({"goal_directed": "yes"}, "goal_directed"),
    ({"colour": "yellow"}, "colour"),
    ({"kind": "nap"}, "kind"),
    ({"goal": "g" * 10_000}, "goal"),
    ({"explanation": 5}, "explanation"),
])
def test_malformed_manifest_names_file_and_field(tmp_path, change, field):
    d = write_class(tmp_path, {**GOOD, **change})
    with pytest.raises(ActionFileError) as err:
        load_class(d)
    assert str(d / "action.json") in err.value.message and f"'{field}'" in err.value.message


def test_missing_field_and_bad_json(tmp_path):
    d = write_class(tmp_path, {k: v for k, v in GOOD.items() if k != "goal_directed"})
    with pytest.raises(ActionFileError, match="'goal_directed' is missing"):
        load_class(d)
    d = write_class(tmp_path, "{not json", name="broken")
    with pytest.raises(ActionFileError, match="not valid JSON"):
        load_class(d)


def test_folder_and_name_must_agree(tmp_path):
    d = write_class(tmp_path, GOOD, name="other")
    with pytest.raises(ActionFileError, match="folder"):
        load_class(d)


def test_shipped_library_is_valid_and_complete():
    lib = Library()
    names = set(lib.classes)
    assert {"reach-to-grasp", "grasp-to-mouth", "grasp-to-place", "point", "hand-to-ear",
            "arm-circles", "flailing", "idle"} <= names
    for c in lib:
        assert len(c.examples) >= 8, c.name
        for rec in c.recordings()[:2]:
            assert rec.seen.all()
    assert lib["idle"].kind == "idle"
    assert "HDM05" in (lib["reach-to-grasp"].attribution or "")


def test_actions_commands_round_trip(tmp_path, capsys):
    lib_dir = tmp_path / "lib"
    recs = []
    for seed in range(3):
        path = virtual_actor.recording("waving", seed).save(tmp_path / f"wave{seed}")
        recs.append(str(path))
    assert main(["actions", "add", "wave-hello", "--meaningless", "--label", "Wave hello",
                 "--library", str(lib_dir), *recs]) == 0
    sips = [str(virtual_actor.recording("grasp-to-mouth", s).save(tmp_path / f"sip{s}")) for s in range(3)]
    assert main(["actions", "add", "sip", "--goal-directed", "--goal", "the mouth", "--library", str(lib_dir),
                 *sips]) == 0
    capsys.readouterr()
    assert main(["actions", "list", "--library", str(lib_dir)]) == 0
    listing = capsys.readouterr().out
    assert "wave-hello" in listing and "meaningless" in listing and "sip" in listing
    assert main(["actions", "show", "sip", "--library", str(lib_dir)]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["goal_directed"] is True and len(shown["examples"]) == 3
    pack = tmp_path / "pack.zip"
    assert main(["actions", "export", "sip", "-o", str(pack), "--library", str(lib_dir)]) == 0
    assert main(["actions", "remove", "sip", "--library", str(lib_dir)]) == 0
    assert "sip" not in Library(lib_dir).classes
    assert main(["actions", "import", str(pack), "--library", str(lib_dir)]) == 0
    again = Library(lib_dir)["sip"]
    assert again.goal == "the mouth" and len(again.examples) == 3
    # A new class without saying what kind it is is refused with a fix.
    assert main(["actions", "add", "mystery", "--library", str(lib_dir), recs[0]]) == 2
    assert "--goal-directed or --meaningless" in capsys.readouterr().err


def test_actions_add_accepts_videos(tmp_path, drink_clip, pose_model):
    lib_dir = tmp_path / "lib"
    assert main(["actions", "add", "drink", "--goal-directed", "--library", str(lib_dir), str(drink_clip)]) == 0
    cls = Library(lib_dir)["drink"]
    assert len(cls.examples) == 1 and cls.recordings()[0].seen.mean() > 0.9


def test_actions_add_close_ups_learns_each_video_twice(tmp_path, drink_clip, pose_model, capsys):
    """The video as it is and cropped to the upper body; a recording cannot be cropped, which is said."""
    lib_dir = tmp_path / "lib"
    rec = virtual_actor.recording("grasp-to-mouth", 3).save(tmp_path / "drink")
    assert main(["actions", "add", "drink", "--goal-directed", "--close-ups", "--library", str(lib_dir),
                 str(drink_clip), str(rec)]) == 0
    err = capsys.readouterr().err
    assert "Close-ups learnt from 1 of 1 videos" in err and "are recordings" in err
    whole, close, recorded = Library(lib_dir)["drink"].recordings()
    assert close.source.endswith("(close-up)") and close.seen.mean() > 0.9
    # The picture ends above the hips, so the pose model sees them far less than on the whole body.
    hips = [landmarks.INDEX["left_hip"], landmarks.INDEX["right_hip"]]
    assert close.landmarks[close.seen][:, hips, 3].mean() < whole.landmarks[whole.seen][:, hips, 3].mean() - 0.3
    assert recorded.pose_model == virtual_actor.POSE_MODEL


def _pack(path, head, members: dict):
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("pack.json", head if isinstance(head, str) else json.dumps(head))
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_an_import_is_all_or_nothing_and_never_replaces_without_being_asked(tmp_path, capsys):
    lib_dir = tmp_path / "lib"
    example = virtual_actor.recording("waving", 0).save(tmp_path / "wave")
    assert main(["actions", "add", "idle-ish", "--meaningless", "--library", str(lib_dir), str(example)]) == 0
    assert main(["actions", "add", "wave-hello", "--meaningless", "--library", str(lib_dir), str(example)]) == 0
    before = {c.name: len(c.examples) for c in Library(lib_dir)}
    data = example.read_bytes()
    good = {**GOOD, "name": "newclass"}
    head = {"format": "mirror-action-pack", "version": 1}
    packs = {
        # pack.json names a new class, its manifest an existing one: the name must match.
        "named apart": ({**head, "classes": ["newclass"]},
                        {"newclass/action.json": json.dumps({**GOOD, "name": "idle-ish"}),
                         "newclass/examples/a.mirror.npz": data}),
        # The first class is fine, the second is broken: neither is installed.
        "second broken": ({**head, "classes": ["newclass", "broken"]},
                          {"newclass/action.json": json.dumps(good), "newclass/examples/a.mirror.npz": data,
                           "broken/action.json": "{not json", "broken/examples/a.mirror.npz": data}),
        "existing": ({**head, "classes": ["wave-hello"]},
                     {"wave-hello/action.json": json.dumps(GOOD), "wave-hello/examples/a.mirror.npz": data}),
        "a list": ("[1, 2]", {}),
        "classes a string": ({**head, "classes": "newclass"}, {}),
        "member missing": ({**head, "classes": ["newclass"]}, {}),
        "not a recording": ({**head, "classes": ["newclass"]},
                            {"newclass/action.json": json.dumps(good), "newclass/examples/a.mirror.npz": b"junk"}),
    }
    for what, (head_json, members) in packs.items():
        pack = _pack(tmp_path / "pack.zip", head_json, members)
        assert main(["actions", "import", str(pack), "--library", str(lib_dir)]) == 2, what
        err = capsys.readouterr().err
        assert "error:" in err and "fix:" in err and "Traceback" not in err, (what, err)
        assert {c.name: len(c.examples) for c in Library(lib_dir)} == before, what
        assert not [p for p in lib_dir.iterdir() if p.name.startswith(".import")], what
    # Asked to replace: the class is replaced whole.
    pack = _pack(tmp_path / "pack.zip", *packs["existing"])
    assert main(["actions", "import", str(pack), "--replace", "--library", str(lib_dir)]) == 0
    replaced = Library(lib_dir)["wave-hello"]
    assert replaced.label == "Wave hello" and len(replaced.examples) == 1


def test_classify_names_no_action_in_a_clip_with_nobody(tmp_path, capsys):
    empty = np.full((30, 33, 4), np.nan, np.float32)
    rec = Recording(t=np.arange(30) / 10.0, landmarks=empty, world=empty.copy(), fps=10.0, image_size=(640, 480))
    path = rec.save(tmp_path / "empty-hall")
    assert main(["classify", "--json", str(path)]) == 0
    row = json.loads(capsys.readouterr().out)
    assert row["label"] is None and row["seen"] == 0.0 and row["goal_directed"] == 0.5
    assert main(["classify", str(path)]) == 0
    assert "nobody seen" in capsys.readouterr().out


def test_a_library_that_cannot_be_written_says_where_and_keeps_the_examples(tmp_path):
    """The record page saving into a folder it cannot write (a read-only kiosk image; here a path
    under a file): a clear error naming the folder, the page's examples kept, nothing half-made."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    library = Library(blocker / "actions")
    drafts = Drafts()
    drafts.add("page", list(virtual_actor.recording("point", 1).poses()))
    with pytest.raises(LibraryNotWritableError) as err:
        drafts.save("page", library, {"name": "my-point", "goal_directed": True})
    assert str(blocker / "actions" / "my-point") in err.value.message and "--library" in err.value.fix
    assert err.value.code == "library_not_writable"
    assert len(drafts.summary("page")["examples"]) == 1
    with pytest.raises(LibraryNotWritableError, match="import into"):
        library.import_pack(Library(config.ACTIONS_DIR).export(["point"], tmp_path / "pack.zip"))
