using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RnnSimd.Kernels;
using RnnSimd.Threading;

namespace RnnSimd.Models;

/// <summary>
/// The session machinery both public session types share: buffers rented once at creation (pinned,
/// so the kernels take their addresses without fixing them per call), the argument checks, the
/// forward loop and the step state.
/// </summary>
internal sealed unsafe class ElmanRunner : IParallelWork, IDisposable
{
    private readonly ElmanWeights _weights;
    private readonly ElmanEngine _engine;
    private readonly object _owner;
    private readonly float[] _zeros;
    private readonly float[] _stateA;
    private readonly float[] _stateB;
    private readonly float[] _sequence;
    private readonly WorkerPool? _pool;
    private bool _stateInA = true;
    private Job _job;

    /// <summary>The workers, if any (for tests).</summary>
    internal WorkerPool? Pool => _pool;

    private enum JobKind { Forward, Step }

    /// <summary>What the threads run next: pointers stay valid because the caller keeps them fixed until all threads are done.</summary>
    private readonly struct Job(JobKind kind, int steps, int batch, float* x, float* previous, float* hidden, float* output, int phase = 0)
    {
        public readonly JobKind Kind = kind;
        /// <summary>The phase of the first step in <see cref="_claims"/>; step t's is Phase + t.</summary>
        public readonly int Phase = phase;
        public readonly int Steps = steps;
        public readonly int Batch = batch;
        public readonly float* X = x;
        public readonly float* Previous = previous;
        public readonly float* Hidden = hidden;
        public readonly float* Output = output;
    }

