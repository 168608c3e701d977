import Core
import OrderManagement

func price(_ text: String) -> Price { Price(try! FixedPoint(parsing: text)) }
func qty(_ text: String) -> Quantity { Quantity(try! FixedPoint(parsing: text)) }
func money(_ text: String) -> Money { Money(try! FixedPoint(parsing: text)) }
func at(_ milliseconds: Int64) -> Timestamp { Timestamp(milliseconds: milliseconds) }
let btc = try! Symbol("BTCUSDT")

func fill(_ id: String, _ side: Side, _ quantity: String, at priceText: String, fee: String = "0", time: Int64 = 1) -> Fill {
    try! Fill(
        id: id, orderID: "o-\(id)", symbol: btc, side: side, price: price(priceText), quantity: qty(quantity), fee: money(fee),
        feeCurrency: "USDT", isMaker: false, time: at(time))
}
