using System.Runtime.CompilerServices;
using RnnSimd.Kernels.Activations;
using RnnSimd.Kernels.Vectors;

namespace RnnSimd.Kernels;

/// <summary>
/// The map driver: destination[i] = f(source[i]) at one width.
/// </summary>
/// <remarks>
/// Tail policy: whole vectors, then one overlapping last vector ending exactly at the end (a pure
/// map may compute a lane twice). That last vector is loaded before anything is stored, so the map
/// may run in place. Spans shorter than one vector go through the scalar width, which uses the
/// same formula lane for lane. Nothing is read or written outside the spans.
/// </remarks>
internal static class ActivationMap<TVec, TAct>
    where TVec : struct, IVec<TVec>
    where TAct : struct, IActivation
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(ReadOnlySpan<float> source, Span<float> destination)
    {
        int n = source.Length;
        ref float src = ref Unsafe.AsRef(in source.GetPinnableReference());
        ref float dst = ref destination.GetPinnableReference();
        int w = TVec.Count;
        if (n < w)
        {
            for (int i = 0; i < n; i++)
                Unsafe.Add(ref dst, i) = TAct.Invoke(new VecScalar(Unsafe.Add(ref src, i))).V;
            return;
        }

        TVec last = TVec.Load(in Unsafe.Add(ref src, n - w));
        for (int i = 0; i <= n - w; i += w)
            TVec.Store(TAct.Invoke(TVec.Load(in Unsafe.Add(ref src, i))), ref Unsafe.Add(ref dst, i));
        TVec.Store(TAct.Invoke(last), ref Unsafe.Add(ref dst, n - w));
    }
}
