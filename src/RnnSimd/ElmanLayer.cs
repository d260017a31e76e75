using RnnSimd.Kernels;
using RnnSimd.Models;

namespace RnnSimd;

/// <summary>
/// One Elman layer in PyTorch's nn.RNN convention: h' = act(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh).
/// Immutable once created: its weights are packed once into native memory it owns, and any
/// number of threads may run their own <see cref="ElmanLayerSession"/> on it at once.
/// </summary>
/// <example>
/// <code>
/// using var layer = ElmanLayer.Create(inputSize: 64, hiddenSize: 128, weightIh, weightHh, biasIh, biasHh);
/// var session = layer.CreateSession(maxSequenceLength: 100, maxBatch: 1);
/// session.Forward(x, sequenceLength: 100, batch: 1, output, finalState);
/// </code>
/// </example>
public sealed class ElmanLayer : IDisposable
{
    private readonly ElmanWeights _weights;
    private readonly ElmanEngine _engine;

    private ElmanLayer(ElmanWeights weights, ElmanEngine engine, Nonlinearity nonlinearity, bool hasBias, SimdPath path)
    {
        _weights = weights;
        _engine = engine;
        Nonlinearity = nonlinearity;
        HasBias = hasBias;
        Path = path;
    }

    internal ElmanWeights Weights => _weights;

    /// <summary>X: floats per input row.</summary>
    public int InputSize => _weights.InputSize;

    /// <summary>H: floats per hidden state row.</summary>
    public int HiddenSize => _weights.HiddenSize;

    /// <summary>The activation.</summary>
    public Nonlinearity Nonlinearity { get; }

    /// <summary>Whether the layer has b_ih and b_hh.</summary>
    public bool HasBias { get; }

    /// <summary>The SIMD path the packed weights and kernels serve.</summary>
    public SimdPath Path { get; }

    /// <summary>The kernels this layer runs.</summary>
    public KernelInfo Kernels => _engine.Kernels;

    /// <summary>
    /// Creates a layer from PyTorch-layout weights (row-major, as nn.RNN's state_dict holds them).
    /// </summary>
    /// <param name="inputSize">X, at least 1.</param>
    /// <param name="hiddenSize">H, at least 1.</param>
    /// <param name="weightIh">weight_ih_l0: (H, X).</param>
    /// <param name="weightHh">weight_hh_l0: (H, H).</param>
    /// <param name="biasIh">bias_ih_l0: (H), or empty when the layer has no bias (then <paramref name="biasHh"/> too).</param>
    /// <param name="biasHh">bias_hh_l0: (H), or empty when the layer has no bias.</param>
    /// <param name="nonlinearity">tanh (default) or relu.</param>
    /// <param name="path">The SIMD path; null for the widest available (<see cref="Isa.Best"/>).</param>
    /// <exception cref="ArgumentException">A size is out of range or a span does not have the size it needs.</exception>
    public static ElmanLayer Create(int inputSize, int hiddenSize,
        ReadOnlySpan<float> weightIh, ReadOnlySpan<float> weightHh,
        ReadOnlySpan<float> biasIh, ReadOnlySpan<float> biasHh,
        Nonlinearity nonlinearity = Nonlinearity.Tanh, SimdPath? path = null)
    {
        Check.Positive(inputSize, nameof(inputSize));
        Check.Positive(hiddenSize, nameof(hiddenSize));
        CheckExact(weightIh, (long)hiddenSize * inputSize, nameof(weightIh), $"(hiddenSize {hiddenSize}, inputSize {inputSize})");
        CheckExact(weightHh, (long)hiddenSize * hiddenSize, nameof(weightHh), $"(hiddenSize {hiddenSize}, hiddenSize {hiddenSize})");
        if (biasIh.IsEmpty != biasHh.IsEmpty)
            throw new ArgumentException("biasIh and biasHh must both be given or both be empty (a layer without bias).",
                biasIh.IsEmpty ? nameof(biasIh) : nameof(biasHh));
        bool hasBias = !biasIh.IsEmpty;
        if (hasBias)
        {
            CheckExact(biasIh, hiddenSize, nameof(biasIh), $"(hiddenSize {hiddenSize})");
            CheckExact(biasHh, hiddenSize, nameof(biasHh), $"(hiddenSize {hiddenSize})");
        }
        if (!Enum.IsDefined(nonlinearity))
            throw new ArgumentOutOfRangeException(nameof(nonlinearity), nonlinearity, "Unknown nonlinearity.");
        SimdPath chosen = Isa.Resolve(path, nameof(path));

        // The two biases are summed once here: one rounding, covered by the error bound.
        float[] bias = new float[hasBias ? hiddenSize : 0];
        for (int i = 0; i < bias.Length; i++)
            bias[i] = biasIh[i] + biasHh[i];

        PackedMatrix? input = null, recurrent = null;
        try
        {
            input = PackedMatrix.FromTransposed(weightIh, inputSize, hiddenSize, chosen);
            recurrent = PackedMatrix.FromTransposed(weightHh, hiddenSize, hiddenSize, chosen);
            var weights = new ElmanWeights(inputSize, hiddenSize, 0, input, recurrent, bias, null, default);
            return new ElmanLayer(weights, ElmanEngine.Create(chosen, nonlinearity, weights), nonlinearity, hasBias, chosen);
        }
        catch
        {
            input?.Dispose();
            recurrent?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Creates a session: its buffers are allocated now, for up to <paramref name="maxSequenceLength"/>
    /// steps of up to <paramref name="maxBatch"/> rows, so that its Forward and Step allocate nothing.
    /// The kernels and step loops its calls can reach are compiled now too (a forward over two steps
    /// of zeros and two Steps run), so that no call waits for the optimizing JIT; only the public
    /// entry points compile, quickly, at their first call. The first session of a SIMD path in a
    /// process takes some tens of milliseconds to create (60–120 ms measured on a Zen 5 core); later
    /// ones compile only what no earlier session reached.
    /// </summary>
    /// <param name="maxSequenceLength">The longest sequence Forward will be given.</param>
    /// <param name="maxBatch">The largest batch Forward and Step will be given.</param>
    /// <param name="threads">
    /// Threads per call, the caller's included (default 1; <see cref="Environment.ProcessorCount"/> is
    /// the natural maximum). With more than one, each step's hidden units are split across persistent
    /// worker threads that meet at a barrier per step; a Forward of at least 8 batch rows per thread
    /// splits the batch by rows instead (each thread runs its own rows through the whole sequence).
    /// Results are bit-identical for every count.
    /// If a call finds a worker late (its core busy with other work), calls run on the calling
    /// thread alone for a while (10 ms to 1 s), with the same bits. Dispose the session to stop them.
    /// </param>
    public ElmanLayerSession CreateSession(int maxSequenceLength, int maxBatch, int threads = 1)
    {
        ObjectDisposedException.ThrowIf(_weights.IsDisposed, this);
        return new ElmanLayerSession(this, new ElmanRunner(this, typeof(ElmanLayerSession), _weights, _engine, maxSequenceLength, maxBatch, threads, needsSequenceBuffer: false));
    }

    /// <summary>Frees the packed weights once no session holds them; sessions of this layer throw <see cref="ObjectDisposedException"/> afterwards.</summary>
    public void Dispose() => _weights.Dispose();

    internal static void CheckExact(ReadOnlySpan<float> span, long needed, string name, string shape)
    {
        if (span.Length != needed)
            throw new ArgumentException($"{name} has {span.Length} elements; shape {shape} needs {needed}.", name);
    }
}
