using RnnSimd.Cli.Common;
using RnnSimd.Cli.Run;

namespace RnnSimd.Cli.Bench;

/// <summary>The <c>bench</c> command: each shape timed on random weights, then the table (stdout) and the JSON file.</summary>
internal static class BenchRun
{
    public static int Execute(BenchSettings settings, TextWriter output, TextWriter error, bool interactive)
    {
        if (settings.JsonPath is { } jsonPath)
            CheckJsonTarget(jsonPath);
        var progress = new Progress(error, interactive);
        var results = new List<BenchResult>();
        KernelInfo? kernels = null;
        try
        {
            for (int i = 0; i < settings.Shapes.Count; i++)
            {
                BenchShape shape = settings.Shapes[i];
                string stage = $"bench {shape.Name} ({i + 1}/{settings.Shapes.Count}): {shape.Dimensions}";
                progress.Begin(stage);
                using BenchCase @case = Create(settings, shape);
                kernels = @case.Network.Kernels;
                BenchTiming timing = BenchTimer.Measure(@case, settings.BudgetSeconds, status => progress.Update($"{stage}: {status}"));
                results.Add(new BenchResult(shape, settings.Gates, timing));
            }
        }
        finally
        {
            // A terminal's status line is cleared even when a shape fails, so an error starts a clean line.
            progress.Done();
        }
        kernels ??= KernelRegistry.Selected;

        foreach (string line in BenchTable.Lines(settings, kernels, results))
            output.WriteLine(line);
        if (settings.JsonPath is { } path)
        {
            WriteJson(path, settings, kernels, results);
            // stderr, like the progress: stdout is the table alone (docs/cli.md).
            error.WriteLine($"wrote {path}");
        }
        return ExitCodes.Success;
    }

    private static BenchCase Create(BenchSettings settings, BenchShape shape)
    {
        try
        {
            return BenchCase.Create(settings.Cell, shape, settings.Threads);
        }
        catch (OutOfMemoryException e)
        {
            throw new CliException($"shape {shape.Name} ({shape.Dimensions}): not enough memory for its weights and buffers.", e);
        }
    }

    /// <summary>Before spending minutes: the JSON file's directory must exist and take a new file, and the name must not be a directory.</summary>
    private static void CheckJsonTarget(string path)
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
        if (Path.GetDirectoryName(full) is { } directory)
        {
            if (!Directory.Exists(directory))
                throw new CliException($"--json {path}: directory {directory} does not exist.");
            // A read-only directory would otherwise be found only after the whole benchmark.
            string probe = OutputStaging.TemporaryName(directory, Path.GetFileName(full));
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
    }

    /// <summary>Writes to a temporary name beside the file, then moves it into place: the file is whole or untouched.</summary>
    private static void WriteJson(string path, BenchSettings settings, KernelInfo kernels, IReadOnlyList<BenchResult> results)
    {
        string full = Path.GetFullPath(path);
        string temporary = OutputStaging.TemporaryName(Path.GetDirectoryName(full)!, Path.GetFileName(full));
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
                BenchJson.Write(stream, settings, kernels, results);
            File.Move(temporary, full, overwrite: true);
        }
        catch (Exception e) when (FileSystemErrors.Is(e))
        {
            FileSystemErrors.TryDelete(temporary);
            throw new CliException($"--json {path}: cannot write the file: {e.Message}", e);
        }
    }
}
