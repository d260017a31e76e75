using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RnnSimd.Threading;

/// <summary>
/// One range of work items per thread for each phase (a time step): the owner takes items from
/// one end of its range, and a thread whose own range is done takes the rest of another's from
/// the other end. Allocates nothing per use.
/// </summary>
/// <remarks>
/// <para>Why: a static split waits at every step's barrier for the slowest thread, and cores are
/// not equally fast. On a shared Zen 5 host, one of the two cores was at times 20–25% slower than
/// the other for seconds (its work, timed per thread, not the barrier), so a two-thread Elman S4
/// forward ran at the slow core's pace. Taking from the other end leaves each owner its own items
/// as long as it keeps up, so the weights each core streams stay in its own cache.</para>
/// <para>A range is open for one phase only: an owner opens it once the items may be computed by
/// anyone (its part of the step's input projection is written), and a thread takes items from
/// other ranges only if they are open for the same phase. The phase, the front and the back are
/// one 64-bit word changed by compare-and-swap, so an item is taken exactly once.</para>
/// </remarks>
internal sealed class StealableRanges
{
    /// <summary>Items per range are counted in 24 bits.</summary>
    public const int MaxItems = (1 << 24) - 1;

    private const int PhaseBits = 16;
    private const int PositionBits = 24;
    private const long PositionMask = (1L << PositionBits) - 1;

    /// <summary>One slot per thread, each on its own cache lines so that owners do not contend.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct Slot
    {
        [FieldOffset(64)] public long Word;
    }

    private readonly Slot[] _slots;

    public StealableRanges(int threads) => _slots = new Slot[threads];

    /// <summary>Threads that took items from another range, since creation (for tests).</summary>
    public long Steals => Interlocked.Read(ref _steals);

    private long _steals;

    /// <summary>Opens <paramref name="thread"/>'s range [<paramref name="start"/>, <paramref name="end"/>) for <paramref name="phase"/>; what the thread wrote before is visible to any thread that takes an item.</summary>
    public void Open(int thread, int phase, int start, int end)
    {
        if ((uint)start > MaxItems || (uint)end > MaxItems)
            throw new ArgumentOutOfRangeException(nameof(end), end, $"Ranges hold at most {MaxItems} items.");
        Volatile.Write(ref _slots[thread].Word, Pack(phase, start, Math.Max(start, end)));
    }

    /// <summary>Takes up to <paramref name="size"/> items of the thread's own range, from the back if <paramref name="fromBack"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryTakeOwn(int thread, int phase, bool fromBack, int size, out int start, out int end)
        => TryTake(ref _slots[thread].Word, phase, fromBack, size, out start, out end);

    /// <summary>
    /// Takes up to <paramref name="size"/> items from another thread's range open for the same
    /// phase, from the end its owner does not take from (<paramref name="ownersFromBack"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TrySteal(int thief, int phase, bool ownersFromBack, int size, out int start, out int end)
    {
        int threads = _slots.Length;
        for (int i = 1; i < threads; i++)
        {
            int victim = thief + i < threads ? thief + i : thief + i - threads;
            if (TryTake(ref _slots[victim].Word, phase, !ownersFromBack, size, out start, out end))
            {
                Interlocked.Increment(ref _steals);
                return true;
            }
        }
        start = end = 0;
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryTake(ref long word, int phase, bool fromBack, int size, out int start, out int end)
    {
        long tag = (long)(ushort)phase << (2 * PositionBits);
        while (true)
        {
            long current = Volatile.Read(ref word);
            int front = (int)(current & PositionMask);
            int back = (int)((current >> PositionBits) & PositionMask);
            if ((current & ~((1L << (2 * PositionBits)) - 1)) != tag || front >= back)
            {
                start = end = 0;
                return false;
            }
            int take = Math.Min(size, back - front);
            (start, end) = fromBack ? (back - take, back) : (front, front + take);
            long next = fromBack ? Pack(phase, front, back - take) : Pack(phase, front + take, back);
            if (Interlocked.CompareExchange(ref word, next, current) == current)
                return true;
        }
    }

    /// <summary>
    /// Items per claim: enough for about 2¹⁶ multiply-adds, so that a claim (a compare-and-swap and
    /// a product call, some tens of nanoseconds) stays a small part of its work; rounded up to a
    /// multiple of <paramref name="multiple"/> (at batch 1: the matrix–vector tile's four panels).
    /// </summary>
    public static int ItemsPerClaim(long multiplyAddsPerItem, int multiple)
    {
        long perItem = Math.Max(1, multiplyAddsPerItem);
        int size = (int)Math.Clamp(((1L << 16) + perItem - 1) / perItem, 1, 1 << 10);
        return (size + multiple - 1) / multiple * multiple;
    }

    private static long Pack(int phase, int front, int back)
        => ((long)(ushort)phase << (2 * PositionBits)) | ((long)back << PositionBits) | (uint)front;
}
