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

    /// <summary>
    /// What the file system said, for a message that names the user's path itself: "access denied",
    /// or .NET's text without the paths it names (" : '/full/path'", "the path '/full/path'"), which
    /// are the user's own or temporary names the user never gave, and without "(Parameter 'path')".
    /// </summary>
    /// <param name="e">The file system's exception.</param>
    /// <param name="paths">Every path the failed operation may have named, as given or in full.</param>
    public static string Reason(Exception e, params string[] paths)
    {
        if (e is UnauthorizedAccessException)
            return "access denied";
        string message = e.Message.Split(" (Parameter", 2)[0].ReplaceLineEndings(" ").TrimEnd('.', ' ');
        foreach (string path in paths)
        {
            foreach (string shown in (ReadOnlySpan<string>)[path, FullPathOrSelf(path)])
            {
                message = message.Replace($" : '{shown}'", "", StringComparison.Ordinal)
                    .Replace($" '{shown}'", "", StringComparison.Ordinal);
            }
        }
        return message;
    }

    /// <summary>
    /// Whether <paramref name="path"/> names an existing file (not a directory), a trailing
    /// separator included: "model.safetensors/" is still that file in the way.
    /// </summary>
    public static bool IsFile(string path) => File.Exists(Path.TrimEndingDirectorySeparator(path));

    /// <summary>
    /// The nearest existing ancestor of <paramref name="path"/> when it is a file, not a directory
    /// (so that nothing can be created under it), spelled as in <paramref name="path"/>; null otherwise.
    /// </summary>
    public static string? FileInTheWay(string path)
    {
        string? current = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(path));
        while (!string.IsNullOrEmpty(current) && !Directory.Exists(current))
        {
            if (File.Exists(current))
                return current;
            current = Path.GetDirectoryName(current);
        }
        return null;
    }

    private static string FullPathOrSelf(string path)
    {
        try
        {
            return Path.GetFullPath(path);
        }
        catch (Exception e) when (Is(e))
        {
            return path;
        }
    }
}
