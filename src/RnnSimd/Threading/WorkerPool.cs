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
/// workers wait at the barrier between calls (spinning briefly, then blocked).
/// </summary>
internal sealed class WorkerPool : IDisposable
{
    /// <summary>Long enough to bridge consecutive steps and back-to-back calls, short enough not to hog a core.</summary>
    private static readonly TimeSpan Spin = TimeSpan.FromMicroseconds(200);

    private readonly SpinBarrier _barrier;
    private readonly Thread[] _workers;
    private readonly IParallelWork _work;
    private volatile bool _stopping;
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

    /// <summary>Runs the work on every thread (share 0 on the caller) and returns when all are done.</summary>
    public void Run()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _barrier.SignalAndWait();
        _work.Execute(0, Count);
        _barrier.SignalAndWait();
    }

    /// <summary>All threads of the current run meet here.</summary>
    public void Barrier() => _barrier.SignalAndWait();

    private void WorkerLoop(int index)
    {
        while (true)
        {
            _barrier.SignalAndWait();
            if (_stopping)
                return;
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
        foreach (Thread t in _workers)
            t.Join();
    }
}
