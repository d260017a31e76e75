using RnnSimd.Kernels;

namespace RnnSimd.Tests.Threading;

/// <summary>How a product's panels are shared between threads.</summary>
public class PanelShareTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 2)]
    [InlineData(5, 4)]
    [InlineData(16, 2)]
    [InlineData(7, 3)]
    [InlineData(2, 5)]
    [InlineData(100, 7)]
    public void Shares_cover_every_panel_once_near_equally_with_the_callers_the_largest(int panels, int count)
    {
        var shares = Enumerable.Range(0, count).Select(i => PanelRange.Share(panels, i, count)).ToArray();
        Assert.Equal(0, shares[0].Start);
        for (int i = 1; i < count; i++)
            Assert.Equal(shares[i - 1].End, shares[i].Start);
        Assert.Equal(panels, shares[^1].End);
        int[] sizes = shares.Select(s => s.End - s.Start).ToArray();
        Assert.True(sizes.Max() - sizes.Min() <= 1, $"sizes {string.Join(", ", sizes)}");
        Assert.Equal(sizes.Max(), sizes[0]); // the calling thread's share is never the smaller one
    }
}
