using System.Runtime.CompilerServices;

namespace RnnSimd.Kernels.Vectors;

/// <summary>
/// The scalar width: one float per "vector". The portable path, and the reference each wider path
/// is checked against; it uses the same formulas lane for lane.
/// </summary>
internal readonly struct VecScalar : IVec<VecScalar>
{
    public readonly float V;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public VecScalar(float v) => V = v;

    public static string Name => "scalar";
    public static int Count => 1;
    public static bool IsSupported => true;
    public static VecScalar Zero
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => new(0f);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VecScalar Broadcast(float value) => new(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VecScalar Load(ref readonly float source) => new(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(VecScalar value, ref float destination) => destination = value.V;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VecScalar Add(VecScalar a, VecScalar b) => new(a.V + b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VecScalar Subtract(VecScalar a, VecScalar b) => new(a.V - b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VecScalar Multiply(VecScalar a, VecScalar b) => new(a.V * b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VecScalar Divide(VecScalar a, VecScalar b) => new(a.V / b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VecScalar MulAdd(VecScalar a, VecScalar b, VecScalar c) => new(float.MultiplyAddEstimate(a.V, b.V, c.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MulAddTo(ref VecScalar acc, VecScalar a, VecScalar b) => Unsafe.AsRef(in acc.V) = float.MultiplyAddEstimate(a.V, b.V, acc.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VecScalar Min(VecScalar a, VecScalar b) => new(a.V < b.V ? a.V : b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VecScalar Max(VecScalar a, VecScalar b) => new(a.V > b.V ? a.V : b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VecScalar Abs(VecScalar a) => new(MathF.Abs(a.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VecScalar RoundToEven(VecScalar a) => new(MathF.Round(a.V, MidpointRounding.ToEven));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VecScalar ScaleByPowerOfTwo(VecScalar x, VecScalar n)
        => new(BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(x.V) + ((int)n.V << 23)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VecScalar CopySign(VecScalar magnitude, VecScalar sign) => new(MathF.CopySign(magnitude.V, sign.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VecScalar SelectWhereLess(VecScalar a, VecScalar b, VecScalar ifTrue, VecScalar ifFalse)
        => a.V < b.V ? ifTrue : ifFalse;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VecScalar SelectWhereNaN(VecScalar a, VecScalar ifNaN, VecScalar otherwise)
        => float.IsNaN(a.V) ? ifNaN : otherwise;
}
