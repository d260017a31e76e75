using RnnSimd.Models.Recurrent;

namespace RnnSimd;

/// <summary>
/// A PyTorch recurrent module — nn.RNN, nn.GRU or nn.LSTM with any number of layers, either
/// direction count, with or without bias, and LSTM projections — built from its state_dict.
/// Immutable once created: its weights are packed once into native memory it owns, and any number
/// of threads may run their own <see cref="RecurrentNetworkSession"/> on it at once.
/// </summary>
/// <example>
/// <code>
/// var spec = new RecurrentSpec(RecurrentCell.Lstm, InputSize: 64, HiddenSize: 128, NumLayers: 2);
/// using var lstm = RecurrentNetwork.Create(spec, stateDict);   // weight_ih_l0, weight_hh_l0, ...
/// using var session = lstm.CreateSession(maxSequenceLength: 100, maxBatch: 8);
/// session.Forward(x, sequenceLength: 100, batch: 8, output, finalHidden, finalCell);
/// </code>
/// </example>
public sealed class RecurrentNetwork : IDisposable
{
    private readonly RecurrentWeights _weights;
    private readonly RecurrentEngine _engine;

    private RecurrentNetwork(RecurrentWeights weights, RecurrentEngine engine)
    {
        _weights = weights;
        _engine = engine;
    }

    /// <summary>The module's shape.</summary>
    public RecurrentSpec Spec => _weights.Spec;

    /// <summary>The SIMD path the packed weights and kernels serve.</summary>
    public SimdPath Path => _weights.Path;

    /// <summary>The kernels this network runs.</summary>
    public KernelInfo Kernels => _engine.Kernels;

    /// <summary>
    /// Creates a network from PyTorch-layout parameters: the state_dict of the module, with the
    /// names and shapes <see cref="RecurrentSpec.ParameterShapes"/> lists (row-major, as PyTorch
    /// holds them), and nothing else.
    /// </summary>
    /// <param name="spec">The module's shape.</param>
    /// <param name="parameters">Every parameter by its state_dict name (without any module prefix).</param>
    /// <param name="path">The SIMD path; null for the widest available (<see cref="Isa.Best"/>).</param>
    /// <exception cref="ArgumentException">The spec is out of range, or a parameter is missing, unexpected or has the wrong size (the message names it and its shape).</exception>
    public static RecurrentNetwork Create(RecurrentSpec spec, IReadOnlyDictionary<string, float[]> parameters, SimdPath? path = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(parameters);
        IReadOnlyList<KeyValuePair<string, int[]>> shapes = spec.ParameterShapes();
        var expected = new HashSet<string>();
        foreach ((string name, int[] shape) in shapes)
        {
            expected.Add(name);
            long needed = 1;
            foreach (int d in shape)
                needed *= d;
            string shapeText = $"({string.Join(", ", shape)})";
            if (!parameters.TryGetValue(name, out float[]? value) || value is null)
                throw new ArgumentException($"parameters has no '{name}'; a {Describe(spec)} needs it with shape {shapeText}.", nameof(parameters));
            if (value.Length != needed)
                throw new ArgumentException($"parameters['{name}'] has {value.Length} elements; shape {shapeText} needs {needed}.", nameof(parameters));
        }
        foreach (string name in parameters.Keys)
        {
            if (!expected.Contains(name))
                throw new ArgumentException($"parameters has '{name}', which a {Describe(spec)} does not take.", nameof(parameters));
        }
        SimdPath chosen = Isa.Resolve(path, nameof(path));
        RecurrentWeights weights = RecurrentWeights.Pack(spec, chosen, name => parameters[name]);
        return new RecurrentNetwork(weights, RecurrentEngine.Create(chosen, spec.Nonlinearity));
    }

    /// <summary>A short description for messages, e.g. "2-layer bidirectional LSTM (X 8, H 16, proj 4, bias)".</summary>
    internal static string Describe(RecurrentSpec spec)
        => $"{spec.NumLayers}-layer {(spec.Bidirectional ? "bidirectional " : "")}{spec.Cell.ToString().ToUpperInvariant()} " +
           $"(input {spec.InputSize}, hidden {spec.HiddenSize}{(spec.ProjSize > 0 ? $", proj {spec.ProjSize}" : "")}, {(spec.Bias ? "bias" : "no bias")})";

    /// <summary>
    /// Creates a session: its buffers are allocated now, for up to <paramref name="maxSequenceLength"/>
    /// steps of up to <paramref name="maxBatch"/> rows, so that its Forward and Step allocate nothing.
    /// The kernels and step loops its calls can reach are compiled now too (a forward over two steps
    /// of zeros runs, and two Steps if the network is unidirectional), so that no call waits for the optimizing JIT; only the public
    /// entry points compile, quickly, at their first call. The first session of a SIMD path in a
    /// process takes some tens of milliseconds to create (60–120 ms measured on a Zen 5 core); later
    /// ones compile only what no earlier session reached.
    /// </summary>
    /// <param name="maxSequenceLength">The longest sequence Forward will be given.</param>
    /// <param name="maxBatch">The largest batch Forward and Step will be given.</param>
    /// <param name="threads">
    /// Threads per call, the caller's included (default 1). With more than one, each step's hidden
    /// units are split across persistent worker threads that meet at a barrier per step; a Forward
    /// of at least 8 batch rows per thread splits the batch by rows instead (each thread runs its own
    /// rows through every layer), except that a bidirectional network on exactly two threads runs one
    /// direction per thread. Results are bit-identical for every count. If a call finds a worker late (its core busy with other
    /// work), calls run on the calling thread alone for a while (10 ms to 1 s), with the same bits.
    /// Dispose the session to stop them.
    /// </param>
    public RecurrentNetworkSession CreateSession(int maxSequenceLength, int maxBatch, int threads = 1)
    {
        ObjectDisposedException.ThrowIf(_weights.IsDisposed, this);
        return new RecurrentNetworkSession(this, new RecurrentRunner(this, typeof(RecurrentNetworkSession), _weights, _engine, maxSequenceLength, maxBatch, threads));
    }

    internal RecurrentWeights Weights => _weights;

    /// <summary>Frees the packed weights once no session holds them; sessions of this network throw <see cref="ObjectDisposedException"/> afterwards.</summary>
    public void Dispose() => _weights.Dispose();
}
