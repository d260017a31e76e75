namespace RnnSimd; internal static class Placeholder {}
