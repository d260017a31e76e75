using RnnSimd.Kernels;

namespace RnnSimd.Models.Recurrent;

/// <summary>The packed weights of one layer in one direction.</summary>
internal sealed unsafe class LayerWeights : IDisposable
{
    private readonly AlignedBuffer? _inputBias;
    private readonly AlignedBuffer? _recurrentBias;

    public LayerWeights(PackedMatrix input, PackedMatrix recurrent, PackedMatrix? projection,
        AlignedBuffer? inputBias, AlignedBuffer? recurrentBias)
    {
        Input = input;
        Recurrent = recurrent;
        Projection = projection;
        _inputBias = inputBias;
        _recurrentBias = recurrentBias;
    }

    /// <summary>K = the layer's input size, N = gate columns (<see cref="GateLayout"/>).</summary>
    public PackedMatrix Input { get; }

    /// <summary>K = H_out, N = gate columns.</summary>
    public PackedMatrix Recurrent { get; }

    /// <summary>LSTM with proj_size: K = H, N = proj_size (weight_hrᵀ); else null.</summary>
    public PackedMatrix? Projection { get; }

    /// <summary>Added to the input projection: b_ih + b_hh, except b_in alone for a GRU's n gate; null without bias.</summary>
    public float* InputBias => _inputBias is null ? null : _inputBias.Pointer;

    /// <summary>Added to the recurrent product: b_hn on a GRU's n gate (r multiplies it), zero elsewhere; null otherwise.</summary>
    public float* RecurrentBias => _recurrentBias is null ? null : _recurrentBias.Pointer;

    public void Dispose()
    {
        Input.Dispose();
        Recurrent.Dispose();
        Projection?.Dispose();
        _inputBias?.Dispose();
        _recurrentBias?.Dispose();
    }
}

/// <summary>
/// A whole network's packed weights: one <see cref="LayerWeights"/> per layer and direction,
/// index layer·D + direction (PyTorch's h_n order). Lifetime as in <see cref="LeasedWeights"/>.
/// </summary>
internal sealed class RecurrentWeights : LeasedWeights
{
    private RecurrentWeights(RecurrentSpec spec, SimdPath path, GateLayout layout, LayerWeights[] layers)
    {
        Spec = spec;
        Path = path;
        Layout = layout;
        Layers = layers;
    }

    public RecurrentSpec Spec { get; }
    public SimdPath Path { get; }
    public GateLayout Layout { get; }
    public LayerWeights[] Layers { get; }

    /// <summary>
    /// Packs PyTorch-layout parameters (validated by the caller: every name present with its exact
    /// length) into the gate layout of <paramref name="path"/>. The two biases are summed here
    /// where the formula adds them (one rounding, covered by the error bound).
    /// </summary>
    public static RecurrentWeights Pack(RecurrentSpec spec, SimdPath path, Func<string, ReadOnlyMemory<float>> parameter)
    {
        int chunk = PackedMatrix.VectorsPerPanel * Isa.Lanes(path);
        var layout = new GateLayout(spec.Gates, spec.HiddenSize, chunk);
        var layers = new LayerWeights[spec.StateCount];
        try
        {
            for (int layer = 0; layer < spec.NumLayers; layer++)
            {
                for (int direction = 0; direction < spec.Directions; direction++)
                {
                    string suffix = $"_l{layer}{(direction == 1 ? "_reverse" : "")}";
                    layers[layer * spec.Directions + direction] = PackLayer(spec, path, layout, spec.LayerInputSize(layer), suffix, parameter);
                }
            }
            return new RecurrentWeights(spec, path, layout, layers);
        }
        catch
        {
            foreach (LayerWeights? packed in layers)
                packed?.Dispose();
            throw;
        }
    }

    private static LayerWeights PackLayer(RecurrentSpec spec, SimdPath path, GateLayout layout, int inputSize, string suffix,
        Func<string, ReadOnlyMemory<float>> parameter)
    {
        PackedMatrix? input = null, recurrent = null, projection = null;
        AlignedBuffer? inputBias = null, recurrentBias = null;
        try
        {
            input = PackGates(parameter($"weight_ih{suffix}").Span, inputSize, layout, path);
            recurrent = PackGates(parameter($"weight_hh{suffix}").Span, spec.HiddenOutputSize, layout, path);
            if (spec.ProjSize > 0)
                projection = PackedMatrix.FromTransposed(parameter($"weight_hr{suffix}").Span, spec.HiddenSize, spec.ProjSize, path);
            if (spec.Bias)
            {
                ReadOnlySpan<float> bih = parameter($"bias_ih{suffix}").Span;
                ReadOnlySpan<float> bhh = parameter($"bias_hh{suffix}").Span;
                inputBias = new AlignedBuffer(layout.Columns);
                Span<float> ib = inputBias.AsSpan();
                bool gru = spec.Cell == RecurrentCell.Gru;
                if (gru)
                    recurrentBias = new AlignedBuffer(layout.Columns);
                for (int g = 0; g < layout.Gates; g++)
                {
                    for (int u = 0; u < spec.HiddenSize; u++)
                    {
                        int source = g * spec.HiddenSize + u;
                        int column = layout.Column(g, u);
                        if (gru && g == 2)
                        {
                            ib[column] = bih[source];
                            recurrentBias!.AsSpan()[column] = bhh[source];
                        }
                        else
                        {
                            ib[column] = bih[source] + bhh[source];
                        }
                    }
                }
            }
            return new LayerWeights(input, recurrent, projection, inputBias, recurrentBias);
        }
        catch
        {
            input?.Dispose();
            recurrent?.Dispose();
            projection?.Dispose();
            inputBias?.Dispose();
            recurrentBias?.Dispose();
            throw;
        }
    }

    /// <summary>W (G·H, K) row-major, as PyTorch stores it, into a K × columns product in the gate layout.</summary>
    private static PackedMatrix PackGates(ReadOnlySpan<float> weight, int k, GateLayout layout, SimdPath path)
    {
        var permuted = new float[(long)k * layout.Columns];
        int h = layout.HiddenSize;
        for (int g = 0; g < layout.Gates; g++)
        {
            for (int u = 0; u < h; u++)
            {
                ReadOnlySpan<float> row = weight.Slice((g * h + u) * k, k);
                int column = layout.Column(g, u);
                for (int i = 0; i < k; i++)
                    permuted[(long)i * layout.Columns + column] = row[i];
            }
        }
        return PackedMatrix.FromRowMajor(permuted, k, layout.Columns, path);
    }

    protected override void FreeMemory()
    {
        foreach (LayerWeights layer in Layers)
            layer.Dispose();
    }
}
