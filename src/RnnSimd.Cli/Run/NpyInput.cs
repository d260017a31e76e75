using RnnSimd.Cli.Common;
using RnnSimd.IO;

namespace RnnSimd.Cli.Run;

/// <summary>A float input of the model (x, h0, c0), read from its npy file and converted to float32.</summary>
/// <param name="Name">The input's name.</param>
/// <param name="File">The npy file, as the user named it.</param>
/// <param name="Shape">The array's shape.</param>
/// <param name="Data">Its elements in C order, as float32 (float64 rounded to nearest).</param>
internal sealed record NpyInput(string Name, string File, int[] Shape, float[] Data)
{
    /// <summary>Reads a float32 or float64 npy file.</summary>
    /// <exception cref="TensorFileException">The file is missing or malformed.</exception>
    /// <exception cref="CliException">It holds another element type.</exception>
    public static NpyInput Read(InputBinding binding)
    {
        NpyArray array = NpyFile.Read(binding.File);
        if (array.DType is not (TensorDType.F32 or TensorDType.F64))
            throw new CliException($"{binding.File}: input {binding.Name} holds {DTypeText.Name(array.DType)}; inputs must be float32 or float64.");
        return new NpyInput(binding.Name, binding.File, array.Shape, array.ToFloat32());
    }

    /// <summary>Throws unless the shape is <paramref name="expected"/>; <paramref name="context"/> says what needs it ("the 1-layer GRU (...) with x (5, 2, 3)").</summary>
    public void ExpectShape(int[] expected, string symbolic, string context)
    {
        if (!Shape.AsSpan().SequenceEqual(expected))
            throw new CliException($"{File}: {Name} has shape {Shapes.Format(Shape)}; {context} needs {Shapes.Format(expected)}, that is {symbolic}.");
    }
}
