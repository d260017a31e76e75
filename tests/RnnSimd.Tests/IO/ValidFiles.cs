using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace RnnSimd.Tests.IO;

/// <summary>Valid npy and safetensors files of every dtype, drawn from a seed, with where their header text lies.</summary>
public static class ValidFiles
{
    private static readonly string[] NpyTypes = ["<f4", "<f8", "<f2", "<i8", "<i4", "<i2", "|i1", "<u8", "<u4", "<u2", "|u1", "|b1"];

    private static readonly string[] SafetensorsTypes =
        ["F32", "F64", "F16", "BF16", "I64", "I32", "I16", "I8", "U64", "U32", "U16", "U8", "BOOL", "F8_E4M3", "F8_E5M2"];

    private static int ItemSize(string type) => type switch
    {
        "F64" or "I64" or "U64" => 8,
        "F32" or "I32" or "U32" => 4,
        "F16" or "BF16" or "I16" or "U16" => 2,
        "BOOL" or "U8" or "I8" or "F8_E4M3" or "F8_E5M2" => 1,
        _ => type[2] - '0',
    };

    private static int[] Shape(Random rng, int maxRank) => Enumerable.Range(0, rng.Next(maxRank + 1)).Select(_ => rng.Next(5)).ToArray();

    private static byte[] RandomBytes(Random rng, long n)
    {
        var b = new byte[n];
        rng.NextBytes(b);
        return b;
    }

    /// <summary>An npy file of version 1.0, 2.0 or 3.0 laid out as numpy does; the header text is [HeaderStart, HeaderEnd).</summary>
    public static (byte[] File, int HeaderStart, int HeaderEnd, int Major) Npy(int seed, int size)
    {
        var rng = new Random(seed);
        int major = 1 + rng.Next(3);
        string type = NpyTypes[rng.Next(NpyTypes.Length)];
        int[] shape = Shape(rng, size);
        string tuple = shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";
        string dict = $"{{'descr': '{type}', 'fortran_order': False, 'shape': {tuple}, }}";
        int prefix = major == 1 ? 10 : 12;
        int padding = 63 - (prefix + dict.Length) % 64;
        byte[] header = Encoding.ASCII.GetBytes(dict + new string(' ', padding) + "\n");
        byte[] data = RandomBytes(rng, shape.Aggregate(1L, (p, d) => p * d) * ItemSize(type));
        byte[] file = NpyCompatibilityTests.File(major, Encoding.Latin1.GetString(header), data);
        return (file, prefix, prefix + header.Length, major);
    }

    /// <summary>The header length field of an npy file of that version.</summary>
    public static void SetNpyLength(byte[] file, int length, int major)
    {
        if (file.Length < 12)
            return;
        if (major == 1)
            BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(8), (ushort)Math.Min(length, ushort.MaxValue));
        else
            BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(8), (uint)length);
    }

    /// <summary>A safetensors file of <paramref name="size"/> tensors of random dtypes, names and metadata; the header text is [8, HeaderEnd).</summary>
    public static (byte[] File, int HeaderEnd) Safetensors(int seed, int size)
    {
        var rng = new Random(seed);
        var buffer = new ArrayBufferWriter<byte>();
        var data = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = rng.Next(2) == 0 ? JavaScriptEncoder.UnsafeRelaxedJsonEscaping : null }))
        {
            json.WriteStartObject();
            if (rng.Next(2) == 0)
            {
                json.WriteStartObject("__metadata__");
                for (int i = rng.Next(3); i > 0; i--)
                    json.WriteString(IoArbitraries.Text(rng) + i, IoArbitraries.Text(rng));
                json.WriteEndObject();
            }
            for (int t = 0; t < size; t++)
            {
                string type = SafetensorsTypes[rng.Next(SafetensorsTypes.Length)];
                int[] shape = Shape(rng, 3);
                byte[] bytes = RandomBytes(rng, shape.Aggregate(1L, (p, d) => p * d) * ItemSize(type));
                json.WriteStartObject(IoArbitraries.Text(rng) + "#" + t);
                json.WriteString("dtype", type);
                json.WriteStartArray("shape");
                foreach (int d in shape)
                    json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(data.Length);
                data.Write(bytes);
                json.WriteNumberValue(data.Length);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        byte[] file = SafetensorsCompatibilityTests.File(Encoding.UTF8.GetString(buffer.WrittenSpan), data.ToArray());
        return (file, 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(file));
    }
}
