using System.CommandLine;
using RnnSimd.Cli.Samples;

namespace RnnSimd.Cli.Commands;

/// <summary>
/// <c>rnnsimd make-sample DIR</c> (hidden, for developers): writes the sample LSTM and its input,
/// as committed in samples/lstm.
/// </summary>
internal static class MakeSampleCommand
{
    public static Command Create()
    {
        var directory = new Argument<string>("DIR") { Description = "Where to write model.safetensors and x.npy (samples/lstm in the repository)." };
        directory.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string>() is not { Length: > 0 })
                r.AddError("DIR needs a directory name (got an empty string).");
        });
        var command = new Command("make-sample", "Write the sample 2-layer LSTM state_dict and its input x (samples/lstm).")
        {
            directory,
        };
        command.Hidden = true;
        command.SetAction(parse =>
        {
            string dir = parse.GetRequiredValue(directory);
            SampleModel.Write(dir);
            parse.InvocationConfiguration.Output.WriteLine($"wrote {Path.Combine(dir, SampleModel.ModelFile)} and {Path.Combine(dir, SampleModel.InputFile)}");
            return ExitCodes.Success;
        });
        return command;
    }
}
