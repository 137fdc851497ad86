"""The serving benchmark's Python peer: hone's registered XGBoost model behind FastAPI.

Serves POST /api/training/models/{key}/predict with hone's body and answer for the
"records" shape: {"records": [{"f0": 1.5, ...}, ...]} in, {"predictions": [...],
"probabilities": [[...], ...], "classes": [...], "model": key} out.

The model is the very file hone registered: MODEL_DIR (environment) is the model's
artifact directory (`hone models show KEY` -> file_path). Its manifest.json names
the features (in the model's column order), the classes and the files; the XGBoost
model is the one file that is not preprocess.json, loaded with
xgboost.Booster().load_model. preprocess.json's numeric steps (a missing value takes
the step's fill, then (x - offset) / divisor) are applied as hone applies them, so
both sides answer the same for the same body.

Run it under uvicorn, e.g.
  MODEL_DIR=... MODEL_KEY=... /usr/bin/python3 -m uvicorn peer_app:app --workers 2
"""
import json
import os
from pathlib import Path
from typing import Dict, List, Optional

import numpy as np
import xgboost as xgb
from fastapi import FastAPI, HTTPException
from fastapi.responses import JSONResponse
from pydantic import BaseModel


def load(model_dir: Path):
    manifest = json.loads((model_dir / "manifest.json").read_text())
    if manifest.get("algorithm") != "xgboost" or manifest.get("task") != "classification":
        raise SystemExit(f"peer_app: {model_dir} is not an XGBoost classifier")
    files = [name for name in manifest["files"] if name != "preprocess.json"]
    if len(files) != 1:
        raise SystemExit(f"peer_app: expected one model file in {model_dir}, the manifest lists {files}")
    booster = xgb.Booster()
    booster.load_model(str(model_dir / files[0]))
    # One request is one row: one thread each (two workers on two cores) is
    # XGBoost's fastest here; OpenMP's team for one row only costs.
    booster.set_param({"nthread": 1})

    features = manifest["features"]
    steps = {s["column"]: s for s in json.loads((model_dir / "preprocess.json").read_text())["steps"]}
    for f in features:
        if steps.get(f, {}).get("kind") != "numeric":
            raise SystemExit(f"peer_app: feature '{f}' is not a plain numeric column; this peer handles only those")
    fill = np.array([steps[f]["fill"] for f in features], dtype=np.float64)
    offset = np.array([steps[f]["offset"] for f in features], dtype=np.float64)
    divisor = np.array([steps[f]["divisor"] for f in features], dtype=np.float64)

    classes = manifest["classes"]
    if manifest.get("target_type") == "int":
        labels = [int(c) for c in classes]
    elif manifest.get("target_type") in ("float", "double"):
        labels = [float(c) for c in classes]
    else:
        labels = list(classes)
    return booster, features, fill, offset, divisor, classes, labels


MODEL_DIR = Path(os.environ["MODEL_DIR"])
MODEL_KEY = os.environ.get("MODEL_KEY", MODEL_DIR.name)
BOOSTER, FEATURES, FILL, OFFSET, DIVISOR, CLASSES, LABELS = load(MODEL_DIR)

app = FastAPI()


class PredictRequest(BaseModel):
    records: List[Dict[str, Optional[float]]]


@app.get("/api/training/health")
async def health():
    return {"data": {"status": "ok"}}


@app.post("/api/training/models/{key}/predict")
async def predict(key: str, body: PredictRequest):
    if key != MODEL_KEY:
        raise HTTPException(status_code=404, detail=f"no model '{key}'")
    if not body.records:
        raise HTTPException(status_code=400, detail="no records")
    try:
        x = np.array([[r[f] for f in FEATURES] for r in body.records], dtype=np.float64)
    except KeyError as e:
        raise HTTPException(status_code=400, detail=f"missing column {e}")
    x = np.where(np.isnan(x), FILL, x)
    x = ((x - OFFSET) / DIVISOR).astype(np.float32)
    raw = BOOSTER.inplace_predict(x)
    if raw.ndim == 1:  # binary:logistic: P(class 1)
        p1 = raw.astype(np.float64)
        proba = np.stack([1.0 - p1, p1], axis=1)
    else:  # multi:softprob
        proba = raw.astype(np.float64)
    best = np.argmax(proba, axis=1)  # ties to the lower index, as hone
    return JSONResponse({
        "predictions": [LABELS[i] for i in best],
        "probabilities": proba.tolist(),
        "classes": CLASSES,
        "model": key,
    })
