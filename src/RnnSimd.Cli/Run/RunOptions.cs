namespace RnnSimd.Cli.Run;

/// <summary>The <c>run</c> command's options, parsed (each value well-formed; whether it fits the model is checked later).</summary>
/// <param name="Model">The safetensors state_dict.</param>
/// <param name="Inputs">Every --input, names unique.</param>
/// <param name="OutDirectory">Where output.npy, h_n.npy (and c_n.npy) go.</param>
/// <param name="Nonlinearity">"tanh" or "relu" when --nonlinearity was given, else null.</param>
/// <param name="BatchFirst">--batch-first.</param>
/// <param name="Lengths">The --lengths npy file, or null.</param>
internal sealed record RunOptions(
    string Model,
    IReadOnlyList<InputBinding> Inputs,
    string OutDirectory,
    string? Nonlinearity,
    bool BatchFirst,
    string? Lengths);
