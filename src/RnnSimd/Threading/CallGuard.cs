using System.Diagnostics.CodeAnalysis;

namespace RnnSimd.Threading;

/// <summary>
/// One call at a time on a session, and a Dispose that never frees memory under a running call.
/// A call hands the kernels and the workers raw pointers into the caller's pinned spans: a second
/// call from another thread would replace them in the middle of a step, and a Dispose would free
/// the workers and the weights' lease under them. A call costs one interlocked operation on entry
/// and a plain store on exit; a Dispose from another thread waits for the running call to return.
/// </summary>
/// <param name="session">The session's public type, which errors name (not the model's: a user who
/// disposed a session should not read that the model is disposed).</param>
internal sealed class CallGuard(Type session)
{
    private const int Idle = 0, Busy = 1, Disposed = 2;
    private readonly Type _session = session;
    private int _state;
    private int _caller; // the managed thread id of the running call's caller, for Dispose

    public bool IsDisposed => Volatile.Read(ref _state) == Disposed;

    /// <summary>Begins a call; throws if one is running or the session is disposed.</summary>
    public void Enter()
    {
        int previous = Interlocked.CompareExchange(ref _state, Busy, Idle);
        if (previous != Idle)
            Refuse(previous);
        _caller = Environment.CurrentManagedThreadId;
    }

    /// <summary>Ends a call begun by <see cref="Enter"/> (only its thread writes the state while it is busy).</summary>
    public void Exit()
    {
        // Cleared first: a later caller's Dispose must not take itself for this call's thread.
        _caller = 0;
        Volatile.Write(ref _state, Idle);
    }

    /// <summary>
    /// Marks the session disposed once no call runs; true for the one Dispose that must release
    /// what the session holds. From inside the running call's own thread it would wait forever: it throws.
    /// </summary>
    public bool Dispose()
    {
        var wait = new SpinWait();
        while (true)
        {
            int previous = Interlocked.CompareExchange(ref _state, Disposed, Idle);
            if (previous == Idle)
                return true;
            if (previous == Disposed)
                return false;
            if (Volatile.Read(ref _caller) == Environment.CurrentManagedThreadId && Volatile.Read(ref _state) == Busy)
                throw new InvalidOperationException($"{_session.Name}: Dispose called from inside a call of the same session on the same thread.");
            wait.SpinOnce();
        }
    }

    [DoesNotReturn]
    private void Refuse(int state)
    {
        ThrowIfDisposed(state == Disposed);
        throw new InvalidOperationException(
            $"{_session.Name}: a call is already running on this session (from another thread, or re-entered); "
            + "a session serves one call at a time: give each thread its own session.");
    }

    /// <summary>Throws if the session is disposed.</summary>
    public void ThrowIfDisposed() => ThrowIfDisposed(IsDisposed);

    private void ThrowIfDisposed(bool disposed)
    {
        if (disposed)
            throw new ObjectDisposedException(_session.FullName, "This session is disposed: create a new one from its model.");
    }
}
