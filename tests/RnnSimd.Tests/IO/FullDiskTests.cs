using RnnSimd.IO;

namespace RnnSimd.Tests.IO;

/// <summary>
/// A write that runs out of space is a <see cref="TensorFileException"/> naming the file, like any
/// other file-system failure. /dev/full fails every write with "no space left on device", as a full
/// disk does, once the writer's buffer is flushed on closing.
/// </summary>
public sealed class FullDiskTests
{
    private const string Full = "/dev/full";

    [Fact]
    public void Npy_write_to_a_full_disk_names_the_file()
    {
        Assert.SkipUnless(File.Exists(Full), $"{Full} is Linux's.");
        var e = Assert.Throws<TensorFileException>(() => NpyFile.Write(Full, [2, 3], new float[6]));
        AssertFull(e);
    }

    [Fact]
    public void Safetensors_write_to_a_full_disk_names_the_file()
    {
        Assert.SkipUnless(File.Exists(Full), $"{Full} is Linux's.");
        var e = Assert.Throws<TensorFileException>(() => SafetensorsFile.Write(Full, [new SafetensorsTensor("w", [2, 3], new float[6])]));
        AssertFull(e);
    }

    private static void AssertFull(TensorFileException e)
    {
        Assert.Equal(Full, e.FileName);
        Assert.StartsWith("error when writing the file: ", e.Problem);
        // The file is named once, by the exception, not again by the I/O error's own message.
        Assert.DoesNotContain(Full, e.Problem);
        Assert.IsAssignableFrom<IOException>(e.InnerException);
        // A path that was there before the write is not deleted (here: the device itself).
        Assert.True(File.Exists(Full));
    }
}
