using FsCheck;
using FsCheck.Fluent;
using RnnSimd.Models;

namespace RnnSimd.Tests.Generators;

/// <summary>
/// Threaded cases for forwards split by rows (the tests lower the minimum to 2 rows per thread):
/// batches of at least two rows per thread, with projection blocks of one step or several. A case
/// shrinks as its case type does while keeping two rows per thread, then to fewer threads and
/// the default blocks.
/// </summary>
internal static class RowSplitCases
{
    /// <param name="widen">The case with its batch made at least two rows per thread for <c>threads</c> threads, and <c>wide</c> more hidden units.</param>
    /// <param name="batch">A case's batch.</param>
    public static Arbitrary<(T Case, int Threads, int BlockRows)> From<T>(Arbitrary<T> cases, Gen<int> threads, Gen<int> wide,
        Func<T, int, int, T> widen, Func<T, int> batch) =>
        Arb.From(
            from c in cases.Generator
            from w in wide
            from n in threads
            from blockRows in Gen.Elements(3, 20, ProjectionBlocks.DefaultRows)
            select (Case: widen(c, n, w), Threads: n, BlockRows: blockRows),
            p => cases.Shrinker(p.Case).Where(c => batch(c) >= 2 * p.Threads).Select(c => (c, p.Threads, p.BlockRows))
                .Concat(p.Threads > 2 ? [(p.Case, p.Threads - 1, p.BlockRows)] : [])
                .Concat(p.BlockRows != ProjectionBlocks.DefaultRows ? [(p.Case, p.Threads, ProjectionBlocks.DefaultRows)] : []));
}
