using RnnSimd.Models;

namespace RnnSimd;

/// <summary>
/// The mutable side of an <see cref="ElmanLayer"/>: buffers sized at creation and the state that
/// <see cref="Step"/> carries. After the first call, <see cref="Forward"/> and <see cref="Step"/>
/// allocate nothing. One session per thread; the layer itself is shared.
/// </summary>
public sealed unsafe class ElmanLayerSession : IDisposable
{
    private readonly ElmanRunner _runner;

    internal ElmanRunner Runner => _runner;

    internal ElmanLayerSession(ElmanLayer layer, ElmanRunner runner)
    {
        Layer = layer;
        _runner = runner;
    }

    /// <summary>The layer this session runs.</summary>
    public ElmanLayer Layer { get; }

    /// <summary>The longest sequence <see cref="Forward"/> accepts.</summary>
    public int MaxSequenceLength => _runner.MaxSequenceLength;

    /// <summary>Threads each call runs on (the caller's included), set at creation.</summary>
    public int Threads => _runner.Threads;

    /// <summary>The largest batch this session accepts.</summary>
    public int MaxBatch => _runner.MaxBatch;

    /// <summary>Rows per <see cref="Step"/>: set by <see cref="Reset(int)"/>, <see cref="MaxBatch"/> until then.</summary>
    public int Batch => _runner.Batch;

    /// <summary>The hidden state <see cref="Step"/> carries: (Batch, H), row-major. Zeros until the first step.</summary>
    public ReadOnlySpan<float> State => _runner.State;

    /// <summary>
    /// Runs a whole sequence. Does not touch the state <see cref="Step"/> carries. Every span may be
    /// longer than its shape needs: only its first elements are read or written.
    /// </summary>
    /// <param name="x">Input (T, B, X), time-major, row-major.</param>
    /// <param name="sequenceLength">T, 1..<see cref="MaxSequenceLength"/>.</param>
    /// <param name="batch">B, 1..<see cref="MaxBatch"/>.</param>
    /// <param name="output">Receives h_1..h_T as (T, B, H); must not overlap the other spans.</param>
    /// <param name="finalState">Receives h_T as (B, H); may be the memory of <paramref name="initialState"/>.</param>
    /// <param name="initialState">h_0 as (B, H), or empty for zeros.</param>
    /// <exception cref="ArgumentException">A size is out of range or a span is too short or overlaps another.</exception>
    public void Forward(ReadOnlySpan<float> x, int sequenceLength, int batch, Span<float> output, Span<float> finalState,
        ReadOnlySpan<float> initialState = default)
    {
        _runner.CheckForward(x, sequenceLength, batch, output, Layer.HiddenSize, finalState, initialState);
        _runner.RunLayer(x, sequenceLength, batch, output, finalState, initialState);
        // The kernels hold only raw pointers: keep this session (and through it the weights)
        // reachable until they are done, or a finalizer could free memory mid-call.
        GC.KeepAlive(this);
    }

    /// <summary>One time step on the carried state: h_t = act(x_t·W_ihᵀ + b_ih + h_{t-1}·W_hhᵀ + b_hh).</summary>
    /// <param name="x">x_t as (<see cref="Batch"/>, X).</param>
    /// <param name="hidden">Receives h_t as (<see cref="Batch"/>, H).</param>
    /// <exception cref="ArgumentException">A span is too short or they overlap.</exception>
    public void Step(ReadOnlySpan<float> x, Span<float> hidden)
    {
        _runner.CheckStep(x, hidden, Layer.HiddenSize);
        float* state = _runner.Step(x, default);
        new ReadOnlySpan<float>(state, Batch * Layer.HiddenSize).CopyTo(hidden);
        GC.KeepAlive(this);
    }

    /// <summary>Sets the carried state to zeros for <paramref name="batch"/> rows.</summary>
    public void Reset(int batch) => _runner.Reset(default, batch);

    /// <summary>Sets the carried state to zeros, keeping <see cref="Batch"/>.</summary>
    public void Reset() => _runner.Reset(default, Batch);

    /// <summary>Sets the carried state to <paramref name="initialState"/> ((batch, H)) for <paramref name="batch"/> rows.</summary>
    public void Reset(ReadOnlySpan<float> initialState, int batch)
    {
        if (initialState.IsEmpty)
            throw new ArgumentException("initialState is empty; use Reset(batch) for zeros.", nameof(initialState));
        _runner.Reset(initialState, batch);
    }

    /// <summary>Stops this session's worker threads (a single-threaded session has none); the session is unusable afterwards.</summary>
    public void Dispose() => _runner.Dispose();
}
