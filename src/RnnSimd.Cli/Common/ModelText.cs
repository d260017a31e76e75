namespace RnnSimd.Cli.Common;

/// <summary>Short descriptions of models for messages and summaries.</summary>
internal static class ModelText
{
    /// <summary>"2-layer bidirectional LSTM (input 4, hidden 8, proj 3, bias)"; an RNN also names its activation.</summary>
    public static string Describe(RecurrentSpec spec)
    {
        string cell = spec.Cell switch
        {
            RecurrentCell.Rnn => $"RNN ({Name(spec.Nonlinearity)})",
            RecurrentCell.Gru => "GRU",
            _ => "LSTM",
        };
        string proj = spec.ProjSize > 0 ? $", proj {spec.ProjSize}" : "";
        return $"{spec.NumLayers}-layer {(spec.Bidirectional ? "bidirectional " : "")}{cell} " +
               $"(input {spec.InputSize}, hidden {spec.HiddenSize}{proj}, {(spec.Bias ? "bias" : "no bias")})";
    }

    /// <summary>"tanh" or "relu".</summary>
    public static string Name(Nonlinearity nonlinearity) => nonlinearity == Nonlinearity.Relu ? "relu" : "tanh";

    /// <summary>"rnn", "gru" or "lstm".</summary>
    public static string Name(RecurrentCell cell) => cell switch
    {
        RecurrentCell.Gru => "gru",
        RecurrentCell.Lstm => "lstm",
        _ => "rnn",
    };
}
