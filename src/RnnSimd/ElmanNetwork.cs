using RnnSimd.Kernels;
using RnnSimd.Models;

namespace RnnSimd;

/// <summary>
/// The reference Elman network with its output layer, in the row convention of its PyTorch
/// reference module: h_t = tanh(h_{t-1}·W_hh + x_t·W_xh + b_h), y_t = h_t·W_hy + b_y.
/// Immutable once created; share it across threads, one <see cref="ElmanNetworkSession"/> each.
/// </summary>
/// <example>
/// <code>
/// using var net = ElmanNetwork.Create(inputSize: 4, hiddenSize: 8, outputSize: 2, wXh, wHh, bH, wHy, bY);
/// var session = net.CreateSession(maxSequenceLength: 16, maxBatch: 1);
/// session.Forward(x, sequenceLength: 16, batch: 1, outputs, finalState);
/// </code>
/// </example>
public sealed class ElmanNetwork : IDisposable
{
    private readonly ElmanWeights _weights;
    private readonly ElmanEngine _engine;

    private ElmanNetwork(ElmanWeights weights, ElmanEngine engine, SimdPath path)
    {
        _weights = weights;
        _engine = engine;
        Path = path;
    }

    /// <summary>X: floats per input row.</summary>
    public int InputSize => _weights.InputSize;

    /// <summary>H: floats per hidden state row.</summary>
    public int HiddenSize => _weights.HiddenSize;

    /// <summary>Y: floats per output row.</summary>
    public int OutputSize => _weights.OutputSize;

    /// <summary>The SIMD path the packed weights and kernels serve.</summary>
    public SimdPath Path { get; }

    /// <summary>The kernels this network runs.</summary>
    public KernelInfo Kernels => _engine.Kernels;

    /// <summary>Creates the network from the reference module's parameters (row-major, its state_dict layout).</summary>
    /// <param name="inputSize">X, at least 1.</param>
    /// <param name="hiddenSize">H, at least 1.</param>
    /// <param name="outputSize">Y, at least 1.</param>
    /// <param name="wXh">W_xh: (X, H).</param>
    /// <param name="wHh">W_hh: (H, H).</param>
    /// <param name="bH">b_h: (H).</param>
    /// <param name="wHy">W_hy: (H, Y).</param>
    /// <param name="bY">b_y: (Y).</param>
    /// <param name="path">The SIMD path; null for the widest available (<see cref="Isa.Best"/>).</param>
    /// <exception cref="ArgumentException">A size is out of range or a span does not have the size it needs.</exception>
    public static ElmanNetwork Create(int inputSize, int hiddenSize, int outputSize,
        ReadOnlySpan<float> wXh, ReadOnlySpan<float> wHh, ReadOnlySpan<float> bH,
        ReadOnlySpan<float> wHy, ReadOnlySpan<float> bY, SimdPath? path = null)
    {
        Check.Positive(inputSize, nameof(inputSize));
        Check.Positive(hiddenSize, nameof(hiddenSize));
        Check.Positive(outputSize, nameof(outputSize));
        ElmanLayer.CheckExact(wXh, (long)inputSize * hiddenSize, nameof(wXh), $"(inputSize {inputSize}, hiddenSize {hiddenSize})");
        ElmanLayer.CheckExact(wHh, (long)hiddenSize * hiddenSize, nameof(wHh), $"(hiddenSize {hiddenSize}, hiddenSize {hiddenSize})");
        ElmanLayer.CheckExact(bH, hiddenSize, nameof(bH), $"(hiddenSize {hiddenSize})");
        ElmanLayer.CheckExact(wHy, (long)hiddenSize * outputSize, nameof(wHy), $"(hiddenSize {hiddenSize}, outputSize {outputSize})");
        ElmanLayer.CheckExact(bY, outputSize, nameof(bY), $"(outputSize {outputSize})");
        SimdPath chosen = Isa.Resolve(path, nameof(path));

        PackedMatrix? input = null, recurrent = null, output = null;
        try
        {
            input = PackedMatrix.FromRowMajor(wXh, inputSize, hiddenSize, chosen);
            recurrent = PackedMatrix.FromRowMajor(wHh, hiddenSize, hiddenSize, chosen);
            output = PackedMatrix.FromRowMajor(wHy, hiddenSize, outputSize, chosen);
            var weights = new ElmanWeights(inputSize, hiddenSize, outputSize, input, recurrent, bH, output, bY);
            return new ElmanNetwork(weights, ElmanEngine.Create(chosen, Nonlinearity.Tanh, weights), chosen);
        }
        catch
        {
            input?.Dispose();
            recurrent?.Dispose();
            output?.Dispose();
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
    public ElmanNetworkSession CreateSession(int maxSequenceLength, int maxBatch, int threads = 1)
    {
        ObjectDisposedException.ThrowIf(_weights.IsDisposed, this);
        return new ElmanNetworkSession(this, new ElmanRunner(this, typeof(ElmanNetworkSession), _weights, _engine, maxSequenceLength, maxBatch, threads, needsSequenceBuffer: true));
    }

    /// <summary>Frees the packed weights once no session holds them; sessions of this network throw <see cref="ObjectDisposedException"/> afterwards.</summary>
    public void Dispose() => _weights.Dispose();
}
