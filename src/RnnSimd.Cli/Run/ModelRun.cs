using RnnSimd.Cli.Common;

namespace RnnSimd.Cli.Run;

/// <summary>The <c>run</c> command: load, check, compute, then write every result or none.</summary>
internal static class ModelRun
{
    public static int Execute(RunOptions options, TextWriter output)
    {
        using RunnableModel model = ModelLoader.Load(options);
        RunInputs inputs = RunInputs.Read(options, model);
        IReadOnlyList<OutputArray> results = model.Run(inputs);
        OutputStaging.WriteAll(options.OutDirectory, results);
        string written = string.Join(", ", results.Select(r => $"{r.FileName} {Shapes.Format(r.Shape)}"));
        output.WriteLine($"{model.Description}, {model.Path}: x {Shapes.Format(inputs.X.Shape)} -> {options.OutDirectory}: {written}");
        return ExitCodes.Success;
    }
}
