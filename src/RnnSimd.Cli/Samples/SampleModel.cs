using RnnSimd.Cli.Common;
using RnnSimd.Cli.Run;
using RnnSimd.IO;

namespace RnnSimd.Cli.Samples;

/// <summary>
/// The sample shipped in samples/lstm: a 2-layer nn.LSTM state_dict (X 4, H 8, PyTorch's key names,
/// uniform ±1/√H weights) and an input x (T 12, B 2, X 4) in [−1, 1), from a fixed seed: the same
/// bytes on every machine and .NET version.
/// </summary>
internal static class SampleModel
{
    public const string ModelFile = "model.safetensors";
    public const string InputFile = "x.npy";

    public static readonly RecurrentSpec Spec = new(RecurrentCell.Lstm, InputSize: 4, HiddenSize: 8, NumLayers: 2);
    public const int Steps = 12;
    public const int Batch = 2;

    /// <summary>Writes the two files into <paramref name="directory"/> (created if needed), all or nothing.</summary>
    public static void Write(string directory)
    {
        var random = new SplitMix64(20_251_127);
        Dictionary<string, float[]> weights = RandomWeights.For(Spec, ref random);
        float[] x = random.Uniform(Steps * Batch * Spec.InputSize, 1f);
        var tensors = Spec.ParameterShapes().Select(p => new SafetensorsTensor(p.Key, p.Value, weights[p.Key])).ToList();

        if (FileSystemErrors.IsFile(directory))
            throw new CliException($"{directory}: is a file, not a directory.");
        if (!Directory.Exists(directory) && FileSystemErrors.FileInTheWay(directory) is { } file)
            throw new CliException($"{directory}: {file} is a file, not a directory.");
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (FileSystemErrors.Is(e))
        {
            throw new CliException($"{directory}: cannot create the directory: {FileSystemErrors.Reason(e, directory)}.", e);
        }
        string model = Path.Combine(directory, ModelFile), input = Path.Combine(directory, InputFile);
        string modelTemporary = OutputStaging.TemporaryName(directory, ModelFile);
        string inputTemporary = OutputStaging.TemporaryName(directory, InputFile);
        try
        {
            SafetensorsFile.Write(modelTemporary, tensors);
            NpyFile.Write(inputTemporary, [Steps, Batch, Spec.InputSize], x);
            File.Move(modelTemporary, model, overwrite: true);
            File.Move(inputTemporary, input, overwrite: true);
        }
        catch (Exception e) when (FileSystemErrors.Is(e))
        {
            throw new CliException($"{directory}: cannot write the sample: {FileSystemErrors.Reason(e, modelTemporary, inputTemporary, model, input)}.", e);
        }
        finally
        {
            FileSystemErrors.TryDelete(modelTemporary);
            FileSystemErrors.TryDelete(inputTemporary);
        }
    }
}
