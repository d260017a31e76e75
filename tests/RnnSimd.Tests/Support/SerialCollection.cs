namespace RnnSimd.Tests.Support;

/// <summary>Tests that start their own threads run alone, not beside other collections.</summary>
[CollectionDefinition(nameof(SerialCollection), DisableParallelization = true)]
public sealed class SerialCollection;
