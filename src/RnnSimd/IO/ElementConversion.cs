using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace RnnSimd.IO;

/// <summary>
/// Little-endian elements of a <see cref="TensorDType"/> to float32 or int64. Floating types convert
/// exactly (F16, BF16, F8) or rounded to nearest (F64); integers to float32 round to nearest, as
/// numpy's astype does; integers to int64 are exact.
/// </summary>
internal static class ElementConversion
{
    public static void ToFloat32(TensorDType dtype, ReadOnlySpan<byte> source, Span<float> destination)
    {
        switch (dtype)
        {
            case TensorDType.F32:
                if (BitConverter.IsLittleEndian)
                    MemoryMarshal.Cast<byte, float>(source).CopyTo(destination);
                else
                    for (int i = 0; i < destination.Length; i++)
                        destination[i] = BinaryPrimitives.ReadSingleLittleEndian(source[(4 * i)..]);
                break;
            case TensorDType.F64:
                for (int i = 0; i < destination.Length; i++)
                    destination[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(source[(8 * i)..]);
                break;
            case TensorDType.F16:
                for (int i = 0; i < destination.Length; i++)
                    destination[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(source[(2 * i)..]);
                break;
            case TensorDType.BF16:
                for (int i = 0; i < destination.Length; i++)
                    destination[i] = BFloat16ToSingle(BinaryPrimitives.ReadUInt16LittleEndian(source[(2 * i)..]));
                break;
            case TensorDType.F8_E5M2:
                for (int i = 0; i < destination.Length; i++)
                    destination[i] = (float)BitConverter.UInt16BitsToHalf((ushort)(source[i] << 8));
                break;
            case TensorDType.F8_E4M3:
                for (int i = 0; i < destination.Length; i++)
                    destination[i] = Float8E4M3ToSingle(source[i]);
                break;
            default:
                // Integers and BOOL: each value exactly, then rounded to nearest once (through long
                // or ulong, whose conversions round once; Int128's may round twice).
                for (int i = 0; i < destination.Length; i++)
                {
                    Int128 v = IntegerAt(dtype, source, i);
                    destination[i] = v <= long.MaxValue ? (long)v : (ulong)v;
                }
                break;
        }
    }

    /// <summary>Element i of an integer or BOOL tensor, exactly (Int128 holds every U64 and I64 value).</summary>
    private static Int128 IntegerAt(TensorDType dtype, ReadOnlySpan<byte> source, int i) => dtype switch
    {
        TensorDType.I8 => (sbyte)source[i],
        TensorDType.U8 => source[i],
        TensorDType.BOOL => source[i] != 0 ? 1 : 0,
        TensorDType.I16 => BinaryPrimitives.ReadInt16LittleEndian(source[(2 * i)..]),
        TensorDType.U16 => BinaryPrimitives.ReadUInt16LittleEndian(source[(2 * i)..]),
        TensorDType.I32 => BinaryPrimitives.ReadInt32LittleEndian(source[(4 * i)..]),
        TensorDType.U32 => BinaryPrimitives.ReadUInt32LittleEndian(source[(4 * i)..]),
        TensorDType.I64 => BinaryPrimitives.ReadInt64LittleEndian(source[(8 * i)..]),
        TensorDType.U64 => BinaryPrimitives.ReadUInt64LittleEndian(source[(8 * i)..]),
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "not an integer type"),
    };

    /// <summary>Integer and boolean elements to int64; returns the index of the first U64 element above <see cref="long.MaxValue"/>, or −1.</summary>
    public static int ToInt64(TensorDType dtype, ReadOnlySpan<byte> source, Span<long> destination)
    {
        if (dtype == TensorDType.I64 && BitConverter.IsLittleEndian)
        {
            MemoryMarshal.Cast<byte, long>(source).CopyTo(destination);
            return -1;
        }
        for (int i = 0; i < destination.Length; i++)
        {
            Int128 v = IntegerAt(dtype, source, i);
            if (v > long.MaxValue)
                return i;
            destination[i] = (long)v;
        }
        return -1;
    }

    /// <summary>bfloat16 is the high half of a binary32: shifting it back is exact, NaN payloads included.</summary>
    public static float BFloat16ToSingle(ushort bits) => BitConverter.Int32BitsToSingle(bits << 16);

    /// <summary>E4M3 "fn": bias 7, no infinities, S.1111.111 is NaN; every value is exact in binary32.</summary>
    public static float Float8E4M3ToSingle(byte bits)
    {
        int exponent = (bits >> 3) & 0xF, mantissa = bits & 7;
        float magnitude = exponent == 0xF && mantissa == 7 ? float.NaN
            : exponent == 0 ? mantissa * (1f / 512)
            : (8 + mantissa) * MathF.ScaleB(1f, exponent - 10);
        return (bits & 0x80) != 0 ? -magnitude : magnitude;
    }
}
