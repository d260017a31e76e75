using RnnSimd.Models;

namespace RnnSimd;

/// <summary>
/// The mutable side of an <see cref="ElmanLayer"/>: buffers sized at creation and the state that
/// <see cref="Step"/> carries. After the first call, <see cref="Forward"/> and <see cref="Step"/>
/// allocate nothing. One session per thread; the layer itself is shared.
/// </summary>
public sealed unsafe class ElmanLayerSession : RecurrentSession
{
    internal ElmanLayerSession(ElmanLayer layer, ElmanRunner runner) : base(runner) => Layer = layer;

    /// <summary>The layer this session runs.</summary>
    public ElmanLayer Layer { get; }

    /// <summary>
    /// Runs a whole sequence. Does not touch the state <see cref="Step"/> carries. Every span may be
    /// longer than its shape needs: only its first elements are read or written.
    /// </summary>
    /// <param name="x">Input (T, B, X), time-major, row-major.</param>
    /// <param name="sequenceLength">T, 1..<see cref="RecurrentSession.MaxSequenceLength"/>.</param>
    /// <param name="batch">B, 1..<see cref="RecurrentSession.MaxBatch"/>.</param>
    /// <param name="output">Receives h_1..h_T as (T, B, H); must not overlap the other spans.</param>
    /// <param name="finalState">Receives h_T as (B, H); may be the memory of <paramref name="initialState"/>.</param>
    /// <param name="initialState">h_0 as (B, H), or empty for zeros.</param>
    /// <exception cref="ArgumentException">A size is out of range or a span is too short or overlaps another.</exception>
    public void Forward(ReadOnlySpan<float> x, int sequenceLength, int batch, Span<float> output, Span<float> finalState,
        ReadOnlySpan<float> initialState = default)
    {
        Runner.Enter();
        try
        {
            Runner.CheckForward(x, sequenceLength, batch, output, Layer.HiddenSize, finalState, initialState);
            Runner.RunLayer(x, sequenceLength, batch, output, finalState, initialState);
        }
        finally
        {
            Runner.Exit();
        }
        // The kernels hold only raw pointers: keep this session (and through it the weights)
        // reachable until they are done, or a finalizer could free memory mid-call.
        GC.KeepAlive(this);
    }

    /// <summary>One time step on the carried state: h_t = act(x_t·W_ihᵀ + b_ih + h_{t-1}·W_hhᵀ + b_hh).</summary>
    /// <param name="x">x_t as (<see cref="RecurrentSession.Batch"/>, X).</param>
    /// <param name="hidden">Receives h_t as (<see cref="RecurrentSession.Batch"/>, H).</param>
    /// <exception cref="ArgumentException">A span is too short or they overlap.</exception>
    public void Step(ReadOnlySpan<float> x, Span<float> hidden)
    {
        Runner.Enter();
        try
        {
            Runner.CheckStep(x, hidden, Layer.HiddenSize);
            float* state = Runner.Step(x, default);
            new ReadOnlySpan<float>(state, Batch * Layer.HiddenSize).CopyTo(hidden);
        }
        finally
        {
            Runner.Exit();
        }
        GC.KeepAlive(this);
    }

}
