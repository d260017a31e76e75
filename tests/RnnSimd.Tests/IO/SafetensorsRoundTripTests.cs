using RnnSimd.IO;
using RnnSimd.Tests.Support;

namespace RnnSimd.Tests.IO;

/// <summary>What <see cref="SafetensorsFile.Write"/> writes, <see cref="SafetensorsFile.Open(string)"/> reads back: names, order, shapes, metadata, bits.</summary>
public sealed class SafetensorsRoundTripTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Tensors_and_metadata_read_back_exactly_in_memory_mapped_and_from_a_stream() =>
        Properties.Check(IoArbitraries.SafetensorsCases(), c =>
        {
            var (tensors, metadata) = c.Build();
            string path = _dir.File(".safetensors");
            SafetensorsFile.Write(path, tensors, metadata);
            foreach (SafetensorsFile file in OpenEveryWay(path))
                using (file)
                {
                    Assert.Equal(tensors.Select(t => t.Name), file.Tensors.Select(t => t.Name));
                    Assert.Equal(metadata ?? [], file.Metadata);
                    long offset = 0;
                    foreach (SafetensorsTensor t in tensors)
                    {
                        SafetensorsTensorInfo info = file.Info(t.Name);
                        Assert.True(file.Contains(t.Name));
                        Assert.Equal(TensorDType.F32, info.DType);
                        Assert.Equal(t.Shape, info.Shape);
                        Assert.Equal(offset, info.Offset);
                        Assert.Equal(4L * t.Data.Length, info.Length);
                        offset += info.Length;
                        Expect.BitIdentical(file.ReadFloat32(t.Name), t.Data, $"tensor {t.Name}");
                        Assert.Throws<TensorFileException>(() => file.ReadInt64(t.Name));
                    }
                }
            byte[] bytes = File.ReadAllBytes(path);
            Assert.Equal(0, BitConverter.ToInt64(bytes, 0) % 8);
        });

    [Fact]
    public void Writer_rejects_duplicate_names_mismatched_shapes_and_the_reserved_name()
    {
        string path = _dir.File(".safetensors");
        var e = Assert.Throws<ArgumentException>(() => SafetensorsFile.Write(path,
            [new("w", [2], [1, 2]), new("w", [1], [3])]));
        Assert.Contains("'w'", e.Message);
        e = Assert.Throws<ArgumentException>(() => SafetensorsFile.Write(path, [new("bias", [2, 2], [1, 2, 3])]));
        Assert.Contains("'bias'", e.Message);
        Assert.Contains("shape (2, 2) has 4", e.Message);
        e = Assert.Throws<ArgumentException>(() => SafetensorsFile.Write(path, [new("__metadata__", [], [1])]));
        Assert.Contains("reserved", e.Message);
        Assert.Throws<ArgumentException>(() => SafetensorsFile.Write(path, [new("x\uD800", [], [1])]));
        Assert.Throws<ArgumentException>(() => SafetensorsFile.Write(path, [], new Dictionary<string, string> { ["k"] = "\uDC00" }));
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Missing_name_is_a_tensor_file_error_naming_the_file_and_key()
    {
        string path = _dir.File(".safetensors");
        SafetensorsFile.Write(path, [new("a", [1], [1f])]);
        using SafetensorsFile file = SafetensorsFile.Open(path);
        var e = Assert.Throws<TensorFileException>(() => file.ReadFloat32("weight_hh_l0"));
        Assert.Equal(path, e.FileName);
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains("'weight_hh_l0'", e.Message);
        Assert.False(file.Contains("weight_hh_l0"));
    }

    /// <summary>Read into memory by path, memory-mapped by path, and from a stream.</summary>
    internal static IEnumerable<SafetensorsFile> OpenEveryWay(string path)
    {
        yield return SafetensorsFile.Open(path);
        yield return SafetensorsFile.Open(path, mapThreshold: 0);
        yield return SafetensorsFile.Open(new MemoryStream(File.ReadAllBytes(path)), Path.GetFileName(path));
    }
}
