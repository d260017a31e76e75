namespace RnnSimd.Tests.IO;

/// <summary>A fresh directory under the system's temporary folder, deleted with everything in it on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "rnnsimd-io-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    private int _next;

    /// <summary>A new file name in the directory (not created).</summary>
    public string File(string extension) => System.IO.Path.Combine(Path, $"f{Interlocked.Increment(ref _next)}{extension}");

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still mapped elsewhere (Windows) is left to the system's cleanup.
        }
    }
}
