namespace RnnSimd.Benchmarks.Peers;

/// <summary>
/// PyTorch and ONNX stack a GRU's or LSTM's gates in different orders along the rows of W, R and
/// the biases: the same weights must be moved block by block, or ONNX Runtime would compute another
/// network (and only the agreement column would show it).
/// </summary>
public static class OnnxGateOrder
{
    /// <summary>
    /// For each gate block in ONNX's order, the index of that gate's block in PyTorch's order.
    /// GRU: ONNX z, r, h from PyTorch r, z, n. LSTM: ONNX i, o, f, c from PyTorch i, f, g, o.
    /// An RNN has one block, the same in both.
    /// </summary>
    public static int[] PyTorchBlocks(RecurrentCell cell) => cell switch
    {
        RecurrentCell.Gru => [1, 0, 2],
        RecurrentCell.Lstm => [0, 3, 1, 2],
        RecurrentCell.Rnn => [0],
        _ => throw new ArgumentOutOfRangeException(nameof(cell), cell, "Unknown cell."),
    };

    /// <summary>
    /// A parameter in PyTorch's layout (G blocks of equal length: H rows of a weight, or H biases),
    /// as a new array in ONNX's gate order.
    /// </summary>
    public static float[] FromPyTorch(RecurrentCell cell, float[] pyTorch)
    {
        int[] blocks = PyTorchBlocks(cell);
        if (pyTorch.Length % blocks.Length != 0)
            throw new ArgumentException($"{pyTorch.Length} values do not split into {blocks.Length} gate blocks.", nameof(pyTorch));
        int block = pyTorch.Length / blocks.Length;
        var onnx = new float[pyTorch.Length];
        for (int k = 0; k < blocks.Length; k++)
            pyTorch.AsSpan(blocks[k] * block, block).CopyTo(onnx.AsSpan(k * block, block));
        return onnx;
    }
}
