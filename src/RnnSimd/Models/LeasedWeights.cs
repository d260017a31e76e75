namespace RnnSimd.Models;

/// <summary>
/// Packed, immutable weights in native memory, shared read-only by every session of one model.
/// </summary>
/// <remarks>
/// Lifetime: every session holds a lease for its whole life, so the memory is freed only when the
/// model has been disposed and the last session has let go (disposed, or collected). A model
/// disposed while another thread is inside a call therefore cannot pull the memory from under it;
/// that thread's next call throws <see cref="ObjectDisposedException"/>. The leases cost nothing
/// per call: they are taken when a session is created.
/// </remarks>
internal abstract class LeasedWeights : IDisposable
{
    private int _leases;
    private int _disposed;
    private int _freed;

    /// <summary>Whether <see cref="Dispose"/> was called (the memory may still be held by sessions).</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Whether the native memory has been freed (disposed, and no session holds it).</summary>
    public bool IsFreed => Volatile.Read(ref _freed) != 0;

    /// <summary>Takes a lease for a new session; throws if the model is already disposed.</summary>
    public void AddLease(object owner)
    {
        Interlocked.Increment(ref _leases);
        // Paired with Dispose: it sets the flag, then reads the count; here the count rises, then
        // the flag is read. Both are full fences, so one of the two sees the other.
        if (IsDisposed)
        {
            ReleaseLease();
            throw new ObjectDisposedException(owner.GetType().FullName);
        }
    }

    public void ReleaseLease()
    {
        if (Interlocked.Decrement(ref _leases) == 0 && IsDisposed)
            Free();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0 && Volatile.Read(ref _leases) == 0)
            Free();
    }

    private void Free()
    {
        if (Interlocked.Exchange(ref _freed, 1) == 0)
            FreeMemory();
    }

    /// <summary>Frees the native memory; called exactly once.</summary>
    protected abstract void FreeMemory();
}

/// <summary>
/// One session's hold on its model's weights (see <see cref="LeasedWeights"/>): returned by
/// <see cref="Release"/>, or by the finalizer when a session is dropped undisposed. A separate
/// object, so that the session machinery itself needs no finalizer.
/// </summary>
internal sealed class WeightsLease
{
    private LeasedWeights? _weights;

    public WeightsLease(LeasedWeights weights, object owner)
    {
        weights.AddLease(owner);
        _weights = weights;
    }

    public void Release()
    {
        Interlocked.Exchange(ref _weights, null)?.ReleaseLease();
        GC.SuppressFinalize(this);
    }

    ~WeightsLease() => Interlocked.Exchange(ref _weights, null)?.ReleaseLease();
}
