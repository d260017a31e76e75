using System.CommandLine;
using RnnSimd.Cli.Info;

namespace RnnSimd.Cli.Commands;

/// <summary><c>rnnsimd info</c>: the instruction sets .NET sees, the path RnnSimd takes, and the versions.</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var command = new Command("info", "Show the CPU's instruction sets as .NET sees them, the SIMD path and kernels RnnSimd uses, the processor count and the versions.");
        command.SetAction(parse =>
        {
            TextWriter output = parse.InvocationConfiguration.Output;
            foreach (string line in MachineInfo.Lines())
                output.WriteLine(line);
            return ExitCodes.Success;
        });
        return command;
    }
}
