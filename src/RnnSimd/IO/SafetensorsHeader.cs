using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace RnnSimd.IO;

/// <summary>
/// The safetensors header: parsed strictly (UTF-8 JSON object, no duplicate keys, entries of exactly
/// dtype, shape and data_offsets, string-to-string metadata) and checked against the data section
/// (sizes agree, offsets inside, tensors cover it without overlaps or holes).
/// </summary>
internal static class SafetensorsHeader
{
    /// <summary>The largest header accepted, as the reference implementation (100 MB).</summary>
    public const long MaxLength = 100_000_000;

    public const string MetadataKey = "__metadata__";

    public static (List<SafetensorsTensorInfo> Tensors, Dictionary<string, string> Metadata) Parse(
        ReadOnlySpan<byte> header, long dataLength, string fileName)
    {
        if (!Utf8.IsValid(header))
            throw new TensorFileException(fileName, "the header is not valid UTF-8.");
        if (header.Length == 0 || header[0] != (byte)'{')
            throw new TensorFileException(fileName, "the header does not start with '{'.");
        List<Entry> entries;
        Dictionary<string, string> metadata;
        try
        {
            (entries, metadata) = ParseJson(header, fileName);
        }
        catch (JsonException e)
        {
            throw new TensorFileException(fileName, $"the header is not valid JSON: {e.Message}");
        }
        catch (InvalidOperationException e)
        {
            // A string the reader cannot turn into UTF-16, such as an escaped lone surrogate.
            throw new TensorFileException(fileName, $"the header has an invalid string: {e.Message}");
        }
        var tensors = new List<SafetensorsTensorInfo>(entries.Count);
        foreach (Entry e in entries)
            tensors.Add(Validate(e, dataLength, fileName));
        CheckCoverage(tensors, dataLength, fileName);
        return (tensors, metadata);
    }

    private sealed record Entry(string Name, string? DType, List<ulong>? Shape, List<ulong>? Offsets);

