using System.Text;

namespace RnnSimd.Tests.IO;

/// <summary>Changes the dtype a safetensors file declares for one tensor, in place.</summary>
public static class DTypeRelabel
{
    /// <summary>
    /// Replaces tensor <paramref name="name"/>'s "F32" by <paramref name="dtype"/>, a code of the same
    /// length and item size ("I32", "U32"), so that the header keeps its length and the data its offsets.
    /// </summary>
    public static void Apply(string path, string name, string dtype)
    {
        if (dtype.Length != 3)
            throw new ArgumentException("A code of three characters keeps the header's length.", nameof(dtype));
        byte[] bytes = File.ReadAllBytes(path);
        int headerLength = (int)BitConverter.ToUInt64(bytes, 0);
        string header = Encoding.UTF8.GetString(bytes, 8, headerLength);
        int entry = header.IndexOf($"\"{name}\"", StringComparison.Ordinal);
        int at = entry < 0 ? -1 : header.IndexOf("\"F32\"", entry, StringComparison.Ordinal);
        if (at < 0)
            throw new ArgumentException($"No float32 tensor {name} in {path}.", nameof(name));
        Encoding.UTF8.GetBytes(dtype).CopyTo(bytes, 8 + at + 1);
        File.WriteAllBytes(path, bytes);
    }
}
