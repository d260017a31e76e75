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
/// once, here, because a pipe's reader sees the end of its input when a writer closes. A name of
/// one of this process's descriptors (<c>/dev/stdout</c>, <c>/dev/stderr</c>, <c>/dev/fd/N</c>,
/// <c>/proc/self/fd/N</c>) is written through that descriptor, never reopened or renamed over: when
/// stdout is redirected to a file (<c>&gt;&gt; log</c>), the JSON goes where the shell's redirection
/// puts it, after the table, in append mode if it is one.
/// </summary>
internal sealed class JsonTarget : IDisposable
{
    private readonly string _name;
    private readonly string? _renameOnto;
    private readonly bool _emptyOnFailure;
    private Stream? _inPlace;

    private JsonTarget(string name, string? renameOnto, Stream? inPlace, bool emptyOnFailure = false)
    {
        _name = name;
        _renameOnto = renameOnto;
        _inPlace = inPlace;
        _emptyOnFailure = emptyOnFailure;
    }

    /// <summary>What the name was opened as, for the caller to flush what shares the descriptor first.</summary>
    public int? Descriptor { get; private init; }

    /// <summary>Checks <paramref name="path"/> and, for a pipe, device, descriptor or empty file, opens it.</summary>
    /// <param name="path">The name the user gave.</param>
    /// <param name="error">Where to say that the open waits (a FIFO no reader has opened yet).</param>
    public static JsonTarget Open(string path, TextWriter error)
    {
        if (path.Length == 0)
            throw new CliException("--json: give a file name (got an empty string).");
        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception e) when (FileSystemErrors.Is(e))
        {
            throw new CliException($"--json {path}: not a valid path: {e.Message.Split(" (Parameter", 2)[0]}", e);
        }
        if (Directory.Exists(full))
            throw new CliException($"--json {path}: is a directory; give a file name.");
        if (Path.EndsInDirectorySeparator(path))
        {
            // "file/": a file name was given as a directory.
            throw new CliException(FileSystemErrors.IsFile(path)
                ? $"--json {path}: {Path.TrimEndingDirectorySeparator(path)} is a file, not a directory; give a file name."
                : $"--json {path}: ends in a separator; give a file name.");
        }

        if (DescriptorOf(full) is int descriptor)
            return new JsonTarget(path, null, OpenDescriptor(path, descriptor)) { Descriptor = descriptor };

        if (File.Exists(full) && OpenExisting(path, full, error) is { } stream)
        {
            if (!stream.CanSeek || stream.Length == 0)
                return new JsonTarget(path, null, stream, emptyOnFailure: stream.CanSeek);
            stream.Dispose();
            // A regular file with contents: the staged copy replaces the file itself, not a link to it.
            string existing = FinalTarget(full) ?? full;
            CheckDirectoryTakesFiles(path, existing);
            return new JsonTarget(path, existing, null);
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
                if (_emptyOnFailure)
                    TryEmpty(stream);
                throw new CliException($"--json {_name}: cannot write the file: {FileSystemErrors.Reason(e, _name)}.", e);
            }
            return;
        }

        string final = _renameOnto!;
        string temporary = OutputStaging.TemporaryName(Path.GetDirectoryName(final)!, Path.GetFileName(final));
        try
        {
            using (var staged = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
                write(staged);
            // The replacement keeps the permissions of the file it replaces.
            if (!OperatingSystem.IsWindows() && File.Exists(final))
                File.SetUnixFileMode(temporary, File.GetUnixFileMode(final));
            File.Move(temporary, final, overwrite: true);
        }
        catch (Exception e) when (FileSystemErrors.Is(e))
        {
            FileSystemErrors.TryDelete(temporary);
            // Without the temporary name: the user never gave it.
            throw new CliException($"--json {_name}: cannot write the file: {FileSystemErrors.Reason(e, temporary)}.", e);
        }
    }

    public void Dispose()
    {
        _inPlace?.Dispose();
        _inPlace = null;
    }

    /// <summary>
    /// The existing file opened for writing, or null when it is a symlink to nothing. Opening a FIFO
    /// waits for a reader: after a second of that, the user is told why nothing happens.
    /// </summary>
    private static FileStream? OpenExisting(string path, string full, TextWriter error)
    {
        Task<FileStream?> opening = Task.Run(() => OpenExisting(path, full));
        if (!opening.Wait(TimeSpan.FromSeconds(1)))
            error.WriteLine($"--json {path}: waiting for a reader to open it (a pipe writes only once it is read)...");
        return opening.GetAwaiter().GetResult();
    }

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
            throw new CliException($"--json {path}: cannot open the file for writing: {FileSystemErrors.Reason(e, full)}.", e);
        }
    }

    /// <summary>
    /// The descriptor <paramref name="full"/> names, following symlinks: /dev/stdout → /proc/self/fd/1,
    /// /dev/fd/N, /proc/self/fd/N, /proc/PID/fd/N of this process. Null for anything else.
    /// </summary>
    private static int? DescriptorOf(string full)
    {
        string self = $"/proc/{Environment.ProcessId}/fd/";
        string current = full;
        for (int hop = 0; hop < 40; hop++)
        {
            foreach (string prefix in (ReadOnlySpan<string>)["/proc/self/fd/", "/dev/fd/", self])
            {
                if (current.StartsWith(prefix, StringComparison.Ordinal)
                    && int.TryParse(current.AsSpan(prefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int descriptor))
                    return descriptor;
            }
            string? target;
            try
            {
                target = new FileInfo(current).LinkTarget;
            }
            catch (Exception e) when (FileSystemErrors.Is(e))
            {
                return null;
            }
            if (target is null)
                return null;
            current = Path.GetFullPath(target, Path.GetDirectoryName(current) ?? "/");
        }
        return null;
    }

    /// <summary>
    /// A stream on descriptor <paramref name="descriptor"/>, not owning it. Standard output and error
    /// go through the console's streams, which write at the descriptor's own offset (as the shell's
    /// <c>&gt;</c> and <c>2&gt;&amp;1</c> expect), where a FileStream would write at an offset of its own.
    /// </summary>
    private static Stream OpenDescriptor(string path, int descriptor)
    {
        if (descriptor == 1)
            return Console.OpenStandardOutput();
        if (descriptor == 2)
            return Console.OpenStandardError();
        try
        {
            return new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(descriptor, ownsHandle: false), FileAccess.Write, bufferSize: 0);
        }
        catch (Exception e) when (FileSystemErrors.Is(e))
        {
            throw new CliException($"--json {path}: descriptor {descriptor} cannot be written: {e.Message.Split(" (Parameter", 2)[0]}", e);
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
        {
            // The file in the way may be the directory itself ("file/x.json") or one above it.
            string? file = FileSystemErrors.FileInTheWay(path) ?? FileSystemErrors.FileInTheWay(target);
            throw new CliException(file is not null
                ? $"--json {path}: {file} is a file, not a directory."
                : $"--json {path}: directory {directory} does not exist.");
        }
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

    private static void TryEmpty(Stream stream)
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
