using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace RnnSimd.Kernels.Vectors;

/// <summary>The 256-bit width: <see cref="Vector256{T}"/> of float.</summary>
internal readonly struct Vec256 : IVec<Vec256>
{
    public readonly Vector256<float> V;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vec256(Vector256<float> v) => V = v;

    public static string Name => "v256";
    public static int Count => Vector256<float>.Count;
    public static bool IsSupported => Vector256.IsHardwareAccelerated;
    public static Vec256 Zero
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => new(Vector256<float>.Zero);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec256 Broadcast(float value) => new(Vector256.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec256 Load(ref readonly float source) => new(Vector256.LoadUnsafe(ref Unsafe.AsRef(in source)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vec256 value, ref float destination) => value.V.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec256 Add(Vec256 a, Vec256 b) => new(a.V + b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec256 Subtract(Vec256 a, Vec256 b) => new(a.V - b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec256 Multiply(Vec256 a, Vec256 b) => new(a.V * b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec256 Divide(Vec256 a, Vec256 b) => new(a.V / b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec256 MulAdd(Vec256 a, Vec256 b, Vec256 c) => new(Vector256.MultiplyAddEstimate(a.V, b.V, c.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MulAddTo(ref Vec256 acc, Vec256 a, Vec256 b) => Unsafe.AsRef(in acc.V) = Vector256.MultiplyAddEstimate(a.V, b.V, acc.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec256 Min(Vec256 a, Vec256 b) => new(Vector256.MinNative(a.V, b.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec256 Max(Vec256 a, Vec256 b) => new(Vector256.MaxNative(a.V, b.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec256 Abs(Vec256 a) => new(Vector256.Abs(a.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec256 RoundToEven(Vec256 a) => new(Vector256.Round(a.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec256 ScaleByPowerOfTwo(Vec256 x, Vec256 n)
        => new(((Vector256.ConvertToInt32Native(n.V) << 23) + x.V.AsInt32()).AsSingle());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec256 CopySign(Vec256 magnitude, Vec256 sign)
        => new(Vector256.ConditionalSelect(Vector256.Create(-0.0f), sign.V, magnitude.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec256 SelectWhereLess(Vec256 a, Vec256 b, Vec256 ifTrue, Vec256 ifFalse)
        => new(Vector256.ConditionalSelect(Vector256.LessThan(a.V, b.V), ifTrue.V, ifFalse.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec256 SelectWhereNaN(Vec256 a, Vec256 ifNaN, Vec256 otherwise)
        => new(Vector256.ConditionalSelect(Vector256.IsNaN(a.V), ifNaN.V, otherwise.V));
}
