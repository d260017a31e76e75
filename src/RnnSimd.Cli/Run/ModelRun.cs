using RnnSimd.Cli.Common;

namespace RnnSimd.Cli.Run;

/// <summary>The <c>run</c> command: load, check, compute, then write every result or none.</summary>
internal static class ModelRun
{
    public static int Execute(RunOptions options, TextWriter output)
    {
        RunInputs? inputs = null;
        RunnableModel? model = null;
        try
        {
            model = ModelLoader.Load(options);
            inputs = RunInputs.Read(options, model);
            return Finish(options, output, model, inputs, model.Run(inputs));
        }
        // Named here, where the file and the input's shape are known; a bug's out-of-memory error is
        // left to the top level's internal error.
        catch (OutOfMemoryException e) when (MemoryErrors.IsMachineLimit(e))
        {
            string what = model is null ? "to load its weights"
                : inputs is null ? "to read its inputs"
                : $"for x {Shapes.Format(inputs.X.Shape)} ({model.Description})";
            throw new CliException($"{options.Model}: not enough memory {what}.", e);
        }
        finally
        {
            model?.Dispose();
        }
    }

    private static int Finish(RunOptions options, TextWriter output, RunnableModel model, RunInputs inputs, IReadOnlyList<OutputArray> results)
    {
        OutputStaging.WriteAll(options.OutDirectory, results);
        string written = string.Join(", ", results.Select(r => $"{r.FileName} {Shapes.Format(r.Shape)}"));
        output.WriteLine($"{model.Description}, {model.Path}: x {Shapes.Format(inputs.X.Shape)} -> {options.OutDirectory}: {written}");
        return ExitCodes.Success;
    }
}
