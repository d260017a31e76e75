using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RnnSimd.Kernels.Vectors;

/// <summary>The 512-bit width: <see cref="Vector512{T}"/> of float.</summary>
internal readonly struct Vec512 : IVec<Vec512>
{
    public readonly Vector512<float> V;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vec512(Vector512<float> v) => V = v;

    public static string Name => "v512";
    public static int Count => Vector512<float>.Count;
    public static bool IsSupported => Vector512.IsHardwareAccelerated;
    public static Vec512 Zero
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => new(Vector512<float>.Zero);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec512 Broadcast(float value) => new(Vector512.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec512 Load(ref readonly float source) => new(Vector512.LoadUnsafe(ref Unsafe.AsRef(in source)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vec512 value, ref float destination) => value.V.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec512 Add(Vec512 a, Vec512 b) => new(a.V + b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec512 Subtract(Vec512 a, Vec512 b) => new(a.V - b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec512 Multiply(Vec512 a, Vec512 b) => new(a.V * b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec512 Divide(Vec512 a, Vec512 b) => new(a.V / b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec512 MulAdd(Vec512 a, Vec512 b, Vec512 c) => new(Vector512.MultiplyAddEstimate(a.V, b.V, c.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MulAddTo(ref Vec512 acc, Vec512 a, Vec512 b) => Unsafe.AsRef(in acc.V) = Vector512.MultiplyAddEstimate(a.V, b.V, acc.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec512 Min(Vec512 a, Vec512 b) => new(Vector512.MinNative(a.V, b.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec512 Max(Vec512 a, Vec512 b) => new(Vector512.MaxNative(a.V, b.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec512 Abs(Vec512 a) => new(Vector512.Abs(a.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec512 RoundToEven(Vec512 a) => new(Vector512.Round(a.V));

    /// <remarks>
    /// AVX-512's vscalefps does it in one instruction where the exponent addition takes three; for
    /// integral n and a normal result both are exact, so the bits are the same. The other branch
    /// is for the JIT only: this width runs where Vector512 is accelerated, which on x64 means AVX-512F.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec512 ScaleByPowerOfTwo(Vec512 x, Vec512 n)
        => Avx512F.IsSupported
            ? new(Avx512F.Scale(x.V, n.V))
            : new(((Vector512.ConvertToInt32Native(n.V) << 23) + x.V.AsInt32()).AsSingle());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec512 CopySign(Vec512 magnitude, Vec512 sign)
        => new(Vector512.ConditionalSelect(Vector512.Create(-0.0f), sign.V, magnitude.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec512 SelectWhereLess(Vec512 a, Vec512 b, Vec512 ifTrue, Vec512 ifFalse)
        => new(Vector512.ConditionalSelect(Vector512.LessThan(a.V, b.V), ifTrue.V, ifFalse.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec512 SelectWhereNaN(Vec512 a, Vec512 ifNaN, Vec512 otherwise)
        => new(Vector512.ConditionalSelect(Vector512.IsNaN(a.V), ifNaN.V, otherwise.V));
}
