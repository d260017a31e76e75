using System.Runtime.CompilerServices;
using RnnSimd.Kernels.Vectors;

namespace RnnSimd.Kernels.Activations;

/// <summary>
/// eᵗ for arguments the caller has already clamped to [-87.33, 87.4], where the result is a normal
/// float (so that 2ⁿ never leaves the normal exponent range and no subnormal is ever formed; below
/// that, the two ways of scaling in <see cref="IVec{TSelf}.ScaleByPowerOfTwo"/> would also differ). About 1 ulp.
/// </summary>
/// <remarks>
/// Cody–Waite reduction t = n·ln2 + r with |r| ≤ ln2/2, ln2 split in two so that n·ln2_hi is exact
/// for |n| ≤ 2⁸ even without FMA (ln2_hi has 9 significant bits); eʳ by the degree-7 polynomial of
/// Cephes' expf (1 + r + r²·P(r)); the result scaled by 2ⁿ (adding n to the exponent bits, or one
/// vscalefps on AVX-512).
/// </remarks>
internal static class ExpKernel
{
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2Hi = 0.693359375f;
    private const float Ln2Lo = -2.12194440e-4f;

    private const float P0 = 1.9875691500E-4f;
    private const float P1 = 1.3981999507E-3f;
    private const float P2 = 8.3334519073E-3f;
    private const float P3 = 4.1665795894E-2f;
    private const float P4 = 1.6666665459E-1f;
    private const float P5 = 5.0000001201E-1f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec ExpClamped<TVec>(TVec t) where TVec : struct, IVec<TVec>
    {
        TVec n = TVec.RoundToEven(TVec.Multiply(t, TVec.Broadcast(Log2E)));
        TVec r = TVec.MulAdd(n, TVec.Broadcast(-Ln2Hi), t);
        r = TVec.MulAdd(n, TVec.Broadcast(-Ln2Lo), r);

        TVec p = TVec.MulAdd(TVec.Broadcast(P0), r, TVec.Broadcast(P1));
        p = TVec.MulAdd(p, r, TVec.Broadcast(P2));
        p = TVec.MulAdd(p, r, TVec.Broadcast(P3));
        p = TVec.MulAdd(p, r, TVec.Broadcast(P4));
        p = TVec.MulAdd(p, r, TVec.Broadcast(P5));
        TVec r2 = TVec.Multiply(r, r);
        TVec er = TVec.Add(TVec.MulAdd(p, r2, r), TVec.Broadcast(1f));
        return TVec.ScaleByPowerOfTwo(er, n);
    }
}
