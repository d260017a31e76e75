using RnnSimd.IO;

namespace RnnSimd.Cli.Common;

/// <summary>Element types as numpy names them, for messages.</summary>
internal static class DTypeText
{
    public static string Name(TensorDType dtype) => dtype switch
    {
        TensorDType.F32 => "float32",
        TensorDType.F64 => "float64",
        TensorDType.F16 => "float16",
        TensorDType.BF16 => "bfloat16",
        TensorDType.I8 => "int8",
        TensorDType.I16 => "int16",
        TensorDType.I32 => "int32",
        TensorDType.I64 => "int64",
        TensorDType.U8 => "uint8",
        TensorDType.U16 => "uint16",
        TensorDType.U32 => "uint32",
        TensorDType.U64 => "uint64",
        TensorDType.BOOL => "bool",
        _ => dtype.ToString(),
    };
}
