using RnnSimd.Models;

namespace RnnSimd;

/// <summary>
/// What both Elman sessions have (<see cref="RecurrentNetworkSession"/>, for GRU, LSTM and
/// RNN networks, stands alone): buffers sized at creation, the state that Step carries, the thread
/// count, and Reset. The model-specific Forward and Step live in the derived sessions
/// (<see cref="ElmanLayerSession"/>, <see cref="ElmanNetworkSession"/>). After the first call,
/// Forward and Step allocate nothing. One session per thread; the model itself is shared.
/// A call while another is running on the session throws <see cref="InvalidOperationException"/>
/// (nothing is computed or written), and a Dispose from another thread during a call waits for it to return.
/// </summary>
public abstract class RecurrentSession : IDisposable
{
    private protected RecurrentSession(ElmanRunner runner)
    {
        Runner = runner;
        // Only a threaded session needs the finalizer: its running workers keep the runner (and
        // its lease on the weights) reachable, so nothing else would ever stop them.
        if (runner.Threads == 1)
            GC.SuppressFinalize(this);
    }

    /// <summary>A threaded session dropped without Dispose: stop its workers and release the weights.</summary>
    ~RecurrentSession() => Runner.Dispose();

    internal ElmanRunner Runner { get; }

    /// <summary>The longest sequence Forward accepts.</summary>
    public int MaxSequenceLength => Runner.MaxSequenceLength;

    /// <summary>Threads each call runs on (the caller's included), set at creation.</summary>
    public int Threads => Runner.Threads;

    /// <summary>
    /// Calls since the session was created that ran on the calling thread alone although the session
    /// has worker threads, because a recent call found a worker late: its core was busy with other
    /// work, and the session pauses threading for a while (docs/architecture.md, Threads). Always 0
    /// with one thread. Results are the same bits either way; timings are not, so tools that time
    /// threaded calls report this count beside them.
    /// </summary>
    public long CallsRunAlone => Runner.Pool?.CallsRunAlone ?? 0;

    /// <summary>The largest batch this session accepts.</summary>
    public int MaxBatch => Runner.MaxBatch;

    /// <summary>Rows per Step: set by <see cref="Reset(int)"/>, <see cref="MaxBatch"/> until then.</summary>
    public int Batch => Runner.Batch;

    /// <summary>
    /// The hidden state Step carries: (Batch, H), row-major. Zeros until the first step. A view of
    /// the session's own buffer: read it between calls (a Step on another thread rewrites it).
    /// </summary>
    /// <exception cref="ObjectDisposedException">The session is disposed.</exception>
    public ReadOnlySpan<float> State
    {
        get
        {
            Runner.ThrowIfDisposed();
            return Runner.State;
        }
    }

    /// <summary>Sets the carried state to zeros for <paramref name="batch"/> rows.</summary>
    public void Reset(int batch) => ResetTo(default, batch);

    /// <summary>Sets the carried state to zeros, keeping <see cref="Batch"/>.</summary>
    public void Reset() => ResetTo(default, Batch);

    /// <summary>Sets the carried state to <paramref name="initialState"/> ((batch, H)) for <paramref name="batch"/> rows.</summary>
    public void Reset(ReadOnlySpan<float> initialState, int batch)
    {
        if (initialState.IsEmpty)
            throw new ArgumentException("initialState is empty; use Reset(batch) for zeros.", nameof(initialState));
        ResetTo(initialState, batch);
    }

    private void ResetTo(ReadOnlySpan<float> initialState, int batch)
    {
        Runner.Enter();
        try
        {
            Runner.Reset(initialState, batch);
        }
        finally
        {
            Runner.Exit();
        }
    }

    /// <summary>
    /// Stops this session's worker threads (a single-threaded session has none) and releases its
    /// hold on the model's weights; the session is unusable afterwards. Called while another thread
    /// is inside a call of this session, it waits for that call to return.
    /// </summary>
    /// <exception cref="InvalidOperationException">Called from inside a call of this session on the same thread.</exception>
    public void Dispose()
    {
        Runner.Dispose();
        GC.SuppressFinalize(this);
    }
}
