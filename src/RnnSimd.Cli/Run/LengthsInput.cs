using RnnSimd.Cli.Common;
using RnnSimd.IO;

namespace RnnSimd.Cli.Run;

/// <summary>The --lengths file: per-sequence valid lengths, read exactly as int64.</summary>
/// <param name="File">The npy file, as the user named it.</param>
/// <param name="Shape">The array's shape.</param>
/// <param name="Values">Its elements.</param>
internal sealed record LengthsInput(string File, int[] Shape, long[] Values)
{
    /// <summary>Reads an int32 or int64 npy file.</summary>
    public static LengthsInput Read(string file)
    {
        NpyArray array = NpyFile.Read(file);
        if (array.DType is not (TensorDType.I32 or TensorDType.I64))
            throw new CliException($"{file}: --lengths holds {DTypeText.Name(array.DType)}; lengths must be int32 or int64.");
        return new LengthsInput(file, array.Shape, array.ToInt64());
    }

    /// <summary>The lengths as ints, checked: shape (B,) and each 1..T.</summary>
    public int[] Check(SequenceLayout layout, string context)
    {
        if (Shape.Length != 1 || Shape[0] != layout.Batch)
            throw new CliException($"{File}: --lengths has shape {Shapes.Format(Shape)}; {context} needs ({layout.Batch},), one length per sequence.");
        var lengths = new int[Values.Length];
        for (int i = 0; i < Values.Length; i++)
        {
            if (Values[i] < 1 || Values[i] > layout.Steps)
                throw new CliException($"{File}: --lengths[{i}] = {Values[i]} is outside 1..{layout.Steps} (T, the steps of x).");
            lengths[i] = (int)Values[i];
        }
        return lengths;
    }
}
