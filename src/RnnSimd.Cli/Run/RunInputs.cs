using RnnSimd.Cli.Common;

namespace RnnSimd.Cli.Run;

/// <summary>The run's inputs, read from their files after their names were checked against the model.</summary>
/// <param name="X">x.</param>
/// <param name="H0">h0, or null for zeros.</param>
/// <param name="C0">c0 (LSTM), or null for zeros.</param>
/// <param name="Lengths">--lengths, or null.</param>
/// <param name="BatchFirst">--batch-first.</param>
internal sealed record RunInputs(NpyInput X, NpyInput? H0, NpyInput? C0, LengthsInput? Lengths, bool BatchFirst)
{
    /// <summary>Checks every --input name against what the model takes, then reads the files.</summary>
    public static RunInputs Read(RunOptions options, RunnableModel model)
    {
        foreach (InputBinding binding in options.Inputs)
        {
            if (!model.InputNames.Contains(binding.Name))
                throw new CliException($"{binding}: {model.Title} takes {string.Join(", ", model.InputNames)}; it has no input '{binding.Name}'" +
                                       (binding.Name == "c0" ? " (c0 is for LSTM models)." : "."));
        }
        InputBinding x = options.Inputs.FirstOrDefault(b => b.Name == "x")
            ?? throw new CliException($"--input x=FILE.npy is missing: {model.Title} needs x as (T, B, {model.InputSize}).");
        NpyInput? Optional(string name) =>
            options.Inputs.FirstOrDefault(b => b.Name == name) is { } b ? NpyInput.Read(b) : null;
        return new RunInputs(
            NpyInput.Read(x),
            Optional("h0"),
            Optional("c0"),
            options.Lengths is { } lengths ? LengthsInput.Read(lengths) : null,
            options.BatchFirst);
    }
}
