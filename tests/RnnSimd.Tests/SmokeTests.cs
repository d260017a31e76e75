using FsCheck;
using Xunit;
using FsCheck.Fluent;
using FsCheck.Xunit;
namespace RnnSimd.Tests;
public class SmokeTests
{
    [Fact] public void Works() => Assert.Equal(2, 1 + 1);
    [Property] public bool Commutes(int a, int b) => a + b == b + a;
}
