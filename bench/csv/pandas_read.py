"""The pandas side of the CSV benchmark: read FILE with read_csv, then
describe(include='all'), and print both times (seconds, in-process, so the
interpreter's start and the pandas import are not counted) as one JSON line.

    /usr/bin/python3 pandas_read.py FILE
"""
import json
import sys
import time

import pandas as pd


def main() -> None:
    path = sys.argv[1]
    t0 = time.perf_counter()
    frame = pd.read_csv(path)
    t1 = time.perf_counter()
    summary = frame.describe(include="all")
    t2 = time.perf_counter()
    print(json.dumps({
        "rows": len(frame),
        "cols": len(frame.columns),
        "read_s": round(t1 - t0, 4),
        "describe_s": round(t2 - t1, 4),
        "summary_cols": len(summary.columns),
    }))


if __name__ == "__main__":
    main()
