using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using RnnSimd.Kernels;
using RnnSimd.Kernels.Activations;
using RnnSimd.Kernels.Vectors;

namespace RnnSimd.Benchmarks;

public static partial class MachineLimitsBenchmarks
{
    /// <summary>
    /// What two cores give on the product of one S4 step: the recurrent product of 32 rows by W_hh
    /// (K = 512, N = 512, 1 MiB packed) through the library's own GEMM, whole on one core, then split
    /// by columns over both cores at once as a two-thread forward splits it (each core its own half
    /// of W_hh, 512 KiB, and its own copy of every operand: nothing shared, no barrier). Both rows do
    /// the same FLOPs, so the two-thread row's GFLOP/s over the one-thread row's is what splitting
    /// this product gains on this machine: a reference for the S4 two-thread target (≥ 1.8×), with
    /// what a forward adds (barriers, h shared between cores, projections, cells) left out.
    /// </summary>
    /// <remarks>
    /// The two rows run in separate processes, as every BenchmarkDotNet case does, so on a shared
    /// machine they can meet different moments; BenchmarkTargets divides them all the same.
    /// In stopwatch processes on the shared Zen 5 machine of docs/benchmarks.md, one half-product on
    /// each core at once ran 1.82–1.86× one half-product alone from L2, and 2.0× from L1.
    /// </remarks>
    [MemoryDiagnoser]
    [TwoCoresGflopsColumn]
    public unsafe class TwoCores
    {
        public const int Rows = 32;
        public const int Depth = 512;
        public const int Columns = 512;

        /// <summary>Step products per invocation: about 16 ms on one core, long enough for a thread handshake to vanish in it.</summary>
        public const int Products = 200;

        [Params(1, 2)]
        public int Threads { get; set; }

        private Share[] _shares = [];
        private Thread? _worker;
        private int _started;
        private int _finished;
        private volatile bool _stopping;

        /// <summary>2·M·K·N per product, times products, on one thread or two alike; null for other benchmarks.</summary>
        public static double? FlopsPerInvocation(BenchmarkCase benchmarkCase)
            => benchmarkCase.Descriptor.Type == typeof(TwoCores) ? 2.0 * Rows * Depth * Columns * Products : null;

        [GlobalSetup]
        public void Setup()
        {
            _shares = new Share[Threads];
            for (int i = 0; i < Threads; i++)
                _shares[i] = new Share(Columns / Threads, seed: i + 1);
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

        /// <summary>
        /// One thread's operands: packed W (K×<c>columns</c>), A (M×K) and C (M×<c>columns</c>), native
        /// and 64-byte aligned, for the widest path this machine has (<see cref="Isa.Best"/>).
        /// </summary>
        private sealed class Share : IDisposable
        {
            private readonly PackedMatrix _weights;
            private readonly int _columns;
            private readonly float* _a;
            private readonly float* _c;

            public Share(int columns, int seed)
            {
                _columns = columns;
                var random = new Random(seed);
                var w = new float[Depth * columns];
                for (int i = 0; i < w.Length; i++)
                    w[i] = (float)(random.NextDouble() - 0.5) * 0.1f;
                _weights = PackedMatrix.FromRowMajor(w, Depth, columns, Isa.Best);
                _a = (float*)NativeMemory.AlignedAlloc(Rows * Depth * sizeof(float), 64);
                _c = (float*)NativeMemory.AlignedAlloc((nuint)(Rows * columns * sizeof(float)), 64);
                for (int i = 0; i < Rows * Depth; i++)
                    _a[i] = (float)(random.NextDouble() - 0.5);
            }

            public void Run()
            {
                switch (_weights.Path)
                {
                    case SimdPath.Vector512: Loop<Vec512>(); break;
                    case SimdPath.Vector256: Loop<Vec256>(); break;
                    case SimdPath.Vector128: Loop<Vec128>(); break;
                    default: Loop<VecScalar>(); break;
                }
            }

            private void Loop<TVec>() where TVec : struct, IVec<TVec>
            {
                for (int p = 0; p < Products; p++)
                    PackedGemm<TVec, IdentityActivation>.Run(Rows, _weights, _a, Depth, null, null, 0, _c, _columns);
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
