using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RnnSimd.Kernels;
using RnnSimd.Threading;

namespace RnnSimd.Models.Recurrent;

/// <summary>
/// The machinery of a <see cref="RecurrentNetworkSession"/>: buffers rented once at creation
/// (pinned, so the kernels take their addresses without fixing them per call), the argument
/// checks, the forward passes and the step state.
/// </summary>
/// <remarks>
/// <para>A forward runs one pass per layer and direction: the hoisted input projection, in blocks of
/// whole steps (<see cref="ProjectionBlocks"/>; the buffer holds one block), then one recurrent
/// product and one cell update per step. Directions run one after the other, each into its half of
/// the layer's output.</para>
/// <para>Variable lengths mask rows: at time t a row whose sequence has ended (forward) or not yet
/// begun (backward) keeps its state and writes zeros. The loop runs to the longest sequence only.</para>
/// <para>Threads split every product and cell update by chunks of hidden units (whole gates), so
/// each thread's cells read only what its own products wrote; they meet at a barrier after each
/// step (and before an LSTM projection, which reads all units). A forward of at least
/// <see cref="MinRowsPerThread"/> batch rows per thread instead gives each thread its own rows
/// through every layer and direction (<see cref="BatchSplit"/>). A bidirectional network on two
/// threads gives each thread one direction of every layer, meeting once per layer.</para>
/// </remarks>
internal sealed unsafe class RecurrentRunner : IParallelWork, IDisposable
{
    private readonly RecurrentWeights _weights;
    private readonly RecurrentSpec _spec;
    private readonly RecurrentEngine _engine;
    private readonly GateLayout _layout;
    private readonly object _owner;
    private readonly WorkerPool? _pool;

    /// <summary>The workers, if any (for tests).</summary>
    internal WorkerPool? Pool => _pool;
    private readonly WeightsLease _lease;

    /// <summary>Row stride of h buffers: padded H, or proj_size (the projection writes exactly P columns).</summary>
    private readonly int _hStride;

    /// <summary>The working buffers of one pass; a second set when the two directions run at once.</summary>
    private sealed class PassBuffers(long xp, long hg, long raw, long h, long cell)
    {
        public readonly float[] Xp = Pinned(xp);
        public readonly float[] Hg = Pinned(hg);
        public readonly float[] Raw = Pinned(raw);
        public readonly float[] HA = Pinned(h);
        public readonly float[] HB = Pinned(h);
        public readonly float[] Cell = Pinned(cell);
    }

    private readonly PassBuffers[] _passes;

    /// <summary>
    /// A bidirectional network on two threads runs each direction of a layer on its own thread,
    /// start to end, and the threads meet once per layer instead of once per step.
    /// </summary>
    private readonly bool _directionsInParallel;

    private readonly float[] _sequenceA;
    private readonly float[] _sequenceB;
    private readonly float[][] _stepH;
    private readonly float[][] _stepC;
    private readonly int[] _lengths;
    private int _stepParity;
    private Job _job;

    /// <summary>The chunks of a threaded forward's steps, each thread's share first its own (see <see cref="StepRows"/>).</summary>
    private readonly StealableRanges? _claims;

    /// <summary>The next step's phase in <see cref="_claims"/>: advanced by every forward past all its passes' steps.</summary>
    private int _phase;

    /// <summary>Steps in which a thread computed chunks of another's share (for tests).</summary>
    internal long Steals => _claims?.Steals ?? 0;

    /// <summary>
    /// Test hook: run by each thread of a threaded forward step, with its index (0: the caller): split
    /// by hidden units once its share is open to the others and before it takes any of it; split by
    /// rows, in the last pass only, after it has offered rows to a waiting thread, if it did.
    /// </summary>
    internal Action<int>? BeforeThreadStep { get; set; }

    /// <summary>Hands rows over between threads in the last pass of a forward split by rows; null on one thread or past its limits.</summary>
    private readonly RowHandoff? _handoff;

    /// <summary>The handoff, for tests: offers taken, whether a thread waits, how long it waits at least.</summary>
    internal RowHandoff? Handoff => _handoff;
    private readonly CallGuard _guard;

    private readonly struct Job(bool step, int steps, int longest, int batch, bool batchFirst, float* x, float* output,
        float* finalHidden, float* finalCell, float* initialHidden, float* initialCell, int* lengths, int phase = 0)
    {
        public readonly bool Step = step;
        /// <summary>The phase of the first step of the first pass in <see cref="_claims"/>.</summary>
        public readonly int Phase = phase;
        public readonly int Steps = steps;
        public readonly int Longest = longest;
        public readonly int Batch = batch;
        public readonly bool BatchFirst = batchFirst;
        public readonly float* X = x;
        public readonly float* Output = output;
        public readonly float* FinalHidden = finalHidden;
        public readonly float* FinalCell = finalCell;
        public readonly float* InitialHidden = initialHidden;
        public readonly float* InitialCell = initialCell;
        public readonly int* Lengths = lengths;
    }

    /// <summary>More threads than this is a mistake, not a configuration.</summary>
    public const int MaxThreads = 256;

