using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace RnnSimd.Cli.Commands;

/// <summary>Numeric options whose range is checked while parsing, so that a bad value is a command-line error (exit code 2).</summary>
internal static class NumberOptions
{
    /// <summary>An int option that must be at least 1.</summary>
    public static Option<int> Positive(string name, string helpName, string description, int? defaultValue = null, int max = int.MaxValue)
    {
        var option = new Option<int>(name)
        {
            Description = description,
            HelpName = helpName,
            CustomParser = r => Parse(r) is { } v && v >= 1 && v <= max ? v
                : Fail<int>(r, max == int.MaxValue
                    ? $"{name} must be a whole number of at least 1 (got '{Text(r)}')."
                    : $"{name} must be a whole number from 1 to {max} (got '{Text(r)}')."),
        };
        if (defaultValue is { } d)
            option.DefaultValueFactory = _ => d;
        return option;
    }

    /// <summary>A number of seconds in (0, <paramref name="max"/>].</summary>
    public static Option<double> Seconds(string name, string description, double defaultValue, double max)
        => new(name)
        {
            Description = description,
            HelpName = "SECONDS",
            DefaultValueFactory = _ => defaultValue,
            CustomParser = r => double.TryParse(Text(r), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v > 0 && v <= max
                ? v
                : Fail<double>(r, $"{name} must be a number of seconds above 0 and at most {max.ToString(CultureInfo.InvariantCulture)} (got '{Text(r)}')."),
        };

    /// <summary>The value typed for an int option, or null if it was not given or is not a number (its parser reports that).</summary>
    public static int? Typed(OptionResult? result) => result is null ? null : Parse(result);

    private static int? Parse(SymbolResult result) =>
        int.TryParse(Text(result), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : null;

    private static string Text(SymbolResult result) => result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";

    private static T Fail<T>(ArgumentResult result, string message) where T : struct
    {
        result.AddError(message);
        return default;
    }
}
