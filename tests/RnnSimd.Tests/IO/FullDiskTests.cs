using RnnSimd.IO;
using RnnSimd.Tests.Infrastructure;

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

    /// <summary>
    /// A new file that cannot be written to the end (here: past the process's file size limit, in a
    /// child process) is a TensorFileException, and the partial file is deleted.
    /// </summary>
    [Fact]
    public void A_new_file_past_the_size_limit_is_reported_and_deleted()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "setrlimit is called through Linux's libc.");
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "big.npy");
        var (exitCode, stdout, stderr) = FileSizeProbe.RunChild(path, TimeSpan.FromMinutes(5));
        Assert.True(exitCode == 0, $"exit {exitCode}\n{stdout}\n{stderr}");
        Assert.Equal(
            "problem: error when writing the file: it would exceed the largest file this file system or process allows.\nexists: False\n",
            stdout.ReplaceLineEndings("\n"));
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
