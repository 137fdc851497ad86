"""The pandas side of the CSV benchmark: read FILE with read_csv, then
describe(include='all'), and print both times as one JSON line: wall and CPU
seconds, measured in-process, so the interpreter's start and the pandas import
are not counted.

    /usr/bin/python3 pandas_read.py FILE
"""
import json
import sys
import time

import pandas as pd


def main() -> None:
    path = sys.argv[1]
    t0, c0 = time.perf_counter(), time.process_time()
    frame = pd.read_csv(path)
    t1, c1 = time.perf_counter(), time.process_time()
    summary = frame.describe(include="all")
    t2, c2 = time.perf_counter(), time.process_time()
    print(json.dumps({
        "rows": len(frame),
        "cols": len(frame.columns),
        "read_s": round(t1 - t0, 4),
        "describe_s": round(t2 - t1, 4),
        "read_cpu_s": round(c1 - c0, 4),
        "describe_cpu_s": round(c2 - c1, 4),
        "summary_cols": len(summary.columns),
    }))


if __name__ == "__main__":
    main()
