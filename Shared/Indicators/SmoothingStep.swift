/// One step of an exponential or Wilder average: `previous·kept + input·weight`, with the
/// carried value entering a single fused multiply-add, so the bar-to-bar chain waits on one
/// instruction instead of a multiply and an add (release builds target FMA hardware; see
/// Package.swift). The incremental and the batch paths both step through here, so they agree
/// bit for bit; the fused rounding moves results by ~1e-16 relative, far inside the 1e-9
/// TA-Lib tolerance.
@inline(__always)
func smoothingStep(_ previous: Double, kept: Double, input: Double, weight: Double) -> Double {
    (input * weight).addingProduct(previous, kept)
}
