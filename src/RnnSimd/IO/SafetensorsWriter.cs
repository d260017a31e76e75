using System.Buffers;
using System.Buffers.Binary;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace RnnSimd.IO;

/// <summary>Writes float32 safetensors files: checked arguments, a System.Text.Json header, contiguous data.</summary>
internal static class SafetensorsWriter
{
    public static void Write(string path, IEnumerable<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(tensors);
        SafetensorsTensor[] list = [.. tensors];
        Check(list, metadata);
        byte[] header = Header(list, metadata);
        FileStream stream = TensorFileAccess.Create(path, out bool created);
        try
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
            stream.Write(length);
            stream.Write(header);
            foreach (SafetensorsTensor t in list)
                ByteWriting.WriteLittleEndian<float>(stream, t.Data);
            stream.Dispose();
        }
        catch (Exception e)
        {
            TensorFileAccess.Abandon(stream, path, created, e);
            throw;
        }
    }

    private static void Check(SafetensorsTensor[] tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < tensors.Length; i++)
        {
            SafetensorsTensor? t = tensors[i];
            if (t is null)
                throw new ArgumentException($"tensors[{i}] is null.", nameof(tensors));
            if (t.Name is null)
                throw new ArgumentException($"tensors[{i}] has a null name.", nameof(tensors));
            string q = TensorNames.Quote(t.Name);
            if (t.Name == SafetensorsHeader.MetadataKey)
                throw new ArgumentException($"tensor {q}: the name is reserved for the metadata.", nameof(tensors));
            if (!IsValidUtf16(t.Name))
                throw new ArgumentException($"tensor {q}: the name has an unpaired surrogate, which UTF-8 cannot hold.", nameof(tensors));
            if (!names.Add(t.Name))
                throw new ArgumentException($"tensor {q} appears twice; names must be unique.", nameof(tensors));
            if (t.Shape is null || t.Data is null)
                throw new ArgumentException($"tensor {q}: {(t.Shape is null ? "Shape" : "Data")} is null.", nameof(tensors));
            string? problem = DTypes.ShapeProblem(t.Shape, t.Data.Length, "Data");
            if (problem is not null)
                throw new ArgumentException($"tensor {q}: {problem}", nameof(tensors));
        }
        if (metadata is null)
            return;
        foreach (KeyValuePair<string, string> kv in metadata)
        {
            if (kv.Key is null || kv.Value is null)
                throw new ArgumentException("metadata has a null value.", nameof(metadata));
            if (!IsValidUtf16(kv.Key) || !IsValidUtf16(kv.Value))
                throw new ArgumentException($"metadata entry {TensorNames.Quote(kv.Key)} has an unpaired surrogate, which UTF-8 cannot hold.", nameof(metadata));
        }
    }

    private static byte[] Header(SafetensorsTensor[] tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        var buffer = new ArrayBufferWriter<byte>();
        // Non-ASCII stays UTF-8, as the reference implementation writes it; JSON's own escapes still apply.
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (metadata is not null)
            {
                json.WriteStartObject(SafetensorsHeader.MetadataKey);
                foreach (KeyValuePair<string, string> kv in metadata)
                    json.WriteString(kv.Key, kv.Value);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (SafetensorsTensor t in tensors)
            {
                json.WriteStartObject(t.Name);
                json.WriteString("dtype", "F32");
                json.WriteStartArray("shape");
                foreach (int d in t.Shape)
                    json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                offset += 4L * t.Data.Length;
                json.WriteNumberValue(offset);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        int padded = (buffer.WrittenCount + 7) / 8 * 8;
        if (padded > SafetensorsHeader.MaxLength)
            throw new ArgumentException($"the header would be {padded} bytes, more than readers accept ({SafetensorsHeader.MaxLength}).", nameof(tensors));
        var header = new byte[padded];
        buffer.WrittenSpan.CopyTo(header);
        header.AsSpan(buffer.WrittenCount).Fill((byte)' ');
        return header;
    }

    private static bool IsValidUtf16(string s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
                i++;
            else if (char.IsSurrogate(s[i]))
                return false;
        }
        return true;
    }
}
