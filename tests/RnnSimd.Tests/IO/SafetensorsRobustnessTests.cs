using RnnSimd.IO;
using RnnSimd.Tests.Support;
using FsCheck.Fluent;
using static RnnSimd.Tests.IO.NpyRobustnessTests;

namespace RnnSimd.Tests.IO;

/// <summary>
/// Corrupted safetensors files (truncated, bytes flipped, header text edited), read in memory and
/// memory-mapped: the file opens and then every read succeeds or throws
/// <see cref="TensorFileException"/>, or opening throws it; nothing else, within a time bound.
/// </summary>
public sealed class SafetensorsRobustnessTests : IDisposable
{
    private static readonly int Runs = 5 * Properties.Runs;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Corrupted_files_open_or_fail_with_a_tensor_file_error() =>
        Properties.Check(CorruptionCase.Arbitrary(), c =>
        {
            var (valid, end) = ValidFiles.Safetensors(c.Seed, c.Size);
            byte[] file = c.Apply(valid, 8, end, CorruptionCase.SetUInt64);
            string path = _dir.File(".safetensors");
            File.WriteAllBytes(path, file);
            TimeBound.Run(() =>
            {
                OnlyTensorFileErrors(file, () => ReadAll(SafetensorsFile.Open(new MemoryStream(file), "fuzz.safetensors")));
                OnlyTensorFileErrors(file, () => ReadAll(SafetensorsFile.Open(path, mapThreshold: 0)));
            }, () => c.ToString());
            File.Delete(path);
        }, Runs);

    [Fact]
    public void Every_strict_prefix_and_every_extension_is_refused() =>
        Properties.Check(FsCheck.Fluent.Arb.From(Gen.Choose(0, int.MaxValue).Zip(Gen.Choose(0, 4))), c =>
        {
            var (file, _) = ValidFiles.Safetensors(c.Item1, c.Item2);
            ReadAll(SafetensorsFile.Open(new MemoryStream(file), "valid.safetensors"));
            for (int length = 0; length < file.Length; length++)
                Assert.Throws<TensorFileException>(() => SafetensorsFile.Open(new MemoryStream(file[..length]), "prefix.safetensors"));
            Assert.Throws<TensorFileException>(() => SafetensorsFile.Open(new MemoryStream([.. file, 0]), "longer.safetensors"));
        });

    /// <summary>Every read the file offers, for every tensor: each succeeds with the right length or throws <see cref="TensorFileException"/>.</summary>
    private static void ReadAll(SafetensorsFile file)
    {
        using (file)
        {
            foreach (SafetensorsTensorInfo info in file.Tensors)
            {
                Assert.Same(info, file.Info(info.Name));
                Assert.Equal(info.Shape.Aggregate(1L, (p, d) => p * d), info.ElementCount);
                try
                {
                    Assert.Equal(info.ElementCount, file.ReadFloat32(info.Name).LongLength);
                }
                catch (TensorFileException)
                {
                }
                try
                {
                    Assert.Equal(info.ElementCount, file.ReadInt64(info.Name).LongLength);
                }
                catch (TensorFileException)
                {
                }
            }
        }
    }
}