    public RecurrentRunner(object owner, Type session, RecurrentWeights weights, RecurrentEngine engine, int maxSequenceLength, int maxBatch, int threads)
    {
        Check.Positive(maxSequenceLength, nameof(maxSequenceLength));
        Check.Positive(maxBatch, nameof(maxBatch));
        Check.InRange(threads, 1, MaxThreads, nameof(threads));
        _owner = owner;
        _guard = new CallGuard(session);
        _weights = weights;
        _spec = weights.Spec;
        _engine = engine;
        _layout = weights.Layout;
        MaxSequenceLength = maxSequenceLength;
        MaxBatch = maxBatch;
        Batch = maxBatch;
        Threads = threads;

        RecurrentSpec spec = _spec;
        _hStride = spec.ProjSize > 0 ? spec.ProjSize : _layout.PaddedUnits;
        // What grows with the sizes: a step's gates (maxBatch rows of the padded gate columns), a
        // projection block (at most DefaultRows + maxBatch - 1 rows of them), and the output of a
        // whole call (maxSequenceLength × maxBatch rows of D·H_out), which the layer below the last
        // keeps too and the caller's output span must hold.
        long rowsPerCall = (long)maxSequenceLength * maxBatch;
        int widest = Math.Max(_layout.Columns, spec.OutputSize);
        if ((long)maxBatch * widest > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(maxBatch), maxBatch,
                $"maxBatch {maxBatch} × {widest} floats per row do not fit in one buffer.");
        long blockRows = ProjectionBlocks.MaxRows(maxSequenceLength, maxBatch);
        if (blockRows * _layout.Columns > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(maxBatch), maxBatch,
                $"maxBatch {maxBatch} (with maxSequenceLength {maxSequenceLength}): a projection block of {blockRows} rows × {_layout.Columns} floats of gates does not fit in one buffer.");
        if (rowsPerCall * spec.OutputSize > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(maxSequenceLength), maxSequenceLength,
                $"maxSequenceLength {maxSequenceLength} × maxBatch {maxBatch} × {spec.OutputSize} output floats per row do not fit in one buffer.");

        _directionsInParallel = spec.Bidirectional && threads == 2;
        _passes = new PassBuffers[_directionsInParallel ? 2 : 1];
        for (int i = 0; i < _passes.Length; i++)
        {
            _passes[i] = new PassBuffers(
                blockRows * _layout.Columns,
                spec.Cell == RecurrentCell.Rnn ? 0 : (long)maxBatch * _layout.Columns,
                spec.ProjSize > 0 ? (long)maxBatch * _layout.PaddedUnits : 0,
                (long)maxBatch * _hStride,
                spec.HasCellState ? (long)maxBatch * _layout.PaddedUnits : 0);
        }
        _sequenceA = Pinned(spec.NumLayers > 1 ? rowsPerCall * spec.OutputSize : 0);
        _sequenceB = Pinned(spec.NumLayers > 2 ? rowsPerCall * spec.OutputSize : 0);
        _lengths = GC.AllocateArray<int>(maxBatch, pinned: true);
        // Step carries a state per layer (two h buffers, swapped each step); bidirectional networks have no Step.
        int stepLayers = spec.Bidirectional ? 0 : spec.NumLayers;
        _stepH = new float[2 * stepLayers][];
        _stepC = new float[stepLayers][];
        for (int l = 0; l < stepLayers; l++)
        {
            _stepH[2 * l] = Pinned((long)maxBatch * _hStride);
            _stepH[2 * l + 1] = Pinned((long)maxBatch * _hStride);
            _stepC[l] = Pinned(spec.HasCellState ? (long)maxBatch * _layout.PaddedUnits : 0);
        }

        _lease = new WeightsLease(weights, owner);
        try
        {
            if (threads > 1)
            {
                _claims = new StealableRanges(threads);
                if (maxBatch <= RowHandoff.MaxValue && maxSequenceLength <= RowHandoff.MaxValue)
                    _handoff = new RowHandoff();
                _pool = new WorkerPool(threads, this, "RnnSimd session");
            }
            WarmUp();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>
    /// The session's warm-up, as <see cref="ElmanRunner"/>'s: the kernels, every buffer touched, a
    /// forward over two steps of zeros and (unidirectional networks only) two Steps, at the
    /// smallest batch that takes the workers' path if the largest does, and again at the smallest
    /// batch split by rows if the largest forwards are but that one is not; no trace left.
    /// </summary>
    private void WarmUp()
    {
        RecurrentSpec spec = _spec;
        _engine.WarmUp(spec.Cell, MaxBatch, (int)Math.Min(int.MaxValue, (long)MaxSequenceLength * MaxBatch));
        foreach (PassBuffers pass in _passes)
        {
            foreach (float[] buffer in (ReadOnlySpan<float[]>)[pass.Xp, pass.Hg, pass.Raw, pass.HA, pass.HB, pass.Cell])
                Array.Clear(buffer);
        }
        foreach (float[] buffer in (ReadOnlySpan<float[]>)[_sequenceA, _sequenceB, .. _stepH, .. _stepC])
            Array.Clear(buffer);
        long workPerRow = (long)_layout.Columns * (spec.InputSize + spec.HiddenOutputSize);
        int batch = WarmUpSizes.Batch(MaxBatch, workPerRow, ParallelStepThreshold, _pool is not null);
        WarmUpCalls(batch);
        // The largest threaded forwards split the batch (BatchSplit) and smaller ones may not: both paths.
        bool threaded = _pool is not null && !_directionsInParallel && workPerRow * MaxBatch >= ParallelStepThreshold;
        if (threaded && SplitsRows(MaxBatch, Threads) && !SplitsRows(batch, Threads))
        {
            // Workers that have just started may have made the first calls late: not a busy core.
            _pool!.ForgetLateCalls();
            WarmUpCalls(Math.Max(batch, _minRowsPerThread * Threads));
        }
        RowSplitForwards = 0;
        ThreadedForwards = 0;
        _handoff?.ForgetHandoffs();
        _pool?.ForgetLateCalls();
    }

    private void WarmUpCalls(int batch)
    {
        RecurrentSpec spec = _spec;
        int steps = WarmUpSizes.Steps(MaxSequenceLength, batch, spec.InputSize, spec.OutputSize);
        if (steps > 0)
        {
            var input = new float[steps * batch * spec.InputSize];
            var output = new float[steps * batch * spec.OutputSize];
            Forward(input, steps, batch, output, default, default, default, default, default, batchFirst: false);
            if (!spec.Bidirectional)
            {
                Reset(default, default, batch);
                Step(input, output);
                Step(input, output);
                Reset(default, default, MaxBatch);
            }
        }
    }

    private static float[] Pinned(long length) => GC.AllocateArray<float>(checked((int)length), pinned: true);

    private static float* Address(float[] array) => (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));

    public int MaxSequenceLength { get; }
    public int MaxBatch { get; }
    public int Threads { get; }

    /// <summary>Rows per Step: set by Reset, <see cref="MaxBatch"/> until then.</summary>
    public int Batch { get; private set; }

    public RecurrentSpec Spec => _spec;

    /// <summary>Stops the worker threads, if any, and lets go of the weights.</summary>
    public void Dispose()
    {
        // Waits for a call running on another thread to return.
        if (_guard.Dispose())
            Release();
    }

    /// <summary>Begins a public call: one at a time (<see cref="CallGuard"/>).</summary>
    public void Enter() => _guard.Enter();

    /// <summary>Ends a public call.</summary>
    public void Exit() => _guard.Exit();

    private void Release()
    {
        try
        {
            _pool?.Dispose();
        }
        finally
        {
            _lease.Release();
        }
    }

    public void ThrowIfDisposed()
    {
        _guard.ThrowIfDisposed();
        if (_weights.IsDisposed)
            throw new ObjectDisposedException(_owner.GetType().FullName, $"The {_owner.GetType().Name} this session was created from is disposed: its sessions cannot run.");
    }

    /// <summary>
    /// Below this many multiply-adds per step, a barrier per step costs more than splitting the step
    /// saves: the caller runs such calls alone (see the Elman sessions). Same bits either way.
    /// </summary>
    public long ParallelStepThreshold { get; set; } = Models.ElmanRunner.DefaultParallelStepThreshold;

    private int _projectionBlockRows = ProjectionBlocks.DefaultRows;

    /// <summary>Rows per projection block (<see cref="ProjectionBlocks"/>): settable for tests, which cross block boundaries with small shapes.</summary>
    public int ProjectionBlockRows
    {
        get => _projectionBlockRows;
        set => _projectionBlockRows = ProjectionBlocks.Checked(value);
    }

    // ---------------------------------------------------------------- checks

    public void CheckForward(ReadOnlySpan<float> x, int sequenceLength, int batch, ReadOnlySpan<float> output,
        ReadOnlySpan<float> finalHidden, ReadOnlySpan<float> finalCell,
        ReadOnlySpan<float> initialHidden, ReadOnlySpan<float> initialCell, ReadOnlySpan<int> lengths)
    {
        ThrowIfDisposed();
        Check.InRange(sequenceLength, 1, MaxSequenceLength, nameof(sequenceLength));
        Check.InRange(batch, 1, MaxBatch, nameof(batch));
        RecurrentSpec spec = _spec;
        long rows = (long)sequenceLength * batch;
        // Messages are formatted only on failure: a passing check allocates nothing.
        if (x.Length < rows * spec.InputSize)
            Check.ThrowTooShort("x", x.Length, rows * spec.InputSize,
                $"sequenceLength {sequenceLength} × batch {batch} × input size {spec.InputSize}");
        if (output.Length < rows * spec.OutputSize)
            Check.ThrowTooShort("output", output.Length, rows * spec.OutputSize,
                $"sequenceLength {sequenceLength} × batch {batch} × {spec.OutputSize} (D·H_out)");
        long hiddenStates = (long)spec.StateCount * batch * spec.HiddenOutputSize;
        long cellStates = (long)spec.StateCount * batch * spec.HiddenSize;
        CheckState(finalHidden, hiddenStates, "finalHidden", batch, spec.HiddenOutputSize);
        CheckState(initialHidden, hiddenStates, "initialHidden", batch, spec.HiddenOutputSize);
        if (!spec.HasCellState)
        {
            if (!finalCell.IsEmpty)
                throw new ArgumentException($"finalCell must be empty: a {spec.Cell} network has no cell state.", "finalCell");
            if (!initialCell.IsEmpty)
                throw new ArgumentException($"initialCell must be empty: a {spec.Cell} network has no cell state.", "initialCell");
        }
        CheckState(finalCell, cellStates, "finalCell", batch, spec.HiddenSize);
        CheckState(initialCell, cellStates, "initialCell", batch, spec.HiddenSize);
        // Overlaps are checked on the parts used: longer spans are accepted and their tails ignored.
        x = x[..(int)(rows * spec.InputSize)];
        output = output[..(int)(rows * spec.OutputSize)];
        finalHidden = Used(finalHidden, hiddenStates);
        initialHidden = Used(initialHidden, hiddenStates);
        finalCell = Used(finalCell, cellStates);
        initialCell = Used(initialCell, cellStates);
        Check.NoOverlap(output, x, "output", "x");
        Check.NoOverlap(output, finalHidden, "output", "finalHidden");
        Check.NoOverlap(output, finalCell, "output", "finalCell");
        Check.NoOverlap(output, initialHidden, "output", "initialHidden");
        Check.NoOverlap(output, initialCell, "output", "initialCell");
        Check.NoOverlap(finalHidden, x, "finalHidden", "x");
        Check.NoOverlap(finalCell, x, "finalCell", "x");
        Check.NoOverlap(finalHidden, finalCell, "finalHidden", "finalCell");
        Check.NoOverlap(finalHidden, initialCell, "finalHidden", "initialCell");
        Check.NoOverlap(finalCell, initialHidden, "finalCell", "initialHidden");
        Check.SameOrApart(finalHidden, initialHidden, "finalHidden", "initialHidden");
        Check.SameOrApart(finalCell, initialCell, "finalCell", "initialCell");
        if (!lengths.IsEmpty)
        {
            if (lengths.Length < batch)
                Check.ThrowTooShort("lengths", lengths.Length, batch, $"batch {batch}");
            // Copied first and checked in the copy, which is all Forward reads: a caller's array
            // changed by another thread mid-call cannot slip a length past the check.
            lengths[..batch].CopyTo(_lengths);
            for (int b = 0; b < batch; b++)
            {
                int length = _lengths[b];
                if (length < 1 || length > sequenceLength)
                    ThrowBadLength(b, length, sequenceLength);
            }
        }
    }

    private static ReadOnlySpan<float> Used(ReadOnlySpan<float> span, long needed) => span.IsEmpty ? span : span[..(int)needed];

    private static void CheckState(ReadOnlySpan<float> state, long needed, string name, int batch, int width)
    {
        if (!state.IsEmpty && state.Length < needed)
            Check.ThrowTooShort(name, state.Length, needed, $"(D·L, batch {batch}, {width})");
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowBadLength(int index, int length, int sequenceLength)
        => throw new ArgumentOutOfRangeException("lengths", length,
            $"lengths[{index}] = {length} is outside 1..{sequenceLength} (the sequence length).");

    public void CheckStep(ReadOnlySpan<float> x, ReadOnlySpan<float> output)
    {
        ThrowIfDisposed();
        ThrowIfBidirectional();
        if (x.Length < (long)Batch * _spec.InputSize)
            Check.ThrowTooShort("x", x.Length, (long)Batch * _spec.InputSize, $"batch {Batch} × input size {_spec.InputSize}");
        if (output.Length < (long)Batch * _spec.HiddenOutputSize)
            Check.ThrowTooShort("output", output.Length, (long)Batch * _spec.HiddenOutputSize, $"batch {Batch} × {_spec.HiddenOutputSize} (H_out)");
        Check.NoOverlap(output[..(Batch * _spec.HiddenOutputSize)], x[..(Batch * _spec.InputSize)], "output", "x");
    }

    /// <param name="member">The refused member: Step, or Reset and CopyState, which set and read the state Step carries.</param>
    private void ThrowIfBidirectional(string member = "Step")
    {
        if (_spec.Bidirectional)
            throw new InvalidOperationException(member == "Step"
                ? "Step needs a unidirectional network: a bidirectional layer's backward direction starts at the end of the sequence, so it needs the whole sequence (use Forward)."
                : $"{member} needs a unidirectional network: a bidirectional network has no Step, so it carries no state (Forward takes the initial state and returns the final one).");
    }

    // ---------------------------------------------------------------- forward

    /// <summary>A checked forward (see <see cref="RecurrentNetworkSession.Forward"/>).</summary>
    public void Forward(ReadOnlySpan<float> x, int sequenceLength, int batch, Span<float> output,
        Span<float> finalHidden, Span<float> finalCell,
        ReadOnlySpan<float> initialHidden, ReadOnlySpan<float> initialCell, ReadOnlySpan<int> lengths, bool batchFirst)
    {
        // The lengths were copied and checked by CheckForward; the caller's span is not read again.
        int longest = sequenceLength;
        if (!lengths.IsEmpty)
        {
            longest = 0;
            for (int b = 0; b < batch; b++)
                longest = Math.Max(longest, _lengths[b]);
        }

        // Steps past the longest sequence are padding: zeros, as pad_packed_sequence gives.
        int width = _spec.OutputSize;
        for (int t = longest; t < sequenceLength; t++)
        {
            for (int b = 0; b < batch; b++)
                output.Slice(RowIndex(t, b, sequenceLength, batch, batchFirst) * width, width).Clear();
        }

        fixed (float* px = x, py = output, phn = finalHidden, pcn = finalCell, ph0 = initialHidden, pc0 = initialCell)
        {
            _job = new Job(false, sequenceLength, longest, batch, batchFirst, px, py,
                finalHidden.IsEmpty ? null : phn, finalCell.IsEmpty ? null : pcn,
                initialHidden.IsEmpty ? null : ph0, initialCell.IsEmpty ? null : pc0,
                lengths.IsEmpty ? null : (int*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_lengths)), _phase);
            _phase += _spec.NumLayers * _spec.Directions * longest;
            Execute();
        }
    }

    private static int RowIndex(int t, int b, int steps, int batch, bool batchFirst)
        => batchFirst ? b * steps + t : t * batch + b;

    private void Execute()
    {
        RecurrentSpec spec = _spec;
        long stepWork = (long)_job.Batch * _layout.Columns * (spec.InputSize + spec.HiddenOutputSize);
        // A threshold of 0 forces the workers (tests): it also ignores the busy-core pause.
        if (_pool is null || (stepWork < ParallelStepThreshold && !(_directionsInParallel && !_job.Step))
            || (ParallelStepThreshold > 0 && _pool.TakeCallAlone()))
            Execute(0, 1);
        else
        {
            if (!_job.Step)
            {
                ThreadedForwards++;
                _handoff?.Begin(_pool.Count);
            }
            _pool.Run();
        }
    }

    private int _minRowsPerThread = BatchSplit.DefaultMinRowsPerThread;

    /// <summary>Rows per thread from which a threaded forward splits the batch (<see cref="BatchSplit"/>); settable for tests, whose batches are small.</summary>
    public int MinRowsPerThread
    {
        get => _minRowsPerThread;
        set => _minRowsPerThread = BatchSplit.Checked(value);
    }

    /// <summary>Whether a forward splits its rows: never for a bidirectional network on two threads, which runs a direction per thread.</summary>
    internal bool SplitsRows(int batch, int count) => !(_directionsInParallel && count == 2) && BatchSplit.Splits(batch, count, _minRowsPerThread);

    /// <summary>Forwards split by rows since creation (for tests: which path a call took).</summary>
    internal long RowSplitForwards { get; private set; }

    /// <summary>Forwards run on the workers (split by rows, hidden units or directions) since creation (for tests).</summary>
    internal long ThreadedForwards { get; private set; }

    /// <summary>
    /// One thread's share of the current job: a direction of every layer (bidirectional on two
    /// threads), its own rows of the batch through every layer and direction (a forward over at
    /// least <see cref="MinRowsPerThread"/> rows per thread, <see cref="BatchSplit"/>), or its
    /// chunks of every step.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Execute(int index, int count)
    {
        Job job = _job;
        if (job.Step)
        {
            RunStep(job, index, count);
            return;
        }
        if (_directionsInParallel && count == 2)
        {
            // Thread d runs direction d of every layer alone, on its own buffers; the next layer
            // reads both directions' outputs, so the threads meet after each layer.
            for (int layer = 0; layer < _spec.NumLayers; layer++)
            {
                RunPass(job, layer, direction: index, index: 0, count: 1, _passes[index], 0, job.Batch);
                Barrier(count);
            }
            return;
        }
        if (count > 1 && SplitsRows(job.Batch, count))
        {
            // Thread index runs every layer and direction for its own rows of the batch, alone.
            if (index == 0)
                RowSplitForwards++;
            var (first, rows) = BatchSplit.Share(job.Batch, index, count);
            int lastLayer = _spec.NumLayers - 1, lastDirection = _spec.Directions - 1;
            long begun = Stopwatch.GetTimestamp();
            for (int layer = 0; layer <= lastLayer; layer++)
            {
                // Rows change threads only in the last pass, which no other pass follows (RowHandoff).
                for (int direction = 0; direction <= lastDirection; direction++)
                    RunPass(job, layer, direction, index: 0, count: 1, _passes[0], first, rows, 0,
                        layer == lastLayer && direction == lastDirection ? index : -1);
                // The threads share the projection block buffer, each in its own rows, which the
                // first layer of batch-first input lays out by row, the others by step: they must
                // all have left the first layer before any writes the second's.
                if (layer == 0 && job.BatchFirst && _spec.NumLayers > 1)
                    Barrier(count);
            }
            if (_handoff is { } handoff)
            {
                handoff.Finished();
                long waitFrom = Stopwatch.GetTimestamp();
                // Two steps, or a quarter of this thread's time if that is longer: a thread that lags
                // may still be in an earlier pass, where it does not offer.
                long own = waitFrom - begun;
                long wait = Math.Max(2 * (own / ((long)job.Longest * _spec.NumLayers * _spec.Directions)), own / 4);
                while (handoff.WaitForOffer(wait, out first, out rows, out int step))
                {
                    _pool!.AddCallerWait(Stopwatch.GetTimestamp() - waitFrom);
                    RunPass(job, lastLayer, lastDirection, index: 0, count: 1, _passes[0], first, rows, step, index);
                    handoff.Finished();
                    waitFrom = Stopwatch.GetTimestamp();
                }
                _pool!.AddCallerWait(Stopwatch.GetTimestamp() - waitFrom);
            }
            return;
        }
        for (int layer = 0; layer < _spec.NumLayers; layer++)
        {
            for (int direction = 0; direction < _spec.Directions; direction++)
                RunPass(job, layer, direction, index, count, _passes[0], 0, job.Batch);
        }
    }

    /// <summary>Where one pass reads and writes: rows are addressed as t·TimeStride + b·BatchStride.</summary>
    private readonly struct Rows(float* data, nint rowLength, int timeStride, int batchStride)
    {
        public readonly float* Data = data;
        public readonly nint RowLength = rowLength;
        public readonly int TimeStride = timeStride;
        public readonly int BatchStride = batchStride;

        public float* Row(int t, int b) => Data + (t * (nint)TimeStride + b * (nint)BatchStride) * RowLength;
    }

    /// <summary>
    /// One layer and direction over rows [<paramref name="first"/>, <paramref name="first"/> +
    /// <paramref name="rows"/>) of every step, or from step <paramref name="start"/> on (rows taken
    /// from another thread, their state at the step before and the current block's projection
    /// already written). With <paramref name="handoffThread"/> ≥ 0 (the last pass of a forward split
    /// by rows, run by that thread), the second half of the rows is handed to a waiting thread
    /// before a step if both halves keep at least <see cref="MinRowsPerThread"/> (<see cref="RowHandoff"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunPass(in Job job, int layer, int direction, int index, int count, PassBuffers buffers, int first, int rows,
        int start = 0, int handoffThread = -1)
    {
        RecurrentSpec spec = _spec;
        int batch = job.Batch;
        int steps = job.Steps;
        int longest = job.Longest;
        int state = layer * spec.Directions + direction;
        LayerWeights weights = _weights.Layers[state];
        bool last = layer == spec.NumLayers - 1;
        int hOut = spec.HiddenOutputSize;
        int columns = _layout.Columns;

        if (index == 0 && start == 0)
            InitializeState(job, state, Address(buffers.HA), Address(buffers.Cell), first, rows);
        Barrier(count);

        // The layer's input: the caller's x for the first layer, else the layer below (time-major).
        float* input = layer == 0 ? job.X : Address((layer - 1) % 2 == 0 ? _sequenceA : _sequenceB);
        nint inputRow = spec.LayerInputSize(layer);
        bool batchFirstInput = layer == 0 && job.BatchFirst;
        // The current block's projected rows, addressed by the step's time within the block.
        int blockSteps = ProjectionBlocks.Steps(_projectionBlockRows, batch, longest);
        var xp = batchFirstInput
            ? new Rows(Address(buffers.Xp), columns, 1, blockSteps)
            : new Rows(Address(buffers.Xp), columns, batch, 1);
        Rows output = last
            ? (job.BatchFirst ? new Rows(job.Output, spec.OutputSize, 1, steps) : new Rows(job.Output, spec.OutputSize, batch, 1))
            : new Rows(Address(layer % 2 == 0 ? _sequenceA : _sequenceB), spec.OutputSize, batch, 1);

        var chunks = PanelRange.Share(_layout.Chunks, index, count);
        var panels = new PanelRange(chunks.Start * _layout.Gates, chunks.End * _layout.Gates);

        // The state alternates between the two buffers, HA holding it before even steps.
        float* previous = Address((start & 1) == 0 ? buffers.HA : buffers.HB);
        float* next = Address((start & 1) == 0 ? buffers.HB : buffers.HA);
        // The block that holds step start, when rows are taken mid-block (its projection is written).
        int blockFirst = start - start % blockSteps;
        int blockStart = direction == 0 ? blockFirst : longest - blockFirst - Math.Min(blockSteps, longest - blockFirst);
        RowHandoff? handoff = handoffThread >= 0 ? _handoff : null;
        // Shares are taken by other threads only on several threads (count 1: a call alone, or a
        // direction of its own). A share opens once its owner's projection of the step's block is
        // written; within a block, already before the barrier that ends the step before, so that
        // the others can take from it at once. Not across blocks: the block buffer is shared, and
        // the next block would overwrite the rows a thread may still be reading.
        StealableRanges? claims = count > 1 ? _claims : null;
        int phase = job.Phase + state * longest;
        for (int s = start; s < longest; s++)
        {
            int t = direction == 0 ? s : longest - 1 - s;
            if (handoff is not null)
            {
                if (s > start)
                    handoff.OfferHalfIfWanted(first, ref rows, s, _minRowsPerThread);
                BeforeThreadStep?.Invoke(handoffThread);
            }
            if (s % blockSteps == 0)
            {
                // The next block: times [blockStart, +length), taken in the direction's order. Each
                // thread projects the panels its own cells read, so no barrier is needed here.
                int length = Math.Min(blockSteps, longest - s);
                blockStart = direction == 0 ? s : longest - s - length;
                if (batchFirstInput)
                {
                    for (int b = first; b < first + rows; b++)
                        _engine.Project(weights, length, input + ((nint)b * steps + blockStart) * inputRow, inputRow, xp.Row(0, b), panels);
                }
                else if (rows == batch)
                {
                    _engine.Project(weights, length * batch, input + (nint)blockStart * batch * inputRow, inputRow, xp.Data, panels);
                }
                else
                {
                    // Some rows of every step: a group per step, each W_ih panel loaded once for the block.
                    _engine.ProjectGroups(weights, length, rows, input + ((nint)blockStart * batch + first) * inputRow, inputRow, batch * inputRow,
                        xp.Row(0, first), batch * (nint)columns, panels);
                }
                claims?.Open(index, phase + s, chunks.Start, chunks.End);
            }
            StepRows(job, weights, t, t - blockStart, (s & 1) != 0, batch, first, rows, xp, output, direction * hOut, previous, next, Address(buffers.Cell), buffers,
                chunks, index, count, claims, phase + s);
            if (claims is not null && s + 1 < longest && (s + 1) % blockSteps != 0)
                claims.Open(index, phase + s + 1, chunks.Start, chunks.End);
            Barrier(count);
            float* swap = previous;
            previous = next;
            next = swap;
        }

        if (index == 0)
            StoreFinalState(job, state, previous, Address(buffers.Cell), first, rows);
    }

