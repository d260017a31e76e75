using RnnSimd.Cli.Common;
using RnnSimd.Tests.IO;

namespace RnnSimd.Tests.Cli;

/// <summary>File-system errors name the user's path once, and a file in the way of a directory is named.</summary>
public class FileSystemErrorsTests
{
    [Fact]
    public void Reason_drops_the_paths_dotnet_repeats_and_says_access_denied()
    {
        Assert.Equal("No space left on device", FileSystemErrors.Reason(new IOException("No space left on device : '/dev/full'"), "/dev/full"));
        // A temporary name the user never gave goes too.
        Assert.Equal("Disk quota exceeded",
            FileSystemErrors.Reason(new IOException("Disk quota exceeded : '/out/.x.npy.abc.tmp'."), "/out/x.npy", "/out/.x.npy.abc.tmp"));
        Assert.Equal("access denied", FileSystemErrors.Reason(new UnauthorizedAccessException("Access to the path '/sys/o' is denied."), "/sys/o"));
        Assert.Equal("The value cannot be an empty string", FileSystemErrors.Reason(new ArgumentException("The value cannot be an empty string.", "path"), ""));
    }

    [Fact]
    public void The_file_in_the_way_is_spelled_as_the_user_gave_it()
    {
        using var dir = new TempDirectory();
        string file = Path.Combine(dir.Path, "model.safetensors");
        File.WriteAllText(file, "");
        Assert.Equal(file, FileSystemErrors.FileInTheWay(Path.Combine(file, "a", "b")));
        Assert.Equal(file, FileSystemErrors.FileInTheWay(Path.Combine(file, "a") + Path.DirectorySeparatorChar));
        string relative = Path.GetRelativePath(Environment.CurrentDirectory, file);
        Assert.Equal(relative, FileSystemErrors.FileInTheWay(Path.Combine(relative, "sub")));
        Assert.Null(FileSystemErrors.FileInTheWay(Path.Combine(dir.Path, "no", "such")));
        Assert.Null(FileSystemErrors.FileInTheWay("plain-name"));
        Assert.True(FileSystemErrors.IsFile(file + Path.DirectorySeparatorChar));
        Assert.False(FileSystemErrors.IsFile(dir.Path));
    }
}
