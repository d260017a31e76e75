using System.Buffers.Binary;
using System.Text;
using RnnSimd.IO;

namespace RnnSimd.Tests.IO;

/// <summary>
/// Files exactly as numpy writes them (numpy.lib.format: magic, version, header length, the dict
/// padded with spaces and a newline): read with the right values, and written byte for byte.
/// </summary>
public sealed class NpyCompatibilityTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private const string Dict23 = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";

    /// <summary>magic, version, header length (2 bytes for 1.0, 4 after), the header text: as numpy assembles it.</summary>
    internal static byte[] File(int major, string header, byte[] data, Encoding? encoding = null)
    {
        byte[] text = (encoding ?? Encoding.Latin1).GetBytes(header);
        int lengthBytes = major == 1 ? 2 : 4;
        var file = new byte[8 + lengthBytes + text.Length + data.Length];
        ((ReadOnlySpan<byte>)[0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y']).CopyTo(file);
        file[6] = (byte)major;
        if (major == 1)
            BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(8), (ushort)text.Length);
        else
            BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(8), (uint)text.Length);
        text.CopyTo(file, 8 + lengthBytes);
        data.CopyTo(file, 8 + lengthBytes + text.Length);
        return file;
    }

    internal static byte[] Floats(params float[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    private static NpyArray Read(byte[] file) => NpyFile.Read(new MemoryStream(file), "numpy.npy");

    [Fact]
    public void Numpy_2_version_1_0_float32_with_growth_padding()
    {
        // np.save of a (2, 3) float32 array, numpy 1.24 and later: 20 spaces of room for shape[0], then padding to 128 bytes.
        byte[] file = File(1, Dict23 + new string(' ', 20 + 38) + "\n", Floats(0, 1, 2, 3, 4, 5.5f));
        Assert.Equal(128 + 24, file.Length);
        NpyArray a = Read(file);
        Assert.Equal([2, 3], a.Shape);
        Assert.Equal(TensorDType.F32, a.DType);
        Assert.Equal([0f, 1, 2, 3, 4, 5.5f], a.ToFloat32());
    }

    [Fact]
    public void Numpy_1_version_1_0_float32_without_growth_padding()
    {
        // numpy 1.9 to 1.23: padding alone aligns the data to 64 bytes (the same total here).
        byte[] file = File(1, Dict23 + new string(' ', 58) + "\n", Floats(1, 2, 3, 4, 5, 6));
        Assert.Equal(128 + 24, file.Length);
        Assert.Equal([1f, 2, 3, 4, 5, 6], Read(file).ToFloat32());
    }

    [Fact]
    public void Old_numpy_16_byte_alignment_and_python_2_long_integers()
    {
        // numpy before 1.9 aligned to 16 bytes; Python 2 wrote longs as 2L.
        byte[] file = File(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2L, 1L), }" + new string(' ', 8) + "\n",
            BitConverter.GetBytes(0.25).Concat(BitConverter.GetBytes(-0.5)).ToArray());
        Assert.Equal(80, file.Length - 16);
        NpyArray a = Read(file);
        Assert.Equal([2, 1], a.Shape);
        Assert.Equal([0.25f, -0.5f], a.ToFloat32());
    }

    [Fact]
    public void Version_2_0_has_a_4_byte_header_length()
    {
        byte[] file = File(2, "{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }" + new string(' ', 20 + 38) + "\n",
            new long[] { -1, long.MaxValue, 7 }.SelectMany(BitConverter.GetBytes).ToArray());
        Assert.Equal(128 + 24, file.Length);
        NpyArray a = Read(file);
        Assert.Equal([3], a.Shape);
        Assert.Equal([-1L, long.MaxValue, 7], a.ToInt64());
    }

    [Fact]
    public void Version_3_0_header_is_utf8()
    {
        // numpy writes 3.0 when the header needs more than latin-1; any Python literal spelling of the dict is valid.
        byte[] file = File(3, "{\"descr\": \"<i4\", 'fortran_order':False,'shape':(2,),}\n",
            new[] { 5, -6 }.SelectMany(BitConverter.GetBytes).ToArray(), Encoding.UTF8);
        Assert.Equal([5L, -6], Read(file).ToInt64());
        Assert.Equal([5f, -6f], Read(file).ToFloat32());
    }

    [Fact]
    public void One_byte_half_and_bool_types()
    {
        byte[] u8 = File(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }\n", [0, 200, 255]);
        Assert.Equal([0L, 200, 255], Read(u8).ToInt64());
        byte[] i8 = File(1, "{'descr': '|i1', 'fortran_order': False, 'shape': (2,), }\n", [0x80, 0x7F]);
        Assert.Equal([-128L, 127], Read(i8).ToInt64());
        byte[] b1 = File(1, "{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }\n", [1, 0, 1]);
        Assert.Equal(TensorDType.BOOL, Read(b1).DType);
        Assert.Equal([1f, 0f, 1f], Read(b1).ToFloat32());
        byte[] f2 = File(1, "{'descr': '<f2', 'fortran_order': False, 'shape': (3,), }\n", [0x00, 0x3C, 0x00, 0xC0, 0x00, 0x7C]);
        Assert.Equal([1f, -2f, float.PositiveInfinity], Read(f2).ToFloat32());
        byte[] u8Big = File(1, "{'descr': '>u8', 'fortran_order': False, 'shape': (0,), }\n", []);
        Assert.Throws<TensorFileException>(() => Read(u8Big));
    }

    [Fact]
    public void Zero_size_and_scalar_arrays()
    {
        byte[] empty = File(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 5), }\n", []);
        Assert.Equal([0, 5], Read(empty).Shape);
        Assert.Empty(Read(empty).ToFloat32());
        byte[] scalar = File(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (), }\n", Floats(3.5f));
        Assert.Empty(Read(scalar).Shape);
        Assert.Equal([3.5f], Read(scalar).ToFloat32());
    }

    [Fact]
    public void Writer_output_is_byte_for_byte_what_numpy_2_saves()
    {
        // np.save(f, np.arange(6, dtype='<f4').reshape(2, 3))
        string f4 = _dir.File(".npy");
        NpyFile.Write(f4, [2, 3], [0f, 1, 2, 3, 4, 5]);
        Assert.Equal(File(1, Dict23 + new string(' ', 20 + 38) + "\n", Floats(0, 1, 2, 3, 4, 5)), System.IO.File.ReadAllBytes(f4));

        // np.save(f, np.float64(1.5)): a scalar has no growth axis.
        string f8 = _dir.File(".npy");
        NpyFile.Write(f8, [], [1.5]);
        Assert.Equal(File(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (), }" + new string(' ', 62) + "\n", BitConverter.GetBytes(1.5)),
            System.IO.File.ReadAllBytes(f8));

        // np.save(f, np.array([1, -2, 3], dtype='<i8'))
        string i8 = _dir.File(".npy");
        NpyFile.Write(i8, [3], [1L, -2, 3]);
        Assert.Equal(File(1, "{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }" + new string(' ', 20 + 40) + "\n",
            new long[] { 1, -2, 3 }.SelectMany(BitConverter.GetBytes).ToArray()), System.IO.File.ReadAllBytes(i8));
    }
}
