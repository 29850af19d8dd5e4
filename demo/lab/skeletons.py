"""`python -m demo skeletons`: goal vs meaningless on the depth-camera skeleton sets.

MSR Action3D and UTKinect give goal-directed and meaningless actions (balanced accuracy and
ROC AUC); GTU's exercises are none goal-directed (false alarms). Reads with demo/datasets/kinect.py,
judges with the online recogniser; writes nothing (research-only data).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from demo.datasets import kinect
from demo.lab.evaluation import balanced_accuracy, roc_auc
from demo.recognition.clips import classify_recording


def report(root: Path, model) -> dict:
    """Goal vs meaningless on MSR Action3D and UTKinect; false alarms on GTU."""
    def judge(pairs):
        y = np.array([g for _, g in pairs])
        s = np.array([classify_recording(model, r).goal for r, _ in pairs])
        return {"clips": len(y), "balanced_accuracy": round(balanced_accuracy(y, (s > 0.5).astype(int)), 3),
                "roc_auc": round(roc_auc(y, s), 3)}

    root = Path(root)
    msr = []
    for p in sorted((root / "msr-action3d" / "real3d").glob("a*_skeleton3D.txt")):
        a = int(p.name[1:3])
        if a in kinect.MSR_GOAL:
            rec = kinect.load_msr(p)
            if len(rec) >= 5:
                msr.append((rec, kinect.MSR_GOAL[a]))
    ut = [(r, kinect.UT_GOAL[a]) for r, a in kinect.load_utkinect(root / "utkinect") if a in kinect.UT_GOAL]
    gtu = [r for r in (kinect.load_gtu(p) for p in sorted((root / "gtu").glob("*/movement*.txt"))) if len(r) >= 5]
    alarms = np.mean([classify_recording(model, r).goal > 0.5 for r in gtu]) if gtu else float("nan")
    return {"msr_action3d": judge(msr), "utkinect": judge(ut),
            "gtu": {"clips": len(gtu), "false_alarm_rate": round(float(alarms), 3)}}
