using System.CommandLine;
using System.CommandLine.Parsing;
using RnnSimd.Cli.Bench;
using RnnSimd.Cli.Common;

namespace RnnSimd.Cli.Commands;

/// <summary><c>rnnsimd bench</c>: the standard shapes, or one, timed on random weights.</summary>
internal static class BenchCommand
{
    private const double DefaultBudgetSeconds = 2;

    public static Command Create(bool interactive)
    {
        var cell = new Option<string>("--cell")
        {
            Description = "The cell: rnn (nn.RNN, tanh), gru or lstm; one layer, one direction.",
            HelpName = "rnn|gru|lstm",
            DefaultValueFactory = _ => "rnn",
        };
        cell.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, "rnn", "gru", "lstm");
        var shape = new Option<string>("--shape")
        {
            Description = "One standard shape: S1 (T1 B1 X64 H128), S2 (T100 B1 X64 H128), S3 (T100 B1 X256 H256), S4 (T50 B32 X256 H512), S5 (T100 B64 X1024 H1024). Default: all five.",
            HelpName = "S1..S5",
        };
        shape.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, BenchShape.Standard.Select(s => s.Name).ToArray());
        var seqLen = NumberOptions.Positive("--seq-len", "T", "A custom shape's T (with --batch, --input-size and --hidden-size).");
        var batch = NumberOptions.Positive("--batch", "B", "A custom shape's B.");
        var inputSize = NumberOptions.Positive("--input-size", "X", "A custom shape's X.");
        var hiddenSize = NumberOptions.Positive("--hidden-size", "H", "A custom shape's H.");
        var threads = NumberOptions.Positive("--threads", "N", "Threads per call, the caller's included (1..256).", defaultValue: 1, max: 256);
        var json = new Option<string>("--json") { Description = "Also write the figures to FILE as JSON (schema in docs/cli.md).", HelpName = "FILE" };
        var budget = NumberOptions.Seconds("--budget",
            "Seconds of timed repetitions per shape; warming up adds a quarter of that, at least 0.5 s.",
            DefaultBudgetSeconds, max: 3600);

        var command = new Command("bench", "Time forward passes on random weights: the standard shapes S1..S5, or one; print median latency, throughput, GFLOP/s and the SIMD path.")
        {
            cell, shape, seqLen, batch, inputSize, hiddenSize, threads, json, budget,
        };
        Option<int>[] custom = [seqLen, batch, inputSize, hiddenSize];
        command.Validators.Add(result =>
        {
            var given = custom.Where(o => result.GetResult(o) is not null).ToList();
            if (result.GetResult(shape) is not null && given.Count > 0)
                result.AddError($"--shape cannot be combined with {string.Join(", ", given.Select(o => o.Name))}: give a standard shape or all four sizes.");
            else if (given.Count is > 0 and < 4)
                result.AddError($"a custom shape needs all of --seq-len, --batch, --input-size and --hidden-size; missing {string.Join(", ", custom.Except(given).Select(o => o.Name))}.");
        });
        command.SetAction(parse =>
        {
            IReadOnlyList<BenchShape> shapes = parse.GetValue(shape) is { } name
                ? [BenchShape.Standard.Single(s => s.Name.Equals(name, StringComparison.OrdinalIgnoreCase))]
                : parse.GetResult(seqLen) is not null
                    ? [new BenchShape("custom", parse.GetValue(seqLen), parse.GetValue(batch), parse.GetValue(inputSize), parse.GetValue(hiddenSize))]
                    : BenchShape.Standard;
            RecurrentCell recurrentCell = Cell(parse.GetRequiredValue(cell));
            // Well-formed sizes too large for this engine are the input's problem (exit 1), not the
            // command line's (exit 2, with the usage).
            foreach (BenchShape s in shapes)
            {
                if (s.SizeProblem(Gates(recurrentCell)) is { } problem)
                    throw new CliException(problem);
            }
            var settings = new BenchSettings(recurrentCell, shapes, parse.GetValue(threads), parse.GetValue(budget), parse.GetValue(json));
            return BenchRun.Execute(settings, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, interactive);
        });
        return command;
    }

    private static RecurrentCell Cell(string name) => name.ToLowerInvariant() switch
    {
        "gru" => RecurrentCell.Gru,
        "lstm" => RecurrentCell.Lstm,
        _ => RecurrentCell.Rnn,
    };

    private static int Gates(RecurrentCell cell) => cell switch { RecurrentCell.Gru => 3, RecurrentCell.Lstm => 4, _ => 1 };
}
