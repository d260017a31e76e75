using System.Runtime.CompilerServices;
using RnnSimd.Kernels.Vectors;

namespace RnnSimd.Kernels.Activations;

/// <summary>
/// tanh, within 3 ulp of the correctly rounded result wherever that is a normal float (measured
/// over all floats: docs/numerics.md), exactly ±1 past saturation, NaN for NaN, ±0 for subnormal
/// inputs, and no subnormal formed in any intermediate or result.
/// </summary>
/// <remarks>
/// |x| &lt; 0.625: the odd minimax polynomial of Cephes' tanhf, x + x³·P(x²) (no cancellation there).
/// |x| ≥ 0.625: 1 − 2/(e²ˣ + 1), with |x| clamped to [0.625, 9.5] first: tanh rounds to 1 from 9.0109 on,
/// and e¹⁹ is far from overflow. |x| &lt; 2⁻¹²: tanh(x) = x to within a quarter ulp, returned as is, and
/// the polynomial runs on max(|x|, 2⁻¹²) so that x³ never underflows into a subnormal. Subnormal x
/// gives ±0: subnormals slow many CPUs down, and one would otherwise flow on into the next step.
/// Both branches run on every lane and a select picks one: no data-dependent branches.
/// </remarks>
internal readonly struct TanhActivation : IActivation
{
    private const float PolynomialLimit = 0.625f;
    private const float SaturationClamp = 9.5f;
    private const float IdentityLimit = 1f / 4096f;
    private const float SmallestNormal = 1.17549435E-38f;

    private const float T0 = -5.70498872745E-3f;
    private const float T1 = 2.06390887954E-2f;
    private const float T2 = -5.37397155531E-2f;
    private const float T3 = 1.33314422036E-1f;
    private const float T4 = -3.33332819422E-1f;

    public static string Name => "tanh";

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Invoke<TVec>(TVec x) where TVec : struct, IVec<TVec>
    {
        TVec y = TVec.Abs(x);

        TVec ys = TVec.Max(y, TVec.Broadcast(IdentityLimit));
        TVec z = TVec.Multiply(ys, ys);
        TVec p = TVec.MulAdd(TVec.Broadcast(T0), z, TVec.Broadcast(T1));
        p = TVec.MulAdd(p, z, TVec.Broadcast(T2));
        p = TVec.MulAdd(p, z, TVec.Broadcast(T3));
        p = TVec.MulAdd(p, z, TVec.Broadcast(T4));
        TVec small = TVec.MulAdd(TVec.Multiply(p, z), ys, ys);
        TVec tiny = TVec.SelectWhereLess(y, TVec.Broadcast(SmallestNormal), TVec.Zero, y);
        small = TVec.SelectWhereLess(y, TVec.Broadcast(IdentityLimit), tiny, small);

        // The large branch is kept only from PolynomialLimit on: clamping its argument up to there
        // changes no kept lane and keeps a tiny or subnormal x from making 2x, and everything
        // computed from it, subnormal (measured: tanh on half-subnormal inputs ran 2× slower).
        TVec yc = TVec.Min(TVec.Max(y, TVec.Broadcast(PolynomialLimit)), TVec.Broadcast(SaturationClamp));
        TVec e = ExpKernel.ExpClamped(TVec.Add(yc, yc));
        TVec large = TVec.Subtract(TVec.Broadcast(1f), TVec.Divide(TVec.Broadcast(2f), TVec.Add(e, TVec.Broadcast(1f))));

        TVec result = TVec.SelectWhereLess(y, TVec.Broadcast(PolynomialLimit), small, large);
        result = TVec.CopySign(result, x);
        return TVec.SelectWhereNaN(x, x, result);
    }
}
