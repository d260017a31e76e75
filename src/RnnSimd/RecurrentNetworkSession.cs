using RnnSimd.Models.Recurrent;

namespace RnnSimd;

/// <summary>
/// The mutable side of a <see cref="RecurrentNetwork"/>: buffers sized at creation and the state
/// that <see cref="Step"/> carries. After the first call, <see cref="Forward"/> and
/// <see cref="Step"/> allocate nothing. One session per thread; the network itself is shared.
/// A call while another is running on the session throws <see cref="InvalidOperationException"/>
/// (nothing is computed or written), and a Dispose from another thread during a call waits for it to return.
/// </summary>
/// <remarks>
/// Shapes and orders are PyTorch's. Unbatched input (T, X) is batch 1: the same memory as
/// (T, 1, X), with output (T, D·H_out) and states (D·L, H_out). Every span may be longer than its
/// shape needs: only its first elements are read or written.
/// </remarks>
public sealed class RecurrentNetworkSession : IDisposable
{
    private readonly RecurrentRunner _runner;

    internal RecurrentNetworkSession(RecurrentNetwork network, RecurrentRunner runner)
    {
        Network = network;
        _runner = runner;
        // Only a threaded session needs the finalizer: its running workers keep the runner (and
        // its lease on the weights) reachable, so nothing else would ever stop them.
        if (runner.Threads == 1)
            GC.SuppressFinalize(this);
    }

    /// <summary>A threaded session dropped without Dispose: stop its workers and release the weights.</summary>
    ~RecurrentNetworkSession() => _runner.Dispose();

    internal RecurrentRunner Runner => _runner;

    /// <summary>The network this session runs.</summary>
    public RecurrentNetwork Network { get; }

    /// <summary>The longest sequence Forward accepts.</summary>
    public int MaxSequenceLength => _runner.MaxSequenceLength;

    /// <summary>The largest batch this session accepts.</summary>
    public int MaxBatch => _runner.MaxBatch;

    /// <summary>Threads each call runs on (the caller's included), set at creation.</summary>
    public int Threads => _runner.Threads;

    /// <summary>
    /// Calls since the session was created that ran on the calling thread alone although the session
    /// has worker threads, because a recent call found a worker late: its core was busy with other
    /// work, and the session pauses threading for a while (docs/architecture.md, Threads). Always 0
    /// with one thread. Results are the same bits either way; timings are not, so tools that time
    /// threaded calls report this count beside them.
    /// </summary>
    public long CallsRunAlone => _runner.Pool?.CallsRunAlone ?? 0;

    /// <summary>Rows per Step: set by Reset, <see cref="MaxBatch"/> until then.</summary>
    public int Batch => _runner.Batch;

    /// <summary>
    /// Runs a whole sequence through every layer and direction, as the PyTorch module's forward does.
    /// Does not touch the state <see cref="Step"/> carries.
    /// </summary>
    /// <param name="x">Input (T, B, X), or (B, T, X) with <paramref name="batchFirst"/>.</param>
    /// <param name="sequenceLength">T, 1..<see cref="MaxSequenceLength"/>.</param>
    /// <param name="batch">B, 1..<see cref="MaxBatch"/>.</param>
    /// <param name="output">Receives the last layer's h_t: (T, B, D·H_out), or (B, T, D·H_out) with <paramref name="batchFirst"/>; forward direction first in each row.</param>
    /// <param name="finalHidden">Receives h_n (D·L, B, H_out), layer-major then direction; empty to skip. May be the memory of <paramref name="initialHidden"/>.</param>
    /// <param name="finalCell">LSTM: receives c_n (D·L, B, H); empty to skip. May be the memory of <paramref name="initialCell"/>.</param>
    /// <param name="initialHidden">h0 (D·L, B, H_out), or empty for zeros.</param>
    /// <param name="initialCell">LSTM: c0 (D·L, B, H), or empty for zeros.</param>
    /// <param name="lengths">
    /// Per-sequence valid lengths (B), each 1..T, in any order; empty when all are T. As PyTorch's
    /// pack_padded_sequence then pad_packed_sequence(total_length = T): steps past a sequence's
    /// length output zeros, its final state is taken at its last valid step, and the backward
    /// direction starts at its own end. A call costs the steps of its longest sequence.
    /// </param>
    /// <param name="batchFirst">Whether x and output are batch-major (PyTorch's batch_first); the states never are.</param>
    /// <exception cref="ArgumentException">A size is out of range, a span is too short, spans overlap, or a length is outside 1..T.</exception>
    public void Forward(ReadOnlySpan<float> x, int sequenceLength, int batch, Span<float> output,
        Span<float> finalHidden = default, Span<float> finalCell = default,
        ReadOnlySpan<float> initialHidden = default, ReadOnlySpan<float> initialCell = default,
        ReadOnlySpan<int> lengths = default, bool batchFirst = false)
    {
        _runner.Enter();
        try
        {
            _runner.CheckForward(x, sequenceLength, batch, output, finalHidden, finalCell, initialHidden, initialCell, lengths);
            _runner.Forward(x, sequenceLength, batch, output, finalHidden, finalCell, initialHidden, initialCell, lengths, batchFirst);
        }
        finally
        {
            _runner.Exit();
        }
        // The kernels hold only raw pointers: keep this session (and through it the weights)
        // reachable until they are done, or a finalizer could free memory mid-call.
        GC.KeepAlive(this);
    }

