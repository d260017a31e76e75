using RnnSimd.Kernels;

namespace RnnSimd.Models;

/// <summary>
/// The packed, immutable weights of one Elman layer (and, for the reference network, its output
/// head), in native memory owned here. Shared read-only by every session.
/// </summary>
/// <remarks>
/// Lifetime: every session holds a lease for its whole life, so the memory is freed only when the
/// model has been disposed and the last session has let go (disposed, or collected). A model
/// disposed while another thread is inside a call therefore cannot pull the memory from under it;
/// that thread's next call throws <see cref="ObjectDisposedException"/>. The leases cost nothing
/// per call: they are taken when a session is created.
/// </remarks>
internal sealed unsafe class ElmanWeights : IDisposable
{
    private int _leases;
    private int _disposed;
    private int _freed;

    private readonly AlignedBuffer? _bias;
    private readonly AlignedBuffer? _outputBias;

    public ElmanWeights(int inputSize, int hiddenSize, int outputSize,
        PackedMatrix inputWeights, PackedMatrix recurrentWeights, ReadOnlySpan<float> bias,
        PackedMatrix? outputWeights, ReadOnlySpan<float> outputBias)
    {
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        OutputSize = outputSize;
        InputWeights = inputWeights;
        RecurrentWeights = recurrentWeights;
        OutputWeights = outputWeights;
        if (!bias.IsEmpty)
        {
            _bias = new AlignedBuffer(bias.Length);
            bias.CopyTo(_bias.AsSpan());
        }
        if (!outputBias.IsEmpty)
        {
            _outputBias = new AlignedBuffer(outputBias.Length);
            outputBias.CopyTo(_outputBias.AsSpan());
        }
    }

    public int InputSize { get; }
    public int HiddenSize { get; }

    /// <summary>Y, or 0 without a head.</summary>
    public int OutputSize { get; }

    /// <summary>K = X, N = H.</summary>
    public PackedMatrix InputWeights { get; }

    /// <summary>K = H, N = H.</summary>
    public PackedMatrix RecurrentWeights { get; }

    /// <summary>K = H, N = Y, or null without a head.</summary>
    public PackedMatrix? OutputWeights { get; }

    /// <summary>H floats added to the projection, or null.</summary>
    public float* Bias => _bias is null ? null : _bias.Pointer;

    /// <summary>Y floats added by the head, or null.</summary>
    public float* OutputBias => _outputBias is null ? null : _outputBias.Pointer;

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
        if (Interlocked.Exchange(ref _freed, 1) != 0)
            return;
        InputWeights.Dispose();
        RecurrentWeights.Dispose();
        OutputWeights?.Dispose();
        _bias?.Dispose();
        _outputBias?.Dispose();
    }
}
