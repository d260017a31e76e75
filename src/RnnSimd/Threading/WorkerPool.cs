using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace RnnSimd.Threading;

/// <summary>Work that a <see cref="WorkerPool"/> runs on all its threads at once.</summary>
internal interface IParallelWork
{
    /// <summary>Runs share <paramref name="index"/> of <paramref name="count"/>; every share calls <see cref="WorkerPool.Barrier"/> equally often.</summary>
    void Execute(int index, int count);
}

/// <summary>
/// The calling thread plus persistent worker threads that run one <see cref="IParallelWork"/>
/// together and meet at a barrier between time steps. No Task, no allocation per call: the
/// workers wait at the barrier between calls (spinning briefly, then blocked). A call in which the
/// calling thread spent more than half its time, and over a millisecond, waiting at barriers was
/// waiting for a thread whose core is busy elsewhere: it starts a pause in which callers should run
/// alone (<see cref="RunAlone"/>, <see cref="ContentionBackoff"/>). Balanced steps keep the caller
/// waiting a few percent (it takes the larger share when shares differ).
/// </summary>
internal sealed class WorkerPool : IDisposable
{
    /// <summary>Long enough to bridge consecutive steps and back-to-back calls, short enough not to hog a core.</summary>
    internal static readonly TimeSpan Spin = TimeSpan.FromMicroseconds(200);

    /// <summary>
    /// Less waiting than this is never a busy core: waking a blocked worker (the first call after a
    /// pause, or after 200 µs idle) costs tens of microseconds (about 0.1 ms until it runs, measured on
    /// a two-core virtual machine), a descheduled worker a time slice of milliseconds.
    /// </summary>
    private static readonly long LateTicks = Stopwatch.Frequency / 1000;

    private readonly SpinBarrier _barrier;
    private readonly Thread[] _workers;
    private readonly IParallelWork _work;
    private volatile bool _stopping;
    private long _callerWaitTicks;
    private int _callerId;

    private bool _disposed;

    /// <param name="threads">Threads in all, the caller included (at least 2).</param>
    public WorkerPool(int threads, IParallelWork work, string name)
    {
        Count = threads;
        _work = work;
        _barrier = new SpinBarrier(threads, Spin);
        _workers = new Thread[threads - 1];
        for (int i = 0; i < _workers.Length; i++)
        {
            int index = i + 1;
            _workers[i] = new Thread(() => WorkerLoop(index)) { IsBackground = true, Name = $"{name} worker {index}" };
            _workers[i].Start();
        }
    }

    /// <summary>Threads in all, the caller included.</summary>
    public int Count { get; }

    /// <summary>
    /// Whether a call now should run on the caller alone: a recent threaded call found a thread
    /// late (its core busy elsewhere). Read by the caller only, like <see cref="Run"/>.
    /// </summary>
    public bool RunAlone => Backoff.RunAlone(Stopwatch.GetTimestamp());

    /// <summary>
    /// <see cref="RunAlone"/>, for a call about to run: if it says so, the call is counted in
    /// <see cref="CallsRunAlone"/>. Called by the caller only, like <see cref="Run"/>.
    /// </summary>
    public bool TakeCallAlone()
    {
        if (!RunAlone)
            return false;
        // Written by the caller only; the interlocked add lets other threads read a whole value.
        Interlocked.Increment(ref _callsRunAlone);
        return true;
    }

    /// <summary>Calls that ran on the caller alone because of the busy-core pause, since creation.</summary>
    public long CallsRunAlone => Interlocked.Read(ref _callsRunAlone);

    private long _callsRunAlone;

    /// <summary>How calls have gone; replaceable so that tests can set the pause.</summary>
    internal ContentionBackoff Backoff { get; set; } = new();

    /// <summary>
    /// Forgets how calls have gone so far (late calls, pause): after a session's warm-up call,
    /// whose workers may have been late only because they had just started; the calls it made the
    /// session run alone are not counted either.
    /// </summary>
    public void ForgetLateCalls()
    {
        Backoff = new ContentionBackoff();
        Interlocked.Exchange(ref _callsRunAlone, 0);
    }

    /// <summary>Test hook: run by each worker before its share, e.g. to make it late.</summary>
    internal Action? BeforeWorkerShare { get; set; }

    /// <summary>Runs the work on every thread (share 0 on the caller) and returns when all are done.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        long start = Stopwatch.GetTimestamp();
        _callerId = Environment.CurrentManagedThreadId;
        _callerWaitTicks = 0;
        _barrier.SignalAndWait();
        _work.Execute(0, Count);
        long done = Stopwatch.GetTimestamp();
        _barrier.SignalAndWait();
        long end = Stopwatch.GetTimestamp();
        long waited = _callerWaitTicks + (end - done);
        Backoff.Report(late: 2 * waited > end - start && waited > LateTicks, end);
    }

    /// <summary>
    /// Counts <paramref name="ticks"/> (<see cref="Stopwatch"/>) that the calling thread spent
    /// waiting for the others outside <see cref="Barrier"/> (for rows to take over) as waiting, so
    /// that a call whose worker was descheduled still counts as late. Ignored on the workers.
    /// </summary>
    public void AddCallerWait(long ticks)
    {
        if (Environment.CurrentManagedThreadId == _callerId)
            _callerWaitTicks += ticks;
    }

    /// <summary>All threads of the current run meet here; the caller's waits are timed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Barrier()
    {
        if (Environment.CurrentManagedThreadId != _callerId)
        {
            _barrier.SignalAndWait();
            return;
        }
        long arrived = Stopwatch.GetTimestamp();
        _barrier.SignalAndWait();
        _callerWaitTicks += Stopwatch.GetTimestamp() - arrived;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WorkerLoop(int index)
    {
        while (true)
        {
            _barrier.SignalAndWait();
            if (_stopping)
                return;
            BeforeWorkerShare?.Invoke();
            _work.Execute(index, Count);
            _barrier.SignalAndWait();
        }
    }

    /// <summary>Stops and joins the workers.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _stopping = true;
        _barrier.SignalAndWait();
        // Uninterruptible, like the barrier: a Thread.Interrupt pending on the disposing thread
        // (the barrier re-raises one it absorbed) would otherwise throw out of Dispose before the
        // workers are joined and the session lets go of its weights. Re-raised once they are.
        bool interrupted = false;
        foreach (Thread t in _workers)
        {
            while (true)
            {
                try
                {
                    t.Join();
                    break;
                }
                catch (ThreadInterruptedException)
                {
                    interrupted = true;
                }
            }
        }
        if (interrupted)
            Thread.CurrentThread.Interrupt();
    }
}
