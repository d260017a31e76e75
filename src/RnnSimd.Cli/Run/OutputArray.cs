namespace RnnSimd.Cli.Run;

/// <summary>One result of a run, to be written as a float32 npy file.</summary>
/// <param name="FileName">The file's name in the output directory (output.npy, h_n.npy, c_n.npy).</param>
/// <param name="Shape">Its shape, as PyTorch returns it.</param>
/// <param name="Data">Its elements in C order.</param>
internal sealed record OutputArray(string FileName, int[] Shape, float[] Data);
