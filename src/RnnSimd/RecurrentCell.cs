namespace RnnSimd;

/// <summary>The cell of a <see cref="RecurrentNetwork"/>: PyTorch's nn.RNN, nn.GRU or nn.LSTM.</summary>
public enum RecurrentCell
{
    /// <summary>nn.RNN: h' = act(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh), one gate.</summary>
    Rnn,

    /// <summary>nn.GRU: gates r, z, n (in that order in the weights).</summary>
    Gru,

    /// <summary>nn.LSTM: gates i, f, g, o (in that order in the weights), a cell state, optional projection.</summary>
    Lstm,
}
