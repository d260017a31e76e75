using RnnSimd.Models;

namespace RnnSimd;

/// <summary>
/// The mutable side of an <see cref="ElmanNetwork"/>: buffers sized at creation and the state that
/// <see cref="Step"/> carries. After the first call, <see cref="Forward"/> and <see cref="Step"/>
/// allocate nothing. One session per thread; the network itself is shared.
/// </summary>
public sealed unsafe class ElmanNetworkSession : IDisposable
{
    private readonly ElmanRunner _runner;

    internal ElmanRunner Runner => _runner;

    internal ElmanNetworkSession(ElmanNetwork network, ElmanRunner runner)
    {
        Network = network;
        _runner = runner;
    }

    /// <summary>The network this session runs.</summary>
    public ElmanNetwork Network { get; }

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
    /// <param name="outputs">Receives y_1..y_T as (T, B, Y); must not overlap the other spans.</param>
    /// <param name="finalState">Receives h_T as (B, H); may be the memory of <paramref name="initialState"/>.</param>
    /// <param name="initialState">h_0 as (B, H), or empty for zeros.</param>
    /// <exception cref="ArgumentException">A size is out of range or a span is too short or overlaps another.</exception>
    public void Forward(ReadOnlySpan<float> x, int sequenceLength, int batch, Span<float> outputs, Span<float> finalState,
        ReadOnlySpan<float> initialState = default)
    {
        _runner.CheckForward(x, sequenceLength, batch, outputs, Network.OutputSize, finalState, initialState);
        _runner.RunNetwork(x, sequenceLength, batch, outputs, finalState, initialState);
        // The kernels hold only raw pointers: keep this session (and through it the weights)
        // reachable until they are done, or a finalizer could free memory mid-call.
        GC.KeepAlive(this);
    }

    /// <summary>One time step on the carried state; writes y_t = h_t·W_hy + b_y.</summary>
    /// <param name="x">x_t as (<see cref="Batch"/>, X).</param>
    /// <param name="output">Receives y_t as (<see cref="Batch"/>, Y).</param>
    /// <exception cref="ArgumentException">A span is too short or they overlap.</exception>
    public void Step(ReadOnlySpan<float> x, Span<float> output)
    {
        _runner.CheckStep(x, output, Network.OutputSize);
        _runner.Step(x, output[..(Batch * Network.OutputSize)]);
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