    /// <summary>
    /// One time step of one layer and direction over this thread's units, without the barrier
    /// that ends it. On several threads with <paramref name="claims"/>, the thread takes its own
    /// chunks a claim at a time in the step's order, then what is left of the other threads'
    /// shares from the other end (<see cref="StealableRanges"/>); a chunk is computed the same way
    /// by any thread, so the bits do not depend on who took it. With proj_size, the threads then
    /// meet, and project h over their own panels of W_hr.
    /// </summary>
    /// <param name="xpTime">The step's time within the projected block <paramref name="xp"/>.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void StepRows(in Job job, LayerWeights weights, int t, int xpTime, bool descending, int batch, int first, int rows, in Rows xp, in Rows output,
        int outputColumn, float* previous, float* next, float* cell, PassBuffers buffers, PanelRange chunks, int index, int count,
        StealableRanges? claims, int phase)
    {
        if (claims is null)
        {
            StepChunks(job, weights, t, xpTime, descending, first, rows, xp, output, outputColumn, previous, next, cell, buffers, chunks);
        }
        else
        {
            BeforeThreadStep?.Invoke(index);
            int size = StealableRanges.ItemsPerClaim((long)batch * _spec.HiddenOutputSize * _layout.Gates * _layout.ChunkWidth,
                batch == 1 && _layout.Gates < 4 ? 4 / _layout.Gates : 1);
            while (claims.TryTakeOwn(index, phase, descending, size, out int start, out int end))
                StepChunks(job, weights, t, xpTime, descending, first, rows, xp, output, outputColumn, previous, next, cell, buffers, new PanelRange(start, end));
            while (claims.TrySteal(index, phase, descending, size, out int start, out int end))
                StepChunks(job, weights, t, xpTime, descending, first, rows, xp, output, outputColumn, previous, next, cell, buffers, new PanelRange(start, end));
        }

        RecurrentSpec spec = _spec;
        if (spec.ProjSize > 0)
        {
            // The projection reads every unit of h: wait for all threads' cells.
            Barrier(count);
            PackedMatrix projection = weights.Projection!;
            var projPanels = PanelRange.Share(projection.PanelCount, index, count);
            float* raw = Address(buffers.Raw);
            _engine.ProjectHidden(weights, rows, raw + (nint)first * _layout.PaddedUnits, _layout.PaddedUnits, next + (nint)first * _hStride, _hStride, projPanels);
            CopyOutputs(job, t, first, rows, output, outputColumn, previous, next,
                projPanels.Start * projection.PanelWidth, Math.Min(projPanels.End * projection.PanelWidth, spec.ProjSize));
        }
    }

    /// <summary>
    /// The products and cell updates of chunks <paramref name="chunks"/> (whole gates of a run of
    /// hidden units) for every row, and, without proj_size, their outputs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void StepChunks(in Job job, LayerWeights weights, int t, int xpTime, bool descending, int first, int rows, in Rows xp, in Rows output,
        int outputColumn, float* previous, float* next, float* cell, PassBuffers buffers, PanelRange chunks)
    {
        RecurrentSpec spec = _spec;
        int hStride = _hStride;
        int columns = _layout.Columns;
        int chunkWidth = _layout.ChunkWidth;
        var panels = new PanelRange(chunks.Start * _layout.Gates, chunks.End * _layout.Gates);
        bool projected = spec.ProjSize > 0;
        int* lengths = job.Lengths;
        nint xpRowStride = xp.BatchStride * xp.RowLength;
        float* xpStep = xp.Row(xpTime, 0);
        int end = first + rows;

        switch (spec.Cell)
        {
            case RecurrentCell.Rnn:
                _engine.RecurRnn(weights, rows, previous + (nint)first * hStride, hStride, xpStep + first * xpRowStride, xpRowStride, next + (nint)first * hStride,
                    panels, descending);
                break;
            case RecurrentCell.Gru:
            {
                float* hg = Address(buffers.Hg);
                _engine.Recur(weights, rows, previous + (nint)first * hStride, hStride, hg + (nint)first * columns, panels, descending);
                for (int b = first; b < end; b++)
                {
                    if (lengths == null || t < lengths[b])
                        _engine.Gru(xpStep + b * xpRowStride, hg + b * columns, previous + b * hStride, next + b * hStride, chunks.Start, chunks.End);
                }
                break;
            }
            default:
            {
                float* hg = Address(buffers.Hg);
                float* raw = projected ? Address(buffers.Raw) : next;
                nint rawStride = projected ? _layout.PaddedUnits : hStride;
                _engine.Recur(weights, rows, previous + (nint)first * hStride, hStride, hg + (nint)first * columns, panels, descending);
                for (int b = first; b < end; b++)
                {
                    if (lengths == null || t < lengths[b])
                        _engine.Lstm(xpStep + b * xpRowStride, hg + b * columns, cell + b * (nint)_layout.PaddedUnits, raw + b * rawStride, chunks.Start, chunks.End);
                }
                break;
            }
        }

        if (!projected)
            CopyOutputs(job, t, first, rows, output, outputColumn, previous, next, chunks.Start * chunkWidth, Math.Min(chunks.End * chunkWidth, spec.HiddenSize));
    }

    /// <summary>Outputs of units [<paramref name="unitStart"/>, <paramref name="unitEnd"/>); rows outside their sequence keep their state and write zeros.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CopyOutputs(in Job job, int t, int first, int rows, in Rows output, int outputColumn, float* previous, float* next, int unitStart, int unitEnd)
    {
        int units = unitEnd - unitStart;
        if (units <= 0 || output.Data == null)
            return;
        int hStride = _hStride;
        int* lengths = job.Lengths;
        for (int b = first; b < first + rows; b++)
        {
            var outputRow = new Span<float>(output.Row(t, b) + outputColumn + unitStart, units);
            float* nextRow = next + b * hStride + unitStart;
            if (lengths == null || t < lengths[b])
            {
                new ReadOnlySpan<float>(nextRow, units).CopyTo(outputRow);
            }
            else
            {
                new ReadOnlySpan<float>(previous + b * hStride + unitStart, units).CopyTo(new Span<float>(nextRow, units));
                outputRow.Clear();
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void InitializeState(in Job job, int state, float* h, float* cell, int first, int rows)
    {
        RecurrentSpec spec = _spec;
        int batch = job.Batch;
        int hOut = spec.HiddenOutputSize;
        int end = first + rows;
        new Span<float>(h + (nint)first * _hStride, rows * _hStride).Clear();
        if (job.InitialHidden != null)
        {
            float* source = job.InitialHidden + (nint)state * batch * hOut;
            for (int b = first; b < end; b++)
                new ReadOnlySpan<float>(source + b * hOut, hOut).CopyTo(new Span<float>(h + b * _hStride, hOut));
        }
        if (spec.HasCellState)
        {
            int units = _layout.PaddedUnits;
            new Span<float>(cell + (nint)first * units, rows * units).Clear();
            if (job.InitialCell != null)
            {
                int hidden = spec.HiddenSize;
                float* source = job.InitialCell + (nint)state * batch * hidden;
                for (int b = first; b < end; b++)
                    new ReadOnlySpan<float>(source + b * hidden, hidden).CopyTo(new Span<float>(cell + b * units, hidden));
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void StoreFinalState(in Job job, int state, float* h, float* cell, int first, int rows)
    {
        RecurrentSpec spec = _spec;
        int batch = job.Batch;
        int hOut = spec.HiddenOutputSize;
        int end = first + rows;
        if (job.FinalHidden != null)
        {
            float* target = job.FinalHidden + (nint)state * batch * hOut;
            for (int b = first; b < end; b++)
                new ReadOnlySpan<float>(h + b * _hStride, hOut).CopyTo(new Span<float>(target + b * hOut, hOut));
        }
        if (job.FinalCell != null)
        {
            int hidden = spec.HiddenSize;
            float* target = job.FinalCell + (nint)state * batch * hidden;
            for (int b = first; b < end; b++)
                new ReadOnlySpan<float>(cell + b * (nint)_layout.PaddedUnits, hidden).CopyTo(new Span<float>(target + b * hidden, hidden));
        }
    }

    // ---------------------------------------------------------------- step

    /// <summary>One time step through every layer on the carried state; writes the last layer's h_t into <paramref name="output"/>.</summary>
    public void Step(ReadOnlySpan<float> x, Span<float> output)
    {
        fixed (float* px = x)
        {
            _job = new Job(true, 1, 1, Batch, false, px, null, null, null, null, null, null);
            Execute();
        }
        _stepParity ^= 1;
        CopyStates(_spec.NumLayers - 1, output, default);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunStep(in Job job, int index, int count)
    {
        RecurrentSpec spec = _spec;
        int batch = job.Batch;
        int parity = _stepParity;
        var chunks = PanelRange.Share(_layout.Chunks, index, count);
        var panels = new PanelRange(chunks.Start * _layout.Gates, chunks.End * _layout.Gates);
        PassBuffers buffers = _passes[0];
        var xp = new Rows(Address(buffers.Xp), _layout.Columns, 0, 1);
        for (int layer = 0; layer < spec.NumLayers; layer++)
        {
            float* input = layer == 0 ? job.X : Address(_stepH[2 * (layer - 1) + 1 - parity]);
            nint inputRow = layer == 0 ? spec.InputSize : _hStride;
            LayerWeights weights = _weights.Layers[layer];
            _engine.Project(weights, batch, input, inputRow, xp.Data, panels);
            // No output rows: a step's output is read back from the state afterwards.
            StepRows(job, weights, 0, 0, parity != 0, batch, 0, batch, xp, default, 0,
                Address(_stepH[2 * layer + parity]), Address(_stepH[2 * layer + 1 - parity]),
                spec.HasCellState ? Address(_stepC[layer]) : null, buffers, chunks, index, count, claims: null, phase: 0);
            Barrier(count);
        }
    }

    /// <summary>Layer <paramref name="layer"/>'s carried h (and c) in compact (Batch, ·) rows.</summary>
    private void CopyStates(int layer, Span<float> hidden, Span<float> cell)
    {
        int batch = Batch;
        int hOut = _spec.HiddenOutputSize;
        float[] h = _stepH[2 * layer + _stepParity];
        for (int b = 0; b < batch && !hidden.IsEmpty; b++)
            h.AsSpan(b * _hStride, hOut).CopyTo(hidden.Slice(b * hOut, hOut));
        if (!cell.IsEmpty)
        {
            int hiddenSize = _spec.HiddenSize;
            for (int b = 0; b < batch; b++)
                _stepC[layer].AsSpan(b * _layout.PaddedUnits, hiddenSize).CopyTo(cell.Slice(b * hiddenSize, hiddenSize));
        }
    }

    /// <summary>The carried state as h (L, Batch, H_out) and c (L, Batch, H), PyTorch's h_n and c_n layout.</summary>
    public void CopyState(Span<float> hidden, Span<float> cell)
    {
        ThrowIfDisposed();
        ThrowIfBidirectional("CopyState");
        RecurrentSpec spec = _spec;
        long hNeeded = (long)spec.NumLayers * Batch * spec.HiddenOutputSize;
        long cNeeded = (long)spec.NumLayers * Batch * spec.HiddenSize;
        if (hidden.Length < hNeeded)
            Check.ThrowTooShort("hidden", hidden.Length, hNeeded, $"(layers {spec.NumLayers}, batch {Batch}, {spec.HiddenOutputSize})");
        if (!spec.HasCellState && !cell.IsEmpty)
            throw new ArgumentException($"cell must be empty: a {spec.Cell} network has no cell state.", nameof(cell));
        if (!cell.IsEmpty && cell.Length < cNeeded)
            Check.ThrowTooShort("cell", cell.Length, cNeeded, $"(layers {spec.NumLayers}, batch {Batch}, {spec.HiddenSize})");
        for (int layer = 0; layer < spec.NumLayers; layer++)
        {
            CopyStates(layer,
                hidden.Slice(layer * Batch * spec.HiddenOutputSize, Batch * spec.HiddenOutputSize),
                cell.IsEmpty ? default : cell.Slice(layer * Batch * spec.HiddenSize, Batch * spec.HiddenSize));
        }
    }

    /// <summary>Sets the carried state: h0 (L, batch, H_out) and c0 (L, batch, H), or zeros where empty.</summary>
    public void Reset(ReadOnlySpan<float> initialHidden, ReadOnlySpan<float> initialCell, int batch)
    {
        ThrowIfDisposed();
        ThrowIfBidirectional("Reset");
        Check.InRange(batch, 1, MaxBatch, nameof(batch));
        RecurrentSpec spec = _spec;
        int hOut = spec.HiddenOutputSize, hidden = spec.HiddenSize;
        CheckState(initialHidden, (long)spec.NumLayers * batch * hOut, "initialHidden", batch, hOut);
        if (!spec.HasCellState && !initialCell.IsEmpty)
            throw new ArgumentException($"initialCell must be empty: a {spec.Cell} network has no cell state.", nameof(initialCell));
        CheckState(initialCell, (long)spec.NumLayers * batch * hidden, "initialCell", batch, hidden);
        Batch = batch;
        _stepParity = 0;
        for (int layer = 0; layer < spec.NumLayers; layer++)
        {
            float[] h = _stepH[2 * layer];
            Array.Clear(h);
            Array.Clear(_stepH[2 * layer + 1]);
            for (int b = 0; b < batch && !initialHidden.IsEmpty; b++)
                initialHidden.Slice((layer * batch + b) * hOut, hOut).CopyTo(h.AsSpan(b * _hStride, hOut));
            if (spec.HasCellState)
            {
                float[] c = _stepC[layer];
                Array.Clear(c);
                for (int b = 0; b < batch && !initialCell.IsEmpty; b++)
                    initialCell.Slice((layer * batch + b) * hidden, hidden).CopyTo(c.AsSpan(b * _layout.PaddedUnits, hidden));
            }
        }
    }

    /// <summary>All threads of a parallel call meet here; a call the caller runs alone has no one to wait for.</summary>
    private void Barrier(int count)
    {
        if (count > 1)
            _pool!.Barrier();
    }
}
