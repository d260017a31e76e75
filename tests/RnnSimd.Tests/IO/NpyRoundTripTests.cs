using RnnSimd.IO;
using RnnSimd.Tests.Support;

namespace RnnSimd.Tests.IO;

/// <summary>What <see cref="NpyFile.Write(string, ReadOnlySpan{int}, ReadOnlySpan{float})"/> writes, <see cref="NpyFile.Read(string)"/> reads back bit for bit.</summary>
public sealed class NpyRoundTripTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Float32_arrays_read_back_bit_for_bit() =>
        Properties.Check(IoArbitraries.ArrayCases(), c =>
        {
            float[] data = IoArbitraries.Floats(new Random(c.Seed), c.Count);
            string path = _dir.File(".npy");
            NpyFile.Write(path, c.Shape, data);
            foreach (NpyArray array in ReadEveryWay(path))
            {
                Assert.Equal(TensorDType.F32, array.DType);
                Assert.Equal(c.Shape, array.Shape);
                Assert.Equal(data.LongLength, array.ElementCount);
                Expect.BitIdentical(array.ToFloat32(), data, "ToFloat32");
                Assert.Throws<TensorFileException>(() => array.ToInt64());
            }
            CheckLayout(path, 4 * data.Length);
        });

    [Fact]
    public void Float64_arrays_read_back_bit_for_bit() =>
        Properties.Check(IoArbitraries.ArrayCases(), c =>
        {
            double[] data = IoArbitraries.Doubles(new Random(c.Seed), c.Count);
            string path = _dir.File(".npy");
            NpyFile.Write(path, c.Shape, data);
            foreach (NpyArray array in ReadEveryWay(path))
            {
                Assert.Equal(TensorDType.F64, array.DType);
                Assert.Equal(c.Shape, array.Shape);
                Assert.Equal(data.Select(BitConverter.DoubleToInt64Bits), Longs(array.RawBytes));
                Expect.BitIdentical(array.ToFloat32(), data.Select(d => (float)d).ToArray(), "ToFloat32");
            }
            CheckLayout(path, 8 * data.Length);
        });

    [Fact]
    public void Int64_arrays_read_back_exactly() =>
        Properties.Check(IoArbitraries.ArrayCases(), c =>
        {
            long[] data = IoArbitraries.Longs(new Random(c.Seed), c.Count);
            string path = _dir.File(".npy");
            NpyFile.Write(path, c.Shape, data);
            foreach (NpyArray array in ReadEveryWay(path))
            {
                Assert.Equal(TensorDType.I64, array.DType);
                Assert.Equal(c.Shape, array.Shape);
                Assert.Equal(data, array.ToInt64());
                Expect.BitIdentical(array.ToFloat32(), data.Select(d => (float)d).ToArray(), "ToFloat32");
            }
            CheckLayout(path, 8 * data.Length);
        });

    [Fact]
    public void Writer_rejects_a_shape_that_does_not_match_the_data()
    {
        string path = _dir.File(".npy");
        var e = Assert.Throws<ArgumentException>(() => NpyFile.Write(path, [2, 3], new float[5]));
        Assert.Contains("shape (2, 3) has 6", e.Message);
        Assert.Throws<ArgumentException>(() => NpyFile.Write(path, [-1], new float[0]));
        Assert.Throws<ArgumentException>(() => NpyFile.Write(path, [], new long[0]));
        Assert.False(File.Exists(path));
    }

    /// <summary>By path, from a seekable stream, and from a stream that cannot seek (read in growing chunks).</summary>
    internal static IEnumerable<NpyArray> ReadEveryWay(string path)
    {
        yield return NpyFile.Read(path);
        byte[] bytes = File.ReadAllBytes(path);
        yield return NpyFile.Read(new MemoryStream(bytes), "memory.npy");
        yield return NpyFile.Read(new ForwardOnlyStream(bytes), "pipe.npy");
    }

    /// <summary>numpy's layout: version 1.0, the data 64-byte aligned after a newline-terminated header.</summary>
    private static void CheckLayout(string path, long dataBytes)
    {
        byte[] file = File.ReadAllBytes(path);
        long headerEnd = file.Length - dataBytes;
        Assert.Equal(0, headerEnd % 64);
        Assert.Equal((byte)1, file[6]);
        Assert.Equal((byte)0, file[7]);
        Assert.Equal(headerEnd - 10, BitConverter.ToUInt16(file, 8));
        Assert.Equal((byte)'\n', file[headerEnd - 1]);
    }

    private static long[] Longs(ReadOnlySpan<byte> bytes) =>
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(bytes).ToArray();
}

/// <summary>A stream that cannot seek and returns at most 7 bytes per read, as a pipe might.</summary>
internal sealed class ForwardOnlyStream(byte[] bytes) : Stream
{
    private int _position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        int n = Math.Min(Math.Min(count, 7), bytes.Length - _position);
        Array.Copy(bytes, _position, buffer, offset, n);
        _position += n;
        return n;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
