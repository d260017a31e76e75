using System.CommandLine;
using System.CommandLine.Parsing;
using RnnSimd.Cli.Run;

namespace RnnSimd.Cli.Commands;

/// <summary><c>rnnsimd run MODEL --input NAME=FILE.npy ... --out DIR</c>: one forward pass of a saved model.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("MODEL")
        {
            Description = "The model's state_dict as safetensors: nn.RNN, nn.GRU or nn.LSTM, or the reference Elman network (keys W_xh, W_hh, b_h, W_hy, b_y).",
        };
        model.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string>() is not { Length: > 0 })
                r.AddError("MODEL needs a file name (got an empty string).");
        });
        var inputs = new Option<InputBinding[]>("--input", "-i")
        {
            Description = "An input of the model as an npy file (float32 or float64): x (T, B, X), or (B, T, X) with --batch-first, or unbatched (T, X); optionally h0, and c0 for an LSTM. Repeat for each input.",
            HelpName = "NAME=FILE.npy",
            Required = true,
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
            CustomParser = ParseInputs,
        };
        var outDirectory = new Option<string>("--out", "-o")
        {
            Description = "The directory for output.npy, h_n.npy and (LSTM) c_n.npy; created if needed. Nothing is written there unless the whole run succeeds.",
            HelpName = "DIR",
            Required = true,
        };
        outDirectory.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string>() is not { Length: > 0 })
                r.AddError("--out needs a directory name.");
        });
        var nonlinearity = new Option<string>("--nonlinearity")
        {
            Description = "nn.RNN models only: the activation, tanh (default) or relu. A state_dict does not record it.",
            HelpName = "tanh|relu",
        };
        nonlinearity.AcceptOnlyFromAmong("tanh", "relu");
        var batchFirst = new Option<bool>("--batch-first")
        {
            Description = "x is (B, T, X) and output (B, T, ·), as PyTorch's batch_first; h0, c0, h_n and c_n are unchanged.",
        };
        var lengths = new Option<string>("--lengths")
        {
            Description = "nn.RNN/GRU/LSTM with batched x: a (B,) int32 or int64 npy of per-sequence lengths, each 1..T (pack_padded_sequence); output past each length is zero.",
            HelpName = "FILE.npy",
        };

        var command = new Command("run", "Run a saved model on npy inputs; write output.npy, h_n.npy and (LSTM) c_n.npy to DIR, in PyTorch's shapes and orders.")
        {
            model, inputs, outDirectory, nonlinearity, batchFirst, lengths,
        };
        command.SetAction(parse =>
        {
            var options = new RunOptions(
                parse.GetRequiredValue(model),
                parse.GetRequiredValue(inputs),
                parse.GetRequiredValue(outDirectory),
                parse.GetValue(nonlinearity),
                parse.GetValue(batchFirst),
                parse.GetValue(lengths));
            return ModelRun.Execute(options, parse.InvocationConfiguration.Output);
        });
        return command;
    }

    private static InputBinding[] ParseInputs(ArgumentResult result)
    {
        var bindings = new List<InputBinding>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (Token token in result.Tokens)
        {
            if (InputBinding.TryParse(token.Value) is not { } binding)
            {
                result.AddError($"--input '{token.Value}' is not NAME=FILE.npy (for example x=x.npy).");
                continue;
            }
            if (!names.Add(binding.Name))
                result.AddError($"--input {binding.Name} is given more than once.");
            bindings.Add(binding);
        }
        return [.. bindings];
    }
}
