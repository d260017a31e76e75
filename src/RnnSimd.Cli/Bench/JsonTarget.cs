using RnnSimd.Cli.Common;
using RnnSimd.Cli.Run;

namespace RnnSimd.Cli.Bench;

/// <summary>
/// Where <c>bench --json FILE</c> goes, settled before any shape is timed so that a bad name costs
/// no minutes. A new name, or a regular file with contents, is written whole or not at all: the JSON
/// goes to a temporary name beside it and is renamed over it (through a symlink, over the file the
/// link points to, so the link stays). Anything else (a pipe such as <c>/dev/stdout</c> or a shell's
/// <c>&gt;(...)</c>, a terminal, a device such as <c>/dev/null</c>, an empty file) is written in
/// place: renaming over it would replace the device or the pipe with a regular file. It is opened
/// once, here, because a pipe's reader sees the end of its input when a writer closes.
/// </summary>
internal sealed class JsonTarget : IDisposable
{
    private readonly string _name;
    private readonly string? _renameOnto;
    private FileStream? _inPlace;

    private JsonTarget(string name, string? renameOnto, FileStream? inPlace)
    {
        _name = name;
        _renameOnto = renameOnto;
        _inPlace = inPlace;
    }

    /// <summary>Checks <paramref name="path"/> and, for a pipe, device or empty file, opens it.</summary>
    public static JsonTarget Open(string path)
    {
        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception e) when (FileSystemErrors.Is(e))
        {
            throw new CliException($"--json {path}: not a valid path: {e.Message}", e);
        }
        if (Directory.Exists(full))
            throw new CliException($"--json {path}: is a directory; give a file name.");

        if (File.Exists(full) && OpenExisting(path, full) is { } stream)
        {
            if (!stream.CanSeek || stream.Length == 0)
                return new JsonTarget(path, null, stream);
            stream.Dispose();
            // A regular file with contents: the staged copy replaces the file itself, not a link to it.
            return new JsonTarget(path, FinalTarget(full) ?? full, null);
        }

        // New, or a symlink whose target does not exist yet: create the target.
        string target = FinalTarget(full) ?? full;
        CheckDirectoryTakesFiles(path, target);
        return new JsonTarget(path, target, null);
    }

    /// <summary>Writes the JSON; on failure leaves a staged target untouched and an empty file empty.</summary>
    public void Write(Action<Stream> write)
    {
        if (_inPlace is { } stream)
        {
            try
            {
                write(stream);
                stream.Flush();
            }
            catch (Exception e) when (FileSystemErrors.Is(e))
            {
                TryEmpty(stream);
                throw new CliException($"--json {_name}: cannot write the file: {e.Message}", e);
            }
            return;
        }

        string final = _renameOnto!;
        string temporary = OutputStaging.TemporaryName(Path.GetDirectoryName(final)!, Path.GetFileName(final));
        try
        {
            using (var staged = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
                write(staged);
            File.Move(temporary, final, overwrite: true);
        }
        catch (Exception e) when (FileSystemErrors.Is(e))
        {
            FileSystemErrors.TryDelete(temporary);
            throw new CliException($"--json {_name}: cannot write the file: {e.Message}", e);
        }
    }

    public void Dispose()
    {
        _inPlace?.Dispose();
        _inPlace = null;
    }

    /// <summary>The existing file opened for writing, or null when it is a symlink to nothing.</summary>
    private static FileStream? OpenExisting(string path, string full)
    {
        try
        {
            // Not truncated: whether it has contents decides how it is written, and a device has none.
            // Unbuffered: the JSON writer buffers, and a failed write leaves nothing behind to flush at Dispose.
            return new FileStream(full, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (FileSystemErrors.Is(e))
        {
            string reason = e is UnauthorizedAccessException ? "access denied" : e.Message.TrimEnd('.');
            throw new CliException($"--json {path}: cannot open the file for writing: {reason}.", e);
        }
    }

    /// <summary>The file a chain of symlinks ends at, or null when <paramref name="full"/> is not a link.</summary>
    private static string? FinalTarget(string full)
    {
        try
        {
            return new FileInfo(full).LinkTarget is null ? null : File.ResolveLinkTarget(full, returnFinalTarget: true)?.FullName;
        }
        catch (Exception e) when (FileSystemErrors.Is(e))
        {
            // A loop of links, say: renaming over the name itself still leaves a whole file.
            return null;
        }
    }

    /// <summary>A read-only directory would otherwise be found only after the whole benchmark.</summary>
    private static void CheckDirectoryTakesFiles(string path, string target)
    {
        string? directory = Path.GetDirectoryName(target);
        if (directory is null)
            return;
        if (!Directory.Exists(directory))
            throw new CliException($"--json {path}: directory {directory} does not exist.");
        string probe = OutputStaging.TemporaryName(directory, Path.GetFileName(target));
        try
        {
            new FileStream(probe, FileMode.CreateNew, FileAccess.Write).Dispose();
        }
        catch (Exception e) when (FileSystemErrors.Is(e))
        {
            // Not the probe's own name: the user never gave it.
            string reason = e is UnauthorizedAccessException ? "access denied" : "the directory takes no new files";
            throw new CliException($"--json {path}: cannot create a file in {directory}: {reason}.", e);
        }
        FileSystemErrors.TryDelete(probe);
    }

    private static void TryEmpty(FileStream stream)
    {
        try
        {
            if (stream.CanSeek)
                stream.SetLength(0);
        }
        catch (Exception e) when (FileSystemErrors.Is(e))
        {
        }
    }
}