    /// <summary>
    /// One time step through every layer on the carried state. Repeated Steps give exactly the bits
    /// of one Forward over the same inputs. Unidirectional networks only.
    /// </summary>
    /// <param name="x">x_t as (<see cref="Batch"/>, X).</param>
    /// <param name="output">Receives the last layer's h_t as (<see cref="Batch"/>, H_out).</param>
    /// <exception cref="InvalidOperationException">The network is bidirectional.</exception>
    /// <exception cref="ArgumentException">A span is too short or they overlap.</exception>
    public void Step(ReadOnlySpan<float> x, Span<float> output)
    {
        _runner.Enter();
        try
        {
            _runner.CheckStep(x, output);
            _runner.Step(x, output);
        }
        finally
        {
            _runner.Exit();
        }
        GC.KeepAlive(this);
    }

    /// <summary>Sets the carried state to zeros for <paramref name="batch"/> rows.</summary>
    /// <exception cref="InvalidOperationException">The network is bidirectional (it has no Step, so no carried state), or another call is running on this session.</exception>
    /// <exception cref="ObjectDisposedException">The session or its network is disposed.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batch"/> is outside 1..MaxBatch.</exception>
    public void Reset(int batch) => Reset(default, default, batch);

    /// <summary>Sets the carried state to h0 (L, batch, H_out) and, for an LSTM, c0 (L, batch, H); empty spans mean zeros.</summary>
    /// <exception cref="InvalidOperationException">The network is bidirectional (it has no Step, so no carried state), or another call is running on this session.</exception>
    /// <exception cref="ObjectDisposedException">The session or its network is disposed.</exception>
    /// <exception cref="ArgumentException"><paramref name="batch"/> is outside 1..MaxBatch, or a span is too short.</exception>
    public void Reset(ReadOnlySpan<float> initialHidden, ReadOnlySpan<float> initialCell, int batch)
    {
        _runner.Enter();
        try
        {
            _runner.Reset(initialHidden, initialCell, batch);
        }
        finally
        {
            _runner.Exit();
        }
    }

    /// <summary>Copies the carried state out: h (L, Batch, H_out) and, for an LSTM, c (L, Batch, H) (empty to skip).</summary>
    /// <exception cref="InvalidOperationException">The network is bidirectional (it has no Step, so no carried state), or another call is running on this session.</exception>
    /// <exception cref="ObjectDisposedException">The session or its network is disposed.</exception>
    /// <exception cref="ArgumentException">A span is too short.</exception>
    public void CopyState(Span<float> hidden, Span<float> cell = default)
    {
        _runner.Enter();
        try
        {
            _runner.CopyState(hidden, cell);
        }
        finally
        {
            _runner.Exit();
        }
        GC.KeepAlive(this);
    }

    /// <summary>
    /// Stops this session's worker threads (a single-threaded session has none) and releases its
    /// hold on the network's weights. Called while another thread is inside a call of this session,
    /// it waits for that call to return.
    /// </summary>
    /// <exception cref="InvalidOperationException">Called from inside a call of this session on the same thread.</exception>
    public void Dispose()
    {
        _runner.Dispose();
        GC.SuppressFinalize(this);
    }
}