    private static (List<Entry>, Dictionary<string, string>) ParseJson(ReadOnlySpan<byte> header, string fileName)
    {
        // Syntax first, over the whole text, so that a JSON error is reported as such wherever it is.
        var options = new JsonReaderOptions { MaxDepth = 8 };
        var syntax = new Utf8JsonReader(header, options);
        while (syntax.Read())
        {
        }

        var reader = new Utf8JsonReader(header, options);
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
            throw new TensorFileException(fileName, "the header is not a JSON object.");
        var entries = new List<Entry>();
        Dictionary<string, string>? metadata = null;
        var keys = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string key = reader.GetString()!;
            if (!keys.Add(key))
                throw new TensorFileException(fileName, $"the header has the key {Q(key)} twice.");
            reader.Read();
            if (key == MetadataKey)
                metadata = ParseMetadata(ref reader, fileName);
            else
                entries.Add(ParseEntry(ref reader, key, fileName));
        }
        return (entries, metadata ?? new Dictionary<string, string>(StringComparer.Ordinal));
    }

    private static Dictionary<string, string> ParseMetadata(ref Utf8JsonReader reader, string fileName)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
            throw new TensorFileException(fileName, $"{MetadataKey} is {Describe(reader)}, not an object of strings.");
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string key = reader.GetString()!;
            reader.Read();
            if (reader.TokenType != JsonTokenType.String)
                throw new TensorFileException(fileName, $"{MetadataKey} entry {Q(key)} is {Describe(reader)}, not a string.");
            if (!metadata.TryAdd(key, reader.GetString()!))
                throw new TensorFileException(fileName, $"{MetadataKey} has the key {Q(key)} twice.");
        }
        return metadata;
    }

    private static Entry ParseEntry(ref Utf8JsonReader reader, string name, string fileName)
    {
        string t = $"tensor {Q(name)}";
        if (reader.TokenType != JsonTokenType.StartObject)
            throw new TensorFileException(fileName, $"{t}: the entry is {Describe(reader)}, not an object.");
        string? dtype = null;
        List<ulong>? shape = null, offsets = null;
        var fields = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string field = reader.GetString()!;
            if (!fields.Add(field))
                throw new TensorFileException(fileName, $"{t}: the field {Q(field)} appears twice.");
            reader.Read();
            switch (field)
            {
                case "dtype":
                    if (reader.TokenType != JsonTokenType.String)
                        throw new TensorFileException(fileName, $"{t}: dtype is {Describe(reader)}, not a string.");
                    dtype = reader.GetString()!;
                    break;
                case "shape":
                    shape = ParseIntegers(ref reader, fileName, t, "shape", "dimensions");
                    break;
                case "data_offsets":
                    offsets = ParseIntegers(ref reader, fileName, t, "data_offsets", "offsets");
                    if (offsets.Count != 2)
                        throw new TensorFileException(fileName, $"{t}: data_offsets has {offsets.Count} numbers, not 2 (begin, end).");
                    break;
                default:
                    throw new TensorFileException(fileName, $"{t}: unexpected field {Q(field)} (an entry has exactly dtype, shape and data_offsets).");
            }
        }
        foreach ((string field, bool present) in (ReadOnlySpan<(string, bool)>)[("dtype", dtype is not null), ("shape", shape is not null), ("data_offsets", offsets is not null)])
            if (!present)
                throw new TensorFileException(fileName, $"{t}: the field '{field}' is missing.");
        return new Entry(name, dtype, shape, offsets);
    }

    private static List<ulong> ParseIntegers(ref Utf8JsonReader reader, string fileName, string t, string field, string what)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
            throw new TensorFileException(fileName, $"{t}: {field} is {Describe(reader)}, not an array.");
        var values = new List<ulong>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetUInt64(out ulong value))
                throw new TensorFileException(fileName,
                    $"{t}: {field} entry {values.Count} is {Describe(reader)}; {what} are non-negative integers.");
            values.Add(value);
        }
        return values;
    }

    private static SafetensorsTensorInfo Validate(Entry e, long dataLength, string fileName)
    {
        string t = $"tensor {Q(e.Name)}";
        TensorDType dtype = DTypes.FromSafetensors(e.DType!)
            ?? throw new TensorFileException(fileName, DTypes.IsKnownUnsupportedSafetensors(e.DType!)
                ? $"{t}: dtype {Q(e.DType!)} is not supported."
                : $"{t}: unknown dtype {Q(e.DType!)}.");
        var shape = new int[e.Shape!.Count];
        for (int i = 0; i < shape.Length; i++)
        {
            if (e.Shape[i] > int.MaxValue)
                throw new TensorFileException(fileName, $"{t}: shape entry {i} is {e.Shape[i]}, larger than the {int.MaxValue} supported.");
            shape[i] = (int)e.Shape[i];
        }
        string shapeText = $"shape [{string.Join(", ", shape)}]";
        int itemSize = DTypes.ItemSize(dtype);
        long? count = DTypes.ElementCount(shape);
        if (count is null || count > long.MaxValue / itemSize)
            throw new TensorFileException(fileName, $"{t}: {shapeText} has more elements than fit in 2⁶³ bytes.");
        long bytes = count.Value * itemSize;
        ulong begin = e.Offsets![0], end = e.Offsets[1];
        string offsets = $"data offsets [{begin}, {end})";
        if (end < begin)
            throw new TensorFileException(fileName, $"{t} {offsets} end before they begin.");
        if (end - begin != (ulong)bytes)
            throw new TensorFileException(fileName, $"{t} {offsets} span {end - begin} bytes; {shapeText} of {dtype} needs {bytes}.");
        if (end > (ulong)dataLength)
            throw new TensorFileException(fileName, $"{t} {offsets} end past the data section ({dataLength} bytes).");
        return new SafetensorsTensorInfo(e.Name, dtype, shape, (long)begin, bytes);
    }

    /// <summary>Sorted by offset, the tensors must tile the data section exactly: no overlap, no hole, nothing after.</summary>
    private static void CheckCoverage(List<SafetensorsTensorInfo> tensors, long dataLength, string fileName)
    {
        // A stable sort: ties keep header order, so the message for a given file is always the same.
        IEnumerable<SafetensorsTensorInfo> sorted = tensors.OrderBy(t => t.Offset).ThenBy(t => t.Length);
        long cursor = 0;
        SafetensorsTensorInfo? last = null;
        foreach (SafetensorsTensorInfo info in sorted)
        {
            long end = info.Offset + info.Length;
            if (info.Offset < cursor)
                throw new TensorFileException(fileName,
                    $"tensor {Q(info.Name)} data offsets [{info.Offset}, {end}) start inside tensor {Q(last!.Name)} [{last.Offset}, {last.Offset + last.Length}) (tensors must not overlap).");
            if (info.Offset > cursor)
                throw new TensorFileException(fileName,
                    $"bytes [{cursor}, {info.Offset}) of the data section belong to no tensor (a hole before tensor {Q(info.Name)}).");
            if (info.Length > 0)
                last = info;
            cursor = end;
        }
        if (cursor < dataLength)
            throw new TensorFileException(fileName, $"bytes [{cursor}, {dataLength}) at the end of the data section belong to no tensor.");
    }

    private static string Q(string s) => TensorNames.Quote(s);

    private static string Describe(Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => $"the string {Q(reader.GetString()!)}",
        JsonTokenType.Number => $"the number {Q(Encoding.UTF8.GetString(reader.ValueSpan)).Trim('\'')}",
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        JsonTokenType.Null => "null",
        _ => reader.TokenType.ToString(),
    };
}
