using FsCheck;
using FsCheck.Fluent;
using RnnSimd.Tests.Support;
using RnnSimd.Threading;

namespace RnnSimd.Tests.Threading;

/// <summary>How a forward's batch is shared between threads when it is split by rows.</summary>
public class BatchSplitTests
{
    [Fact]
    public void Rows_are_shared_once_each_contiguously_and_every_share_of_a_split_batch_has_the_minimum() =>
        Properties.Check(
            Arb.From(
                from batch in Gen.Choose(1, 5000)
                from threads in Gen.Choose(1, 70)
                from min in Gen.Choose(2, 12)
                select (Batch: batch, Threads: threads, Min: min)),
            p =>
            {
                var (batch, threads, min) = p;
                var shares = Enumerable.Range(0, threads).Select(i => BatchSplit.Share(batch, i, threads)).ToArray();
                Assert.Equal(0, shares[0].First);
                for (int i = 1; i < threads; i++)
                    Assert.Equal(shares[i - 1].First + shares[i - 1].Rows, shares[i].First);
                Assert.Equal(batch, shares[^1].First + shares[^1].Rows);
                int[] sizes = shares.Select(s => s.Rows).ToArray();
                Assert.True(sizes.Max() - sizes.Min() <= 1, $"sizes {string.Join(", ", sizes)}");
                Assert.Equal(sizes.Max(), sizes[0]);
                if (BatchSplit.Splits(batch, threads, min))
                    Assert.True(threads > 1 && sizes.Min() >= min, $"a split share of {sizes.Min()} rows, minimum {min}");
                else
                    Assert.True(threads == 1 || batch < min * threads);
            });

    [Fact]
    public void The_minimum_is_at_least_two_rows()
    {
        Assert.Equal(2, BatchSplit.Checked(2));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => BatchSplit.Checked(1));
        Assert.Equal("value", e.ParamName);
    }
}
