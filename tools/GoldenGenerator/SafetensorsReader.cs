using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace RnnSimd.GoldenGenerator;

/// <summary>One tensor of a safetensors file, its data widened to double.</summary>
public sealed record StoredTensor(string Name, string DType, long[] Shape, double[] Values);

/// <summary>
/// A minimal safetensors reader for the self-check, written from the format's definition
/// (8-byte little-endian header length, a JSON header {name: {dtype, shape, data_offsets}} with an
/// optional "__metadata__", then the raw little-endian data), independent of the code that wrote the
/// files (TorchSharp.PyBridge). It is strict where the format is: the tensors' byte ranges must tile
/// the data area exactly, in any order.
/// </summary>
public static class SafetensorsReader
{
    public static Dictionary<string, StoredTensor> Read(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        if (file.Length < 8)
            throw new InvalidDataException($"{path}: shorter than the 8-byte header length.");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (headerLength > (ulong)(file.Length - 8))
            throw new InvalidDataException($"{path}: header length {headerLength} beyond the file ({file.Length} bytes).");
        int dataStart = 8 + (int)headerLength;
        string header = Encoding.UTF8.GetString(file, 8, (int)headerLength);
        if (!header.StartsWith('{'))
            throw new InvalidDataException($"{path}: header does not start with '{{'.");

        var tensors = new Dictionary<string, StoredTensor>(StringComparer.Ordinal);
        var ranges = new List<(long Begin, long End)>();
        using var json = JsonDocument.Parse(header);
        foreach (JsonProperty entry in json.RootElement.EnumerateObject())
        {
            if (entry.Name == "__metadata__")
                continue;
            string dtype = entry.Value.GetProperty("dtype").GetString()!;
            long[] shape = entry.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            long[] offsets = entry.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            int size = dtype switch { "F32" => 4, "F64" => 8, "I64" => 8, _ => throw new InvalidDataException($"{path}: {entry.Name}: unexpected dtype {dtype}.") };
            long count = shape.Aggregate(1L, (a, b) => a * b);
            if (offsets.Length != 2 || offsets[1] - offsets[0] != count * size || offsets[0] < 0 || dataStart + offsets[1] > file.Length)
                throw new InvalidDataException($"{path}: {entry.Name}: data_offsets [{string.Join(", ", offsets)}] do not hold {count} {dtype}.");
            ranges.Add((offsets[0], offsets[1]));

            var bytes = file.AsSpan(dataStart + (int)offsets[0], (int)(offsets[1] - offsets[0]));
            var values = new double[count];
            for (int i = 0; i < count; i++)
                values[i] = dtype switch
                {
                    "F32" => BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]),
                    "F64" => BinaryPrimitives.ReadDoubleLittleEndian(bytes[(8 * i)..]),
                    _ => BinaryPrimitives.ReadInt64LittleEndian(bytes[(8 * i)..]),
                };
            if (!tensors.TryAdd(entry.Name, new StoredTensor(entry.Name, dtype, shape, values)))
                throw new InvalidDataException($"{path}: {entry.Name} appears twice.");
        }

        long at = 0;
        foreach (var (begin, end) in ranges.OrderBy(r => r.Begin))
        {
            if (begin != at)
                throw new InvalidDataException($"{path}: data ranges leave a gap or overlap at byte {at}.");
            at = end;
        }
        if (dataStart + at != file.Length)
            throw new InvalidDataException($"{path}: {file.Length - dataStart - at} bytes after the last tensor.");
        return tensors;
    }
}
