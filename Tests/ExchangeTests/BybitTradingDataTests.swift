import Core
import Exchange
import Foundation
import Testing

/// Shapes from Bybit's V5 docs (order/realtime, position/list, wallet-balance, query-api).
let limitOrderItem = #"""
    {"orderId":"fd4300ae-7847-404e-b947-b46980a4d140","orderLinkId":"keel-1","blockTradeId":"","symbol":"ETHUSDT",
     "price":"1600.00","qty":"0.10","side":"Buy","isLeverage":"","positionIdx":0,"orderStatus":"PartiallyFilled",
     "cancelType":"UNKNOWN","rejectReason":"EC_NoError","avgPrice":"1599.50","leavesQty":"0.05","leavesValue":"80",
     "cumExecQty":"0.05","cumExecValue":"79.975","cumExecFee":"0.04","timeInForce":"GTC","orderType":"Limit",
     "stopOrderType":"","orderIv":"","triggerPrice":"0.00","takeProfit":"1700.00","stopLoss":"1500.00",
     "tpTriggerBy":"LastPrice","slTriggerBy":"LastPrice","triggerDirection":0,"triggerBy":"","lastPriceOnCreated":"",
     "reduceOnly":false,"closeOnTrigger":false,"smpType":"None","smpGroup":0,"smpOrderId":"","tpslMode":"Full",
     "tpLimitPrice":"","slLimitPrice":"","placeType":"","createdTime":"1684738540559","updatedTime":"1684738540561"}
    """#

@Suite("Bybit trading data")
struct BybitTradingDataTests {
    let eth = try! Symbol("ETHUSDT")

    @Test("order/realtime item to Order, zero prices as none")
    func orderRecord() throws {
        let page = try BybitResponse.decode(
            BybitOrdersPage.self, from: bybitReply(#"{"category":"linear","list":[\#(limitOrderItem)],"nextPageCursor":"page2"}"#)
        ).result
        #expect(page.nextPageCursor == "page2")
        let record = try #require(page.orders.first)
        #expect(record.status == .partiallyFilled)
        #expect(record.triggerPrice == nil)
        #expect(record.takeProfit == Price(fp("1700.00")))
        #expect(record.rejectReason == nil)
        let order = try record.order()
        #expect(order.clientOrderID == "keel-1")
        #expect(order.exchangeOrderID == "fd4300ae-7847-404e-b947-b46980a4d140")
        #expect(order.side == .buy && order.type == .limit)
        #expect(order.limitPrice == Price(fp("1600")))
        #expect(order.filledQuantity == Quantity(fp("0.05")))
        #expect(order.remainingQuantity == Quantity(fp("0.05")))
        #expect(order.averagePrice == Price(fp("1599.5")))
    }

    @Test("a market order keeps no limit price; avgPrice 0 is none")
    func marketOrderRecord() throws {
        let item = limitOrderItem
            .replacingOccurrences(of: #""orderType":"Limit""#, with: #""orderType":"Market""#)
            .replacingOccurrences(of: #""avgPrice":"1599.50""#, with: #""avgPrice":"0""#)
            .replacingOccurrences(of: #""cumExecQty":"0.05""#, with: #""cumExecQty":"0""#)
        let page = try BybitResponse.decode(BybitOrdersPage.self, from: bybitReply(#"{"list":[\#(item)],"nextPageCursor":""}"#)).result
        #expect(page.nextPageCursor == nil)
        let order = try #require(page.orders.first).order()
        #expect(order.type == .market && order.limitPrice == nil && order.averagePrice == nil)
    }

    @Test("PartiallyFilledCanceled is a cancelled order that keeps what it filled")
    func partiallyFilledCanceled() throws {
        let item = limitOrderItem.replacingOccurrences(of: #""orderStatus":"PartiallyFilled""#, with: #""orderStatus":"PartiallyFilledCanceled""#)
        let page = try BybitResponse.decode(BybitOrdersPage.self, from: bybitReply(#"{"list":[\#(item)]}"#)).result
        let order = try #require(page.orders.first).order()
        #expect(order.status == .cancelled && order.filledQuantity == Quantity(fp("0.05")))
    }

    @Test("bad order payloads name the field")
    func badOrders() {
        let cases: [(String, String, (BybitDecodingError.Reason) -> Bool)] = [
            (#""orderStatus":"PartiallyFilled""#, #""orderStatus":"Sleeping""#, { $0 == .unknownEnumValue("Sleeping") }),
            (#""side":"Buy""#, #""side":"Long""#, { $0 == .unknownEnumValue("Long") }),
            (#""qty":"0.10""#, #""qty":0.10"#, { $0 == .nonStringNumber }),
            (#""reduceOnly":false"#, #""reduceOnly":"no""#, { $0 == .unknownEnumValue("no") }),
            (#""cumExecQty":"0.05""#, #""cumExecQty":"5e""#, { $0 == .invalidNumber("5e") }),
        ]
        let fields = ["orderStatus", "side", "qty", "reduceOnly", "cumExecQty"]
        for ((original, broken, reason), field) in zip(cases, fields) {
            let item = limitOrderItem.replacingOccurrences(of: original, with: broken)
            #expect {
                _ = try BybitResponse.decode(BybitOrdersPage.self, from: bybitReply(#"{"list":[\#(item)]}"#))
            } throws: { isDecodingError($0, field: "result.list[0].\(field)", reason) }
        }
    }

    @Test("position/list: open and flat rows")
    func positions() throws {
        let open = #"""
            {"positionIdx":0,"riskId":1,"riskLimitValue":"150","symbol":"ETHUSDT","side":"Sell","size":"0.10",
             "avgPrice":"1600.5","positionValue":"160.05","tradeMode":0,"positionStatus":"Normal","autoAddMargin":0,
             "adlRankIndicator":2,"leverage":"10","positionBalance":"16","markPrice":"1590.00","liqPrice":"1750.20",
             "bustPrice":"","positionMM":"0.8","positionIM":"16","tpslMode":"Full","takeProfit":"1500.00","stopLoss":"0.00",
             "trailingStop":"0","unrealisedPnl":"1.05","curRealisedPnl":"-0.05","cumRealisedPnl":"-12.5","seq":4688002127,
             "isReduceOnly":false,"createdTime":"1676538056258","updatedTime":"1697673600012"}
            """#
        let flat = #"""
            {"positionIdx":0,"symbol":"BTCUSDT","side":"","size":"0","avgPrice":"0","leverage":"5","markPrice":"60000",
             "liqPrice":"","takeProfit":"","stopLoss":"","trailingStop":"0","unrealisedPnl":"","cumRealisedPnl":"3",
             "updatedTime":"1697673600012"}
            """#
        let page = try BybitResponse.decode(
            BybitPositionsPage.self, from: bybitReply(#"{"category":"linear","list":[\#(open),\#(flat)],"nextPageCursor":""}"#)
        ).result
        #expect(page.positions.count == 2)
        let short = try page.positions[0].position()
        #expect(short.side == .sell && short.size == Quantity(fp("0.1")) && short.averageEntryPrice == Price(fp("1600.5")))
        #expect(short.realisedPnL == Money(fp("-12.5")) && short.leverage == fp("10"))
        #expect(page.positions[0].liquidationPrice == Price(fp("1750.2")))
        #expect(page.positions[0].takeProfit == Price(fp("1500")) && page.positions[0].stopLoss == nil)
        #expect(page.positions[0].trailingStop == nil)
        let none = try page.positions[1].position()
        #expect(none.isFlat && none.leverage == fp("5") && none.realisedPnL == Money(fp("3")))
    }

    @Test("wallet-balance and query-api")
    func accountInfo() throws {
        let wallet = #"""
            {"list":[{"totalEquity":"100012.5","accountIMRate":"0","totalMarginBalance":"100012.5","totalInitialMargin":"16",
              "accountType":"UNIFIED","totalAvailableBalance":"99996.5","accountMMRate":"0","totalPerpUPL":"12.5",
              "totalWalletBalance":"100000","accountLTV":"0","totalMaintenanceMargin":"0.8",
              "coin":[{"availableToBorrow":"","bonus":"0","accruedInterest":"0","availableToWithdraw":"","totalOrderIM":"0",
                "equity":"100012.5","totalPositionMM":"0.8","usdValue":"100012.5","unrealisedPnl":"12.5",
                "collateralSwitch":true,"spotHedgingQty":"0","borrowAmount":"0","totalPositionIM":"16",
                "walletBalance":"100000","cumRealisedPnl":"-4.2","locked":"0","marginCollateral":true,"coin":"USDT"}]}]}
            """#
        let account = try BybitResponse.decode(BybitWalletBalanceProbe.self, from: bybitReply(wallet)).result.list[0]
        #expect(account.totalEquity == Money(fp("100012.5")) && account.totalAvailableBalance == Money(fp("99996.5")))
        let usdt = try #require(account.coin("USDT"))
        #expect(usdt.walletBalance == Money(fp("100000")) && usdt.cumulativeRealisedPnL == Money(fp("-4.2")))

        let key = #"""
            {"id":"13770661","note":"keel","apiKey":"XXXXXXXXXX","readOnly":0,"secret":"",
             "permissions":{"ContractTrade":["Order","Position"],"Spot":[],"Wallet":["AccountTransfer"],"Options":[],
               "Derivatives":[],"CopyTrading":[],"BlockTrade":[],"Exchange":[],"NFT":[]},
             "ips":["*"],"type":1,"deadlineDay":66,"expiredAt":"2023-12-22T07:20:25Z","createdAt":"2023-10-16T02:24:40Z",
             "unified":0,"uta":1,"userID":24617703,"inviterID":0,"vipLevel":"No VIP","mktMakerLevel":"0","affiliateID":0,
             "rsaPublicKey":"","isMaster":true}
            """#
        let info = try BybitResponse.decode(BybitAPIKeyInfo.self, from: bybitReply(key)).result
        #expect(info.canTradeLinear && info.userID == 24_617_703 && !info.readOnly)
        let readOnly = try BybitResponse.decode(
            BybitAPIKeyInfo.self, from: bybitReply(key.replacingOccurrences(of: #""readOnly":0"#, with: #""readOnly":1"#))).result
        #expect(!readOnly.canTradeLinear)
        #expect {
            _ = try BybitResponse.decode(
                BybitAPIKeyInfo.self, from: bybitReply(key.replacingOccurrences(of: #""readOnly":0"#, with: #""readOnly":7"#)))
        } throws: { isDecodingError($0, field: "result.readOnly") { $0 == .unknownEnumValue("7") } }
    }

    @Test("create body: exact compact bytes in Bybit's field order")
    func createBody() throws {
        let request = try BybitOrderRequest(
            symbol: eth, side: .sell, quantity: Quantity(fp("0.10")), kind: .limit(price: Price(fp("1650.5")), timeInForce: .postOnly),
            orderLinkID: "keel-abc_1", takeProfit: Price(fp("1500")), stopLoss: Price(fp("1700")))
        #expect(request.body.json == #"{"category":"linear","symbol":"ETHUSDT","side":"Sell","orderType":"Limit","qty":"0.10","price":"1650.5","timeInForce":"PostOnly","positionIdx":0,"orderLinkId":"keel-abc_1","takeProfit":"1500","tpTriggerBy":"LastPrice","stopLoss":"1700","slTriggerBy":"LastPrice","tpslMode":"Full"}"#)
        let conditional = try BybitOrderRequest(
            symbol: eth, side: .buy, quantity: Quantity(fp("1")), kind: .market(referencePrice: Price(fp("1600"))),
            orderLinkID: "c-1", reduceOnly: true, trigger: .init(price: Price(fp("1620")), direction: .rise))
        #expect(conditional.body.json == #"{"category":"linear","symbol":"ETHUSDT","side":"Buy","orderType":"Market","qty":"1","positionIdx":0,"orderLinkId":"c-1","reduceOnly":true,"triggerPrice":"1620","triggerDirection":1,"triggerBy":"LastPrice"}"#)
    }

    @Test("order requests Bybit would refuse are refused on construction")
    func badRequests() {
        func attempt(link: String = "ok", quantity: String = "1", reduceOnly: Bool = false, stopLoss: String? = nil) -> String? {
            do {
                _ = try BybitOrderRequest(
                    symbol: eth, side: .buy, quantity: Quantity(fp(quantity)), kind: .market(referencePrice: Price(fp("1600"))),
                    orderLinkID: link, reduceOnly: reduceOnly, stopLoss: stopLoss.map { Price(fp($0)) })
                return nil
            } catch {
                return error.field
            }
        }
        #expect(attempt() == nil)
        #expect(attempt(link: String(repeating: "a", count: 37)) == "orderLinkId")
        #expect(attempt(link: "has space") == "orderLinkId")
        #expect(attempt(quantity: "0") == "qty")
        #expect(attempt(reduceOnly: true, stopLoss: "1500") == "reduceOnly")
        #expect(attempt(stopLoss: "-1") == "stopLoss")
    }
}

/// The wallet result's outer shape (`{list:[…]}`), decoded with the public account type.
struct BybitWalletBalanceProbe: Decodable, Sendable {
    let list: [BybitWalletBalance]
}
