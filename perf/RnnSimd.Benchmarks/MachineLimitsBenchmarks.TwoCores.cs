using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using RnnSimd.Kernels;
using RnnSimd.Kernels.Activations;
using RnnSimd.Kernels.Vectors;

namespace RnnSimd.Benchmarks;

public static partial class MachineLimitsBenchmarks
{
    /// <summary>
    /// What two cores give together on the work of S4 at two threads: each core's share of a step,
    /// the recurrent product of 32 rows by its half of W_hh (K = 512, N = 256, 512 KiB packed, held
    /// in its own L2), through the library's own GEMM, on one thread and then on both cores at once,
    /// each with its own copy of every operand (nothing shared, no barrier). GFLOP/s counts both
    /// threads' products, so the two-thread row over the one-thread row is the most any two-thread
    /// forward of this size can gain over one thread on this machine at the time of the run.
    /// </summary>
    /// <remarks>
    /// On the shared Zen 5 machine of docs/benchmarks.md the same product from L1 (K = 128, N = 64)
    /// ran at 2.0× on two cores, from L2 at 1.82–1.86× (one core slowed by about 12% while the other
    /// ran): the ceiling of the S4 two-thread target (≥ 1.8×) is close to the target itself.
    /// </remarks>
    [MemoryDiagnoser]
    [TwoCoresGflopsColumn]
    public unsafe class TwoCores
    {
        public const int Rows = 32;
        public const int Depth = 512;
        public const int Columns = 256;

        /// <summary>Products per thread per invocation: about 8 ms on one core, long enough for a thread handshake to vanish in it.</summary>
        public const int Products = 200;

        [Params(1, 2)]
        public int Threads { get; set; }

        private Share[] _shares = [];
        private Thread? _worker;
        private int _started;
        private int _finished;
        private volatile bool _stopping;

        /// <summary>2·M·K·N per product, times products, times threads; null for other benchmarks.</summary>
        public static double? FlopsPerInvocation(BenchmarkCase benchmarkCase)
        {
            if (benchmarkCase.Descriptor.Type != typeof(TwoCores)
                || benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == nameof(Threads))?.Value is not int threads)
                return null;
            return 2.0 * Rows * Depth * Columns * Products * threads;
        }

        [GlobalSetup]
        public void Setup()
        {
            _shares = new Share[Threads];
            for (int i = 0; i < Threads; i++)
                _shares[i] = new Share(seed: i + 1);
            if (Threads == 2)
            {
                _worker = new Thread(WorkerLoop) { IsBackground = true, Name = "two-core benchmark worker" };
                _worker.Start();
            }
        }

        [GlobalCleanup]
        public void Cleanup()
        {
            _stopping = true;
            _worker?.Join();
            foreach (Share share in _shares)
                share.Dispose();
        }

        [Benchmark]
        public void Product()
        {
            if (_worker is null)
            {
                _shares[0].Run();
                return;
            }
            int round = Interlocked.Increment(ref _started);
            _shares[0].Run();
            // Both halves must be done before the invocation ends: the slower core sets the time.
            var wait = new SpinWait();
            while (Volatile.Read(ref _finished) != round)
                wait.SpinOnce(sleep1Threshold: -1);
        }

        private void WorkerLoop()
        {
            int done = 0;
            while (!_stopping)
            {
                if (Volatile.Read(ref _started) == done)
                {
                    Thread.SpinWait(16);
                    continue;
                }
                _shares[1].Run();
                done++;
                Volatile.Write(ref _finished, done);
            }
        }

        /// <summary>One thread's operands: packed W (K×N), A (M×K) and C (M×N), native and 64-byte aligned.</summary>
        private sealed class Share : IDisposable
        {
            private readonly PackedMatrix _weights;
            private readonly float* _a;
            private readonly float* _c;

            public Share(int seed)
            {
                var random = new Random(seed);
                var w = new float[Depth * Columns];
                for (int i = 0; i < w.Length; i++)
                    w[i] = (float)(random.NextDouble() - 0.5) * 0.1f;
                _weights = PackedMatrix.FromRowMajor(w, Depth, Columns, Vector512.IsHardwareAccelerated ? SimdPath.Vector512 : SimdPath.Vector256);
                _a = (float*)NativeMemory.AlignedAlloc(Rows * Depth * sizeof(float), 64);
                _c = (float*)NativeMemory.AlignedAlloc(Rows * Columns * sizeof(float), 64);
                for (int i = 0; i < Rows * Depth; i++)
                    _a[i] = (float)(random.NextDouble() - 0.5);
            }

            public void Run()
            {
                for (int p = 0; p < Products; p++)
                {
                    if (Vector512.IsHardwareAccelerated)
                        PackedGemm<Vec512, IdentityActivation>.Run(Rows, _weights, _a, Depth, null, null, 0, _c, Columns);
                    else
                        PackedGemm<Vec256, IdentityActivation>.Run(Rows, _weights, _a, Depth, null, null, 0, _c, Columns);
                }
            }

            public void Dispose()
            {
                _weights.Dispose();
                NativeMemory.AlignedFree(_a);
                NativeMemory.AlignedFree(_c);
            }
        }
    }
}
