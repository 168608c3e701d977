"""OHLCV CSV reading shared by the indicator scripts: CryptoDataDownload's layout (a banner
line, `date,symbol,open,high,low,close,volume_btc,volume`, newest first, dates like
`2019-10-17 09-AM`) or a plain `time,open,high,low,close,volume` with epoch milliseconds."""

import csv
import sys
from datetime import datetime, timezone


def require_talib():
    try:
        import talib  # noqa: F401
        return talib
    except ImportError:
        sys.exit("TA-Lib is not installed: pip install -r scripts/indicators/requirements.txt")


def _epoch_ms(text):
    if text.isdigit():
        return int(text)
    stamp = datetime.strptime(text, "%Y-%m-%d %I-%p").replace(tzinfo=timezone.utc)
    return int(stamp.timestamp() * 1000)


def read_bars(path):
    """Rows as (time_ms, open, high, low, close, volume) strings-as-written plus floats, oldest
    first, without repeated times."""
    with open(path, newline="") as handle:
        lines = handle.read().splitlines()
    if lines and "open" not in lines[0].lower():
        lines = lines[1:]  # CryptoDataDownload's banner
    reader = csv.DictReader(lines)
    fields = {name.lower().replace(" ", "_"): name for name in reader.fieldnames}
    time_key = next(fields[k] for k in ("time", "timestamp", "date") if k in fields)
    volume_key = fields.get("volume_btc") or fields["volume"]
    bars, seen = [], set()
    for row in reader:
        time = _epoch_ms(row[time_key].strip())
        if time in seen:
            continue
        seen.add(time)
        bars.append((time, *(row[fields[k]].strip() for k in ("open", "high", "low", "close")), row[volume_key].strip()))
    bars.sort(key=lambda bar: bar[0])
    return bars
