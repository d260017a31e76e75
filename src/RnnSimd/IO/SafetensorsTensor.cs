namespace RnnSimd.IO;

/// <summary>A float32 tensor to write with <see cref="SafetensorsFile.Write"/>.</summary>
/// <param name="Name">Its key in the header: unique in the file, not <c>__metadata__</c>.</param>
/// <param name="Shape">The dimensions, outermost first; empty for a scalar. Non-negative, their product the length of <paramref name="Data"/>.</param>
/// <param name="Data">The elements in C order.</param>
public sealed record SafetensorsTensor(string Name, int[] Shape, float[] Data);
