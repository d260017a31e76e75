namespace RnnSimd.Cli.Run;

/// <summary>A model loaded from its file, ready to run on checked inputs.</summary>
internal abstract class RunnableModel : IDisposable
{
    protected RunnableModel(string file) => File = file;

    /// <summary>The model file, as the user named it.</summary>
    public string File { get; }

    /// <summary>What the model is: "1-layer LSTM (input 4, hidden 8, bias)".</summary>
    public abstract string Description { get; }

    /// <summary>For messages: "the 1-layer LSTM (input 4, hidden 8, bias) in model.safetensors".</summary>
    public string Title => $"the {Description} in {File}";

    /// <summary>The --input names it takes, x first.</summary>
    public abstract IReadOnlyList<string> InputNames { get; }

    /// <summary>X: features per input step.</summary>
    public abstract int InputSize { get; }

    /// <summary>The SIMD path its kernels run.</summary>
    public abstract SimdPath Path { get; }

    /// <summary>Checks the inputs' shapes against the model and each other, runs the forward pass, and returns the results to write.</summary>
    public abstract IReadOnlyList<OutputArray> Run(RunInputs inputs);

    /// <inheritdoc/>
    public abstract void Dispose();
}
