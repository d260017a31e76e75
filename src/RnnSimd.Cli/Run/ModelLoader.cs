using RnnSimd.Cli.Common;
using RnnSimd.IO;

namespace RnnSimd.Cli.Run;

/// <summary>
/// Opens the model file and decides what it is: a state_dict with the reference network's keys
/// (W_xh, W_hh, b_h, W_hy, b_y) is the reference Elman network, anything else must be an
/// nn.RNN/GRU/LSTM state_dict. Then checks that the options fit that model.
/// </summary>
internal static class ModelLoader
{
    public static RunnableModel Load(RunOptions options)
    {
        using SafetensorsFile file = SafetensorsFile.Open(options.Model);
        if (ElmanStateDict.IsElman(file))
        {
            ElmanParameters parameters = ElmanStateDict.Read(file);
            string title = $"{options.Model} holds the {parameters.Describe()}";
            if (options.Nonlinearity is { } act)
                throw new CliException($"--nonlinearity {act}: {title}, which is tanh only; --nonlinearity is for nn.RNN models.");
            if (options.Lengths is { } lengths)
                throw new CliException($"--lengths {lengths}: {title}, which takes no lengths (nn.RNN, nn.GRU and nn.LSTM models do).");
            return new ElmanModel(options.Model, parameters.Describe(), parameters.CreateNetwork());
        }

        (RecurrentSpec spec, Dictionary<string, float[]> weights) = RecurrentStateDict.Read(file);
        if (options.Nonlinearity is { } nonlinearity)
        {
            if (spec.Cell != RecurrentCell.Rnn)
                throw new CliException($"--nonlinearity {nonlinearity}: {options.Model} holds a {ModelText.Describe(spec)}, whose gates have fixed activations; --nonlinearity is for nn.RNN models.");
            spec = spec with { Nonlinearity = nonlinearity == "relu" ? Nonlinearity.Relu : Nonlinearity.Tanh };
        }
        return new RecurrentModel(options.Model, RecurrentNetwork.Create(spec, weights));
    }
}
