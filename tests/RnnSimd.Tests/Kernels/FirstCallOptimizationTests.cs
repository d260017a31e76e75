using System.Reflection;
using System.Runtime.CompilerServices;
using RnnSimd.Kernels;
using RnnSimd.Kernels.Activations;
using RnnSimd.Kernels.Vectors;
using RnnSimd.Models;
using RnnSimd.Models.Recurrent;
using RnnSimd.Threading;

namespace RnnSimd.Tests.Kernels;

/// <summary>
/// The hot path is compiled fully optimized at its first call instead of starting as tier-0 code
/// (PackedGemm's remarks: a GRU S3 forward's first calls took 102, 75, 75 ms, and BenchmarkDotNet
/// timed tier-0 code in half its processes). Timing that would be a timed unit test; what can be
/// checked is the attribute that causes it, so that removing it fails here.
/// </summary>
public class FirstCallOptimizationTests
{
    private const MethodImplAttributes Optimized = MethodImplAttributes.AggressiveOptimization;
    private const MethodImplAttributes Inlined = MethodImplAttributes.AggressiveInlining;

    private const BindingFlags Declared =
        BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;

    public static TheoryData<Type> KernelTypes =>
    [
        typeof(PackedGemm<Vec512, TanhActivation>),
        typeof(GateKernels<Vec512>),
        typeof(ActivationMap<Vec512, SigmoidActivation>),
    ];

    [Theory]
    [MemberData(nameof(KernelTypes))]
    public void Every_kernel_method_is_inlined_or_optimized_at_first_call(Type kernel)
    {
        var neither = kernel.GetMethods(Declared)
            .Where(m => (m.MethodImplementationFlags & (Optimized | Inlined)) == 0)
            .Select(m => m.Name)
            .ToList();
        Assert.True(neither.Count == 0, $"{kernel.Name}: {string.Join(", ", neither)} would start as tier-0 code");
    }

    [Theory]
    [InlineData(typeof(ElmanRunner), "Execute", 2)]
    [InlineData(typeof(ElmanRunner), "ForwardRows")]
    [InlineData(typeof(RecurrentRunner), "Execute", 2)]
    [InlineData(typeof(RecurrentRunner), "RunPass")]
    [InlineData(typeof(RecurrentRunner), "StepRows")]
    [InlineData(typeof(RecurrentRunner), "RunStep")]
    [InlineData(typeof(RecurrentRunner), "InitializeState")]
    [InlineData(typeof(RecurrentRunner), "StoreFinalState")]
    [InlineData(typeof(SpinBarrier), "SignalAndWait")]
    [InlineData(typeof(WorkerPool), "WorkerLoop")]
    [InlineData(typeof(WorkerPool), "Run")]
    [InlineData(typeof(WorkerPool), "Barrier")]
    [InlineData(typeof(ElmanEngine<Vec512, TanhActivation>), "Project")]
    [InlineData(typeof(ElmanEngine<Vec512, TanhActivation>), "ProjectGroups")]
    [InlineData(typeof(ElmanEngine<Vec512, TanhActivation>), "Recur")]
    [InlineData(typeof(ElmanEngine<Vec512, TanhActivation>), "Head")]
    [InlineData(typeof(RecurrentEngine<Vec512, TanhActivation>), "Project")]
    [InlineData(typeof(RecurrentEngine<Vec512, TanhActivation>), "ProjectGroups")]
    [InlineData(typeof(RecurrentEngine<Vec512, TanhActivation>), "RecurRnn")]
    [InlineData(typeof(RecurrentEngine<Vec512, TanhActivation>), "Recur")]
    [InlineData(typeof(RecurrentEngine<Vec512, TanhActivation>), "ProjectHidden")]
    [InlineData(typeof(RecurrentEngine<Vec512, TanhActivation>), "Gru")]
    [InlineData(typeof(RecurrentEngine<Vec512, TanhActivation>), "Lstm")]
    public void The_step_loops_and_the_calls_they_make_per_step_are_optimized_at_first_call(Type type, string method, int parameters = -1)
    {
        // Execute(index, count) runs a thread's share of the steps; Execute() only dispatches it.
        var methods = type.GetMethods(Declared)
            .Where(m => m.Name == method && (parameters < 0 || m.GetParameters().Length == parameters))
            .ToList();
        Assert.NotEmpty(methods);
        Assert.All(methods, m => Assert.True((m.MethodImplementationFlags & Optimized) != 0,
            $"{type.Name}.{m.Name} would start as tier-0 code"));
    }
}
