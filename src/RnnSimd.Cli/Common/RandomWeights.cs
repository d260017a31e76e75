namespace RnnSimd.Cli.Common;

/// <summary>A state_dict of random parameters, drawn as PyTorch initialises them: uniform in ±1/√H.</summary>
internal static class RandomWeights
{
    public static Dictionary<string, float[]> For(RecurrentSpec spec, ref SplitMix64 random)
    {
        float bound = 1f / MathF.Sqrt(spec.HiddenSize);
        var parameters = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach ((string name, int[] shape) in spec.ParameterShapes())
            parameters[name] = random.Uniform(shape.Aggregate(1, (a, b) => checked(a * b)), bound);
        return parameters;
    }
}
