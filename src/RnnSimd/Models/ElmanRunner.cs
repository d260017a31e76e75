using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RnnSimd.Models;

/// <summary>
/// The session machinery both public session types share: buffers rented once at creation (pinned,
/// so the kernels take their addresses without fixing them per call), the argument checks, the
/// forward loop and the step state.
/// </summary>
internal sealed unsafe class ElmanRunner
{
    private readonly ElmanWeights _weights;
    private readonly ElmanEngine _engine;
    private readonly object _owner;
    private readonly float[] _zeros;
    private readonly float[] _stateA;
    private readonly float[] _stateB;
    private readonly float[] _sequence;
    private bool _stateInA = true;

    public ElmanRunner(object owner, ElmanWeights weights, ElmanEngine engine, int maxSequenceLength, int maxBatch, bool needsSequenceBuffer)
    {
        Check.Positive(maxSequenceLength, nameof(maxSequenceLength));
        Check.Positive(maxBatch, nameof(maxBatch));
        _owner = owner;
        _weights = weights;
        _engine = engine;
        MaxSequenceLength = maxSequenceLength;
        MaxBatch = maxBatch;
        Batch = maxBatch;
        int h = weights.HiddenSize;
        long stateLength = (long)maxBatch * h;
        long sequenceLength = needsSequenceBuffer ? checked((long)maxSequenceLength * stateLength) : 0;
        if (sequenceLength > Array.MaxLength || stateLength > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(maxSequenceLength),
                $"maxSequenceLength {maxSequenceLength} × maxBatch {maxBatch} × hidden size {h} floats do not fit in one buffer.");
        _zeros = GC.AllocateArray<float>((int)stateLength, pinned: true);
        _stateA = GC.AllocateArray<float>((int)stateLength, pinned: true);
        _stateB = GC.AllocateArray<float>((int)stateLength, pinned: true);
        _sequence = GC.AllocateArray<float>((int)sequenceLength, pinned: true);
    }

    public int MaxSequenceLength { get; }
    public int MaxBatch { get; }
    public int Batch { get; private set; }
    public ElmanWeights Weights => _weights;

    public ReadOnlySpan<float> State => (_stateInA ? _stateA : _stateB).AsSpan(0, Batch * _weights.HiddenSize);

    private static float* Address(float[] array) => (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));

    public void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_weights.IsDisposed, _owner);

    /// <summary>Checks a forward's arguments; <paramref name="outputWidth"/> is H for a layer, Y for a network.</summary>
    public void CheckForward(ReadOnlySpan<float> x, int sequenceLength, int batch, ReadOnlySpan<float> output, int outputWidth,
        ReadOnlySpan<float> finalState, ReadOnlySpan<float> initialState)
    {
        ThrowIfDisposed();
        Check.InRange(sequenceLength, 1, MaxSequenceLength, nameof(sequenceLength));
        Check.InRange(batch, 1, MaxBatch, nameof(batch));
        long rows = (long)sequenceLength * batch;
        int h = _weights.HiddenSize;
        // Messages are formatted only on failure: a passing check allocates nothing.
        if (x.Length < rows * _weights.InputSize)
            Check.ThrowTooShort("x", x.Length, rows * _weights.InputSize,
                $"sequenceLength {sequenceLength} × batch {batch} × input size {_weights.InputSize}");
        if (output.Length < rows * outputWidth)
            Check.ThrowTooShort("output", output.Length, rows * outputWidth,
                $"sequenceLength {sequenceLength} × batch {batch} × {outputWidth}");
        if (finalState.Length < (long)batch * h)
            Check.ThrowTooShort("finalState", finalState.Length, (long)batch * h, $"batch {batch} × hidden size {h}");
        if (!initialState.IsEmpty && initialState.Length < (long)batch * h)
            Check.ThrowTooShort("initialState", initialState.Length, (long)batch * h, $"batch {batch} × hidden size {h}");
        Check.NoOverlap(output, x, "output", "x");
        Check.NoOverlap(output, finalState, "output", "finalState");
        Check.NoOverlap(output, initialState, "output", "initialState");
        Check.NoOverlap(finalState, x, "finalState", "x");
    }

    /// <summary>
    /// Runs the recurrence over a whole sequence into <paramref name="hidden"/> (T·B·H): one hoisted
    /// projection, then one recurrent product per step in place over the projected rows.
    /// Writes the final state last, so <paramref name="finalState"/> may be the initial state's memory.
    /// </summary>
    public void RunSequence(ReadOnlySpan<float> x, int sequenceLength, int batch, float* hidden,
        Span<float> finalState, ReadOnlySpan<float> initialState)
    {
        int h = _weights.HiddenSize;
        nint stepSize = (nint)batch * h;
        fixed (float* px = x, ph0 = initialState)
        {
            _engine.Project(sequenceLength * batch, px, hidden);
            float* prev = initialState.IsEmpty ? Address(_zeros) : ph0;
            for (int t = 0; t < sequenceLength; t++)
            {
                float* g = hidden + t * stepSize;
                _engine.Recur(batch, prev, g, g);
                prev = g;
            }
            new ReadOnlySpan<float>(prev, (int)stepSize).CopyTo(finalState);
        }
    }

    /// <summary>The network's forward: the hidden sequence in the session's buffer, then the head over all of it.</summary>
    public void RunNetwork(ReadOnlySpan<float> x, int sequenceLength, int batch, Span<float> output,
        Span<float> finalState, ReadOnlySpan<float> initialState)
    {
        float* hidden = Address(_sequence);
        RunSequence(x, sequenceLength, batch, hidden, finalState, initialState);
        fixed (float* py = output)
            _engine.Head(sequenceLength * batch, hidden, py);
    }

    public void CheckStep(ReadOnlySpan<float> x, ReadOnlySpan<float> output, int outputWidth)
    {
        ThrowIfDisposed();
        if (x.Length < (long)Batch * _weights.InputSize)
            Check.ThrowTooShort("x", x.Length, (long)Batch * _weights.InputSize, $"batch {Batch} × input size {_weights.InputSize}");
        if (output.Length < (long)Batch * outputWidth)
            Check.ThrowTooShort("output", output.Length, (long)Batch * outputWidth, $"batch {Batch} × {outputWidth}");
        Check.NoOverlap(output, x, "output", "x");
    }

    /// <summary>One time step on the session's state; returns the new state (Batch×H).</summary>
    public float* Step(ReadOnlySpan<float> x)
    {
        float* state = Address(_stateInA ? _stateA : _stateB);
        float* next = Address(_stateInA ? _stateB : _stateA);
        fixed (float* px = x)
        {
            _engine.Project(Batch, px, next);
            _engine.Recur(Batch, state, next, next);
        }
        _stateInA = !_stateInA;
        return next;
    }

    public void Head(float* state, Span<float> y)
    {
        fixed (float* py = y)
            _engine.Head(Batch, state, py);
    }

    public void Reset(ReadOnlySpan<float> initialState, int batch)
    {
        ThrowIfDisposed();
        Check.InRange(batch, 1, MaxBatch, nameof(batch));
        int length = batch * _weights.HiddenSize;
        if (!initialState.IsEmpty && initialState.Length < length)
            Check.ThrowTooShort("initialState", initialState.Length, length, $"batch {batch} × hidden size {_weights.HiddenSize}");
        Batch = batch;
        _stateInA = true;
        Span<float> state = _stateA.AsSpan(0, length);
        if (initialState.IsEmpty)
            state.Clear();
        else
            initialState[..length].CopyTo(state);
    }
}
