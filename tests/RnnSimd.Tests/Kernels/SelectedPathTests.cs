using System.Runtime.Intrinsics;

namespace RnnSimd.Tests.Kernels;

/// <summary>
/// CI runs the suite once per instruction-set switch and says, in RNNSIMD_EXPECTED_PATH, which path
/// that switch must select. This checks what the compiled kernels actually run (their vector type's
/// lane count and hardware acceleration), so a switch that silently does nothing fails the run.
/// With RNNSIMD_PATH_LOG set, it also appends the selection to that file for the CI log.
/// </summary>
public class SelectedPathTests
{
    [Fact]
    public void The_selected_path_is_the_one_CI_expects()
    {
        KernelInfo selected = KernelRegistry.Selected;
        using var layer = ElmanLayer.Create(1, 1, [1f], [1f], [], []);
        string accelerated = $"Vector512 {Vector512.IsHardwareAccelerated}, Vector256 {Vector256.IsHardwareAccelerated}, " +
            $"Vector128 {Vector128.IsHardwareAccelerated}, FMA {Isa.HasFma}";
        string line = $"expected {Environment.GetEnvironmentVariable("RNNSIMD_EXPECTED_PATH") ?? "(not set)"}; " +
            $"selected {selected}; a default layer runs {layer.Kernels.Gemm}; accelerated: {accelerated}";
        if (Environment.GetEnvironmentVariable("RNNSIMD_PATH_LOG") is { Length: > 0 } log)
            File.AppendAllText(log, line + Environment.NewLine);
        TestContext.Current.SendDiagnosticMessage(line);

        Assert.Equal(Isa.Best, layer.Path);
        Assert.Equal(selected, layer.Kernels);
        if (Environment.GetEnvironmentVariable("RNNSIMD_EXPECTED_PATH") is not { Length: > 0 } expectedName)
            return;

        SimdPath expected = Enum.Parse<SimdPath>(expectedName);
        Assert.Equal(expected, Isa.Best);
        int lanes = expected switch { SimdPath.Vector512 => 16, SimdPath.Vector256 => 8, SimdPath.Vector128 => 4, _ => 1 };
        Assert.Equal(lanes, layer.Kernels.Lanes);
        Assert.Equal(expected != SimdPath.Scalar, layer.Kernels.HardwareAccelerated);
        bool hardware = expected switch
        {
            SimdPath.Vector512 => Vector512.IsHardwareAccelerated,
            SimdPath.Vector256 => Vector256.IsHardwareAccelerated && !Vector512.IsHardwareAccelerated,
            SimdPath.Vector128 => Vector128.IsHardwareAccelerated && !Vector256.IsHardwareAccelerated,
            _ => !Vector128.IsHardwareAccelerated,
        };
        Assert.True(hardware, $"The runtime's acceleration flags do not match {expected}: {accelerated}");
    }

    [Fact]
    public void Every_available_path_is_listed_with_its_own_width()
    {
        Assert.Contains(SimdPath.Scalar, Isa.Available);
        foreach (KernelInfo k in KernelRegistry.Available)
        {
            Assert.Equal(Isa.Lanes(k.Path), k.Lanes);
            Assert.Contains($"_{(k.Path == SimdPath.Scalar ? "scalar" : "v" + 32 * k.Lanes)}_", k.Gemm);
        }
        Assert.Throws<ArgumentException>(() => ElmanLayer.Create(1, 1, [1f], [1f], [], [], path: (SimdPath)7));
    }
}
