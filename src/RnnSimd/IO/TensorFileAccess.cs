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

    public static FileStream Create(string path) => Open(path, FileMode.Create);

    private static FileStream Open(string path, FileMode mode)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            return new FileStream(path, mode, System.IO.FileAccess.Write, FileShare.None, bufferSize: 1 << 16);
        }
        catch (Exception e) when (IsFileSystem(e) || IsBadPath(e))
        {
            throw Wrap(path, e, "creating");
        }
    }

    /// <summary>
    /// <see cref="Create(string)"/>, also saying whether this call made the file: only such a file is
    /// deleted when writing it fails (<see cref="Abandon"/>); a path already there (a file another
    /// process made a moment ago, a symbolic link, a device such as /dev/full) is left.
    /// </summary>
    /// <remarks>The file is first created exclusively, so that no check-then-create race decides it.</remarks>
    public static FileStream Create(string path, out bool created)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            created = true;
            return new FileStream(path, FileMode.CreateNew, System.IO.FileAccess.Write, FileShare.None, bufferSize: 1 << 16);
        }
        catch (IOException) when (Exists(path))
        {
            created = false;
            return Open(path, FileMode.Create);
        }
        catch (Exception e) when (IsFileSystem(e) || IsBadPath(e))
        {
            throw Wrap(path, e, "creating");
        }
    }

    /// <summary>A file, directory or symbolic link (dangling ones included) at <paramref name="path"/>.</summary>
    private static bool Exists(string path)
    {
        try
        {
            return File.Exists(path) || Directory.Exists(path) || new FileInfo(path).LinkTarget is not null;
        }
        catch (Exception e) when (IsFileSystem(e) || IsBadPath(e))
        {
            return false;
        }
    }

    /// <summary>
    /// Failures of the writes themselves: the file system's, and the file size limit (EFBIG: a
    /// file system's largest file, or the process's RLIMIT_FSIZE), which .NET reports as
    /// ArgumentOutOfRangeException.
    /// </summary>
    private static bool IsWriteFailure(Exception e) => IsFileSystem(e) || e is ArgumentOutOfRangeException;

    /// <summary>
    /// Ends a write that failed with <paramref name="e"/>, whatever it was: closes the stream, deletes
    /// the file if this write created it, and throws a <see cref="TensorFileException"/> naming the
    /// file for a <see cref="IsWriteFailure">write failure</see>; for anything else it returns, and
    /// the caller rethrows.
    /// </summary>
    /// <remarks>
    /// Closing a stream whose flush failed (a full disk) flushes the same bytes again and throws a
    /// second IOException, which a plain <c>using</c> would let replace the error being reported.
    /// </remarks>
    public static void Abandon(FileStream stream, string path, bool created, Exception e)
    {
        try
        {
            stream.Dispose();
        }
        catch (Exception again) when (IsWriteFailure(again))
        {
            // The same failure again; the handle is closed all the same.
        }
        if (created)
            TryDelete(path);
        if (IsWriteFailure(e))
            throw Wrap(path, e, "writing");
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
        ArgumentOutOfRangeException => new TensorFileException(path, $"error when {doing} the file: it would exceed the largest file this file system or process allows.", e),
        ArgumentException => new TensorFileException(path, $"not a valid path: {e.Message.Split(" (Parameter", 2)[0]}", e),
        _ => new TensorFileException(path, $"error when {doing} the file: {WithoutPath(e.Message, path)}", e),
    };

    /// <summary>
    /// An I/O error's message without the " : '/full/path'" .NET appends: the exception names the
    /// file already, as its caller gave it (the CLI gives the final name of a file it writes under a
    /// temporary one, which the appended path would show instead).
    /// </summary>
    private static string WithoutPath(string message, string path)
    {
        foreach (string shown in new[] { path, FullPathOrSelf(path) })
        {
            string suffix = $" : '{shown}'";
            if (message.EndsWith(suffix, StringComparison.Ordinal))
                return message[..^suffix.Length];
        }
        return message;
    }

    private static string FullPathOrSelf(string path)
    {
        try
        {
            return Path.GetFullPath(path);
        }
        catch (Exception e) when (IsBadPath(e) || IsFileSystem(e))
        {
            return path;
        }
    }
}
