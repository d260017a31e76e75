using RnnSimd.IO;
using RnnSimd.Tests.Support;
using FsCheck.Fluent;

namespace RnnSimd.Tests.IO;

/// <summary>
/// Corrupted npy files (truncated, bytes flipped, header text edited): the reader loads them and then
/// converts or refuses with <see cref="TensorFileException"/>, or refuses at once, and never throws
/// anything else, within a time bound.
/// </summary>
public sealed class NpyRobustnessTests
{
    private static readonly int Runs = 5 * Properties.Runs;

    [Fact]
    public void Corrupted_files_load_or_fail_with_a_tensor_file_error() =>
        Properties.Check(CorruptionCase.Arbitrary(), c =>
        {
            var (valid, start, end, major) = ValidFiles.Npy(c.Seed, c.Size);
            byte[] file = c.Apply(valid, start, end, (f, n) => ValidFiles.SetNpyLength(f, n, major));
            TimeBound.Run(() =>
            {
                OnlyTensorFileErrors(file, () => Load(NpyFile.Read(new MemoryStream(file), "fuzz.npy")));
                OnlyTensorFileErrors(file, () => Load(NpyFile.Read(new ForwardOnlyStream(file), "fuzz.npy")));
            }, () => c.ToString());
        }, Runs);

    [Fact]
    public void Every_strict_prefix_and_every_extension_is_refused() =>
        Properties.Check(FsCheck.Fluent.Arb.From(Gen.Choose(0, int.MaxValue).Zip(Gen.Choose(0, 4))), c =>
        {
            var (file, _, _, _) = ValidFiles.Npy(c.Item1, c.Item2);
            Load(NpyFile.Read(new MemoryStream(file), "valid.npy"));
            for (int length = 0; length < file.Length; length++)
                Assert.Throws<TensorFileException>(() => NpyFile.Read(new MemoryStream(file[..length]), "prefix.npy"));
            Assert.Throws<TensorFileException>(() => NpyFile.Read(new MemoryStream([.. file, 0]), "longer.npy"));
        });

    /// <summary>Every conversion the array offers: each succeeds or throws <see cref="TensorFileException"/>.</summary>
    private static void Load(NpyArray a)
    {
        Assert.Equal(a.Shape.Aggregate(1L, (p, d) => p * d), a.ElementCount);
        try
        {
            Assert.Equal(a.ElementCount, a.ToFloat32().LongLength);
        }
        catch (TensorFileException)
        {
        }
        try
        {
            Assert.Equal(a.ElementCount, a.ToInt64().LongLength);
        }
        catch (TensorFileException)
        {
        }
    }

    internal static void OnlyTensorFileErrors(byte[] file, Action read)
    {
        try
        {
            read();
        }
        catch (TensorFileException e)
        {
            Assert.DoesNotContain('\n', e.Message);
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
        {
            throw new Xunit.Sdk.XunitException(
                $"{e.GetType().Name}: {e.Message} for the file starting {CorruptionCase.Printable(file)}\n{e.StackTrace}");
        }
    }
}
