namespace RnnSimd;

/// <summary>
/// The shape of a PyTorch recurrent module (nn.RNN, nn.GRU, nn.LSTM): the constructor arguments
/// that fix its parameters. Batch-first and unbatched input are options of each call, not of the
/// network (see <see cref="RecurrentNetworkSession.Forward"/>).
/// </summary>
/// <param name="Cell">RNN, GRU or LSTM.</param>
/// <param name="InputSize">X: features per input step, at least 1.</param>
/// <param name="HiddenSize">H: hidden units per direction, at least 1.</param>
/// <param name="NumLayers">Stacked layers, at least 1.</param>
/// <param name="Bidirectional">Whether each layer also runs backward in time.</param>
/// <param name="Bias">Whether the layers have b_ih and b_hh.</param>
/// <param name="ProjSize">LSTM only: the projected hidden size (weight_hr), 1..H−1; 0 for none.</param>
/// <param name="Nonlinearity">RNN only: tanh or relu.</param>
public sealed record RecurrentSpec(
    RecurrentCell Cell,
    int InputSize,
    int HiddenSize,
    int NumLayers = 1,
    bool Bidirectional = false,
    bool Bias = true,
    int ProjSize = 0,
    Nonlinearity Nonlinearity = Nonlinearity.Tanh)
{
    /// <summary>Gates per hidden unit: 1 (RNN), 3 (GRU), 4 (LSTM).</summary>
    public int Gates => Cell switch { RecurrentCell.Gru => 3, RecurrentCell.Lstm => 4, _ => 1 };

    /// <summary>D: 2 when bidirectional, else 1.</summary>
    public int Directions => Bidirectional ? 2 : 1;

    /// <summary>H_out: the size of h (ProjSize when there is a projection, else H).</summary>
    public int HiddenOutputSize => ProjSize > 0 ? ProjSize : HiddenSize;

    /// <summary>Floats per output row: D·H_out.</summary>
    public int OutputSize => Directions * HiddenOutputSize;

    /// <summary>Rows of h0/h_n (and c0/c_n): D·L, ordered layer-major then direction.</summary>
    public int StateCount => Directions * NumLayers;

    /// <summary>Whether the cell carries c (LSTM).</summary>
    public bool HasCellState => Cell == RecurrentCell.Lstm;

    /// <summary>
    /// Every parameter the network takes, with PyTorch's state_dict name and shape, in PyTorch's
    /// order: per layer, per direction (suffix "_reverse"), weight_ih, weight_hh, bias_ih, bias_hh,
    /// weight_hr.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, int[]>> ParameterShapes()
    {
        Validate();
        var shapes = new List<KeyValuePair<string, int[]>>();
        int gh = Gates * HiddenSize;
        for (int layer = 0; layer < NumLayers; layer++)
        {
            for (int direction = 0; direction < Directions; direction++)
            {
                string suffix = $"_l{layer}{(direction == 1 ? "_reverse" : "")}";
                shapes.Add(new($"weight_ih{suffix}", [gh, LayerInputSize(layer)]));
                shapes.Add(new($"weight_hh{suffix}", [gh, HiddenOutputSize]));
                if (Bias)
                {
                    shapes.Add(new($"bias_ih{suffix}", [gh]));
                    shapes.Add(new($"bias_hh{suffix}", [gh]));
                }
                if (ProjSize > 0)
                    shapes.Add(new($"weight_hr{suffix}", [ProjSize, HiddenSize]));
            }
        }
        return shapes;
    }

    /// <summary>Features per input row of layer <paramref name="layer"/>: X for the first, D·H_out above it.</summary>
    public int LayerInputSize(int layer) => layer == 0 ? InputSize : OutputSize;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first field that is out of range.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Cell))
            throw new ArgumentOutOfRangeException(nameof(Cell), Cell, "Unknown cell.");
        Check.Positive(InputSize, nameof(InputSize));
        Check.Positive(HiddenSize, nameof(HiddenSize));
        Check.Positive(NumLayers, nameof(NumLayers));
        if (!Enum.IsDefined(Nonlinearity))
            throw new ArgumentOutOfRangeException(nameof(Nonlinearity), Nonlinearity, "Unknown nonlinearity.");
        if (Cell != RecurrentCell.Rnn && Nonlinearity != Nonlinearity.Tanh)
            throw new ArgumentException($"Nonlinearity {Nonlinearity} applies to RNN cells only; a {Cell} has fixed gate activations.", nameof(Nonlinearity));
        if (ProjSize != 0)
        {
            if (Cell != RecurrentCell.Lstm)
                throw new ArgumentException($"ProjSize = {ProjSize}: only LSTM cells have a projection.", nameof(ProjSize));
            if (ProjSize < 0 || ProjSize >= HiddenSize)
                throw new ArgumentOutOfRangeException(nameof(ProjSize), ProjSize,
                    $"ProjSize = {ProjSize} must be 0 (none) or 1..{HiddenSize - 1} (less than HiddenSize = {HiddenSize}).");
        }
        // Packed, each gate's units are padded to whole panels: with H = 1 a gate takes 32 columns
        // on the 512-bit path (the widest, so the limit holds on every path).
        int panel = Kernels.PackedMatrix.VectorsPerPanel * System.Runtime.Intrinsics.Vector512<float>.Count;
        long paddedColumns = (long)Gates * ((HiddenSize + (long)panel - 1) / panel * panel);
        if (paddedColumns * Math.Max(InputSize, Math.Max(OutputSize, HiddenOutputSize)) > Array.MaxLength)
        {
            // Blame InputSize only when the hidden size alone would fit.
            bool input = paddedColumns * Math.Max(OutputSize, HiddenOutputSize) <= Array.MaxLength;
            throw new ArgumentOutOfRangeException(input ? nameof(InputSize) : nameof(HiddenSize), input ? InputSize : HiddenSize,
                $"HiddenSize = {HiddenSize} with InputSize = {InputSize}: a weight matrix, its gates padded to whole " +
                $"panels of {panel} units, would have more elements than one array holds ({Array.MaxLength}).");
        }
    }
}
