using System.Globalization;
using RnnSimd.Tests.Infrastructure;

namespace RnnSimd.Tests.TailSafety;

/// <summary>
/// The guard is itself tested: every other tail-safety test is only as strong as the claim that
/// one float past the edge faults.
/// </summary>
public unsafe class GuardedBufferTests
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public void Linux_gets_real_guard_pages()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "Guard pages are implemented on Linux only.");
        Assert.True(GuardedBuffer.GuardsSupported);
        using var buffer = new GuardedBuffer(3, GuardSide.End);
        Assert.True(buffer.IsGuarded);
    }

    [Theory]
    [InlineData(GuardProbe.Mode.ReadAfterEnd)]
    [InlineData(GuardProbe.Mode.WriteAfterEnd)]
    [InlineData(GuardProbe.Mode.ReadBeforeStart)]
    [InlineData(GuardProbe.Mode.WriteBeforeStart)]
    public void Touching_one_float_past_the_guarded_edge_kills_the_process(GuardProbe.Mode mode)
    {
        Assert.SkipUnless(GuardedBuffer.GuardsSupported, "No guard pages on this platform.");
        var (exitCode, stdout, stderr) = GuardProbe.RunChild(mode, ProbeTimeout);
        string report = $"exit code {exitCode}\nstdout:\n{stdout}\nstderr:\n{stderr}";
        Assert.True(stdout.Contains(GuardProbe.Marker, StringComparison.Ordinal), $"The probe never reached the access. {report}");
        Assert.False(stdout.Contains("survived", StringComparison.Ordinal), $"The out-of-bounds access did not fault. {report}");
        // The runtime turns the SIGSEGV of a fault in managed code into a fatal
        // AccessViolationException and aborts (SIGABRT, 128 + 6); a fault it does not intercept
        // ends in SIGSEGV itself (128 + 11). An abort for any other reason must not count.
        bool accessViolation = exitCode == 134 && (stdout + stderr).Contains("AccessViolationException", StringComparison.Ordinal);
        Assert.True(accessViolation || exitCode == 139, $"The probe did not die from a memory fault. {report}");
    }

    [Fact]
    public void Touching_the_edge_floats_themselves_is_fine()
    {
        Assert.SkipUnless(GuardedBuffer.GuardsSupported, "No guard pages on this platform.");
        var (exitCode, stdout, stderr) = GuardProbe.RunChild(GuardProbe.Mode.Inside, ProbeTimeout);
        Assert.True(exitCode == 0 && stdout.Contains("survived", StringComparison.Ordinal),
            $"The control probe failed: exit code {exitCode}\nstdout:\n{stdout}\nstderr:\n{stderr}");
    }

    /// <summary>
    /// In-process evidence as well, independent of how the runtime reports a fault: the kernel's own
    /// view of the mapping says the neighbouring float is on a ---p page and the span is on rw-p.
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(1024)]
    [InlineData(1025)]
    [InlineData(4099)]
    public void Proc_maps_shows_the_guard_next_to_the_span(int length)
    {
        Assert.SkipUnless(GuardedBuffer.GuardsSupported, "No guard pages on this platform.");
        using var buffer = new GuardedBuffer(length, GuardSide.End);
        foreach (var side in TailCheck.Sides)
        {
            buffer.Place(length, side);
            nint first = (nint)buffer.Pointer;
            nint end = (nint)(buffer.Pointer + length);
            if (side == GuardSide.End)
                Assert.Equal("---p", PermissionsAt(end));
            else
                Assert.Equal("---p", PermissionsAt(first - sizeof(float)));
            if (length > 0)
            {
                Assert.Equal("rw-p", PermissionsAt(first));
                Assert.Equal("rw-p", PermissionsAt(end - sizeof(float)));
            }
        }
    }

    [Fact]
    public void Slack_check_catches_a_write_on_the_unguarded_side()
    {
        using var buffer = new GuardedBuffer(7, GuardSide.Start);
        buffer.AssertSlackIntact();
        buffer.Pointer[7] = 0f;
        Assert.ThrowsAny<Exception>(buffer.AssertSlackIntact);

        buffer.Place(7, GuardSide.End);
        buffer.AssertSlackIntact();
        buffer.Pointer[-1] = 0f;
        Assert.ThrowsAny<Exception>(buffer.AssertSlackIntact);
    }

    [Fact]
    public void Placement_is_exact()
    {
        using var buffer = new GuardedBuffer(0, GuardSide.End, capacity: 100);
        for (int n = 0; n <= 100; n++)
        {
            foreach (var side in TailCheck.Sides)
            {
                buffer.Place(n, side);
                Assert.Equal(n, buffer.Span.Length);
                buffer.Span.Fill(1f);
                buffer.AssertSlackIntact();
            }
        }
    }

    private static List<(ulong Start, ulong End, string Permissions)> ReadMaps()
    {
        var maps = new List<(ulong, ulong, string)>();
        foreach (string line in File.ReadLines("/proc/self/maps"))
        {
            string[] fields = line.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
            string[] range = fields[0].Split('-');
            maps.Add((ulong.Parse(range[0], NumberStyles.HexNumber), ulong.Parse(range[1], NumberStyles.HexNumber), fields[1]));
        }
        return maps;
    }

    /// <summary>
    /// The permissions of the page that holds <paramref name="address"/>, a page of a live mapping of
    /// this test's. Under qemu (RNNSIMD_EMULATOR, set by .ci/run) /proc/self/maps is the emulator's
    /// reconstruction, built while the runtime's other threads map and unmap memory: one CI run saw
    /// a page of a live guard mapping missing from it ("unmapped", 2026-11-29), and the runs before
    /// and after did not. There a missing page is read again, a few times; a wrong permission is
    /// never retried.
    /// </summary>
    private static string PermissionsAt(nint address)
    {
        bool emulated = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("RNNSIMD_EMULATOR"));
        for (int attempt = 1; ; attempt++)
        {
            string permissions = PermissionsAt(ReadMaps(), address);
            if (permissions != "unmapped" || !emulated || attempt == 5)
                return permissions;
            Thread.Sleep(10);
        }
    }

    private static string PermissionsAt(List<(ulong Start, ulong End, string Permissions)> maps, nint address)
    {
        ulong a = (ulong)address;
        foreach (var (start, end, permissions) in maps)
        {
            if (a >= start && a < end)
                return permissions;
        }
        return "unmapped";
    }
}
