using System.CommandLine;
using System.CommandLine.Invocation;
using RnnSimd.Cli.Commands;
using RnnSimd.Cli.Common;
using RnnSimd.IO;

namespace RnnSimd.Cli;

/// <summary>
/// The rnnsimd command line: <c>run</c>, <c>bench</c> and <c>info</c> (docs/cli.md). The program's
/// entry point calls <see cref="Run(IReadOnlyList{string}, TextWriter, TextWriter)"/> with the
/// console's writers; tests call it with their own.
/// </summary>
public static class RnnSimdCommand
{
    /// <summary>Parses and runs one command line; never throws.</summary>
    /// <param name="args">The arguments after the program name.</param>
    /// <param name="output">Standard output: results (tables, info) and at most a one-line summary of a run.</param>
    /// <param name="error">Standard error: errors, usage after a command-line error, progress.</param>
    /// <returns>An exit code of <see cref="ExitCodes"/>.</returns>
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error) => Run(args, output, error, interactive: false);

    /// <summary><see cref="Run(IReadOnlyList{string}, TextWriter, TextWriter)"/>, with progress redrawn in place when <paramref name="interactive"/> (stderr is a terminal).</summary>
    internal static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error, bool interactive)
        => Invoke(() => Build(interactive), args, output, error);

    /// <summary>Parses and runs <paramref name="args"/> against the tree <paramref name="build"/> makes, mapping every outcome to an exit code.</summary>
    internal static int Invoke(Func<RootCommand> build, IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        try
        {
            RootCommand root = build();
            ParseResult parse = root.Parse(args);
            if (parse.Action is ParseErrorAction)
            {
                // System.CommandLine prints the errors and the command's usage, and returns 1: both
                // go to stderr here, and the code becomes 2, so that 1 keeps meaning "bad input".
                parse.Invoke(new InvocationConfiguration { Output = error, Error = error, EnableDefaultExceptionHandler = false });
                return ExitCodes.UsageError;
            }
            var invocation = new InvocationConfiguration
            {
                Output = output,
                Error = error,
                // Exceptions reach the catch blocks below, which know which are the user's.
                EnableDefaultExceptionHandler = false,
                // No signal handling: an interrupted run leaves at most temporary files (docs/cli.md).
                ProcessTerminationTimeout = null,
            };
            return parse.Invoke(invocation);
        }
        catch (CliException e)
        {
            error.WriteLine($"error: {e.Message}");
            return ExitCodes.InputError;
        }
        catch (TensorFileException e)
        {
            error.WriteLine($"error: {e.Message}");
            return ExitCodes.InputError;
        }
        catch (OutOfMemoryException e) when (MemoryErrors.IsMachineLimit(e))
        {
            // Sizes that passed every check but exceed this machine's memory: the input's doing, not a bug.
            error.WriteLine("error: not enough memory for these sizes.");
            return ExitCodes.InputError;
        }
        catch (Exception e)
        {
            error.WriteLine($"internal error: {e.GetType().FullName}: {e.Message.ReplaceLineEndings(" ")}");
            return ExitCodes.InternalError;
        }
    }

    /// <summary>The command tree; each subcommand's action returns its exit code.</summary>
    internal static RootCommand Build(bool interactive)
    {
        var root = new RootCommand("RnnSimd: run PyTorch recurrent networks (nn.RNN, nn.GRU, nn.LSTM and the reference Elman network) on the CPU, benchmark them, and show what the engine detected.")
        {
            HelpName = "rnnsimd",
        };
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(BenchCommand.Create(interactive));
        root.Subcommands.Add(InfoCommand.Create());
        root.Subcommands.Add(MakeSampleCommand.Create());
        return root;
    }
}
