namespace RnnSimd.IO;

/// <summary>Opening files for reading and writing, with every file-system failure reported as a <see cref="TensorFileException"/>.</summary>
internal static class TensorFileAccess
{
    public static FileStream OpenRead(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            return new FileStream(path, FileMode.Open, System.IO.FileAccess.Read, FileShare.Read, bufferSize: 1);
        }
        catch (Exception e) when (IsFileSystem(e) || IsBadPath(e))
        {
            throw Wrap(path, e, "opening");
        }
    }

    public static FileStream Create(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            return new FileStream(path, FileMode.Create, System.IO.FileAccess.Write, FileShare.None, bufferSize: 1 << 16);
        }
        catch (Exception e) when (IsFileSystem(e) || IsBadPath(e))
        {
            throw Wrap(path, e, "creating");
        }
    }

    /// <summary>
    /// <see cref="Create(string)"/>, also saying whether the file is new: only a new file is deleted when
    /// writing it fails (<see cref="Abandon"/>); one already there may be a device such as /dev/full.
    /// </summary>
    public static FileStream Create(string path, out bool created)
    {
        ArgumentNullException.ThrowIfNull(path);
        created = !File.Exists(path) && !Directory.Exists(path);
        return Create(path);
    }

    /// <summary>
    /// Ends a write that failed with <paramref name="e"/>: closes the stream, deletes the file if this
    /// write created it, and returns the error to throw, naming the file.
    /// </summary>
    /// <remarks>
    /// Closing a stream whose flush failed (a full disk) flushes the same bytes again and throws a
    /// second IOException, which a plain <c>using</c> would let replace the error being reported.
    /// </remarks>
    public static TensorFileException Abandon(FileStream stream, string path, bool created, Exception e)
    {
        try
        {
            stream.Dispose();
        }
        catch (Exception again) when (IsFileSystem(again))
        {
            // The same failure again; the handle is closed all the same.
        }
        if (created)
            TryDelete(path);
        return Wrap(path, e, "writing");
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (IsFileSystem(e))
        {
            // Nothing more to do: the error being reported says the file is unusable.
        }
    }

    private static bool IsDirectory(string path)
    {
        try
        {
            return Directory.Exists(path);
        }
        catch (Exception e) when (IsFileSystem(e) || IsBadPath(e))
        {
            return false;
        }
    }

    public static bool IsFileSystem(Exception e) =>
        e is IOException or UnauthorizedAccessException or NotSupportedException or System.Security.SecurityException;

    /// <summary>A path the file system refuses outright (empty, or with invalid characters).</summary>
    private static bool IsBadPath(Exception e) => e is ArgumentException and not ArgumentNullException;

    /// <summary>"file not found", "directory not found", "is a directory", "access denied", or the I/O error's own message.</summary>
    public static TensorFileException Wrap(string path, Exception e, string doing) => e switch
    {
        FileNotFoundException => new TensorFileException(path, "file not found.", e),
        DirectoryNotFoundException => new TensorFileException(path, "directory not found.", e),
        // .NET reports opening a directory as a file as access denied (Linux: EISDIR), even to root.
        UnauthorizedAccessException when IsDirectory(path) => new TensorFileException(path, "is a directory, not a file.", e),
        UnauthorizedAccessException or System.Security.SecurityException => new TensorFileException(path, $"access denied when {doing} the file.", e),
        EndOfStreamException => new TensorFileException(path, "the file ends early.", e),
        ArgumentException => new TensorFileException(path, $"not a valid path: {e.Message}", e),
        _ => new TensorFileException(path, $"error when {doing} the file: {WithoutPath(e.Message)}", e),
    };

    /// <summary>
    /// An I/O error's message without the " : '/full/path'" .NET appends: the exception names the
    /// file already, as its caller gave it (the CLI gives the final name of a file it writes under a
    /// temporary one, which the appended path would show instead).
    /// </summary>
    private static string WithoutPath(string message)
    {
        int at = message.LastIndexOf(" : '", StringComparison.Ordinal);
        return at > 0 && message.EndsWith('\'') ? message[..at] : message;
    }
}
