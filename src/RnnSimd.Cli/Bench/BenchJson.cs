using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using RnnSimd.Cli.Common;
using RnnSimd.Cli.Info;

namespace RnnSimd.Cli.Bench;

/// <summary>The benchmark's figures as JSON (schema "rnnsimd-bench/1", documented in docs/cli.md). Times in seconds.</summary>
internal static class BenchJson
{
    public const string Schema = "rnnsimd-bench/1";

    public static void Write(Stream stream, BenchSettings settings, KernelInfo kernels, IReadOnlyList<BenchResult> results)
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        json.WriteStartObject();
        json.WriteString("schema", Schema);
        json.WriteString("timestampUtc", DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture));
        json.WriteString("rnnsimdVersion", MachineInfo.Version(typeof(Isa).Assembly));
        json.WriteString("runtime", RuntimeInformation.FrameworkDescription);
        json.WriteString("os", RuntimeInformation.OSDescription);
        json.WriteString("architecture", RuntimeInformation.ProcessArchitecture.ToString());
        json.WriteNumber("processorCount", Environment.ProcessorCount);
        json.WriteString("simdPath", kernels.Path.ToString());
        json.WriteStartObject("kernels");
        json.WriteString("gemm", kernels.Gemm);
        json.WriteString("tanh", kernels.Tanh);
        json.WriteString("sigmoid", kernels.Sigmoid);
        json.WriteEndObject();
        json.WriteString("cell", ModelText.Name(settings.Cell));
        json.WriteNumber("gates", settings.Gates);
        json.WriteNumber("layers", 1);
        json.WriteNumber("threads", settings.Threads);
        json.WriteNumber("budgetSeconds", settings.BudgetSeconds);
        json.WriteStartArray("results");
        foreach (BenchResult r in results)
        {
            json.WriteStartObject();
            json.WriteString("shape", r.Shape.Name);
            json.WriteNumber("seqLen", r.Shape.SequenceLength);
            json.WriteNumber("batch", r.Shape.Batch);
            json.WriteNumber("inputSize", r.Shape.InputSize);
            json.WriteNumber("hiddenSize", r.Shape.HiddenSize);
            json.WriteNumber("flopsPerCall", r.FlopsPerCall);
            json.WriteNumber("medianSeconds", r.Timing.MedianSeconds);
            json.WriteNumber("minSeconds", r.Timing.MinSeconds);
            json.WriteNumber("maxSeconds", r.Timing.MaxSeconds);
            json.WriteNumber("repetitions", r.Timing.Repetitions);
            json.WriteNumber("callsPerRepetition", r.Timing.CallsPerRepetition);
            json.WriteNumber("warmupCalls", r.Timing.WarmupCalls);
            json.WriteNumber("stepsPerSecond", r.StepsPerSecond);
            json.WriteNumber("sequencesPerSecond", r.SequencesPerSecond);
            json.WriteNumber("gflopsPerSecond", r.GflopsPerSecond);
            json.WriteNumber("allocatedBytesPerCall", r.Timing.AllocatedBytesPerCall);
            json.WriteNumber("callsRunAlone", r.Timing.CallsRunAlone);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
        // A text file ends with a newline; on a terminal (--json /dev/stdout) the next line starts clean.
        stream.WriteByte((byte)'\n');
    }
}
