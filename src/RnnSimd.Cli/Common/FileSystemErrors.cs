namespace RnnSimd.Cli.Common;

/// <summary>Which exceptions mean "the file system said no" (the user's to fix) rather than a bug.</summary>
internal static class FileSystemErrors
{
    public static bool Is(Exception e) =>
        e is IOException or UnauthorizedAccessException or NotSupportedException or System.Security.SecurityException
        || e is ArgumentException and not ArgumentNullException; // a path the system refuses outright

    /// <summary>Deletes a file if it exists, ignoring failures (used when cleaning up after another error).</summary>
    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (Is(e))
        {
        }
    }
}
