using System.Buffers.Binary;
using System.Text;
using RnnSimd.IO;

namespace RnnSimd.Tests.IO;

/// <summary>
/// Files exactly as the Python safetensors package writes them (compact serde_json header,
/// <c>__metadata__</c> first, tensors by alignment then name, spaces to a multiple of 8): every dtype
/// converts as documented.
/// </summary>
public sealed class SafetensorsCompatibilityTests
{
    /// <summary>The 8-byte little-endian header length, the header padded with spaces to a multiple of 8, the data.</summary>
    internal static byte[] File(string header, byte[] data, bool pad = true)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        int length = pad ? (json.Length + 7) / 8 * 8 : json.Length;
        var file = new byte[8 + length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)length);
        file.AsSpan(8, length).Fill((byte)' ');
        json.CopyTo(file, 8);
        data.CopyTo(file, 8 + length);
        return file;
    }

    internal static SafetensorsFile Open(byte[] file, string name = "model.safetensors") => SafetensorsFile.Open(new MemoryStream(file), name);

    private static byte[] Bytes(params object[] parts) => parts.SelectMany(p => p switch
    {
        double d => BitConverter.GetBytes(d),
        ushort h => BitConverter.GetBytes(h),
        int i => BitConverter.GetBytes(i),
        long l => BitConverter.GetBytes(l),
        byte b => [b],
        byte[] a => a,
        _ => throw new ArgumentException(p.GetType().Name),
    }).ToArray();

    [Fact]
    public void Float_types_as_saved_by_torch()
    {
        byte[] file = File(
            """{"__metadata__":{"format":"pt","note":"éß 漢"},"d":{"dtype":"F64","shape":[2],"data_offsets":[0,16]},"b":{"dtype":"BF16","shape":[3],"data_offsets":[16,22]},"h":{"dtype":"F16","shape":[2,2],"data_offsets":[22,30]}}""",
            Bytes(0.1, -0.0, (ushort)0x3F80, (ushort)0x7FC1, (ushort)0xFF80, (ushort)0x3C00, (ushort)0xC000, (ushort)0x7BFF, (ushort)0x0001));
        using SafetensorsFile f = Open(file);
        Assert.Equal(["d", "b", "h"], f.Tensors.Select(t => t.Name));
        Assert.Equal(new Dictionary<string, string> { ["format"] = "pt", ["note"] = "éß 漢" }, f.Metadata);
        SafetensorsTensorInfo h = f.Info("h");
        Assert.Equal((TensorDType.F16, 22L, 8L, 4L), (h.DType, h.Offset, h.Length, h.ElementCount));
        Assert.Equal([2, 2], h.Shape);

        float[] d = f.ReadFloat32("d");
        Assert.Equal([BitConverter.SingleToInt32Bits(0.1f), BitConverter.SingleToInt32Bits(-0f)], d.Select(BitConverter.SingleToInt32Bits));
        // bfloat16 is the top half of a float: NaN payloads survive.
        Assert.Equal([0x3F800000, 0x7FC10000, unchecked((int)0xFF800000)], f.ReadFloat32("b").Select(BitConverter.SingleToInt32Bits));
        Assert.Equal([1f, -2f, 65504f, MathF.ScaleB(1f, -24)], f.ReadFloat32("h"));
        Assert.Throws<TensorFileException>(() => f.ReadInt64("d"));
    }

    [Fact]
    public void Integer_bool_and_float8_types()
    {
        byte[] file = File(
            """{"i64":{"dtype":"I64","shape":[2],"data_offsets":[0,16]},"u64":{"dtype":"U64","shape":[1],"data_offsets":[16,24]},"i32":{"dtype":"I32","shape":[],"data_offsets":[24,28]},"u32":{"dtype":"U32","shape":[1],"data_offsets":[28,32]},"i16":{"dtype":"I16","shape":[1],"data_offsets":[32,34]},"u16":{"dtype":"U16","shape":[1],"data_offsets":[34,36]},"i8":{"dtype":"I8","shape":[2],"data_offsets":[36,38]},"u8":{"dtype":"U8","shape":[1],"data_offsets":[38,39]},"bool":{"dtype":"BOOL","shape":[3],"data_offsets":[39,42]},"e4m3":{"dtype":"F8_E4M3","shape":[5],"data_offsets":[42,47]},"e5m2":{"dtype":"F8_E5M2","shape":[3],"data_offsets":[47,50]},"empty":{"dtype":"I64","shape":[0,3],"data_offsets":[50,50]}}""",
            Bytes(long.MinValue, 16777217L, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF },
                -7, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF }, new byte[] { 0x00, 0x80 }, new byte[] { 0xFF, 0xFF },
                (byte)0x80, (byte)0x7F, (byte)200, (byte)1, (byte)0, (byte)2,
                (byte)0x38, (byte)0x7E, (byte)0x7F, (byte)0x01, (byte)0xB8, (byte)0x3C, (byte)0x7C, (byte)0x01));
        using SafetensorsFile f = Open(file);
        Assert.Equal([long.MinValue, 16777217L], f.ReadInt64("i64"));
        // Integers round to the nearest float, as numpy's astype(float32).
        Assert.Equal([-MathF.ScaleB(1f, 63), 16777216f], f.ReadFloat32("i64"));
        var e = Assert.Throws<TensorFileException>(() => f.ReadInt64("u64"));
        Assert.Contains("'u64'", e.Message);
        Assert.Equal([MathF.ScaleB(1f, 64)], f.ReadFloat32("u64"));
        Assert.Empty(f.Info("i32").Shape);
        Assert.Equal([-7L], f.ReadInt64("i32"));
        Assert.Equal([4294967295L], f.ReadInt64("u32"));
        Assert.Equal([-32768L], f.ReadInt64("i16"));
        Assert.Equal([65535L], f.ReadInt64("u16"));
        Assert.Equal([-128L, 127], f.ReadInt64("i8"));
        Assert.Equal([200L], f.ReadInt64("u8"));
        Assert.Equal([1L, 0, 1], f.ReadInt64("bool"));
        Assert.Equal([1f, 0f, 1f], f.ReadFloat32("bool"));
        float[] e4m3 = f.ReadFloat32("e4m3");
        Assert.Equal(1f, e4m3[0]);
        Assert.Equal(448f, e4m3[1]);
        Assert.True(float.IsNaN(e4m3[2]));
        Assert.Equal(MathF.ScaleB(1f, -9), e4m3[3]);
        Assert.Equal(-1f, e4m3[4]);
        Assert.Equal([1f, float.PositiveInfinity, MathF.ScaleB(1f, -16)], f.ReadFloat32("e5m2"));
        Assert.Throws<TensorFileException>(() => f.ReadInt64("e5m2"));
        Assert.Empty(f.ReadInt64("empty"));
        Assert.Empty(f.ReadFloat32("empty"));
    }

    [Fact]
    public void Empty_file_has_no_tensors_and_unpadded_header_is_accepted()
    {
        using SafetensorsFile f = Open(File("{}", [], pad: false));
        Assert.Empty(f.Tensors);
        Assert.Empty(f.Metadata);
        using SafetensorsFile g = Open(File("""{ "a" : { "shape" : [ 1 ] , "data_offsets" : [ 0 , 4 ] , "dtype" : "F32" } }""", Bytes(-1)));
        Assert.Single(g.ReadFloat32("a"));
    }
}