    public ElmanRunner(object owner, Type session, ElmanWeights weights, ElmanEngine engine, int maxSequenceLength, int maxBatch, int threads, bool needsSequenceBuffer)
    {
        Check.Positive(maxSequenceLength, nameof(maxSequenceLength));
        Check.Positive(maxBatch, nameof(maxBatch));
        Check.InRange(threads, 1, MaxThreads, nameof(threads));
        _owner = owner;
        _guard = new CallGuard(session);
        _weights = weights;
        _engine = engine;
        MaxSequenceLength = maxSequenceLength;
        MaxBatch = maxBatch;
        Batch = maxBatch;
        int h = weights.HiddenSize;
        long stateLength = (long)maxBatch * h;
        if (stateLength > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(maxBatch), maxBatch,
                $"maxBatch {maxBatch} × hidden size {h} floats do not fit in one buffer.");
        if (needsSequenceBuffer && maxSequenceLength > Array.MaxLength / stateLength)
            throw new ArgumentOutOfRangeException(nameof(maxSequenceLength), maxSequenceLength,
                $"maxSequenceLength {maxSequenceLength} × maxBatch {maxBatch} × hidden size {h} floats do not fit in one buffer.");
        long sequenceLength = needsSequenceBuffer ? maxSequenceLength * stateLength : 0;
        _zeros = GC.AllocateArray<float>((int)stateLength, pinned: true);
        _stateA = GC.AllocateArray<float>((int)stateLength, pinned: true);
        _stateB = GC.AllocateArray<float>((int)stateLength, pinned: true);
        _sequence = GC.AllocateArray<float>((int)sequenceLength, pinned: true);
        Threads = threads;
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
    /// Compiles every kernel variant the session can reach (<see cref="KernelWarmUp{TVec}"/>),
    /// touches every buffer, then runs a forward over two steps of zeros and two Steps, so that the
    /// first calls pay neither the JIT of the step loops and the threads' meeting points nor
    /// first-touch page faults. The calls run at the smallest batch that takes the largest batch's
    /// choice between the workers and the caller alone (<see cref="WarmUpSizes"/>), and again at the
    /// smallest batch split by rows if the largest forwards are but that one is not. They leave no
    /// trace: the step state is reset, and the busy-core pause forgets them, since workers that
    /// have just started may be late.
    /// </summary>
    private void WarmUp()
    {
        long workPerRow = (long)_weights.HiddenSize * (_weights.InputSize + _weights.HiddenSize);
        _engine.WarmUp(MaxBatch, (int)Math.Min(int.MaxValue, (long)MaxSequenceLength * MaxBatch));
        foreach (float[] buffer in (ReadOnlySpan<float[]>)[_zeros, _stateA, _stateB, _sequence])
            Array.Clear(buffer);
        int batch = WarmUpSizes.Batch(MaxBatch, workPerRow, ParallelStepThreshold, _pool is not null);
        WarmUpCalls(batch);
        // The largest threaded forwards split the batch (ForwardRows) and smaller ones may not: both paths.
        bool threaded = _pool is not null && workPerRow * MaxBatch >= ParallelStepThreshold;
        if (threaded && SplitsRows(MaxBatch, Threads) && !SplitsRows(batch, Threads))
        {
            // Workers that have just started may have made the first calls late: not a busy core.
            _pool!.ForgetLateCalls();
            WarmUpCalls(Math.Max(batch, _minRowsPerThread * Threads));
        }
        RowSplitForwards = 0;
        ThreadedForwards = 0;
        _handoff?.ForgetHandoffs();
        Reset(default, MaxBatch);
        _pool?.ForgetLateCalls();
    }

    private void WarmUpCalls(int batch)
    {
        int h = _weights.HiddenSize, x = _weights.InputSize;
        int outputWidth = _weights.OutputWeights is null ? h : _weights.OutputSize;
        int steps = WarmUpSizes.Steps(MaxSequenceLength, batch, x, h, outputWidth);
        if (steps > 0)
        {
            var input = new float[steps * batch * x];
            var output = new float[steps * batch * outputWidth];
            var final = new float[batch * h];
            if (_weights.OutputWeights is null)
                RunLayer(input, steps, batch, output, final, default);
            else
                RunNetwork(input, steps, batch, output, final, default);
            Reset(default, batch);
            // A layer's Step has no head: its output is the state itself.
            Span<float> y = _weights.OutputWeights is null ? default : output;
            Step(input, y);
            Step(input, y);
        }
    }

    private readonly WeightsLease _lease;

    /// <summary>The panels of a threaded forward's steps, each thread's share first its own (see <see cref="RecurShared"/>).</summary>
    private readonly StealableRanges? _claims;

    /// <summary>The next step's phase in <see cref="_claims"/>: advanced by every forward, so that no range stays open from an earlier step.</summary>
    private int _phase;

    /// <summary>Hands rows over between threads of a forward split by rows; null on one thread or past its limits.</summary>
    private readonly RowHandoff? _handoff;

    /// <summary>The handoff, for tests: offers taken, whether a thread waits, how long it waits at least.</summary>
    internal RowHandoff? Handoff => _handoff;

    /// <summary>Steps in which a thread computed panels of another's share (for tests).</summary>
    internal long Steals => _claims?.Steals ?? 0;

    /// <summary>Test hook: run by each thread of a threaded forward, with its index (0: the caller), before each step: split by hidden units once its share of the step is open to the others and before it takes any of it; split by rows after it has offered rows to a waiting thread, if it did. E.g. to make it slow.</summary>
    internal Action<int>? BeforeThreadStep { get; set; }

    /// <summary>More threads than this is a mistake, not a configuration.</summary>
    public const int MaxThreads = 256;

    public int Threads { get; }

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

    private readonly CallGuard _guard;

    public int MaxSequenceLength { get; }
    public int MaxBatch { get; }
    public int Batch { get; private set; }
    public ElmanWeights Weights => _weights;

    public ReadOnlySpan<float> State => (_stateInA ? _stateA : _stateB).AsSpan(0, Batch * _weights.HiddenSize);

    private static float* Address(float[] array) => (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));

