using System.Runtime.CompilerServices;
using RnnSimd.Kernels.Vectors;

namespace RnnSimd.Kernels.Activations;

/// <summary>
/// The logistic function 1/(1 + e⁻ˣ), within 3 ulp of the correctly rounded result wherever that is
/// a normal float (docs/numerics.md), exactly 1 past saturation, exactly 0 where the true result
/// would be subnormal, NaN for NaN, and no subnormal formed from a normal input (a subnormal x
/// passes through the exponential's reduction as itself and gives exactly 0.5; measured on a Zen 5
/// core, 4,096 subnormal inputs take as long as 4,096 normal ones).
/// </summary>
/// <remarks>
/// x is clamped to [<see cref="NormalLimit"/>, 20] before the exponential: σ rounds to 1 from
/// 17.33 on, and at the lower clamp e⁻ˣ ≈ 2¹²⁶ keeps 1/(1 + e⁻ˣ) at the smallest normal. Lanes below
/// the limit, where σ(x) &lt; 2⁻¹²⁶, are replaced by 0 (subnormals slow many CPUs down; the true
/// value there is below float's normal range anyway).
/// </remarks>
internal readonly struct SigmoidActivation : IActivation
{
    /// <summary>The smallest float whose exact sigmoid is at least 2⁻¹²⁶ (-87.33654).</summary>
    internal static float NormalLimit => BitConverter.Int32BitsToSingle(unchecked((int)0xC2AEAC4F));

    private const float SaturationClamp = 20f;

    public static string Name => "sigmoid";

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Invoke<TVec>(TVec x) where TVec : struct, IVec<TVec>
    {
        TVec limit = TVec.Broadcast(NormalLimit);
        TVec xc = TVec.Min(TVec.Max(x, limit), TVec.Broadcast(SaturationClamp));
        TVec e = ExpKernel.ExpClamped(TVec.Subtract(TVec.Zero, xc));
        TVec result = TVec.Divide(TVec.Broadcast(1f), TVec.Add(TVec.Broadcast(1f), e));
        result = TVec.SelectWhereLess(x, limit, TVec.Zero, result);
        return TVec.SelectWhereNaN(x, x, result);
    }
}
