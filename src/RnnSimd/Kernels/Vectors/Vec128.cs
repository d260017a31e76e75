using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace RnnSimd.Kernels.Vectors;

/// <summary>The 128-bit width: <see cref="Vector128{T}"/> of float.</summary>
internal readonly struct Vec128 : IVec<Vec128>
{
    public readonly Vector128<float> V;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vec128(Vector128<float> v) => V = v;

    public static string Name => "v128";
    public static int Count => Vector128<float>.Count;
    public static bool IsSupported => Vector128.IsHardwareAccelerated;
    public static Vec128 Zero
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => new(Vector128<float>.Zero);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec128 Broadcast(float value) => new(Vector128.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec128 Load(ref readonly float source) => new(Vector128.LoadUnsafe(ref Unsafe.AsRef(in source)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vec128 value, ref float destination) => value.V.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec128 Add(Vec128 a, Vec128 b) => new(a.V + b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec128 Subtract(Vec128 a, Vec128 b) => new(a.V - b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec128 Multiply(Vec128 a, Vec128 b) => new(a.V * b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec128 Divide(Vec128 a, Vec128 b) => new(a.V / b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec128 MulAdd(Vec128 a, Vec128 b, Vec128 c) => new(Vector128.MultiplyAddEstimate(a.V, b.V, c.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MulAddTo(ref Vec128 acc, Vec128 a, Vec128 b) => Unsafe.AsRef(in acc.V) = Vector128.MultiplyAddEstimate(a.V, b.V, acc.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec128 Min(Vec128 a, Vec128 b) => new(Vector128.MinNative(a.V, b.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec128 Max(Vec128 a, Vec128 b) => new(Vector128.MaxNative(a.V, b.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec128 Abs(Vec128 a) => new(Vector128.Abs(a.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec128 RoundToEven(Vec128 a) => new(Vector128.Round(a.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec128 ScaleByPowerOfTwo(Vec128 x, Vec128 n)
        => new(((Vector128.ConvertToInt32Native(n.V) << 23) + x.V.AsInt32()).AsSingle());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec128 CopySign(Vec128 magnitude, Vec128 sign)
        => new(Vector128.ConditionalSelect(Vector128.Create(-0.0f), sign.V, magnitude.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec128 SelectWhereLess(Vec128 a, Vec128 b, Vec128 ifTrue, Vec128 ifFalse)
        => new(Vector128.ConditionalSelect(Vector128.LessThan(a.V, b.V), ifTrue.V, ifFalse.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec128 SelectWhereNaN(Vec128 a, Vec128 ifNaN, Vec128 otherwise)
        => new(Vector128.ConditionalSelect(Vector128.IsNaN(a.V), ifNaN.V, otherwise.V));
}
