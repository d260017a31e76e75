namespace RnnSimd.IO;

/// <summary>
/// Element types of tensor files. The names are the safetensors dtype codes; each value also has an
/// npy type string (<c>'&lt;f4'</c> is <see cref="F32"/>). All are little-endian in the file.
/// Floating types read as float32; integer and boolean types read as int64 exactly, or as float32
/// rounded to nearest (docs/file-formats.md).
/// </summary>
public enum TensorDType
{
    /// <summary>IEEE 754 binary32 (npy <c>&lt;f4</c>).</summary>
    F32,

    /// <summary>IEEE 754 binary64 (npy <c>&lt;f8</c>).</summary>
    F64,

    /// <summary>IEEE 754 binary16 (npy <c>&lt;f2</c>).</summary>
    F16,

    /// <summary>bfloat16: the high 16 bits of a binary32 (safetensors only).</summary>
    BF16,

    /// <summary>Signed 32-bit integer (npy <c>&lt;i4</c>).</summary>
    I32,

    /// <summary>Signed 64-bit integer (npy <c>&lt;i8</c>).</summary>
    I64,

    /// <summary>Signed 8-bit integer (npy <c>|i1</c>).</summary>
    I8,

    /// <summary>Signed 16-bit integer (npy <c>&lt;i2</c>).</summary>
    I16,

    /// <summary>Unsigned 8-bit integer (npy <c>|u1</c>).</summary>
    U8,

    /// <summary>Unsigned 16-bit integer (npy <c>&lt;u2</c>).</summary>
    U16,

    /// <summary>Unsigned 32-bit integer (npy <c>&lt;u4</c>).</summary>
    U32,

    /// <summary>Unsigned 64-bit integer (npy <c>&lt;u8</c>); reading a value above <see cref="long.MaxValue"/> as int64 is an error.</summary>
    U64,

    /// <summary>One byte per element, zero false and anything else true (npy <c>|b1</c>); reads as 0 and 1.</summary>
    BOOL,

    /// <summary>8-bit float with 4 exponent and 3 mantissa bits, no infinities (the "fn" variant; safetensors only).</summary>
    F8_E4M3,

    /// <summary>8-bit float with 5 exponent and 2 mantissa bits: the high byte of a binary16 (safetensors only).</summary>
    F8_E5M2,
}
