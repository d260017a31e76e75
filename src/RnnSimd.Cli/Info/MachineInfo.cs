using System.Numerics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Arm = System.Runtime.Intrinsics.Arm;
using X86 = System.Runtime.Intrinsics.X86;

namespace RnnSimd.Cli.Info;

/// <summary>What .NET reports about this machine and what RnnSimd chose from it, as lines of text.</summary>
internal static class MachineInfo
{
    public static IEnumerable<string> Lines()
    {
        yield return $"rnnsimd      {Version(typeof(MachineInfo).Assembly)}";
        yield return $"RnnSimd      {Version(typeof(Isa).Assembly)}";
        yield return $"runtime      {RuntimeInformation.FrameworkDescription} ({RuntimeInformation.RuntimeIdentifier})";
        yield return $"OS           {RuntimeInformation.OSDescription}";
        yield return $"processors   {Environment.ProcessorCount} (Environment.ProcessorCount), {RuntimeInformation.ProcessArchitecture}";
        yield return "";
        yield return "Vectors (IsHardwareAccelerated):";
        yield return $"  Vector512 {YesNo(Vector512.IsHardwareAccelerated)}, Vector256 {YesNo(Vector256.IsHardwareAccelerated)}, " +
                     $"Vector128 {YesNo(Vector128.IsHardwareAccelerated)}, Vector<float> {Vector<float>.Count} lanes ({YesNo(Vector.IsHardwareAccelerated)})";
        yield return "x86 instruction sets (IsSupported):";
        foreach (string line in Wrap(X86Sets()))
            yield return line;
        yield return "Arm instruction sets (IsSupported):";
        foreach (string line in Wrap(ArmSets()))
            yield return line;
        yield return "";
        KernelInfo selected = KernelRegistry.Selected;
        yield return $"RnnSimd path {Isa.Best} (Isa.Best), {selected.Lanes} float {(selected.Lanes == 1 ? "lane" : "lanes")}, fused multiply-add {YesNo(Isa.HasFma)}";
        yield return $"kernels      {selected.Gemm}, {selected.Tanh}, {selected.Sigmoid}";
        yield return $"available    {string.Join(", ", Isa.Available)}";
    }

    /// <summary>The assembly's informational version (with the source revision when the build knew it).</summary>
    public static string Version(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? assembly.GetName().Version?.ToString()
        ?? "unknown";

    private static string YesNo(bool value) => value ? "yes" : "no";

    private static IEnumerable<(string Name, bool Supported)> X86Sets() =>
    [
        ("X86Base", X86.X86Base.IsSupported),
        ("Sse", X86.Sse.IsSupported),
        ("Sse2", X86.Sse2.IsSupported),
        ("Sse3", X86.Sse3.IsSupported),
        ("Ssse3", X86.Ssse3.IsSupported),
        ("Sse41", X86.Sse41.IsSupported),
        ("Sse42", X86.Sse42.IsSupported),
        ("Popcnt", X86.Popcnt.IsSupported),
        ("Lzcnt", X86.Lzcnt.IsSupported),
        ("Bmi1", X86.Bmi1.IsSupported),
        ("Bmi2", X86.Bmi2.IsSupported),
        ("Avx", X86.Avx.IsSupported),
        ("Avx2", X86.Avx2.IsSupported),
        ("Fma", X86.Fma.IsSupported),
        ("AvxVnni", X86.AvxVnni.IsSupported),
        ("Avx512F", X86.Avx512F.IsSupported),
        ("Avx512F.VL", X86.Avx512F.VL.IsSupported),
        ("Avx512BW", X86.Avx512BW.IsSupported),
        ("Avx512CD", X86.Avx512CD.IsSupported),
        ("Avx512DQ", X86.Avx512DQ.IsSupported),
        ("Avx512Vbmi", X86.Avx512Vbmi.IsSupported),
        ("Avx10v1", X86.Avx10v1.IsSupported),
        ("Aes", X86.Aes.IsSupported),
        ("Pclmulqdq", X86.Pclmulqdq.IsSupported),
        ("Gfni", X86.Gfni.IsSupported),
    ];

    private static IEnumerable<(string Name, bool Supported)> ArmSets() =>
    [
        ("ArmBase", Arm.ArmBase.IsSupported),
        ("AdvSimd", Arm.AdvSimd.IsSupported),
        ("AdvSimd.Arm64", Arm.AdvSimd.Arm64.IsSupported),
        ("Aes", Arm.Aes.IsSupported),
        ("Crc32", Arm.Crc32.IsSupported),
        ("Dp", Arm.Dp.IsSupported),
        ("Rdm", Arm.Rdm.IsSupported),
        ("Sha1", Arm.Sha1.IsSupported),
        ("Sha256", Arm.Sha256.IsSupported),
    ];

    /// <summary>"Name yes" items, a few to a line.</summary>
    private static IEnumerable<string> Wrap(IEnumerable<(string Name, bool Supported)> sets)
    {
        const int PerLine = 7;
        var items = sets.Select(s => $"{s.Name} {YesNo(s.Supported)}").ToList();
        for (int i = 0; i < items.Count; i += PerLine)
            yield return "  " + string.Join(", ", items.Skip(i).Take(PerLine));
    }
}
