#!/usr/bin/env python3
"""Times TA-Lib (its C core, through the Python wheel) and `keel bench indicators` on the same
1,000,000-bar series, and prints both and their ratio per indicator.

    python scripts/indicators/bench_talib.py [--bars 1000000] [--keel .build/release/keel]

`--keep-csv FILE` also keeps the series as an OHLCV CSV, so that `keel bench indicators --csv FILE`
can time Keel alone on it again.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

from ohlcv import require_talib

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def series(count):
    """A deterministic random walk of one-minute bars around 30 000, prices to the cent."""
    rng = np.random.RandomState(42)
    close = np.round(30_000 * np.exp(np.cumsum(rng.normal(0, 0.001, count))), 2)
    open_ = np.concatenate(([30_000.0], close[:-1]))
    high = np.round(np.maximum(open_, close) * (1 + rng.uniform(0, 0.001, count)), 2)
    low = np.round(np.minimum(open_, close) * (1 - rng.uniform(0, 0.001, count)), 2)
    volume = np.round(rng.uniform(1, 10, count), 4)
    return open_, high, low, close, volume


def talib_timings(talib, o, h, l, c, v, runs):
    work = {
        "sma_20": lambda: talib.SMA(c, 20), "ema_20": lambda: talib.EMA(c, 20), "wma_20": lambda: talib.WMA(c, 20),
        "macd": lambda: talib.MACD(c, 12, 26, 9), "rsi_14": lambda: talib.RSI(c, 14),
        "atr_14": lambda: talib.ATR(h, l, c, 14), "bbands_20": lambda: talib.BBANDS(c, 20, 2.0, 2.0, matype=0),
        "stoch": lambda: talib.STOCH(h, l, c, 5, 3, 0, 3, 0),
        # Keel's adx_14 computes +DI, −DI and ADX in one pass; TA-Lib needs three calls.
        "adx_14": lambda: (talib.ADX(h, l, c, 14), talib.PLUS_DI(h, l, c, 14), talib.MINUS_DI(h, l, c, 14)),
        "obv": lambda: talib.OBV(c, v), "stddev_20": lambda: talib.STDDEV(c, 20, 1.0),
        "correl_30": lambda: talib.CORREL(h, l, 30),
    }
    timings = {}
    for name, call in work.items():
        best = float("inf")
        for _ in range(runs):
            started = time.perf_counter()
            call()
            best = min(best, time.perf_counter() - started)
        timings[name] = best * 1000
    return timings


def keel_timings(keel, path, runs):
    if not os.path.exists(keel):
        sys.exit(f"{keel} not found: build it with `swift build -c release` or pass --keel")
    done = subprocess.run([keel, "bench", "indicators", "--csv", path, "--runs", str(runs), "--json"],
                          capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{keel} bench indicators failed ({done.returncode}):\n{done.stderr}")
    rows = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return {row["indicator"]: row for row in rows}


def write_csv(handle, o, h, l, c, v):
    handle.write("timestamp,open,high,low,close,volume\n")
    for index in range(len(c)):
        handle.write(f"{index * 60_000},{o[index]:.2f},{h[index]:.2f},{l[index]:.2f},{c[index]:.2f},{v[index]:.4f}\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bars", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keel", default=os.path.join(ROOT, ".build/release/keel"))
    parser.add_argument("--talib-only", action="store_true")
    parser.add_argument("--keep-csv", metavar="FILE", help="write the series to FILE and keep it")
    args = parser.parse_args()
    talib = require_talib()

    o, h, l, c, v = series(args.bars)
    ta = talib_timings(talib, o, h, l, c, v, args.runs)
    keel = {}
    if args.keep_csv:
        with open(args.keep_csv, "w") as handle:
            write_csv(handle, o, h, l, c, v)
    if not args.talib_only:
        if args.keep_csv:
            keel = keel_timings(args.keel, args.keep_csv, args.runs)
        else:
            with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as handle:
                write_csv(handle, o, h, l, c, v)
            try:
                keel = keel_timings(args.keel, handle.name, args.runs)
            finally:
                os.unlink(handle.name)

    print(f"{args.bars} bars, best of {args.runs}; TA-Lib {talib.__version__}")
    print(f"{'indicator':<20} {'TA-Lib ms':>10} {'Keel ms':>10} {'Keel/TA-Lib':>12} {'Keel ns/bar':>12}")
    for name, ta_ms in ta.items():
        row = keel.get(name)
        if row is None:
            print(f"{name:<20} {ta_ms:>10.3f}")
            continue
        print(f"{name:<20} {ta_ms:>10.3f} {row['batch_ms']:>10.3f} {row['batch_ms'] / ta_ms:>12.2f} {row['update_ns']:>12.1f}")
    for name in sorted(set(keel) - set(ta)):
        row = keel[name]
        print(f"{name:<20} {'(none)':>10} {row['batch_ms']:>10.3f} {'':>12} {row['update_ns']:>12.1f}")


if __name__ == "__main__":
    main()
