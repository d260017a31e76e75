using System.Runtime.InteropServices;
using Google.Protobuf;

namespace RnnSimd.Benchmarks.Peers;

/// <summary>
/// Writes a one-node ONNX model, an RNN, GRU or LSTM operator (one direction, forward) holding the
/// data's weights, as protobuf bytes that ONNX Runtime loads from memory.
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

    /// <summary>LSTM only: c_T.</summary>
    public const string FinalCell = "Y_c";

    /// <summary>
    /// RNN-14, GRU-14 and LSTM-14 added the layout attribute (left at its default 0: time-major);
    /// their version 22 only widened the element types, so 14 is the float32 operators as current
    /// ONNX Runtime implements them.
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

    /// <summary>An RNN node (tanh): W (1, H, X), R (1, H, H), B (1, 2H) = [b_ih, b_hh], PyTorch's layout as it is.</summary>
    public static byte[] Build(ElmanData data) =>
        Build("RNN", data.Shape, data.WeightIh, data.WeightHh, [.. data.BiasIh, .. data.BiasHh], cellOutput: false,
            StringsAttribute("activations", "Tanh"));

    /// <summary>
    /// A GRU or LSTM node: W (1, G·H, X), R (1, G·H, H), B (1, 2·G·H) = [Wb, Rb], the gate blocks
    /// reordered from PyTorch's to ONNX's (<see cref="OnnxGateOrder"/>); an LSTM also outputs Y_c.
    /// Activations are left at ONNX's defaults, which are PyTorch's (sigmoid for the gates, tanh for
    /// the candidate and, in an LSTM, for the cell output).
    /// </summary>
    public static byte[] Build(GatedData data)
    {
        RecurrentCell cell = data.Shape.Cell;
        float[] w = OnnxGateOrder.FromPyTorch(cell, data.WeightIh);
        float[] r = OnnxGateOrder.FromPyTorch(cell, data.WeightHh);
        float[] bias = [.. OnnxGateOrder.FromPyTorch(cell, data.BiasIh), .. OnnxGateOrder.FromPyTorch(cell, data.BiasHh)];
        return cell == RecurrentCell.Gru
            // PyTorch applies the reset gate after the hidden product, b_hn included
            // (r ⊙ (h·W_hnᵀ + b_hn)); ONNX's default (0) applies it to h before.
            ? Build("GRU", data.Shape.Shape, w, r, bias, cellOutput: false, IntAttribute("linear_before_reset", 1))
            : Build("LSTM", data.Shape.Shape, w, r, bias, cellOutput: true);
    }

    /// <summary>
    /// Graph input X (T, B, X); initializers W (1, G·H, X), R (1, G·H, H), B (1, 2·G·H); outputs
    /// Y (T, 1, B, H), Y_h (1, B, H) and, with <paramref name="cellOutput"/>, Y_c (1, B, H). G is read
    /// from the length of W. Shapes are fixed, as the benchmark's are.
    /// </summary>
    private static byte[] Build(string opType, ElmanShape s, float[] w, float[] r, float[] bias, bool cellOutput,
        params byte[][] attributes)
    {
        int gateRows = w.Length / s.X;
        string[] outputs = cellOutput ? [Output, FinalState, FinalCell] : [Output, FinalState];

        byte[] node = Message(n =>
        {
            foreach (string input in new[] { Input, "W", "R", "B" })
                n.String(1, input); // NodeProto.input
            foreach (string output in outputs)
                n.String(2, output); // NodeProto.output
            n.String(3, opType.ToLowerInvariant()); // NodeProto.name
            n.String(4, opType); // NodeProto.op_type
            n.Bytes(5, IntAttribute("hidden_size", s.H)); // NodeProto.attribute
            n.Bytes(5, StringAttribute("direction", "forward"));
            foreach (byte[] attribute in attributes)
                n.Bytes(5, attribute);
        });

        byte[] graph = Message(g =>
        {
            g.Bytes(1, node); // GraphProto.node
            g.String(2, opType.ToLowerInvariant()); // GraphProto.name
            g.Bytes(5, Tensor("W", w, 1, gateRows, s.X)); // GraphProto.initializer
            g.Bytes(5, Tensor("R", r, 1, gateRows, s.H));
            g.Bytes(5, Tensor("B", bias, 1, 2 * gateRows));
            g.Bytes(11, ValueInfo(Input, s.T, s.B, s.X)); // GraphProto.input
            g.Bytes(12, ValueInfo(Output, s.T, 1, s.B, s.H)); // GraphProto.output
            foreach (string state in outputs.Skip(1))
                g.Bytes(12, ValueInfo(state, 1, s.B, s.H));
        });

        return Message(m =>
        {
            m.Int(1, IrVersion); // ModelProto.ir_version
            m.String(2, "RnnSimd.Benchmarks"); // ModelProto.producer_name
            m.Bytes(7, graph); // ModelProto.graph
            m.Bytes(8, Message(o => o.Int(2, Opset))); // ModelProto.opset_import: OperatorSetIdProto.version, default domain
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
