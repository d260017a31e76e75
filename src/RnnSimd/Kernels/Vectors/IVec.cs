using System.Runtime.CompilerServices;

namespace RnnSimd.Kernels.Vectors;

/// <summary>
/// The vector-width abstraction every kernel is written against. One struct per width implements
/// it; the JIT compiles one specialised body of each generic kernel per struct, so the abstraction
/// costs nothing at run time and there is one copy of each kernel's source, not four.
/// </summary>
/// <remarks>
/// <see cref="MulAdd"/> is fused where the CPU has FMA and a multiply plus an add elsewhere:
/// a correctly rounded fused multiply-add is emulated in software on CPUs without FMA and costs
/// several times more than the two operations it replaces.
/// </remarks>
internal interface IVec<TSelf> where TSelf : struct, IVec<TSelf>
{
    /// <summary>Short name used in kernel names ("v512", "scalar", ...).</summary>
    static abstract string Name { get; }

    /// <summary>Lanes in one vector.</summary>
    static abstract int Count { get; }

    /// <summary>Whether this width runs on vector hardware on this machine (the scalar width: always).</summary>
    static abstract bool IsSupported { get; }

    static abstract TSelf Zero { get; }
    static abstract TSelf Broadcast(float value);
    static abstract TSelf Load(ref readonly float source);
    static abstract void Store(TSelf value, ref float destination);

    static abstract TSelf Add(TSelf a, TSelf b);
    static abstract TSelf Subtract(TSelf a, TSelf b);
    static abstract TSelf Multiply(TSelf a, TSelf b);
    static abstract TSelf Divide(TSelf a, TSelf b);

    /// <summary>a·b + c, fused where the hardware has FMA.</summary>
    static abstract TSelf MulAdd(TSelf a, TSelf b, TSelf c);

    /// <summary>
    /// <paramref name="acc"/> = a·b + acc, as <see cref="MulAdd"/>: the form for accumulators in
    /// inner loops. Written as <c>acc = MulAdd(a, b, acc)</c> through the wrapper struct, the JIT
    /// overwrote whichever source register died there and copied the result back (in an 8×32
    /// tile, nine extra vector moves per k); through the reference it accumulates in place. On a
    /// Zen 5 core whose sibling load varied, the copies cost 0–3% on a quiet core and 6–19% of
    /// the product's speed when the core was contended (the same in-process interleaved runs).
    /// </summary>
    static abstract void MulAddTo(ref TSelf acc, TSelf a, TSelf b);

    /// <summary>Lane-wise minimum; the result for a NaN lane is unspecified (callers restore NaN themselves).</summary>
    static abstract TSelf Min(TSelf a, TSelf b);

    /// <summary>Lane-wise maximum; the result for a NaN lane is unspecified (callers restore NaN themselves).</summary>
    static abstract TSelf Max(TSelf a, TSelf b);

    static abstract TSelf Abs(TSelf a);

    /// <summary>Round to the nearest integer, ties to even.</summary>
    static abstract TSelf RoundToEven(TSelf a);

    /// <summary>
    /// x·2ⁿ for integral-valued n whose result exponent stays in the normal range (no checks: n is
    /// converted by the platform's own instruction, one instruction where the saturating conversion
    /// takes four on x64; for such n both give the same integer).
    /// </summary>
    static abstract TSelf ScaleByPowerOfTwo(TSelf x, TSelf n);

    /// <summary>The magnitude of <paramref name="magnitude"/> with the sign of <paramref name="sign"/>.</summary>
    static abstract TSelf CopySign(TSelf magnitude, TSelf sign);

    /// <summary>Where a &lt; b, <paramref name="ifTrue"/>, else <paramref name="ifFalse"/> (a NaN lane compares false).</summary>
    /// <remarks>
    /// Comparison and selection are one call: with the mask returned in this struct and passed
    /// back, the JIT moved AVX-512's mask register into a vector and back, three instructions
    /// where one masked blend does (seen in its listing of the sigmoid).
    /// </remarks>
    static abstract TSelf SelectWhereLess(TSelf a, TSelf b, TSelf ifTrue, TSelf ifFalse);

    /// <summary>Where <paramref name="a"/> is NaN, <paramref name="ifNaN"/>, else <paramref name="otherwise"/>.</summary>
    static abstract TSelf SelectWhereNaN(TSelf a, TSelf ifNaN, TSelf otherwise);
}

/// <summary>Span helpers shared by the kernels.</summary>
internal static class VecExtensions
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec LoadAt<TVec>(ref readonly float source, nint offset) where TVec : struct, IVec<TVec>
        => TVec.Load(in Unsafe.Add(ref Unsafe.AsRef(in source), offset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreAt<TVec>(TVec value, ref float destination, nint offset) where TVec : struct, IVec<TVec>
        => TVec.Store(value, ref Unsafe.Add(ref destination, offset));
}
