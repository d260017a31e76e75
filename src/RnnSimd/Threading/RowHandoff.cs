using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RnnSimd.Threading;

/// <summary>
/// Rebalances a forward split by rows (<see cref="BatchSplit"/>) while it runs: a thread that has
/// finished its rows waits a while for more; a thread still running sees that before its next step
/// and hands over half of its rows, from that step on. One offer at a time; allocates nothing.
/// </summary>
/// <remarks>
/// <para>Why: a call split by rows lasts as long as its slower thread, and on a shared host one
/// core is at times 15–20% slower than the other for hundreds of calls (measured on a two-core
/// Zen 5 virtual machine: Elman S4's two halves took 3.3–3.4 and 4.0–4.1 ms). Shares sized to
/// each core's speed in advance lost more to the tiles' granularity than they gained; handing over
/// what is left when the faster thread is done costs one compare-and-swap, and nothing when the
/// threads finish together. Rows are independent sequences, so the thread that takes them needs
/// only their state at that step, which the giver wrote before its offer (the compare-and-swap
/// publishes it).</para>
/// <para>No offer is lost: an offer is posted only by a thread that is running rows, and every
/// thread, once its rows are done, takes whatever offer is up before it stops waiting, so the
/// poster takes back its own offer if no one else did. A waiting thread gives up after
/// a while (the others may have too few rows left to give, or be descheduled) and goes on to
/// the pool's barrier, which blocks. A thread that gives up just as another posts leaves the
/// offer to its poster, which then runs both halves itself: correct, only slower, and rare (it
/// takes a give-up inside the few nanoseconds between a poster's look and its post).</para>
/// </remarks>
internal sealed class RowHandoff
{
    /// <summary>Rows and steps are packed in 21 bits each: sessions past that do not hand over.</summary>
    public const int MaxValue = (1 << 21) - 1;

    private const int Bits = 21;
    private const long Mask = (1L << Bits) - 1;

    /// <summary>The offer and the counts on their own cache lines, away from the session's fields.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 192)]
    private struct Shared
    {
        /// <summary>0, or an offer: first row, rows and first step in 21 bits each, and bit 63 set so that no offer is 0.</summary>
        [FieldOffset(64)] public long Offer;
        /// <summary>Threads waiting for an offer.</summary>
        [FieldOffset(72)] public int Idle;
        /// <summary>Threads running rows (their own or taken).</summary>
        [FieldOffset(76)] public int Busy;
    }

    private readonly Shared[] _shared = new Shared[1];
    private long _minWaitTicks = Ticks(WorkerPool.Spin);
    private long _handoffs;

    /// <summary>
    /// The least a thread waits for an offer: the pool's spin. Callers pass a longer wait where the
    /// thread that may offer is further away from its next chance to (see <see cref="WaitForOffer"/>).
    /// </summary>
    public TimeSpan MinWait
    {
        get => TimeSpan.FromSeconds((double)_minWaitTicks / Stopwatch.Frequency);
        set => _minWaitTicks = Ticks(value);
    }

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    /// <summary>Offers taken since creation or <see cref="ForgetHandoffs"/> (for tests).</summary>
    public long Handoffs => Interlocked.Read(ref _handoffs);

    /// <summary>Forgets the offers taken so far: after a session's warm-up.</summary>
    public void ForgetHandoffs() => Interlocked.Exchange(ref _handoffs, 0);

    /// <summary>Before the threads start a forward: <paramref name="threads"/> threads running their rows, no offer.</summary>
    public void Begin(int threads)
    {
        ref Shared s = ref _shared[0];
        s.Offer = 0;
        s.Idle = 0;
        Volatile.Write(ref s.Busy, threads);
    }

    /// <summary>Whether a thread is waiting for an offer (for tests).</summary>
    public bool Waiting => Volatile.Read(ref _shared[0].Idle) > 0;

    /// <summary>Whether a thread is waiting and no offer is up: read by running threads before each step.</summary>
    public bool Wanted
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            ref Shared s = ref _shared[0];
            return Volatile.Read(ref s.Idle) > 0 && Volatile.Read(ref s.Offer) == 0;
        }
    }

    /// <summary>
    /// Offers rows [<paramref name="first"/>, <paramref name="first"/> + <paramref name="rows"/>)
    /// from step <paramref name="step"/> on. On success the caller no longer runs them; everything
    /// it wrote before is visible to the thread that takes them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryOffer(int first, int rows, int step)
    {
        long offer = long.MinValue | ((long)first << (2 * Bits)) | ((long)rows << Bits) | (uint)step;
        return Interlocked.CompareExchange(ref _shared[0].Offer, offer, 0) == 0;
    }

    /// <summary>
    /// Before step <paramref name="step"/> of rows [<paramref name="first"/>, +<paramref name="rows"/>):
    /// if a thread waits and the rows make two halves of at least <paramref name="minRows"/>, offers
    /// the second half and keeps the first (<paramref name="rows"/> shrinks). What the caller wrote
    /// before is visible to the thread that takes them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void OfferHalfIfWanted(int first, ref int rows, int step, int minRows)
    {
        if (rows >= 2 * minRows && Wanted && TryOffer(first + rows - rows / 2, rows / 2, step))
            rows -= rows / 2;
    }

    /// <summary>A thread is done with the rows it was running.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Finished() => Interlocked.Decrement(ref _shared[0].Busy);

    /// <summary>
    /// Called by a thread whose rows are done: waits for an offer while another thread is running
    /// rows, for <paramref name="waitTicks"/> (<see cref="Stopwatch"/> ticks) or <see cref="MinWait"/>,
    /// whichever is longer, spinning: the wait is bounded, and a thread that blocked would take
    /// tens of microseconds to wake. True with the rows taken, which count as running until
    /// <see cref="Finished"/>.
    /// </summary>
    /// <param name="waitTicks">
    /// Long enough for a slower thread to reach its next step: callers pass two of their own steps,
    /// or a quarter of their own time when the others may still be in an earlier pass, in which
    /// they do not offer.
    /// </param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool WaitForOffer(long waitTicks, out int first, out int rows, out int step)
    {
        ref Shared s = ref _shared[0];
        if (TryTake(ref s, out first, out rows, out step))
            return true;
        Interlocked.Increment(ref s.Idle);
        long deadline = Stopwatch.GetTimestamp() + Math.Max(_minWaitTicks, waitTicks);
        int spins = 0;
        while (true)
        {
            if (TryTake(ref s, out first, out rows, out step))
            {
                Interlocked.Decrement(ref s.Idle);
                return true;
            }
            if (Volatile.Read(ref s.Busy) == 0 || ((++spins & 63) == 0 && Stopwatch.GetTimestamp() > deadline))
                break;
            Thread.SpinWait(8);
        }
        Interlocked.Decrement(ref s.Idle);
        // An offer posted after the last look is taken here or, at the latest, by its poster.
        return TryTake(ref s, out first, out rows, out step);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryTake(ref Shared s, out int first, out int rows, out int step)
    {
        long offer = Volatile.Read(ref s.Offer);
        if (offer == 0 || Interlocked.CompareExchange(ref s.Offer, 0, offer) != offer)
        {
            first = rows = step = 0;
            return false;
        }
        Interlocked.Increment(ref s.Busy);
        Interlocked.Increment(ref _handoffs);
        first = (int)((offer >> (2 * Bits)) & Mask);
        rows = (int)((offer >> Bits) & Mask);
        step = (int)(offer & Mask);
        return true;
    }
}
