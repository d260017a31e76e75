namespace RnnSimd.IO;

/// <summary>
/// The parameters of the reference Elman network (mission.md §1) as its state_dict holds them:
/// row-major, row convention, with the sizes they imply.
/// </summary>
/// <param name="InputSize">X: the rows of W_xh.</param>
/// <param name="HiddenSize">H: the columns of W_xh.</param>
/// <param name="OutputSize">Y: the columns of W_hy.</param>
/// <param name="WXh">W_xh: (X, H).</param>
/// <param name="WHh">W_hh: (H, H).</param>
/// <param name="BH">b_h: (H).</param>
/// <param name="WHy">W_hy: (H, Y).</param>
/// <param name="BY">b_y: (Y).</param>
public sealed record ElmanParameters(int InputSize, int HiddenSize, int OutputSize,
    float[] WXh, float[] WHh, float[] BH, float[] WHy, float[] BY)
{
    /// <summary>Builds the network these parameters describe.</summary>
    /// <param name="path">The SIMD path; null for the widest available (<see cref="Isa.Best"/>).</param>
    /// <exception cref="ArgumentException">A size is out of range or an array does not have the size it needs.</exception>
    public ElmanNetwork CreateNetwork(SimdPath? path = null) =>
        ElmanNetwork.Create(InputSize, HiddenSize, OutputSize, WXh, WHh, BH, WHy, BY, path);

    /// <summary>A short description for messages: "reference Elman network (input 4, hidden 8, output 3)".</summary>
    public string Describe() => $"reference Elman network (input {InputSize}, hidden {HiddenSize}, output {OutputSize})";
}
