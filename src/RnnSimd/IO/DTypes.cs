namespace RnnSimd.IO;

/// <summary>Sizes and names of the element types, and the safetensors dtype codes.</summary>
internal static class DTypes
{
    public static int ItemSize(TensorDType dtype) => dtype switch
    {
        TensorDType.F64 or TensorDType.I64 or TensorDType.U64 => 8,
        TensorDType.F32 or TensorDType.I32 or TensorDType.U32 => 4,
        TensorDType.F16 or TensorDType.BF16 or TensorDType.I16 or TensorDType.U16 => 2,
        _ => 1,
    };

    public static bool IsFloat(TensorDType dtype) => dtype is TensorDType.F32 or TensorDType.F64 or TensorDType.F16
        or TensorDType.BF16 or TensorDType.F8_E4M3 or TensorDType.F8_E5M2;

    /// <summary>The npy type string numpy writes for a dtype, or null for the types numpy lacks (BF16, F8).</summary>
    public static string? NpyDescr(TensorDType dtype) => dtype switch
    {
        TensorDType.F16 => "<f2",
        TensorDType.F32 => "<f4",
        TensorDType.F64 => "<f8",
        TensorDType.I8 => "|i1",
        TensorDType.I16 => "<i2",
        TensorDType.I32 => "<i4",
        TensorDType.I64 => "<i8",
        TensorDType.U8 => "|u1",
        TensorDType.U16 => "<u2",
        TensorDType.U32 => "<u4",
        TensorDType.U64 => "<u8",
        TensorDType.BOOL => "|b1",
        _ => null,
    };

    /// <summary>The dtype of a safetensors code (exact, case-sensitive), or null.</summary>
    public static TensorDType? FromSafetensors(string code) => code switch
    {
        "F32" => TensorDType.F32,
        "F64" => TensorDType.F64,
        "F16" => TensorDType.F16,
        "BF16" => TensorDType.BF16,
        "I32" => TensorDType.I32,
        "I64" => TensorDType.I64,
        "I8" => TensorDType.I8,
        "I16" => TensorDType.I16,
        "U8" => TensorDType.U8,
        "U16" => TensorDType.U16,
        "U32" => TensorDType.U32,
        "U64" => TensorDType.U64,
        "BOOL" => TensorDType.BOOL,
        "F8_E4M3" => TensorDType.F8_E4M3,
        "F8_E5M2" => TensorDType.F8_E5M2,
        _ => null,
    };

    /// <summary>Codes the reference implementation defines that are not read here (sub-byte, scale-only, "fnuz" and complex types).</summary>
    public static bool IsKnownUnsupportedSafetensors(string code) =>
        code is "F4" or "F6_E2M3" or "F6_E3M2" or "F8_E8M0" or "F8_E4M3FNUZ" or "F8_E5M2FNUZ" or "C64";

    /// <summary>Element count of a shape: 1 for a scalar, 0 if any dimension is 0, null if the product of the dimensions exceeds <see cref="long.MaxValue"/>.</summary>
    public static long? ElementCount(ReadOnlySpan<int> shape)
    {
        foreach (int d in shape)
            if (d == 0)
                return 0;
        long count = 1;
        foreach (int d in shape)
        {
            if (count > long.MaxValue / d)
                return null;
            count *= d;
        }
        return count;
    }

    /// <summary>Why data of <paramref name="length"/> elements does not fit <paramref name="shape"/>, or null if it does.</summary>
    public static string? ShapeProblem(ReadOnlySpan<int> shape, int length, string dataName)
    {
        for (int i = 0; i < shape.Length; i++)
            if (shape[i] < 0)
                return $"shape[{i}] = {shape[i]} is negative.";
        long? count = ElementCount(shape);
        return count == length ? null
            : $"{dataName} has {length} elements; shape {FormatShape(shape)} has {count?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "more than 2⁶³"}.";
    }

    /// <summary>"(2, 3)" style, as numpy prints shapes (a 1-d shape keeps its comma).</summary>
    public static string FormatShape(ReadOnlySpan<int> shape) =>
        shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape.ToArray()) + ")";
}