    /// <summary>Calls on a disposed session, or a session of a disposed model, throw.</summary>
    public void ThrowIfDisposed()
    {
        _guard.ThrowIfDisposed();
        if (_weights.IsDisposed)
            throw new ObjectDisposedException(_owner.GetType().FullName, $"The {_owner.GetType().Name} this session was created from is disposed: its sessions cannot run.");
    }

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
        // Overlaps are checked on the parts used: longer spans are accepted and their tails ignored.
        x = x[..(int)(rows * _weights.InputSize)];
        output = output[..(int)(rows * outputWidth)];
        finalState = finalState[..(batch * h)];
        if (!initialState.IsEmpty)
            initialState = initialState[..(batch * h)];
        Check.NoOverlap(output, x, "output", "x");
        Check.NoOverlap(output, finalState, "output", "finalState");
        Check.NoOverlap(output, initialState, "output", "initialState");
        Check.NoOverlap(finalState, x, "finalState", "x");
    }

    /// <summary>
    /// Runs the recurrence over a whole sequence into <paramref name="hidden"/> (T·B·H): the hoisted
    /// projection in blocks of steps (<see cref="ProjectionBlocks"/>), then one recurrent product per
    /// step in place over the projected rows; with a head,
    /// the head over all rows into <paramref name="output"/>. Writes the final state last, so
    /// <paramref name="finalState"/> may be the initial state's memory.
    /// </summary>
    private void RunSequence(ReadOnlySpan<float> x, int sequenceLength, int batch, float* hidden,
        float* output, Span<float> finalState, ReadOnlySpan<float> initialState)
    {
        int h = _weights.HiddenSize;
        nint stepSize = (nint)batch * h;
        fixed (float* px = x, ph0 = initialState)
        {
            _job = new Job(JobKind.Forward, sequenceLength, batch, px, initialState.IsEmpty ? Address(_zeros) : ph0, hidden, output, _phase);
            _phase += sequenceLength;
            Execute();
        }
        new ReadOnlySpan<float>(hidden + (sequenceLength - 1) * stepSize, (int)stepSize).CopyTo(finalState);
    }

    /// <summary>A layer's forward: the hidden sequence straight into the caller's output.</summary>
    public void RunLayer(ReadOnlySpan<float> x, int sequenceLength, int batch, Span<float> output,
        Span<float> finalState, ReadOnlySpan<float> initialState)
    {
        fixed (float* hidden = output)
            RunSequence(x, sequenceLength, batch, hidden, null, finalState, initialState);
    }

    /// <summary>The network's forward: the hidden sequence in the session's buffer, then the head over all of it.</summary>
    public void RunNetwork(ReadOnlySpan<float> x, int sequenceLength, int batch, Span<float> output,
        Span<float> finalState, ReadOnlySpan<float> initialState)
    {
        fixed (float* py = output)
            RunSequence(x, sequenceLength, batch, Address(_sequence), py, finalState, initialState);
    }

    /// <summary>
    /// Below this many multiply-adds per step, a barrier per step (a few hundred nanoseconds of
    /// cache-line traffic between cores) costs more than splitting the step saves: the caller
    /// runs such calls alone. Measured on 2 cores: S3 (2¹⁷ per step) got slower split, the
    /// H = 1024 batch-1 point (2²¹) 1.9× faster. Results are the same bits either way.
    /// </summary>
    public const long DefaultParallelStepThreshold = 1 << 19;

    /// <summary>
    /// Multiply-adds per step from which a call uses the worker threads, unless a recent call found
    /// one late (<see cref="WorkerPool.RunAlone"/>). Tests set 0 to force them, pause or not.
    /// </summary>
    public long ParallelStepThreshold { get; set; } = DefaultParallelStepThreshold;

    private int _projectionBlockRows = ProjectionBlocks.DefaultRows;

    /// <summary>Rows per projection block (<see cref="ProjectionBlocks"/>): settable for tests, which cross block boundaries with small shapes.</summary>
    public int ProjectionBlockRows
    {
        get => _projectionBlockRows;
        set => _projectionBlockRows = ProjectionBlocks.Checked(value);
    }

    private void Execute()
    {
        long stepWork = (long)_job.Batch * _weights.HiddenSize * (_weights.InputSize + _weights.HiddenSize);
        // A threshold of 0 forces the workers (tests): it also ignores the busy-core pause.
        if (_pool is null || stepWork < ParallelStepThreshold || (ParallelStepThreshold > 0 && _pool.TakeCallAlone()))
            Execute(0, 1);
        else
        {
            if (_job.Kind == JobKind.Forward)
            {
                ThreadedForwards++;
                _handoff?.Begin(_pool.Count);
            }
            _pool.Run();
        }
    }

    /// <summary>
    /// One thread's share of the current job: its panels of every product, the same steps; or, for
    /// a forward over a batch of at least <see cref="MinRowsPerThread"/> rows per thread, its own
    /// rows of the batch (<see cref="ForwardRows"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Execute(int index, int count)
    {
        Job job = _job;
        var hiddenPanels = PanelRange.Share(_weights.RecurrentWeights.PanelCount, index, count);
        var outputPanels = _weights.OutputWeights is { } head ? PanelRange.Share(head.PanelCount, index, count) : default;
        int batch = job.Batch;
        nint stepSize = (nint)batch * _weights.HiddenSize;
        if (job.Kind == JobKind.Forward && count > 1 && SplitsRows(batch, count))
        {
            ForwardRows(job, index, count, outputPanels);
        }
        else if (job.Kind == JobKind.Forward)
        {
            // The projection goes in place into the hidden rows, a block of steps at a time
            // (ProjectionBlocks). Each thread projects the columns of its own panels, so alone it
            // needs no barrier between a block's projection and its steps; one after each step,
            // since every thread reads all of h_t. On several threads, a thread projects the next
            // step's block and opens its share of that step before the barrier, so that after the
            // barrier the others can take panels of it at once (RecurShared).
            int blockSteps = ProjectionBlocks.Steps(_projectionBlockRows, batch, job.Steps);
            nint inputStep = (nint)batch * _weights.InputSize;
            float* prev = job.Previous;
            StealableRanges? claims = count > 1 ? _claims : null;
            Project(0);
            claims?.Open(index, job.Phase, hiddenPanels.Start, hiddenPanels.End);
            for (int t = 0; t < job.Steps; t++)
            {
                float* g = job.Hidden + t * stepSize;
                bool descending = (t & 1) != 0;
                if (claims is null)
                {
                    if (t > 0)
                        Project(t);
                    _engine.Recur(batch, prev, g, g, hiddenPanels, descending);
                }
                else
                {
                    RecurShared(claims, index, job.Phase + t, batch, prev, g, descending);
                    if (t + 1 < job.Steps)
                    {
                        Project(t + 1);
                        claims.Open(index, job.Phase + t + 1, hiddenPanels.Start, hiddenPanels.End);
                    }
                }
                Barrier(count);
                prev = g;
            }

            // Projects this thread's panels of the block that starts at step t, if one does.
            void Project(int t)
            {
                if (t % blockSteps == 0)
                    _engine.Project(Math.Min(blockSteps, job.Steps - t) * batch, job.X + t * inputStep, job.Hidden + t * stepSize, hiddenPanels);
            }
            if (job.Output != null)
                _engine.Head(job.Steps * batch, job.Hidden, job.Output, outputPanels);
        }
        else
        {
            _engine.Project(batch, job.X, job.Hidden, hiddenPanels);
            _engine.Recur(batch, job.Previous, job.Hidden, job.Hidden, hiddenPanels, !_stateInA);
            if (job.Output != null)
            {
                Barrier(count);
                _engine.Head(batch, job.Hidden, job.Output, outputPanels);
            }
        }
    }

    private int _minRowsPerThread = BatchSplit.DefaultMinRowsPerThread;

    /// <summary>Rows per thread from which a threaded forward splits the batch (<see cref="BatchSplit"/>); settable for tests, whose batches are small.</summary>
    public int MinRowsPerThread
    {
        get => _minRowsPerThread;
        set => _minRowsPerThread = BatchSplit.Checked(value);
    }

    internal bool SplitsRows(int batch, int count) => BatchSplit.Splits(batch, count, _minRowsPerThread);

    /// <summary>Forwards split by rows since creation (for tests: which path a call took).</summary>
    internal long RowSplitForwards { get; private set; }

    /// <summary>Forwards run on the workers, split by rows or not, since creation (for tests).</summary>
    internal long ThreadedForwards { get; private set; }

    /// <summary>
    /// A threaded forward split by rows (<see cref="BatchSplit"/>): thread <paramref name="index"/>
    /// runs the whole sequence for its own rows, every panel of every product, then rows that a
    /// slower thread hands over (<see cref="RowHandoff"/>), and meets the others once, before the
    /// head.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ForwardRows(in Job job, int index, int count, PanelRange outputPanels)
    {
        if (index == 0)
            RowSplitForwards++;
        var (first, rows) = BatchSplit.Share(job.Batch, index, count);
        long begun = Stopwatch.GetTimestamp();
        RunRows(job, index, first, rows, 0);
        if (_handoff is { } handoff)
        {
            handoff.Finished();
            long waitFrom = Stopwatch.GetTimestamp();
            // The others offer between steps: two of this thread's steps are long enough to reach one.
            long wait = 2 * ((waitFrom - begun) / job.Steps);
            while (handoff.WaitForOffer(wait, out first, out rows, out int step))
            {
                _pool!.AddCallerWait(Stopwatch.GetTimestamp() - waitFrom);
                RunRows(job, index, first, rows, step);
                handoff.Finished();
                waitFrom = Stopwatch.GetTimestamp();
            }
            _pool!.AddCallerWait(Stopwatch.GetTimestamp() - waitFrom);
        }
        if (job.Output != null)
        {
            Barrier(count);
            _engine.Head(job.Steps * job.Batch, job.Hidden, job.Output, outputPanels);
        }
    }

    /// <summary>
    /// Rows [<paramref name="first"/>, <paramref name="first"/> + <paramref name="rows"/>) from step
    /// <paramref name="start"/> to the end, their state at step <paramref name="start"/> − 1 (and the
    /// projection of a block begun before <paramref name="start"/>) already written. Before each
    /// step, if a thread is waiting for work and the rows split into two shares of at least
    /// <see cref="MinRowsPerThread"/>, the second share is handed over.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunRows(in Job job, int index, int first, int rows, int start)
    {
        int batch = job.Batch;
        int hidden = _weights.HiddenSize;
        int input = _weights.InputSize;
        nint stepSize = (nint)batch * hidden;
        nint inputStep = (nint)batch * input;
        var all = new PanelRange(0, _weights.RecurrentWeights.PanelCount);
        int blockSteps = ProjectionBlocks.Steps(_projectionBlockRows, batch, job.Steps);
        float* own = job.Hidden + (nint)first * hidden;
        float* prev = start == 0 ? job.Previous + (nint)first * hidden : own + (start - 1) * stepSize;
        RowHandoff? handoff = _handoff;
        for (int t = start; t < job.Steps; t++)
        {
            if (t > start)
                handoff?.OfferHalfIfWanted(first, ref rows, t, _minRowsPerThread);
            BeforeThreadStep?.Invoke(index);
            // This thread's rows of the block's steps: a group of rows per step, each W_ih panel
            // loaded once for the block. Rows taken mid-block were projected by their giver.
            if (t % blockSteps == 0)
                _engine.ProjectGroups(Math.Min(blockSteps, job.Steps - t), rows, job.X + t * inputStep + (nint)first * input, inputStep,
                    own + t * stepSize, stepSize, all);
            float* g = own + t * stepSize;
            _engine.Recur(rows, prev, g, g, all, (t & 1) != 0);
            prev = g;
        }
    }

    /// <summary>
    /// One step's recurrent product on several threads: this thread's own panels first, taken a
    /// claim at a time in the step's panel order, then what is left of the other threads' shares,
    /// taken from the other end (<see cref="StealableRanges"/>). Each share was opened by its
    /// owner once its projection was written. A panel is computed the same way by any thread, so
    /// the bits do not depend on who took it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RecurShared(StealableRanges claims, int index, int phase, int batch, float* prev, float* g, bool descending)
    {
        BeforeThreadStep?.Invoke(index);
        int size = ClaimPanels(batch, _weights.HiddenSize, _weights.RecurrentWeights.PanelWidth);
        while (claims.TryTakeOwn(index, phase, descending, size, out int start, out int end))
            _engine.Recur(batch, prev, g, g, new PanelRange(start, end), descending);
        while (claims.TrySteal(index, phase, descending, size, out int start, out int end))
            _engine.Recur(batch, prev, g, g, new PanelRange(start, end), descending);
    }

    /// <summary>Panels per claim (<see cref="StealableRanges.ItemsPerClaim"/>); at batch 1 whole groups of the matrix–vector tile's four panels.</summary>
    internal static int ClaimPanels(int batch, int hidden, int panelWidth)
        => StealableRanges.ItemsPerClaim((long)batch * hidden * panelWidth, batch == 1 ? 4 : 1);

    /// <summary>All threads of a parallel call meet here; a call the caller runs alone has no one to wait for.</summary>
    private void Barrier(int count)
    {
        if (count > 1)
            _pool!.Barrier();
    }

    public void CheckStep(ReadOnlySpan<float> x, ReadOnlySpan<float> output, int outputWidth)
    {
        ThrowIfDisposed();
        if (x.Length < (long)Batch * _weights.InputSize)
            Check.ThrowTooShort("x", x.Length, (long)Batch * _weights.InputSize, $"batch {Batch} × input size {_weights.InputSize}");
        if (output.Length < (long)Batch * outputWidth)
            Check.ThrowTooShort("output", output.Length, (long)Batch * outputWidth, $"batch {Batch} × {outputWidth}");
        Check.NoOverlap(output[..(Batch * outputWidth)], x[..(Batch * _weights.InputSize)], "output", "x");
    }

    /// <summary>One time step on the session's state (and, with <paramref name="y"/>, the head); returns the new state (Batch×H).</summary>
    public float* Step(ReadOnlySpan<float> x, Span<float> y)
    {
        float* state = Address(_stateInA ? _stateA : _stateB);
        float* next = Address(_stateInA ? _stateB : _stateA);
        fixed (float* px = x, py = y)
        {
            _job = new Job(JobKind.Step, 1, Batch, px, state, next, y.IsEmpty ? null : py);
            Execute();
        }
        _stateInA = !_stateInA;
        return next;
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
