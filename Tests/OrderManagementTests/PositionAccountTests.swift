import Core
import OrderManagement
import Testing

@Suite("Position account")
struct PositionAccountTests {
    @Test("two entries average exactly; a partial close realises its share of the cost minus its fee")
    func partialClose() throws {
        var account = PositionAccount()
        #expect(try account.apply(fill("1", .buy, "0.3", at: "100.5", fee: "0.0165")) == money("-0.0165"))
        try account.apply(fill("2", .buy, "0.1", at: "101.1", fee: "0.0055"))
        #expect(account.size == qty("0.4"))
        #expect(account.entryCost == money("40.26"))
        #expect(try account.averageEntryPrice(scale: 4) == price("100.65"))
        // 0.25 closed at 102: 25.5 − 40.26 × 0.25 / 0.4 (= 25.1625) = 0.3375, minus the 0.014 fee.
        #expect(try account.apply(fill("3", .sell, "0.25", at: "102", fee: "0.014")) == money("0.3235"))
        #expect(account.size == qty("0.15"))
        #expect(try account.unrealisedPnL(at: price("103")) == money("0.3525"))
        // The rest at 99: 14.85 − 15.0975 = −0.2475.
        #expect(try account.apply(fill("4", .sell, "0.15", at: "99")) == money("-0.2475"))
        #expect(account.isFlat && account.entryCost == .zero)
        #expect(account.realisedPnL == money("0.054"))
        #expect(account.feesPaid == money("0.036"))
    }

    @Test("a short gains as the price falls; a fill larger than the position flips it")
    func shortAndFlip() throws {
        var account = PositionAccount()
        try account.apply(fill("1", .sell, "2", at: "50"))
        #expect(try account.apply(fill("2", .buy, "3", at: "45")) == money("10"))
        #expect(account.side == .buy && account.size == qty("1") && account.entryCost == money("45"))
        try account.applyFunding(paid: money("0.25"))
        #expect(account.fundingPaid == money("0.25") && account.realisedPnL == money("9.75"))
    }
}
