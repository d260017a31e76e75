using System.Buffers.Binary;
using System.Text;
using RnnSimd.IO;
using RnnSimd.Tests.IO;

namespace RnnSimd.Tests.Cli;

/// <summary>Models and npy inputs the CLI tests write, and the npy outputs they read back.</summary>
public static class CliFiles
{
    public static float[] Random(int count, int seed, double scale = 1)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)((rng.NextDouble() * 2 - 1) * scale)).ToArray();
    }

    /// <summary>An nn.RNN/GRU/LSTM state_dict of random weights (±1/√H, as PyTorch draws them), keys with <paramref name="prefix"/>.</summary>
    public static (string Path, Dictionary<string, float[]> Parameters) RecurrentModel(TempDirectory dir, RecurrentSpec spec, int seed, string prefix = "")
    {
        var parameters = new Dictionary<string, float[]>();
        int i = 0;
        foreach ((string name, int[] shape) in spec.ParameterShapes())
            parameters[name] = Random(shape.Aggregate(1, (a, b) => a * b), seed * 100 + i++, 1 / Math.Sqrt(spec.HiddenSize));
        string path = Path.Combine(dir.Path, $"model{seed}.safetensors");
        SafetensorsFile.Write(path, spec.ParameterShapes().Select(p => new SafetensorsTensor(prefix + p.Key, p.Value, parameters[p.Key])));
        return (path, parameters);
    }

    /// <summary>A reference Elman network's state_dict of random weights.</summary>
    public static (string Path, ElmanParameters Parameters) ElmanModel(TempDirectory dir, int x, int h, int y, int seed)
    {
        var p = new ElmanParameters(x, h, y, Random(x * h, seed, 0.5), Random(h * h, seed + 1, 0.5), Random(h, seed + 2, 0.5),
            Random(h * y, seed + 3, 0.5), Random(y, seed + 4, 0.5));
        string path = Path.Combine(dir.Path, $"elman{seed}.safetensors");
        SafetensorsFile.Write(path,
        [
            new SafetensorsTensor("W_xh", [x, h], p.WXh), new SafetensorsTensor("W_hh", [h, h], p.WHh),
            new SafetensorsTensor("b_h", [h], p.BH), new SafetensorsTensor("W_hy", [h, y], p.WHy),
            new SafetensorsTensor("b_y", [y], p.BY),
        ]);
        return (path, p);
    }

    public static string Npy(TempDirectory dir, string name, int[] shape, float[] data)
    {
        string path = Path.Combine(dir.Path, name);
        NpyFile.Write(path, shape, data);
        return path;
    }

    public static string Npy(TempDirectory dir, string name, int[] shape, double[] data)
    {
        string path = Path.Combine(dir.Path, name);
        NpyFile.Write(path, shape, data);
        return path;
    }

    public static string Npy(TempDirectory dir, string name, int[] shape, long[] data)
    {
        string path = Path.Combine(dir.Path, name);
        NpyFile.Write(path, shape, data);
        return path;
    }

    /// <summary>An int32 npy file, byte for byte as numpy.save writes one (the library writes int64 only).</summary>
    public static string NpyInt32(TempDirectory dir, string name, int[] data)
    {
        string dict = $"{{'descr': '<i4', 'fortran_order': False, 'shape': ({data.Length},), }}";
        int padding = (64 - (10 + dict.Length + 1) % 64) % 64;
        byte[] header = Encoding.ASCII.GetBytes(dict + new string(' ', padding) + "\n");
        var bytes = new List<byte> { 0x93 };
        bytes.AddRange("NUMPY"u8.ToArray());
        bytes.AddRange([1, 0, (byte)header.Length, (byte)(header.Length >> 8)]);
        bytes.AddRange(header);
        foreach (int v in data)
        {
            var b = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(b, v);
            bytes.AddRange(b);
        }
        string path = Path.Combine(dir.Path, name);
        File.WriteAllBytes(path, [.. bytes]);
        return path;
    }

    /// <summary>An output the CLI wrote: its shape and values (it must be float32).</summary>
    public static (int[] Shape, float[] Data) Output(string directory, string name)
    {
        NpyArray array = NpyFile.Read(Path.Combine(directory, name));
        Assert.Equal(TensorDType.F32, array.DType);
        return (array.Shape, array.ToFloat32());
    }

    /// <summary>The output file has exactly this shape and these values (bit for bit).</summary>
    public static void AssertOutput(int[] shape, float[] data, string directory, string name)
    {
        (int[] actualShape, float[] actual) = Output(directory, name);
        Assert.Equal(shape, actualShape);
        Assert.Equal(data, actual);
    }

    /// <summary>Two runs wrote the same file: same shape, same bits.</summary>
    public static void AssertSame(string directory1, string directory2, string name)
    {
        (int[] shape, float[] data) = Output(directory1, name);
        AssertOutput(shape, data, directory2, name);
    }

    /// <summary>(a, b, n) to (b, a, n).</summary>
    public static float[] Transpose(float[] source, int a, int b, int n)
    {
        var result = new float[source.Length];
        for (int i = 0; i < a; i++)
            for (int j = 0; j < b; j++)
                Array.Copy(source, (i * b + j) * n, result, (j * a + i) * n, n);
        return result;
    }

    /// <summary>Every file under a directory with its bytes, to show that a failed run changed nothing.</summary>
    public static Dictionary<string, byte[]> Snapshot(string directory) =>
        Directory.Exists(directory)
            ? Directory.GetFileSystemEntries(directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
                .ToDictionary(p => Path.GetRelativePath(directory, p), p => File.Exists(p) ? File.ReadAllBytes(p) : [])
            : [];
}
