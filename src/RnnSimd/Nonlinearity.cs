namespace RnnSimd;

/// <summary>The activation of an Elman layer (PyTorch's nn.RNN nonlinearity).</summary>
public enum Nonlinearity
{
    /// <summary>tanh (PyTorch's default).</summary>
    Tanh,

    /// <summary>max(x, 0).</summary>
    Relu,
}
