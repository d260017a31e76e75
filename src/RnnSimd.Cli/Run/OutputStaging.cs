using RnnSimd.Cli.Common;
using RnnSimd.IO;

namespace RnnSimd.Cli.Run;

/// <summary>
/// Writes a run's results all or nothing: each file goes to a temporary name in the output
/// directory, and only when every one is written are they moved into place. If anything fails,
/// the temporary files are removed, files that were there before are restored, and a directory
/// created for the run is removed again.
/// </summary>
internal static class OutputStaging
{
    public static void WriteAll(string directory, IReadOnlyList<OutputArray> outputs)
    {
        bool created = !Directory.Exists(directory);
        if (created && FileSystemErrors.IsFile(directory))
            throw new CliException($"--out {directory}: is a file, not a directory.");
        if (created && FileSystemErrors.FileInTheWay(directory) is { } file)
            throw new CliException($"--out {directory}: {file} is a file, not a directory.");
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            // Only a special file system says so when creating (parents are made as needed): /proc, say.
            throw new CliException($"--out {directory}: cannot create the directory: {ExistingAncestor(directory)} takes no new entries.", e);
        }
        catch (Exception e) when (FileSystemErrors.Is(e))
        {
            throw new CliException($"--out {directory}: cannot create the directory: {FileSystemErrors.Reason(e, directory)}.", e);
        }

        var staged = new List<(string Temporary, string Final)>();
        try
        {
            foreach (OutputArray o in outputs)
            {
                string final = Path.Combine(directory, o.FileName);
                if (Directory.Exists(final))
                    throw new CliException($"{final}: a directory of that name is in the way of the output file.");
                string temporary = TemporaryName(directory, o.FileName);
                staged.Add((temporary, final));
                try
                {
                    NpyFile.Write(temporary, o.Shape, o.Data);
                }
                catch (TensorFileException e) when (e.InnerException is FileNotFoundException or DirectoryNotFoundException)
                {
                    // "File not found" for a file being created: a directory that takes no files (/proc).
                    throw new CliException($"{final}: cannot create the file: {directory} takes no new files.", e);
                }
                catch (TensorFileException e)
                {
                    // Name the file the user asked for, not the temporary one.
                    throw new CliException($"{final}: {e.Problem}", e);
                }
            }
            MoveIntoPlace(staged);
        }
        catch
        {
            foreach ((string temporary, _) in staged)
                FileSystemErrors.TryDelete(temporary);
            if (created)
                TryDeleteEmptyDirectory(directory);
            throw;
        }
    }

    /// <summary>A hidden name beside <paramref name="fileName"/> that no other run will pick.</summary>
    public static string TemporaryName(string directory, string fileName) =>
        Path.Combine(directory, $".{fileName}.{Guid.NewGuid():N}.tmp");

    /// <summary>Moves every file into place; on failure moves back what was there before.</summary>
    private static void MoveIntoPlace(List<(string Temporary, string Final)> staged)
    {
        var backups = new List<(string Backup, string Final)>();
        var moved = new List<string>();
        string current = "", currentTemporary = "", currentBackup = "";
        try
        {
            foreach ((string temporary, string final) in staged)
            {
                current = final;
                currentTemporary = temporary;
                currentBackup = "";
                if (File.Exists(final))
                {
                    string backup = TemporaryName(Path.GetDirectoryName(final)!, Path.GetFileName(final));
                    currentBackup = backup;
                    File.Move(final, backup);
                    backups.Add((backup, final));
                }
                File.Move(temporary, final);
                moved.Add(final);
            }
        }
        catch (Exception e) when (FileSystemErrors.Is(e))
        {
            foreach (string final in moved)
                FileSystemErrors.TryDelete(final);
            foreach ((string backup, string final) in backups)
            {
                try
                {
                    File.Move(backup, final, overwrite: true);
                }
                catch (Exception restore) when (FileSystemErrors.Is(restore))
                {
                    throw new CliException($"{final}: could not move the output into place ({FileSystemErrors.Reason(e, current, currentTemporary, currentBackup)}), nor restore the previous file, which is kept as {backup}.", e);
                }
            }
            throw new CliException($"{current}: could not move the output into place: {FileSystemErrors.Reason(e, current, currentTemporary, currentBackup)}.", e);
        }
        foreach ((string backup, _) in backups)
            FileSystemErrors.TryDelete(backup);
    }

    /// <summary>The nearest directory above <paramref name="directory"/> that exists: the one that refused.</summary>
    private static string ExistingAncestor(string directory)
    {
        string? current = Path.GetDirectoryName(Path.GetFullPath(directory));
        while (current is not null && !Directory.Exists(current))
            current = Path.GetDirectoryName(current);
        return current ?? "/";
    }

    private static void TryDeleteEmptyDirectory(string directory)
    {
        try
        {
            if (!Directory.EnumerateFileSystemEntries(directory).Any())
                Directory.Delete(directory);
        }
        catch (Exception e) when (FileSystemErrors.Is(e))
        {
        }
    }
}
