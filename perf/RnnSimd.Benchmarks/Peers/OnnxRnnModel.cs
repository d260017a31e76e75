using System.Runtime.InteropServices;
using Google.Protobuf;

namespace RnnSimd.Benchmarks.Peers;

/// <summary>
/// Writes a one-node ONNX model, an RNN operator (tanh, forward, one direction) holding the data's
/// weights, as protobuf bytes that ONNX Runtime loads from memory.
/// </summary>
/// <remarks>
/// The few messages it needs are written field by field with Google.Protobuf's CodedOutputStream
/// rather than through a generated ONNX schema: that is one small, current dependency instead of
/// a package of generated classes (OnnxSharp 0.3.2 ships those, from a 2021 onnx.proto3), and a
/// wrong field number shows at once, since ONNX Runtime refuses the model or the agreement check fails.
/// Field numbers are those of onnx/onnx.proto.
/// </remarks>
public static class OnnxRnnModel
{
    public const string Input = "X";
    public const string Output = "Y";
    public const string FinalState = "Y_h";

    /// <summary>
    /// RNN-14 added the layout attribute (left at its default 0: time-major); RNN-22 only widened the
    /// element types, so 14 is the float32 operator as current ONNX Runtime implements it.
    /// </summary>
    public const long Opset = 14;

    /// <summary>The IR version that goes with opset 14 (onnx/docs/Versioning.md).</summary>
    private const long IrVersion = 7;

    /// <summary>TensorProto.DataType.FLOAT.</summary>
    private const int Float = 1;

    // AttributeProto.AttributeType values.
    private const int AttributeInt = 2;
    private const int AttributeString = 3;
    private const int AttributeStrings = 8;

    /// <summary>
    /// Graph input X (T, B, X); initializers W (1, H, X), R (1, H, H), B (1, 2H) = [b_ih, b_hh];
    /// outputs Y (T, 1, B, H) and Y_h (1, B, H). Shapes are fixed, as the benchmark's are.
    /// </summary>
    public static byte[] Build(ElmanData data)
    {
        ElmanShape s = data.Shape;
        float[] bias = [.. data.BiasIh, .. data.BiasHh];

        byte[] node = Message(w =>
        {
            foreach (string input in new[] { Input, "W", "R", "B" })
                w.String(1, input); // NodeProto.input
            w.String(2, Output); // NodeProto.output
            w.String(2, FinalState);
            w.String(3, "rnn"); // NodeProto.name
            w.String(4, "RNN"); // NodeProto.op_type
            w.Bytes(5, IntAttribute("hidden_size", s.H)); // NodeProto.attribute
            w.Bytes(5, StringsAttribute("activations", "Tanh"));
            w.Bytes(5, StringAttribute("direction", "forward"));
        });

        byte[] graph = Message(w =>
        {
            w.Bytes(1, node); // GraphProto.node
            w.String(2, "elman"); // GraphProto.name
            w.Bytes(5, Tensor("W", data.WeightIh, 1, s.H, s.X)); // GraphProto.initializer
            w.Bytes(5, Tensor("R", data.WeightHh, 1, s.H, s.H));
            w.Bytes(5, Tensor("B", bias, 1, 2 * s.H));
            w.Bytes(11, ValueInfo(Input, s.T, s.B, s.X)); // GraphProto.input
            w.Bytes(12, ValueInfo(Output, s.T, 1, s.B, s.H)); // GraphProto.output
            w.Bytes(12, ValueInfo(FinalState, 1, s.B, s.H));
        });

        return Message(w =>
        {
            w.Int(1, IrVersion); // ModelProto.ir_version
            w.String(2, "RnnSimd.Benchmarks"); // ModelProto.producer_name
            w.Bytes(7, graph); // ModelProto.graph
            w.Bytes(8, Message(o => o.Int(2, Opset))); // ModelProto.opset_import: OperatorSetIdProto.version, default domain
        });
    }

    private static byte[] IntAttribute(string name, long value) => Message(w =>
    {
        w.String(1, name); // AttributeProto.name
        w.Int(3, value); // AttributeProto.i
        w.Int(20, AttributeInt); // AttributeProto.type
    });

    private static byte[] StringAttribute(string name, string value) => Message(w =>
    {
        w.String(1, name);
        w.String(4, value); // AttributeProto.s
        w.Int(20, AttributeString);
    });

    private static byte[] StringsAttribute(string name, params string[] values) => Message(w =>
    {
        w.String(1, name);
        foreach (string value in values)
            w.String(9, value); // AttributeProto.strings
        w.Int(20, AttributeStrings);
    });

    private static byte[] Tensor(string name, float[] values, params long[] dims) => Message(w =>
    {
        foreach (long dim in dims)
            w.Int(1, dim); // TensorProto.dims
        w.Int(2, Float); // TensorProto.data_type
        w.String(8, name); // TensorProto.name
        w.Bytes(9, MemoryMarshal.AsBytes(values.AsSpan()).ToArray()); // TensorProto.raw_data: little-endian floats
    });

    private static byte[] ValueInfo(string name, params long[] dims)
    {
        byte[] shape = Message(w =>
        {
            foreach (long dim in dims)
                w.Bytes(1, Message(d => d.Int(1, dim))); // TensorShapeProto.dim: Dimension.dim_value
        });
        byte[] tensorType = Message(w =>
        {
            w.Int(1, Float); // TypeProto.Tensor.elem_type
            w.Bytes(2, shape); // TypeProto.Tensor.shape
        });
        return Message(w =>
        {
            w.String(1, name); // ValueInfoProto.name
            w.Bytes(2, Message(t => t.Bytes(1, tensorType))); // ValueInfoProto.type: TypeProto.tensor_type
        });
    }

    /// <summary>One message's bytes; a parent embeds them as a length-delimited field.</summary>
    private static byte[] Message(Action<Writer> write)
    {
        using var buffer = new MemoryStream();
        using (var output = new CodedOutputStream(buffer, leaveOpen: true))
            write(new Writer(output));
        return buffer.ToArray();
    }

    private readonly struct Writer(CodedOutputStream output)
    {
        public void Int(int field, long value)
        {
            output.WriteTag(field, WireFormat.WireType.Varint);
            output.WriteInt64(value);
        }

        public void String(int field, string value)
        {
            output.WriteTag(field, WireFormat.WireType.LengthDelimited);
            output.WriteString(value);
        }

        public void Bytes(int field, byte[] value)
        {
            output.WriteTag(field, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(ByteString.CopyFrom(value));
        }
    }
}
