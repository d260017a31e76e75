using RnnSimd.Cli.Common;
using RnnSimd.Cli.Run;

namespace RnnSimd.Cli.Bench;

/// <summary>The <c>bench</c> command: each shape timed on random weights, then the table (stdout) and the JSON file.</summary>
internal static class BenchRun
{
    public static int Execute(BenchSettings settings, TextWriter output, TextWriter error, bool interactive)
    {
        using JsonTarget? json = settings.JsonPath is { } jsonPath ? JsonTarget.Open(jsonPath, error) : null;
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
        if (json is not null)
        {
            // The table first, where the JSON may go too (--json /dev/stdout).
            output.Flush();
            error.Flush();
            json.Write(stream => BenchJson.Write(stream, settings, kernels, results));
            // stderr, like the progress: stdout is the table alone (docs/cli.md).
            error.WriteLine($"wrote {settings.JsonPath}");
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
}
