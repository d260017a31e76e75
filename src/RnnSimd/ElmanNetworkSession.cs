using RnnSimd.Models;

namespace RnnSimd;

/// <summary>
/// The mutable side of an <see cref="ElmanNetwork"/>: buffers sized at creation and the state that
/// <see cref="Step"/> carries. After the first call, <see cref="Forward"/> and <see cref="Step"/>
/// allocate nothing. One session per thread; the network itself is shared.
/// </summary>
public sealed unsafe class ElmanNetworkSession : RecurrentSession
{
    internal ElmanNetworkSession(ElmanNetwork network, ElmanRunner runner) : base(runner) => Network = network;

    /// <summary>The network this session runs.</summary>
    public ElmanNetwork Network { get; }

    /// <summary>
    /// Runs a whole sequence. Does not touch the state <see cref="Step"/> carries. Every span may be
    /// longer than its shape needs: only its first elements are read or written.
    /// </summary>
    /// <param name="x">Input (T, B, X), time-major, row-major.</param>
    /// <param name="sequenceLength">T, 1..<see cref="RecurrentSession.MaxSequenceLength"/>.</param>
    /// <param name="batch">B, 1..<see cref="RecurrentSession.MaxBatch"/>.</param>
    /// <param name="outputs">Receives y_1..y_T as (T, B, Y); must not overlap the other spans.</param>
    /// <param name="finalState">Receives h_T as (B, H); may be the memory of <paramref name="initialState"/>.</param>
    /// <param name="initialState">h_0 as (B, H), or empty for zeros.</param>
    /// <exception cref="ArgumentException">A size is out of range or a span is too short or overlaps another.</exception>
    public void Forward(ReadOnlySpan<float> x, int sequenceLength, int batch, Span<float> outputs, Span<float> finalState,
        ReadOnlySpan<float> initialState = default)
    {
        Runner.Enter();
        try
        {
            Runner.CheckForward(x, sequenceLength, batch, outputs, Network.OutputSize, finalState, initialState);
            Runner.RunNetwork(x, sequenceLength, batch, outputs, finalState, initialState);
        }
        finally
        {
            Runner.Exit();
        }
        // The kernels hold only raw pointers: keep this session (and through it the weights)
        // reachable until they are done, or a finalizer could free memory mid-call.
        GC.KeepAlive(this);
    }

    /// <summary>One time step on the carried state; writes y_t = h_t·W_hy + b_y.</summary>
    /// <param name="x">x_t as (<see cref="RecurrentSession.Batch"/>, X).</param>
    /// <param name="output">Receives y_t as (<see cref="RecurrentSession.Batch"/>, Y).</param>
    /// <exception cref="ArgumentException">A span is too short or they overlap.</exception>
    public void Step(ReadOnlySpan<float> x, Span<float> output)
    {
        Runner.Enter();
        try
        {
            Runner.CheckStep(x, output, Network.OutputSize);
            Runner.Step(x, output[..(Batch * Network.OutputSize)]);
        }
        finally
        {
            Runner.Exit();
        }
        GC.KeepAlive(this);
    }

}
