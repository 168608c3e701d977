"""Drives Keel's exchange simulator with Bybit's official Python SDK, pybit.

Usage: pybit_scenario.py PORT API_KEY API_SECRET

Covers instruments, klines, set leverage (110043 on repeat), a limit order with TP/SL (query,
cancel), a market order with TP/SL, positions, wallet balance, and the private stream's order
and execution messages. Prints one JSON summary line; exits 1 on the first failed check.
"""
import json
import sys
import threading
import time
from decimal import ROUND_DOWN, Decimal

import pybit.unified_trading as ut
from pybit.exceptions import InvalidRequestError

port, api_key, api_secret = sys.argv[1], sys.argv[2], sys.argv[3]
ut.PUBLIC_WSS = f"ws://127.0.0.1:{port}/v5/public/{{CHANNEL_TYPE}}"
ut.PRIVATE_WSS = f"ws://127.0.0.1:{port}/v5/private"
SYMBOL = "BTCUSDT"
summary = {}


def check(condition, what):
    if not condition:
        print(json.dumps({"failed": what, "summary": summary}, default=str))
        sys.exit(1)


def wait_for(predicate, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    check(False, what)


http = ut.HTTP(testnet=True, api_key=api_key, api_secret=api_secret, recv_window=5000)
http.endpoint = f"http://127.0.0.1:{port}"

instruments = http.get_instruments_info(category="linear", symbol=SYMBOL)["result"]["list"]
check(len(instruments) == 1 and instruments[0]["symbol"] == SYMBOL, "instruments-info for BTCUSDT")
tick = Decimal(instruments[0]["priceFilter"]["tickSize"])
summary["tickSize"] = str(tick)

klines = http.get_kline(category="linear", symbol=SYMBOL, interval="1", limit=10)["result"]["list"]
check(len(klines) == 10, "10 one-minute klines")
check(all(int(a[0]) > int(b[0]) for a, b in zip(klines, klines[1:])), "klines newest first")

received = {"order": [], "execution": []}
lock = threading.Lock()


def collect(topic):
    def callback(message):
        with lock:
            received[topic].extend(message["data"])
    return callback


stream = ut.WebSocket(testnet=True, channel_type="private", api_key=api_key, api_secret=api_secret)
stream.order_stream(callback=collect("order"))
stream.execution_stream(callback=collect("execution"))
wait_for(lambda: stream.auth, 5, "private stream authenticated")

check(http.set_leverage(category="linear", symbol=SYMBOL, buyLeverage="5", sellLeverage="5")["retCode"] == 0,
      "set leverage 5")
try:
    http.set_leverage(category="linear", symbol=SYMBOL, buyLeverage="5", sellLeverage="5")
    check(False, "repeating set leverage answers 110043")
except InvalidRequestError as error:
    check(error.status_code == 110043, f"repeat set leverage gives 110043, got {error.status_code}")

last = Decimal(http.get_tickers(category="linear", symbol=SYMBOL)["result"]["list"][0]["lastPrice"])


def on_tick(price):
    return (price / tick).quantize(Decimal(1), rounding=ROUND_DOWN) * tick


limit_price = on_tick(last * Decimal("0.9"))
placed = http.place_order(
    category="linear", symbol=SYMBOL, side="Buy", orderType="Limit", qty="0.001", price=str(limit_price),
    timeInForce="GTC", orderLinkId="pybit-limit-1", takeProfit=str(on_tick(last * Decimal("1.05"))),
    stopLoss=str(on_tick(last * Decimal("0.85"))))["result"]
check(placed["orderLinkId"] == "pybit-limit-1" and placed["orderId"], "limit order acknowledged")
open_orders = http.get_open_orders(category="linear", symbol=SYMBOL, orderLinkId="pybit-limit-1")["result"]["list"]
check(len(open_orders) == 1 and open_orders[0]["orderStatus"] == "New", "limit order rests as New")
check(Decimal(open_orders[0]["price"]) == limit_price, "limit price kept")
http.cancel_order(category="linear", symbol=SYMBOL, orderLinkId="pybit-limit-1")
cancelled = http.get_open_orders(category="linear", symbol=SYMBOL, orderLinkId="pybit-limit-1")["result"]["list"]
check(len(cancelled) == 1 and cancelled[0]["orderStatus"] == "Cancelled", "limit order cancelled")

market = http.place_order(
    category="linear", symbol=SYMBOL, side="Buy", orderType="Market", qty="0.002", orderLinkId="pybit-market-1",
    takeProfit=str(on_tick(last * Decimal("1.1"))), stopLoss=str(on_tick(last * Decimal("0.9"))))["result"]
check(market["orderLinkId"] == "pybit-market-1", "market order acknowledged")

positions = http.get_positions(category="linear", symbol=SYMBOL)["result"]["list"]
check(len(positions) == 1, "one BTCUSDT position row")
position = positions[0]
check(position["side"] == "Buy" and Decimal(position["size"]) == Decimal("0.002"), "long 0.002 BTC")
check(Decimal(position["leverage"]) == 5, "position at leverage 5")
check(Decimal(position["takeProfit"]) > last and Decimal(position["stopLoss"]) < last, "TP/SL attached to the position")
summary["position"] = {k: position[k] for k in ("side", "size", "avgPrice", "takeProfit", "stopLoss", "liqPrice")}

wallet = http.get_wallet_balance(accountType="UNIFIED", coin="USDT")["result"]["list"][0]
usdt = next(coin for coin in wallet["coin"] if coin["coin"] == "USDT")
check(Decimal(usdt["walletBalance"]) > 0, "USDT wallet balance")
summary["walletBalance"] = usdt["walletBalance"]


def streamed(topic, link):
    with lock:
        return [item for item in received[topic] if item.get("orderLinkId") == link]


wait_for(lambda: any(o["orderStatus"] == "Filled" for o in streamed("order", "pybit-market-1")), 5,
         "private order stream shows pybit-market-1 Filled")
wait_for(lambda: streamed("execution", "pybit-market-1"), 5, "private execution stream shows pybit-market-1")
wait_for(lambda: any(o["orderStatus"] == "Cancelled" for o in streamed("order", "pybit-limit-1")), 5,
         "private order stream shows pybit-limit-1 Cancelled")
executions = streamed("execution", "pybit-market-1")
check(sum(Decimal(e["execQty"]) for e in executions) == Decimal("0.002"), "executions add up to the order")
summary["executions"] = len(executions)
stream.exit()
print(json.dumps({"ok": True, "summary": summary}, default=str))
